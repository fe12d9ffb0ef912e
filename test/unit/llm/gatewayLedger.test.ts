import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { callsSaid } from '../../../src/core/ledger/format';
import type { CallRecord } from '../../../src/core/ledger/record';
import { LedgerSummary } from '../../../src/core/ledger/summary';
import { attemptsOf } from '../../../src/core/ledger/tooltip';
import { runStep } from '../../../src/core/task/runStep';
import type { StepPolicy, StepRoute } from '../../../src/core/task/runStep';
import { AnthropicGateway } from '../../../src/llm/anthropic';
import { faults, start } from '../../support/standin/server';
import type { Standin } from '../../support/standin/server';

const OPUS: StepRoute = { tier: 'O', model: 'claude-opus-4-8', reasons: ['judgment'] };

/** Falls back from Opus to Sonnet, as the routing policy does after a broken stream. */
const policy: StepPolicy<StepRoute> = {
  escalate: () => undefined,
  fallback: (route) => (route.tier === 'O' ? { tier: 'S', model: 'claude-sonnet-4-6', reasons: [...route.reasons, 'fell back'] } : undefined),
};

describe('the ledger rows of a step through the real SDK and the stand-in', () => {
  let standin: Standin;
  before(async () => {
    standin = await start({ port: 0 });
  });
  after(() => standin.close());
  beforeEach(() => standin.reset());

  /** Runs one step on Opus and returns its ledger records with the tooltip's and the report's counts of them. */
  async function step(options: { timeoutMs?: number; maxRetries?: number } = {}) {
    const gateway = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => 'sk-ant-unit-test-key-0000', timeoutMs: options.timeoutMs ?? 5_000, maxRetries: options.maxRetries ?? 0 });
    const records: CallRecord[] = [];
    const result = await runStep({
      taskId: 'task-1', command: 'ask', stepType: 'ask', workspace: 'ws', route: OPUS, policy,
      buildBody: (route) => ({ model: route.model, max_tokens: 400, system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Why is this query slow?' }] }] }),
      check: (text) => ({ ok: true, value: text }),
    }, { model: gateway, record: (r) => records.push(r), now: () => new Date('2026-11-24T10:00:00Z'), newId: () => `call-${records.length + 1}`, log: () => undefined });
    const summary = new LedgerSummary({ sessionStart: '2026-11-24T00:00:00.000Z' });
    for (const record of records) summary.add(record);
    return { result, records, attempts: attemptsOf(summary.session), said: callsSaid(records) };
  }

  test('an attempt that timed out and that the SDK retried is a row at $0, counted as a retried 529 is, and says it may have been billed', async () => {
    standin.script.fault(faults.slowFirstByte(3_000));
    const timedOut = await step({ timeoutMs: 300, maxRetries: 1 });
    assert.equal(timedOut.result.status, 'ok');
    assert.deepEqual(timedOut.records.map((r) => [r.outcome, r.costMicros > 0]), [['failed', false], ['ok', true]]);
    assert.match(timedOut.records[0]?.reason ?? '', /^retried by the SDK after a timeout \(no response in 0\.3 s\); recorded at \$0, but the API may have processed and billed it$/);
    standin.reset();
    standin.script.fault(faults.overloaded({ retryAfterMs: 1 }));
    const overloaded = await step({ maxRetries: 1 });
    assert.deepEqual(timedOut.records[0]?.usage, overloaded.records[0]?.usage, 'no count made up: the zero usage of a retried 529');
    assert.deepEqual([timedOut.attempts, timedOut.said], [overloaded.attempts, overloaded.said]);
    assert.deepEqual(timedOut.attempts, { billed: 1, unbilled: 1 });
    assert.equal(timedOut.said, '1 call; 1 attempt not billed');
  });

  test('an attempt whose connection dropped before any reply, retried by the SDK, is a row at $0 that says so', async () => {
    standin.script.fault(faults.resetBeforeHeaders());
    const causes: unknown[] = [];
    const gateway = new AnthropicGateway({ baseURL: standin.url, getApiKey: async () => 'sk-ant-unit-test-key-0000', timeoutMs: 5_000, maxRetries: 1 });
    const response = await gateway.send({ body: { model: 'claude-opus-4-8', max_tokens: 100, system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, onRetry: (cause) => causes.push(cause) });
    assert.deepEqual(causes, ['network']);
    assert.equal(response.retried.length, 1);
    assert.match(response.retried[0]?.connectionError ?? '', /\S/, 'named by its code or message');
    standin.reset();
    standin.script.fault(faults.resetBeforeHeaders());
    const { result, records, attempts, said } = await step({ maxRetries: 1 });
    assert.equal(result.status, 'ok');
    assert.deepEqual(records.map((r) => [r.outcome, r.costMicros > 0]), [['failed', false], ['ok', true]]);
    assert.match(records[0]?.reason ?? '', /^retried by the SDK after a connection error \(.+\); recorded at \$0: a connection lost after the request was sent may still have been processed and billed$/);
    assert.deepEqual(attempts, { billed: 1, unbilled: 1 });
    assert.equal(said, '1 call; 1 attempt not billed');
    assert.equal(standin.log.filter((e) => e.usage).length, 1, 'the stand-in billed one answer');
  });

  test('an answer whose message_delta has no usage is one row, its output estimated and said so, not bought again from another model', async () => {
    standin.script.enqueue({ text: 'The orders query scans the whole table: add an index on customer_id and keep the rest as it is.', deltas: 4 });
    standin.script.fault(faults.noDeltaUsage());
    const { result, records, attempts } = await step({ maxRetries: 2 });
    assert.equal(result.status, 'ok');
    assert.equal(standin.log.length, 1, 'asked once');
    assert.deepEqual(records.map((r) => [r.model, r.outcome]), [['claude-opus-4-8', 'ok']]);
    const billed = standin.log[0]?.usage as { input_tokens: number; output_tokens: number };
    assert.equal(records[0]?.usage.input_tokens, billed.input_tokens);
    assert.ok((records[0]?.usage.output_tokens ?? 0) >= billed.output_tokens, `${records[0]?.usage.output_tokens} < ${billed.output_tokens}`);
    assert.match(records[0]?.reason ?? '', /estimated from the text received/);
    assert.deepEqual(attempts, { billed: 1, unbilled: 0 });
  });
});
