import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APIError, OverloadedError } from '@anthropic-ai/sdk';
import type { RequestLogEntry } from '../../support/standin/log';
import { cachedSystem, raw, request, textOfTokens, useStandin } from './fixtures';

/** The control endpoints, driven the way an out-of-process user would: plain HTTP. */
describe('standin: control endpoints', () => {
  const ctx = useStandin();
  beforeEach(() => ctx.standin.reset());

  const control = (path: string, json?: unknown): ReturnType<typeof raw> =>
    raw(ctx.standin.url, `/_standin/${path}`, json === undefined ? {} : { json });

  test('health answers with the base URL', async () => {
    const health = await control('health');
    assert.deepEqual(health.body, { ok: true, url: ctx.standin.url });
  });

  test('faults and replies scripted over HTTP apply to the next SDK calls', async () => {
    await control('faults', { fault: { type: 'status', status: 529 }, times: 1 });
    await control('replies', { replies: [{ text: 'from control' }] });
    await control('replies', { match: { system: { regex: 'ladder task: review', flags: 'i' } }, reply: { json: { findings: [] } } });
    const client = ctx.client();
    await assert.rejects(client.messages.create(request()), OverloadedError);
    const queued = await client.messages.create(request());
    const matched = await client.messages.create(request({ system: 'Ladder task: review' }));
    assert.deepEqual(queued.content[0], { type: 'text', text: 'from control', citations: null });
    assert.deepEqual(matched.content[0]?.type === 'text' && JSON.parse(matched.content[0].text), { findings: [] });
  });

  test('a mid-stream fault can be scripted over HTTP', async () => {
    await control('faults', { fault: { type: 'midStreamError', afterDeltas: 1, errorType: 'api_error' } });
    const stream = ctx.client().messages.stream(request());
    await assert.rejects(stream.finalMessage(), (err: unknown) => err instanceof APIError && err.type === 'api_error');
  });

  test('bad control bodies are 400 with a reason', async () => {
    const unknownFault = await control('faults', { fault: { type: 'explode' } });
    assert.equal(unknownFault.status, 400);
    assert.match(JSON.stringify(unknownFault.body), /unknown fault type/);
    const badClock = await control('clock', { advanceMs: -5 });
    assert.equal(badClock.status, 400);
    const notThere = await control('nothing', {});
    assert.equal(notThere.status, 404);
  });

  test('log, clock, cache and reset', async () => {
    const client = ctx.client();
    const system = cachedSystem(textOfTokens(4200, 'claude-haiku-4-5'));
    await client.messages.create(request({ system }));
    const log = (await control('log')).body as { entries: RequestLogEntry[] };
    assert.equal(log.entries.length, 1);
    assert.equal(log.entries[0]?.headers.authorization, 'Bearer [redacted]');
    const since = (await raw(ctx.standin.url, `/_standin/log?since=${log.entries[0]?.seq}`)).body as { entries: RequestLogEntry[] };
    assert.deepEqual(since.entries, []);

    const cache = (await control('cache')).body as { entries: { ttl: string; tokens: number }[] };
    assert.equal(cache.entries.length, 1);
    assert.equal(cache.entries[0]?.ttl, '5m');
    const { now: before } = (await control('clock')).body as { now: number };
    const { now: after } = (await control('clock', { advanceMs: 6 * 60_000 })).body as { now: number };
    assert.ok(after - before >= 6 * 60_000);
    assert.deepEqual(((await control('cache')).body as { entries: unknown[] }).entries, []);

    await control('reset', {});
    assert.deepEqual(((await control('log')).body as { entries: unknown[] }).entries, []);
    assert.equal(ctx.standin.log.length, 0);
  });

  test('config lowers the minimum cacheable length for a model', async () => {
    await control('config', { minCacheable: { 'claude-haiku-4-5': 50 } });
    const message = await ctx.client().messages.create(request({ system: cachedSystem(textOfTokens(80, 'claude-haiku-4-5')) }));
    assert.ok((message.usage.cache_creation_input_tokens ?? 0) >= 80);
  });
});
