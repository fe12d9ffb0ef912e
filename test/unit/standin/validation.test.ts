import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic, { AuthenticationError, BadRequestError, ContentTooLargeError } from '@anthropic-ai/sdk';
import { raw, request, TEST_KEY, useStandin } from './fixtures';

interface ErrorShape {
  type: string;
  error: { type: string; message: string };
  request_id: string;
}

function asError(body: unknown): ErrorShape {
  const shape = body as ErrorShape;
  assert.equal(shape.type, 'error');
  assert.equal(typeof shape.error.message, 'string');
  assert.match(shape.request_id, /^req_011/);
  return shape;
}

describe('standin: validation and errors in the API shape', () => {
  const ctx = useStandin({ maxBodyBytes: 64 * 1024 });

  const badBodies: { name: string; body: Record<string, unknown>; field: RegExp }[] = [
    { name: 'missing model', body: { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, field: /^model: Field required/ },
    { name: 'missing max_tokens', body: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }, field: /^max_tokens: Field required/ },
    { name: 'missing messages', body: { model: 'claude-haiku-4-5', max_tokens: 10 }, field: /^messages: Field required/ },
    { name: 'bad role', body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'robot', content: 'hi' }] }, field: /^messages\.0\.role:/ },
    { name: 'empty content', body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: '' }] }, field: /^messages\.0\.content:.*non-empty/ },
    { name: 'empty text block', body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, field: /^messages\.0\.content\.0\.text:/ },
    { name: 'unknown block type', body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'video' }] }] }, field: /^messages\.0\.content\.0\.type:/ },
    { name: 'max_tokens too large', body: { model: 'claude-haiku-4-5', max_tokens: 10_000_000, messages: [{ role: 'user', content: 'hi' }] }, field: /^max_tokens: 10000000 > 64000/ },
    { name: 'bad cache ttl', body: { model: 'claude-haiku-4-5', max_tokens: 10, system: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '2h' } }], messages: [{ role: 'user', content: 'hi' }] }, field: /^system\.0\.cache_control\.ttl:/ },
    { name: 'extra field', body: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], colour: 'blue' }, field: /^colour: Extra inputs/ },
    { name: 'prefill on Fable', body: { model: 'claude-fable-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Sure' }] }, field: /prefill/ },
    { name: 'thinking with a forced tool', body: { model: 'claude-opus-4-8', max_tokens: 4000, thinking: { type: 'adaptive' }, tools: [{ name: 't', input_schema: { type: 'object' } }], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'hi' }] }, field: /^tool_choice: Thinking/ },
    { name: 'thinking enabled on Fable', body: { model: 'claude-fable-5', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'hi' }] }, field: /^thinking\.type:/ },
  ];

  for (const { name, body, field } of badBodies) {
    test(`400 invalid_request_error naming the field: ${name}`, async () => {
      // An explicit timeout switches off the SDK's client-side guard on large max_tokens.
      await assert.rejects(ctx.client({ timeout: 10_000 }).messages.create(body as never), (err: unknown) =>
        err instanceof BadRequestError && err.type === 'invalid_request_error' && field.test(String((err.error as ErrorShape).error.message)));
    });
  }

  test('malformed JSON → 400 quoting the parse error', async () => {
    const response = await raw(ctx.standin.url, '/v1/messages', { method: 'POST', body: '{"model": "claude-haiku-4-5",', headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 400);
    assert.match(asError(response.body).error.message, /^Invalid JSON in request body: .+/);
    assert.equal(response.headers.get('content-type'), 'application/json');
  });

  test('unknown endpoint → 404 not_found_error in the API shape', async () => {
    const response = await raw(ctx.standin.url, '/v1/completions', { json: {} });
    assert.equal(response.status, 404);
    assert.equal(asError(response.body).error.type, 'not_found_error');
  });

  test('a body over the limit → 413 request_too_large', async () => {
    const huge = 'x'.repeat(70 * 1024);
    await assert.rejects(ctx.client().messages.create(request({ messages: [{ role: 'user', content: huge }] })), (err: unknown) =>
      err instanceof ContentTooLargeError && err.type === ('request_too_large' as never));
  });

  test('no key → 401 authentication_error; x-api-key and Bearer both work', async () => {
    const response = await raw(ctx.standin.url, '/v1/messages', { json: request(), headers: { authorization: '' } });
    assert.equal(response.status, 401);
    assert.equal(asError(response.body).error.type, 'authentication_error');
    const viaHeader = new Anthropic({ apiKey: null, baseURL: ctx.standin.url, maxRetries: 0, defaultHeaders: { 'x-api-key': TEST_KEY, Authorization: null } });
    const viaBearer = ctx.client();
    const before = ctx.standin.log.length;
    await viaHeader.messages.create(request());
    await viaBearer.messages.create(request());
    const [headerEntry, bearerEntry] = ctx.standin.log.slice(before);
    assert.equal(headerEntry?.headers['x-api-key'], '[redacted]');
    assert.equal(headerEntry?.headers.authorization, undefined);
    assert.equal(bearerEntry?.headers.authorization, 'Bearer [redacted]');
  });

  test('both anthropic-version values are accepted; a missing or unknown one is 400', async () => {
    for (const version of ['2023-06-01', '2026-10-21']) {
      const ok = await raw(ctx.standin.url, '/v1/messages', { json: request(), headers: { 'anthropic-version': version } });
      assert.equal(ok.status, 200, version);
    }
    const unknown = await raw(ctx.standin.url, '/v1/messages', { json: request(), headers: { 'anthropic-version': '1999-01-01' } });
    assert.equal(unknown.status, 400);
    assert.match(asError(unknown.body).error.message, /anthropic-version/);
  });

  test('every response carries request-id, errors included', async () => {
    const responses = await Promise.all([
      raw(ctx.standin.url, '/v1/models'),
      raw(ctx.standin.url, '/nope'),
      raw(ctx.standin.url, '/v1/messages', { json: { model: 'x' } }),
    ]);
    for (const response of responses) assert.match(response.headers.get('request-id') ?? '', /^req_011/);
  });
});

