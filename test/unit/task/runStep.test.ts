import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallRecord } from '../../../src/core/ledger/record';
import { ModelCallError } from '../../../src/core/task/ports';
import type { ModelPort, ModelRequest, ModelResponse } from '../../../src/core/task/ports';
import { runStep } from '../../../src/core/task/runStep';
import type { StepPolicy, StepRoute, StepSpec } from '../../../src/core/task/runStep';
import type { Tier } from '../../../src/core/tiers';
import { tierAbove } from '../../../src/core/tiers';

const LADDER: Record<Tier, string> = { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' };

function route(tier: Tier, reasons: string[] = ['test route']): StepRoute {
  return { tier, model: LADDER[tier], reasons };
}

/** Escalates one tier up to O; falls back from O to S. */
const policy: StepPolicy<StepRoute> = {
  escalate: (r, why) => {
    const up = tierAbove(r.tier);
    return up && up !== 'F' ? route(up, [...r.reasons, `escalated: ${why}`]) : undefined;
  },
  fallback: (r, failure) => (r.tier === 'O' ? { ...route('S', [...r.reasons, `fell back: ${failure.kind}`]), notice: 'Opus overloaded; used Sonnet' } : undefined),
};

type Step = (request: ModelRequest) => ModelResponse | ModelCallError;

/** A model port that plays a script of answers and failures, one per call. */
function scriptedModel(steps: Step[]): ModelPort & { bodies: string[] } {
  const bodies: string[] = [];
  return {
    bodies,
    async send(request) {
      bodies.push(request.body.model);
      const step = steps.shift();
      if (!step) throw new Error('unexpected call');
      const result = step(request);
      if (result instanceof ModelCallError) throw result;
      request.onText?.(result.text);
      return result;
    },
    async countTokens() {
      return 0;
    },
  };
}

const answer = (text: string, input = 100, output = 20): Step => () => ({ text, usage: { input_tokens: input, output_tokens: output }, stopReason: 'end_turn', retried: [], requestId: 'req_1' });

function spec(overrides: Partial<StepSpec<string, StepRoute>> = {}): StepSpec<string, StepRoute> {
  return {
    taskId: 'task-1',
    command: 'review',
    stepType: 'review',
    workspace: 'ws',
    route: route('H'),
    policy,
    buildBody: (r) => ({ model: r.model, max_tokens: 100, system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }),
    check: (text) => (text.startsWith('good') ? { ok: true, value: text } : { ok: false, reason: 'not good' }),
    ...overrides,
  };
}

function deps(model: ModelPort) {
  const records: CallRecord[] = [];
  let n = 0;
  return {
    records,
    deps: { model, record: (r: CallRecord) => records.push(r), now: () => new Date('2026-11-22T10:00:00Z'), newId: () => `call-${++n}`, log: () => undefined },
  };
}

describe('runStep', () => {
  test('a good first answer writes one ok record priced from its usage', async () => {
    const { records, deps: d } = deps(scriptedModel([answer('good answer', 1_000_000, 0)]));
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'ok');
    assert.equal(records.length, 1);
    assert.equal(records[0]?.outcome, 'ok');
    assert.equal(records[0]?.model, 'claude-haiku-4-5');
    assert.equal(records[0]?.costMicros, 1_000_000, '1M input tokens on Haiku 4.5 cost $1');
  });

  test('a failed check escalates one tier and records both attempts', async () => {
    const model = scriptedModel([answer('bad'), answer('good on sonnet')]);
    const { records, deps: d } = deps(model);
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'ok');
    assert.deepEqual(model.bodies, ['claude-haiku-4-5', 'claude-sonnet-4-6']);
    assert.deepEqual(records.map((r) => [r.tier, r.outcome, r.attempt]), [['H', 'escalated', 1], ['S', 'ok', 2]]);
    assert.match(records[0]?.reason ?? '', /check failed: not good/);
  });

  test('escalation stops at the policy cap with a failure, every attempt recorded', async () => {
    const { records, deps: d } = deps(scriptedModel([answer('bad'), answer('bad'), answer('bad')]));
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'failed');
    assert.deepEqual(records.map((r) => r.outcome), ['escalated', 'escalated', 'failed']);
  });

  test('overload falls back visibly and bills a mid-stream failure', async () => {
    const overloaded = () => new ModelCallError('overloaded', 'Overloaded', { status: 529, usage: { input_tokens: 500, output_tokens: 7 } });
    const { records, deps: d } = deps(scriptedModel([overloaded, answer('good from sonnet')]));
    const seen: string[] = [];
    const result = await runStep(spec({ route: route('O'), onRoute: (r, why) => seen.push(`${why}:${r.tier}`) }), d);
    assert.equal(result.status, 'ok');
    assert.deepEqual(seen, ['start:O', 'fellBack:S']);
    assert.equal(records[0]?.outcome, 'fellBack');
    assert.equal(records[0]?.usage.input_tokens, 500);
    assert.ok((records[0]?.costMicros ?? 0) > 0, 'the partial stream is billed');
    assert.equal(result.status === 'ok' && result.route.notice, 'Opus overloaded; used Sonnet');
  });

  test('SDK retries that were not billed are recorded at zero cost', async () => {
    const withRetries: Step = () => ({ text: 'good', usage: { input_tokens: 10, output_tokens: 1 }, stopReason: 'end_turn', retried: [{ status: 529 }, { status: 529 }] });
    const { records, deps: d } = deps(scriptedModel([withRetries]));
    await runStep(spec(), d);
    assert.deepEqual(records.map((r) => [r.outcome, r.costMicros, r.attempt]), [['failed', 0, 1], ['failed', 0, 2], ['ok', records[2]?.costMicros, 3]]);
  });

  test('cancellation records the partial usage and stops', async () => {
    const cancelled = () => new ModelCallError('cancelled', 'Request cancelled.', { usage: { input_tokens: 2000, output_tokens: 40 } });
    const { records, deps: d } = deps(scriptedModel([cancelled]));
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'cancelled');
    assert.equal(records.length, 1);
    assert.equal(records[0]?.outcome, 'cancelled');
    assert.equal(records[0]?.usage.output_tokens, 40);
  });

  test('an auth failure does not fall back', async () => {
    const unauthorized = () => new ModelCallError('auth', 'invalid x-api-key', { status: 401 });
    const { records, deps: d } = deps(scriptedModel([unauthorized]));
    const result = await runStep(spec({ route: route('O') }), d);
    assert.equal(result.status, 'failed');
    assert.equal(result.status === 'failed' && result.error?.kind, 'auth');
    assert.equal(records.length, 1);
    assert.equal(records[0]?.costMicros, 0);
  });
});
