import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AnthropicGateway } from '../../../src/llm/anthropic';
import type { MessagesRequestBody } from '../../../src/core/prompt/request';
import { ModelCallError } from '../../../src/core/task/ports';
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

  test('retries the SDK made are reported as unbilled attempts', async () => {
    standin.script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2 });
    const result = await gateway(2).send({ body: body() });
    assert.deepEqual(result.retried.map((r) => r.status), [529, 529]);
    assert.deepEqual(standin.log.map((e) => e.retryCount), [0, 1, 2]);
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
      if (billed !== undefined) assert.ok(output >= billed * 0.5 && output <= billed * 2, `${fault.type}: estimated ${output}, the stand-in billed ${billed}`);
      assert.equal(error.details.outputEstimated, true);
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

  test('countTokens equals what /v1/messages bills for the same prompt', async () => {
    const counted = await gateway().countTokens(body('claude-sonnet-4-6'));
    const sent = await gateway().send({ body: body('claude-sonnet-4-6') });
    assert.equal(counted, (sent.usage.input_tokens ?? 0) + (sent.usage.cache_read_input_tokens ?? 0) + (sent.usage.cache_creation_input_tokens ?? 0));
  });
});
