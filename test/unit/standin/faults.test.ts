import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, InternalServerError, OverloadedError,
  RateLimitError, ServiceUnavailableError,
} from '@anthropic-ai/sdk';
import type { RequestLogEntry } from '../../support/standin/log';
import { faults } from '../../support/standin/server';
import { countTokens } from '../../support/standin/tokens';
import { cachedSystem, request, textOfTokens, useStandin } from './fixtures';

const LONG_TEXT = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen.';

/** Waits until the server has finished with a log entry (the client may give up first). */
async function settled(entries: RequestLogEntry[], index: number): Promise<RequestLogEntry> {
  for (let i = 0; i < 200; i++) {
    const entry = entries[index];
    if (entry?.durationMs !== undefined) return entry;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`log entry ${index} never settled`);
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(predicate(), 'condition never became true');
}

describe('standin: fault injection', () => {
  const ctx = useStandin();
  beforeEach(() => ctx.standin.reset());

  test('the SDK retries a 529 and the log shows x-stainless-retry-count 0, 1, 2', async () => {
    ctx.standin.script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2 });
    ctx.standin.script.enqueue({ text: 'third time lucky' });
    const message = await ctx.client({ maxRetries: 2 }).messages.create(request());
    assert.deepEqual(message.content[0], { type: 'text', text: 'third time lucky', citations: null });
    assert.deepEqual(ctx.standin.log.map((e) => e.retryCount), [0, 1, 2]);
    assert.deepEqual(ctx.standin.log.map((e) => e.status), [529, 529, 200]);
    assert.deepEqual(ctx.standin.log.map((e) => e.errorType), ['overloaded_error', 'overloaded_error', undefined]);
    assert.equal(ctx.standin.log[0]?.usage, undefined);
  });

  test('status faults map to the SDK error classes with their headers', async () => {
    const client = ctx.client();
    const { script } = ctx.standin;
    script.fault(faults.rateLimited(7));
    await assert.rejects(client.messages.create(request()), (err: unknown) =>
      err instanceof RateLimitError && err.headers?.get('retry-after') === '7' && err.type === 'rate_limit_error');
    script.fault(faults.overloaded());
    await assert.rejects(client.messages.create(request()), (err: unknown) => err instanceof OverloadedError && err.status === 529);
    script.fault(faults.serverError());
    await assert.rejects(client.messages.create(request()), (err: unknown) => err instanceof InternalServerError && err.type === 'api_error');
    script.fault(faults.unavailable());
    await assert.rejects(client.messages.create(request()), (err: unknown) => err instanceof ServiceUnavailableError);
    script.fault({ type: 'status', status: 503, shouldRetry: false });
    await assert.rejects(ctx.client({ maxRetries: 2 }).messages.create(request()), ServiceUnavailableError);
    assert.equal(ctx.standin.log.at(-1)?.retryCount, 0, 'x-should-retry: false stopped the retries');
  });

  test('faults can target other endpoints and match on the request', async () => {
    const client = ctx.client();
    ctx.standin.script.fault(faults.overloaded(), { endpoint: 'count_tokens' });
    ctx.standin.script.fault(faults.serverError(), { match: { model: 'claude-opus-4-8' } });
    await client.messages.create(request());
    await assert.rejects(client.messages.countTokens({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }), OverloadedError);
    await assert.rejects(client.messages.create(request({ model: 'claude-opus-4-8' })), InternalServerError);
    assert.deepEqual(ctx.standin.script.pending(), { queued: 0, matchers: 0, faults: 0 });
  });

  test('a mid-stream error event is thrown after the deltas before it, and the partial answer is billed', async () => {
    ctx.standin.script.enqueue({ text: LONG_TEXT, deltas: 6, fault: faults.midStreamError(2) });
    const stream = ctx.client().messages.stream(request());
    const seen: string[] = [];
    stream.on('text', (t) => seen.push(t));
    await assert.rejects(stream.finalMessage(), (err: unknown) => err instanceof APIError && err.status === undefined && err.type === 'overloaded_error');
    assert.equal(seen.length, 2);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.status, 200);
    assert.equal(entry.outcome, 'mid_stream_error');
    assert.equal(entry.usage?.output_tokens, countTokens(seen.join(''), 'legacy'));
    assert.ok((entry.usage?.input_tokens ?? 0) > 0);
  });

  test('a connection reset mid-stream surfaces as an error and is billed as far as it got', async () => {
    ctx.standin.script.enqueue({ text: LONG_TEXT, deltas: 6, fault: faults.reset(3) });
    const stream = ctx.client().messages.stream(request());
    await assert.rejects(stream.finalMessage());
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'reset');
    assert.ok((entry.usage?.output_tokens ?? 0) > 0);
    assert.ok((entry.usage?.output_tokens ?? 0) < countTokens(LONG_TEXT, 'legacy'));
  });

  test('a reset before any byte of a non-streaming answer is a connection error, not billed', async () => {
    ctx.standin.script.fault(faults.reset());
    await assert.rejects(ctx.client().messages.create(request()), APIConnectionError);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'reset');
    assert.equal(entry.usage, undefined);
  });

  test('a message_delta without usage: the raw events carry the whole answer and no usage key, the bill is in full, and the SDK helper throws on it', async () => {
    ctx.standin.script.enqueue({ text: LONG_TEXT, fault: faults.noDeltaUsage() });
    const events = await ctx.client().messages.create({ ...request(), stream: true });
    let text = '';
    let delta: Record<string, unknown> | undefined;
    for await (const event of events) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') delta = event as unknown as Record<string, unknown>;
    }
    assert.equal(text, LONG_TEXT);
    assert.equal(delta?.type, 'message_delta');
    assert.equal('usage' in (delta ?? {}), false);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.usage?.output_tokens, countTokens(LONG_TEXT, 'legacy'));
    ctx.standin.script.enqueue({ text: LONG_TEXT, fault: faults.noDeltaUsage() });
    await assert.rejects(ctx.client().messages.stream(request()).finalMessage(), /Cannot read properties of undefined \(reading 'output_tokens'\)/);
  });

  test('a slow first byte trips the client timeout; nothing is billed or cached', async () => {
    ctx.standin.script.fault(faults.slowFirstByte(2_000));
    const system = cachedSystem(textOfTokens(5000, 'claude-haiku-4-5'));
    await assert.rejects(ctx.client({ timeout: 100 }).messages.create(request({ system })), APIConnectionTimeoutError);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'aborted');
    assert.equal(entry.usage, undefined);
    assert.deepEqual(ctx.standin.cacheEntries(), []);
  });

  test('a slow first byte within the timeout still answers', async () => {
    ctx.standin.script.fault(faults.slowFirstByte(60));
    const started = performance.now();
    const message = await ctx.client().messages.create(request());
    assert.ok(performance.now() - started >= 55);
    assert.equal(message.type, 'message');
  });

  test('a hung stream stays open until the client aborts, and is billed for what it sent', async () => {
    ctx.standin.script.enqueue({ text: LONG_TEXT, deltas: 5, fault: faults.hang(1) });
    const stream = ctx.client().messages.stream(request());
    const first = await new Promise<string>((resolve) => stream.on('text', resolve));
    await until(() => ctx.standin.log[0]?.outcome === 'hung');
    stream.abort();
    await assert.rejects(stream.finalMessage(), APIUserAbortError);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'aborted');
    assert.equal(entry.usage?.output_tokens, countTokens(first, 'legacy'));
  });

  test('aborting mid-stream through a signal stops the server writing', async () => {
    ctx.standin.script.enqueue({ text: LONG_TEXT, deltas: 8, delayMs: 15 });
    const controller = new AbortController();
    const stream = ctx.client().messages.stream(request(), { signal: controller.signal });
    let count = 0;
    stream.on('text', () => {
      count++;
      if (count === 2) controller.abort();
    });
    await assert.rejects(stream.finalMessage(), APIUserAbortError);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'aborted');
    assert.ok((entry.usage?.output_tokens ?? 0) < countTokens(LONG_TEXT, 'legacy'));
  });

  test('a hung non-streaming request is released when the client aborts', async () => {
    ctx.standin.script.fault(faults.hang());
    const controller = new AbortController();
    const pending = ctx.client().messages.create(request(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(pending, APIUserAbortError);
    const entry = await settled(ctx.standin.log, 0);
    assert.equal(entry.outcome, 'aborted');
  });
});