describe('standin: requireKey', () => {
  const ctx = useStandin({ requireKey: TEST_KEY });

  test('a wrong key is 401, the right one passes', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-wrong', baseURL: ctx.standin.url, maxRetries: 0 });
    await assert.rejects(wrong.messages.create(request()), AuthenticationError);
    const message = await ctx.client().messages.create(request());
    assert.equal(message.type, 'message');
  });
});

/** A small deterministic PRNG so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 8));
  switch (pick) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return Math.floor(next() * 2_000_000) - 1_000_000;
    case 3: return ['', 'user', 'assistant', 'text', 'claude-haiku-4-5', 'ephemeral', '1h', '💥', 'tool_use'][Math.floor(next() * 9)];
    case 4: return 'x'.repeat(Math.floor(next() * 40));
    case 5: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const keys = ['model', 'max_tokens', 'messages', 'role', 'content', 'type', 'text', 'system', 'tools', 'cache_control', 'stream', 'name', 'input', 'ttl', 'requests', 'params', 'custom_id'];
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) out[keys[Math.floor(next() * keys.length)] ?? 'x'] = randomValue(next, depth + 1);
      return out;
    }
  }
}

describe('standin: fuzz', () => {
  const ctx = useStandin();

  test('random bodies on every endpoint get an API-shaped answer and never crash the server', async () => {
    const next = prng(20261122);
    const paths = ['/v1/messages', '/v1/messages/count_tokens', '/v1/messages/batches'];
    const statuses = new Map<number, number>();
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 10 }, async (_, i) => {
        const path = paths[(round + i) % paths.length] ?? '/v1/messages';
        const mode = next();
        const body = mode < 0.1 ? '{"broken' : mode < 0.15 ? '' : JSON.stringify(mode < 0.4
          ? { model: 'claude-haiku-4-5', max_tokens: 16, messages: randomValue(next, 1) }
          : randomValue(next, 0));
        const response = await raw(ctx.standin.url, path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        assert.ok([200, 400, 404, 413].includes(response.status), `unexpected ${response.status} for ${body}`);
        assert.match(response.headers.get('request-id') ?? '', /^req_011/);
        if (response.status !== 200) asError(response.body);
      }));
    }
    assert.ok((statuses.get(400) ?? 0) > 50, 'most random bodies are rejected');
    const health = await raw(ctx.standin.url, '/_standin/health');
    assert.equal(health.status, 200);
  });

  test('a garbage request line gets a 400 and the server keeps serving', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(ctx.standin.url).port);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => { data += chunk.toString(); });
      socket.on('close', () => resolve(data));
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.match(reply, /request-id: req_011/);
    const health = await raw(ctx.standin.url, '/_standin/health');
    assert.equal(health.status, 200);
  });
});
