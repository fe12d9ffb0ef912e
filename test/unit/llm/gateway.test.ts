import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AnthropicGateway, isApiKeyShaped, retryAfterSeconds } from '../../../src/llm/anthropic';
import type { MessagesRequestBody } from '../../../src/core/prompt/request';
import { ModelCallError } from '../../../src/core/task/ports';
import type { RetryCause } from '../../../src/core/task/ports';
import { faults, start } from '../../support/standin/server';
import type { Standin } from '../../support/standin/server';

function body(model = 'claude-haiku-4-5'): MessagesRequestBody {
  return { model, max_tokens: 200, system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }] };
}

describe('AnthropicGateway against the stand-in (real SDK over HTTP)', () => {
  let standin: Standin;
  let key: string | undefined = 'sk-ant-unit-test-key-0000';
  const gateway = (maxRetries = 0) => new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 5_000, maxRetries });

  before(async () => {
    standin = await start({ port: 0 });
  });
  after(() => standin.close());
  beforeEach(() => {
    standin.reset();
    key = 'sk-ant-unit-test-key-0000';
  });

  test('streams text and returns the usage the API billed, with its request id', async () => {
    standin.script.enqueue({ text: 'Hello there, friend', deltas: 3 });
    const deltas: string[] = [];
    const usages: number[] = [];
    const result = await gateway().send({ body: body(), onText: (d) => deltas.push(d), onUsage: (u) => usages.push(u.output_tokens ?? 0) });
    assert.equal(result.text, 'Hello there, friend');
    assert.ok(deltas.length >= 2, 'several deltas');
    assert.deepEqual(result.usage.input_tokens, (standin.log[0]?.usage as { input_tokens: number }).input_tokens);
    assert.equal(result.requestId, standin.log[0]?.requestId);
    assert.ok(usages.length >= 2, 'usage reported at message_start and message_delta');
  });

  test('retries the SDK made are reported as unbilled attempts, each said as it is about to be retried', async () => {
    standin.script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2 });
    const retries: [RetryCause, number | undefined][] = [];
    const result = await gateway(2).send({ body: body(), onRetry: (status, seconds) => retries.push([status, seconds]) });
    assert.deepEqual(result.retried.map((r) => r.status), [529, 529]);
    assert.deepEqual(retries, [[529, 1], [529, 1]], 'the wait the API asked for, in whole seconds');
    assert.deepEqual(standin.log.map((e) => e.retryCount), [0, 1, 2]);
    // Out of retries: the last failure is not announced as a retry.
    standin.reset();
    standin.script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2 });
    retries.length = 0;
    await gateway(1).send({ body: body(), onRetry: (status, seconds) => retries.push([status, seconds]) }).catch(() => undefined);
    assert.equal(retries.length, 1);
  });

  test('a mid-stream overload keeps the usage billed so far', async () => {
    standin.script.fault(faults.midStreamError(2));
    const error = await gateway().send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ModelCallError);
    assert.equal(error.kind, 'overloaded');
    assert.ok((error.details.usage?.input_tokens ?? 0) > 0);
  });

  test('a stream that breaks before its final count: the output billed so far is estimated from the text received, not left at 1', async () => {
    const text = 'The orders module builds its SQL from strings; bind the customer as a parameter and keep the rest as it is. '.repeat(4);
    for (const fault of [faults.midStreamError(6), faults.reset(6)]) {
      standin.reset();
      standin.script.enqueue({ text, deltas: 10 });
      standin.script.fault(fault);
      let received = '';
      const error = await gateway().send({ body: body('claude-opus-4-8'), onText: (d) => { received += d; } }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ModelCallError, fault.type);
      // A reset is undici's "terminated", not an APIConnectionError: still a broken stream, billed, worth a fallback.
      assert.equal(error.kind, fault.type === 'reset' ? 'streamError' : 'overloaded');
      assert.ok(received.length > 100, 'text had arrived');
      const output = error.details.usage?.output_tokens ?? 0;
      const billed = (standin.log[0]?.usage as { output_tokens?: number } | undefined)?.output_tokens;
      assert.ok(output > 10, `${fault.type}: ${output} output tokens for ${received.length} characters`);
      // Never low: the ledger's rule for a partial count.
      if (billed !== undefined) assert.ok(output >= billed && output <= billed * 2, `${fault.type}: estimated ${output}, the stand-in billed ${billed}`);
      assert.equal(error.details.outputEstimated, true);
    }
  });

  test('the estimate for a broken or silent stream counts the thinking and the tool input that arrived, not only the answer text', async () => {
    const thinking = 'The lock is taken in two orders: the cache first in refresh, the index first in evict, so a refresh racing an evict can deadlock. '.repeat(6);
    const input = { path: 'src/cache.ts', edits: ['take the index lock before the cache lock in refresh', 'keep evict as it is'].join('; ').repeat(4) };
    const thinkingBody = { ...body('claude-opus-4-8'), max_tokens: 4_000, thinking: { type: 'enabled', budget_tokens: 2_000 } } as MessagesRequestBody;
    const quick = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 1_000, maxRetries: 0 });
    const cases = [
      { name: 'reset mid-thinking', reply: { thinking, text: 'Reorder the locks.', deltas: 10 }, fault: faults.reset(6), body: thinkingBody },
      { name: 'silent mid-thinking', reply: { thinking, text: 'Reorder the locks.', deltas: 10 }, fault: faults.hang(6), body: thinkingBody },
      { name: 'reset mid-tool-input', reply: { toolUse: { name: 'edit', input }, deltas: 8 }, fault: faults.reset(5), body: body('claude-opus-4-8') },
    ];
    for (const { name, reply, fault, body: sent } of cases) {
      standin.reset();
      standin.script.enqueue(reply);
      standin.script.fault(fault);
      let text = '';
      const error = await quick.send({ body: sent, onText: (d) => { text += d; } }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ModelCallError, name);
      assert.equal(text, '', `${name}: no answer text had arrived`);
      const output = error.details.usage?.output_tokens ?? 0;
      const billed = (standin.log[0]?.usage as { output_tokens?: number } | undefined)?.output_tokens ?? 0;
      assert.ok(billed > 50, `${name}: the stand-in billed ${billed}`);
      assert.ok(output >= billed && output <= billed * 2, `${name}: estimated ${output}, the stand-in billed ${billed}`);
      assert.equal(error.details.outputEstimated, true, name);
    }
  });

  test('cancelling mid-stream aborts the request and reports partial usage', async () => {
    standin.script.fault(faults.hang(1));
    const abort = new AbortController();
    const pending = gateway().send({ body: body(), signal: abort.signal, onText: () => abort.abort() });
    const error = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ModelCallError);
    assert.equal(error.kind, 'cancelled');
    assert.ok((error.details.usage?.input_tokens ?? 0) > 0);
  });

  test('a stream that goes silent after its headers is abandoned after the timeout: billed, with its request id, and worth a fallback', async () => {
    standin.script.fault(faults.hang(1));
    const started = Date.now();
    const quick = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 1_000, maxRetries: 0 });
    const error = await quick.send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ModelCallError);
    assert.equal(error.kind, 'streamError', 'the answer had started: billed, and another model may answer');
    assert.equal(error.message, 'Nothing arrived for 1 s, so the request was abandoned.');
    assert.ok((error.details.usage?.input_tokens ?? 0) > 0, 'the input billed at message_start is kept');
    assert.equal(error.details.requestId, standin.log[0]?.requestId, 'the request id to reconcile the charge by');
    assert.ok(Date.now() - started < 4_000, `abandoned after about a second, not left waiting (${Date.now() - started} ms)`);
  });

  test('a cancel during a silent stream is a cancel, not a stall', async () => {
    standin.script.fault(faults.hang(1));
    const abort = new AbortController();
    const quick = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 60_000, maxRetries: 0 });
    const pending = quick.send({ body: body(), signal: abort.signal, onText: () => setTimeout(() => abort.abort(), 50) });
    const error = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ModelCallError);
    assert.equal(error.kind, 'cancelled');
    assert.equal(error.details.requestId, standin.log[0]?.requestId);
  });

  test('countTokens gives up after 5 s even when the body stops after the headers', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"input_tok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const stalled = new AnthropicGateway({ baseURL: `http://127.0.0.1:${port}`, getApiKey: async () => key, timeoutMs: 60_000, maxRetries: 0 });
      const started = Date.now();
      const error = await stalled.countTokens(body()).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ModelCallError, 'refused, so the caller uses its local estimate');
      assert.ok(Date.now() - started < 8_000, `${Date.now() - started} ms`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('401, 404 and no key map to kinds the policy understands; the key is in no message', async () => {
    standin.script.fault({ type: 'status', status: 401, errorType: 'authentication_error' });
    const unauthorized = await gateway().send({ body: body() }).catch((e: ModelCallError) => e);
    assert.equal((unauthorized as ModelCallError).kind, 'auth');
    assert.ok(!(unauthorized as Error).message.includes('sk-ant-unit-test'));
    const unknown = await gateway().send({ body: body('claude-nonexistent-9') }).catch((e: ModelCallError) => e);
    assert.equal((unknown as ModelCallError).kind, 'notFound');
    key = undefined;
    const missing = await gateway().send({ body: body() }).catch((e: ModelCallError) => e);
    assert.equal((missing as ModelCallError).kind, 'auth');
    assert.equal(standin.log.length, 2, 'no request without a key');
  });

  test('a key pasted with an invisible or typographic character is never sent (fetch would refuse it, with the key in its message)', async () => {
    for (const bad of ['sk-ant-api03-abc\u200bdef-1234', 'sk-ant-api03-abc\u2019def-1234', 'sk-ant-api03-abc\u0000def-1234', 'sk-ant-api03-abc\u007fdef-1234']) {
      key = bad;
      const error = await gateway().send({ body: body() }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ModelCallError);
      assert.equal(error.kind, 'auth');
      assert.match(error.message, /^The stored API key has a character no API key has/);
      assert.ok(!error.message.includes('sk-ant'), 'the key is in no message');
    }
    assert.equal(standin.log.length, 0, 'nothing went out');
    assert.ok(isApiKeyShaped('sk-ant-api03-AbC_d-9'));
  });

  test('the wait the API asks for, in any of its forms', () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });
    const now = Date.parse('2026-11-24T12:00:00Z');
    assert.equal(retryAfterSeconds(headers({ 'retry-after': '20' }), now), 20);
    assert.equal(retryAfterSeconds(headers({ 'retry-after-ms': '4000', 'retry-after': '9' }), now), 4, 'the finer header first');
    assert.equal(retryAfterSeconds(headers({ 'retry-after': 'Tue, 24 Nov 2026 12:00:30 GMT' }), now), 30);
    assert.equal(retryAfterSeconds(headers({ 'retry-after': 'Tue, 24 Nov 2026 11:00:00 GMT' }), now), undefined, 'a date in the past asks for no wait');
    assert.equal(retryAfterSeconds(headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(retryAfterSeconds(undefined, now), undefined);
  });

  test('odd usage counts from the API or a proxy are counted, not refused, and named for the record', async () => {
    const cases: [unknown, string, number, RegExp][] = [
      [400.5, 'input_tokens', 401, /input_tokens 400\.5 counted as 401/],
      ['400', 'input_tokens', 400, /input_tokens "400" counted as 400/],
      [-5, 'cache_read_input_tokens', 0, /cache_read_input_tokens -5 counted as 0/],
    ];
    for (const [value, field, counted, note] of cases) {
      standin.reset();
      standin.script.fault(faults.oddUsage(field, value));
      const result = await gateway().send({ body: body() });
      assert.equal(result.usage[field as 'input_tokens'], counted);
      assert.match(result.usageNote ?? '', note);
    }
  });

  test('a final usage without output_tokens keeps the best estimate of the output (what arrived), never 0', async () => {
    standin.script.enqueue({ text: 'The orders module builds its SQL from strings; bind the customer as a parameter.' });
    standin.script.fault(faults.oddUsage('output_tokens', undefined, 'message_delta'));
    const result = await gateway().send({ body: body() });
    const billed = (standin.log[0]?.usage as { output_tokens: number }).output_tokens;
    assert.ok((result.usage.output_tokens ?? 0) >= billed, `${result.usage.output_tokens} < ${billed}`);
    assert.match(result.usageNote ?? '', /no usable output_tokens in the final usage: estimated from the text received/);
  });

  test('an unreadable count is estimated high, not booked as 0: output from what arrived, input from the prompt', async () => {
    for (const value of ['n/a', -1, 'NaN']) {
      standin.reset();
      standin.script.enqueue({ text: 'The orders module builds its SQL from strings; bind the customer as a parameter.' });
      standin.script.fault(faults.oddUsage('output_tokens', value, 'message_delta'));
      const result = await gateway().send({ body: body() });
      const billed = (standin.log[0]?.usage as { output_tokens: number }).output_tokens;
      assert.ok((result.usage.output_tokens ?? 0) >= billed, `output ${String(value)}: ${result.usage.output_tokens} < ${billed}`);
      assert.match(result.usageNote ?? '', /estimated from the text received/);
    }
    standin.reset();
    standin.script.fault(faults.oddUsage('input_tokens', 'n/a'));
    const result = await gateway().send({ body: body() });
    const billed = (standin.log[0]?.usage as { input_tokens: number }).input_tokens;
    assert.ok((result.usage.input_tokens ?? 0) >= billed, `input: ${result.usage.input_tokens} < ${billed}`);
    assert.match(result.usageNote ?? '', /input_tokens estimated from the prompt/);
  });

  test('an error that quotes the key back has it redacted, whatever its shape: a 403, and an event: error mid-stream', async () => {
    key = 'proxy-issued-token-0123456789';
    standin.script.fault({ type: 'status', status: 403, errorType: 'permission_error', message: `Invalid API key: ${key}` });
    const forbidden = await gateway().send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.ok(forbidden instanceof ModelCallError);
    assert.equal(forbidden.kind, 'permission');
    assert.equal(forbidden.message, 'Invalid API key: [redacted]');
    standin.script.fault({ type: 'midStreamError', afterDeltas: 1, errorType: 'api_error', message: `Invalid API key: ${key}` });
    const broken = await gateway().send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.ok(broken instanceof ModelCallError);
    assert.equal(broken.message, 'The stream failed: Invalid API key: [redacted]');
    assert.ok((broken.details.usage?.input_tokens ?? 0) > 0, 'billed, so recorded');
  });

  test('a retry-after longer than 20 s is not waited out: the call fails at once, saying how long it was asked to wait', async () => {
    for (const fault of [faults.rateLimited(75), faults.overloaded({ retryAfterMs: 25_000 })]) {
      standin.reset();
      standin.script.fault(fault);
      const retries: unknown[] = [];
      const started = Date.now();
      const error = await gateway(2).send({ body: body(), onRetry: (cause, seconds) => retries.push([cause, seconds]) }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ModelCallError);
      assert.ok(Date.now() - started < 3_000, `${Date.now() - started} ms`);
      assert.equal(standin.log.length, 1, 'not retried');
      assert.deepEqual(retries, []);
      const wait = fault.type === 'status' && fault.status === 429 ? 75 : 25;
      assert.equal(error.details.retryAfterSeconds, wait);
      assert.match(error.message, new RegExp(`asked to wait ${wait} s`));
      assert.deepEqual(error.details.retried, [], 'the one attempt is the failure itself');
    }
  });

  test('an attempt that timed out and that the SDK retries is reported, with no wait; a cancel is not', async () => {
    standin.script.fault(faults.slowFirstByte(3_000), { times: 1 });
    const retries: unknown[] = [];
    const quick = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 300, maxRetries: 1 });
    const result = await quick.send({ body: body(), onRetry: (cause, seconds) => retries.push([cause, seconds]) });
    assert.deepEqual(standin.log.map((e) => e.retryCount), [0, 1]);
    assert.ok(result.text.length > 0);
    assert.deepEqual(retries, [['timeout', undefined]]);
    assert.deepEqual(result.retried, [{ timedOutSeconds: 0.3 }], 'for the ledger, like a retried 529: no status, no request id, no usage');
    // Timed out, then out of retries on a 529: the timed-out attempt is one of those retried before the failure.
    standin.reset();
    standin.script.fault(faults.slowFirstByte(3_000));
    standin.script.fault({ type: 'status', status: 529, shouldRetry: false });
    const failed = await quick.send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.equal((failed as ModelCallError).kind, 'overloaded');
    assert.deepEqual((failed as ModelCallError).details.retried, [{ timedOutSeconds: 0.3 }]);
    standin.reset();
    standin.script.fault(faults.slowFirstByte(3_000));
    const afterCancel: unknown[] = [];
    const abort = new AbortController();
    const slow = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 60_000, maxRetries: 1 });
    const sent = slow.send({ body: body(), signal: abort.signal, onRetry: (cause, seconds) => afterCancel.push([cause, seconds]) }).then(() => undefined, (e: unknown) => e);
    // Cancelled while the stand-in holds it: a request cancelled before the stand-in read it
    // would be read later, after the next test's reset, and take that test's scripted fault.
    for (const deadline = Date.now() + 30_000; standin.log[0]?.fault !== 'slowFirstByte';) {
      assert.ok(Date.now() < deadline, 'the request reaches the stand-in');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    abort.abort();
    const error = await sent;
    assert.equal((error as ModelCallError).kind, 'cancelled');
    assert.deepEqual(afterCancel, []);
  });

  test('a request\'s own maxRetries and timeoutMs win over the gateway\'s', async () => {
    standin.script.fault(faults.overloaded({ retryAfterMs: 1 }));
    const error = await gateway(2).send({ body: body(), maxRetries: 0 }).then(() => undefined, (e: unknown) => e);
    assert.equal((error as ModelCallError).kind, 'overloaded');
    assert.equal(standin.log.length, 1, 'no retry');
    standin.reset();
    standin.script.fault(faults.slowFirstByte(5_000));
    const patient = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => key, timeoutMs: 60_000, maxRetries: 0 });
    const started = Date.now();
    const timedOut = await patient.send({ body: body(), timeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
    assert.equal((timedOut as ModelCallError).kind, 'timeout');
    assert.equal((timedOut as ModelCallError).message, 'No response in 0.3 s, so the request was abandoned; the API may still have processed it and billed it.', 'the record says how long, and that a bill may follow');
    assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`);
  });

  test('a 200 whose stream cannot be read is a broken stream (worth a fallback), not "could not reach the host"', async () => {
    standin.script.fault(faults.garbled(0, true));
    const first = await gateway().send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.ok(first instanceof ModelCallError);
    assert.equal(first.kind, 'streamError');
    assert.match(first.message, /^The API at 127\.0\.0\.1:\d+ sent a reply Ladder could not read \(.+\)\.$/);
    standin.reset();
    standin.script.fault(faults.garbled(2));
    const later = await gateway().send({ body: body() }).then(() => undefined, (e: unknown) => e);
    assert.ok(later instanceof ModelCallError);
    assert.equal(later.kind, 'streamError');
    assert.match(later.message, /could not read/);
    assert.ok((later.details.usage?.input_tokens ?? 0) > 0, 'the answer had started: billed');
    assert.equal(later.details.outputEstimated, true);
  });

  test('a stream that ends after message_delta (only message_stop missing) is the answer, billed in full, not a failure', async () => {
    standin.script.enqueue({ text: 'The whole answer, with its final count.', deltas: 3 });
    standin.script.fault(faults.noMessageStop());
    const result = await gateway().send({ body: body() });
    assert.equal(result.text, 'The whole answer, with its final count.');
    assert.equal(result.stopReason, 'end_turn');
    assert.deepEqual(result.usage.output_tokens, (standin.log[0]?.usage as { output_tokens: number }).output_tokens);
    assert.equal(result.requestId, standin.log[0]?.requestId);
  });

  test('a message_delta with no usage at all keeps the answer that streamed whole, its output estimated high and said so, and buys it nowhere else', async () => {
    const text = 'The orders module builds its SQL from strings; bind the customer as a parameter and keep the rest as it is. '.repeat(3);
    standin.script.enqueue({ text, deltas: 5 });
    standin.script.fault(faults.noDeltaUsage());
    const result = await gateway(2).send({ body: body('claude-opus-4-8') });
    assert.equal(result.text, text);
    assert.equal(result.stopReason, 'end_turn');
    assert.equal(result.requestId, standin.log[0]?.requestId);
    assert.equal(standin.log.length, 1, 'not asked again');
    const billed = standin.log[0]?.usage as { input_tokens: number; output_tokens: number };
    assert.equal(result.usage.input_tokens, billed.input_tokens, 'the input from message_start');
    const output = result.usage.output_tokens ?? 0;
    assert.ok(output >= billed.output_tokens && output <= billed.output_tokens * 2, `estimated ${output}, the stand-in billed ${billed.output_tokens}`);
    assert.match(result.usageNote ?? '', /no usage; no usable output_tokens in the final usage: estimated from the text received/);
  });

  test('countTokens equals what /v1/messages bills for the same prompt', async () => {
    const counted = await gateway().countTokens(body('claude-sonnet-4-6'));
    const sent = await gateway().send({ body: body('claude-sonnet-4-6') });
    assert.equal(counted, (sent.usage.input_tokens ?? 0) + (sent.usage.cache_read_input_tokens ?? 0) + (sent.usage.cache_creation_input_tokens ?? 0));
  });
});
