import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallRecord } from '../../../src/core/ledger/record';
import { ModelCallError } from '../../../src/core/task/ports';
import type { ModelPort, ModelRequest, ModelResponse } from '../../../src/core/task/ports';
import { runStep } from '../../../src/core/task/runStep';
import type { StepPolicy, StepRoute, StepSpec } from '../../../src/core/task/runStep';
import type { Tier } from '../../../src/core/tiers';
import { tierAbove } from '../../../src/core/tiers';
import { Budget } from '../../../src/core/ledger/budget';
import { estimateCostUsd } from '../../../src/core/pricing/cost';
import { DEFAULT_LADDER, planRoute } from '../../../src/core/routing/policy';
import type { RoutingConfig } from '../../../src/core/routing/policy';
import { stepPolicy } from '../../../src/core/task/stepPolicy';

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

  test('an answer cut at its output limit passes a prose check, and its record says it was cut', async () => {
    const cut: Step = () => ({ text: 'good but unfinish', usage: { input_tokens: 100, output_tokens: 100 }, stopReason: 'max_tokens', retried: [], requestId: 'req_2' });
    const { records, deps: d } = deps(scriptedModel([cut, answer('good answer')]));
    const result = await runStep(spec(), d);
    assert.equal(result.status === 'ok' && result.response.stopReason, 'max_tokens');
    assert.equal(records[0]?.outcome, 'ok');
    assert.equal(records[0]?.reason, 'test route; the answer was cut short at its output limit');
    await runStep(spec(), d);
    assert.equal(records[1]?.reason, 'test route', 'a finished answer adds nothing');
  });

  test('an edit that fails its check because it was cut at the output limit is not escalated: every tier has that limit', async () => {
    const cut: Step = () => ({ text: '```ts\nconst a = 1;\nconst b', usage: { input_tokens: 100, output_tokens: 8192 }, stopReason: 'max_tokens', retried: [], requestId: 'req_3' });
    const model = scriptedModel([cut]);
    const { records, deps: d } = deps(model);
    const result = await runStep(spec({ answerSizedByInput: true }), d);
    assert.equal(result.status, 'failed');
    assert.equal(result.status === 'failed' && result.reason, 'The answer was cut short at its output limit, and a higher tier has the same limit. Select less and try again.');
    assert.deepEqual(model.bodies, ['claude-haiku-4-5'], 'one call, not three');
    assert.deepEqual(records.map((r) => r.outcome), ['failed']);
    assert.match(records[0]?.reason ?? '', /check failed: not good; the answer was cut short at its output limit$/);
    // A list of findings is not the input's size: a terser tier may fit it, so it escalates as before.
    const again = scriptedModel([cut, answer('good on sonnet')]);
    const second = deps(again);
    assert.equal((await runStep(spec(), second.deps)).status, 'ok');
    assert.deepEqual(again.bodies, ['claude-haiku-4-5', 'claude-sonnet-4-6']);
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

  test('a call that failed before any usage came back tells the cache tracker to forget it; a billed one does not', async () => {
    const refused = () => new ModelCallError('overloaded', 'Overloaded', { status: 529 });
    const midStream = () => new ModelCallError('overloaded', 'Overloaded', { status: 529, usage: { input_tokens: 500, output_tokens: 7 } });
    const abandoned: string[] = [];
    const { deps: d } = deps(scriptedModel([refused, midStream, answer('good')]));
    await runStep(spec({ route: route('H'), abandonCache: (r) => abandoned.push(r.model) }), d);
    assert.deepEqual(abandoned, ['claude-haiku-4-5'], 'only the call nothing came back from');
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

describe('runStep with the routing policy and a budget', () => {
  // As RequestRunner wires it: the config read at each decision, and each move checked before it goes.
  const setUp = (onExceeded: 'block' | 'downgrade', spentBefore: number, limit: number) => {
    let spent = spentBefore;
    const budget = new Budget({ sessionMicros: limit }, () => ({ sessionMicros: spent, todayMicros: spent }));
    const config = (preflight?: string): RoutingConfig => ({
      ladder: DEFAULT_LADDER, accessCap: 'O', allowExceptionTier: false, estimateCostUsd: (m, i, o) => estimateCostUsd(m, i, o),
      budget: { state: preflight ? 'exceeded' : budget.status().state, onExceeded, ...(preflight ? { preflight } : {}) },
    });
    const policy = stepPolicy(() => config(), undefined, (candidate, spentMicros) => {
      const next = budget.wouldExceed(spentMicros + Math.round(candidate.estimatedCostUsd * 1_000_000));
      return next.exceeded ? config(next.message) : undefined;
    });
    return { config, policy, record: (r: CallRecord) => { spent += r.costMicros; }, spent: () => spent };
  };

  test('an escalation that would cross the budget is not sent, in block mode', async () => {
    const { config, policy, record, spent } = setUp('block', 7_000, 10_000);
    const first = planRoute({ stepType: 'implement', tier: 'H', estimatedInputTokens: 1_000, estimatedOutputTokens: 300 }, config());
    assert.equal(first.blocked, false, 'the first Haiku call fits');
    const model = scriptedModel([answer('bad', 1_000, 300), answer('bad', 1_000, 300), answer('good', 1_000, 300)]);
    const result = await runStep(spec({ route: first, policy: policy as unknown as StepPolicy<StepRoute> }), { ...deps(model).deps, record });
    assert.equal(result.status, 'failed');
    assert.deepEqual(result.routes.map((r) => r.model), ['claude-haiku-4-5'], 'no escalation to Sonnet, which would cross the $0.01 limit');
    assert.ok(spent() <= 10_000, `spent ${spent()} of 10000`);
  });

  test('in downgrade mode an escalation back up to the tier the pre-flight ruled out is not taken', async () => {
    const { config, policy, record } = setUp('downgrade', 7_000, 10_000);
    const first = planRoute({ stepType: 'implement', tier: 'H', estimatedInputTokens: 1_000, estimatedOutputTokens: 300 }, config());
    const model = scriptedModel([answer('bad', 1_000, 300), answer('good', 1_000, 300)]);
    const result = await runStep(spec({ route: first, policy: policy as unknown as StepPolicy<StepRoute> }), { ...deps(model).deps, record });
    assert.deepEqual(result.routes.map((r) => r.tier), ['H']);
  });

  test('with room in the budget the step escalates as before', async () => {
    const { config, policy, record } = setUp('block', 0, 1_000_000);
    const first = planRoute({ stepType: 'implement', tier: 'H', estimatedInputTokens: 1_000, estimatedOutputTokens: 300 }, config());
    const model = scriptedModel([answer('bad', 1_000, 300), answer('good', 1_000, 300)]);
    const result = await runStep(spec({ route: first, policy: policy as unknown as StepPolicy<StepRoute> }), { ...deps(model).deps, record });
    assert.equal(result.status, 'ok');
    assert.deepEqual(result.routes.map((r) => r.tier), ['H', 'S']);
  });
});

describe('runStep: a billed call is always recorded', () => {
  const KEY = 'sk-ant-api03-ECHOED-0123456789abcdefghij';

  function logged(model: ModelPort) {
    const lines: string[] = [];
    const d = deps(model);
    return { ...d, lines, deps: { ...d.deps, log: (line: string) => lines.push(line) } };
  }

  test('usage a record cannot be built from (a port that sent it on as it came) is recorded with a generic reason, its counts rounded up', async () => {
    const odd = (text: string): Step => () => ({ text, usage: { input_tokens: 400.5, output_tokens: 60 }, stopReason: 'end_turn', retried: [], requestId: 'req_odd' });
    const { records, lines, deps: d } = logged(scriptedModel([odd('bad'), odd('good')]));
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'ok', 'the answer is not thrown away');
    assert.deepEqual(records.map((r) => [r.outcome, r.usage.input_tokens, r.requestId]), [['escalated', 401, 'req_odd'], ['ok', 401, 'req_odd']]);
    assert.match(records[1]?.reason ?? '', /^ok; the reason was left out/);
    assert.ok(lines.some((l) => /ledger record .* was refused \(usage\.input_tokens must be a non-negative integer/.test(l)), lines.join('\n'));
  });

  test('a cache note the ledger refuses: the record is written again without it, with the same usage', async () => {
    const { records, lines, deps: d } = logged(scriptedModel([answer('good', 5000, 30)]));
    await runStep(spec({ diagnoseCache: () => ({ segment: '', cause: 'x', detail: 'y' }) }), d);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.usage.input_tokens, 5000);
    assert.equal(records[0]?.cacheMiss, undefined);
    assert.equal(lines.length, 1);
  });

  test('an error message that quotes a key back: redacted in the record, the billed failure recorded, the fallback taken', async () => {
    const echoed = () => new ModelCallError('streamError', `The stream failed: Invalid API key: ${KEY}`, { usage: { input_tokens: 415, output_tokens: 31 } });
    const forbidden = () => new ModelCallError('permission', `Invalid API key: ${KEY}`, { status: 403 });
    const { records, deps: d } = logged(scriptedModel([echoed, forbidden]));
    const result = await runStep(spec({ route: route('O') }), d);
    assert.equal(result.status === 'failed' && result.error?.kind, 'permission', 'the 403 reaches the caller as a 403');
    assert.deepEqual(records.map((r) => [r.model, r.outcome, r.usage.output_tokens]), [['claude-opus-4-8', 'fellBack', 31], ['claude-sonnet-4-6', 'failed', 0]]);
    for (const record of records) {
      assert.ok(!JSON.stringify(record).includes('sk-ant-api03'), record.reason);
      assert.match(record.reason, /Invalid API key: \[redacted\]/);
    }
  });

  test('what was odd in the usage ends the reason, whole, and is logged; the reason stays within 500 characters', async () => {
    const usageNote = 'odd usage from the API: input_tokens 400.5 counted as 401';
    const noted: Step = () => ({ text: 'good', usage: { input_tokens: 401, output_tokens: 60 }, stopReason: 'end_turn', retried: [], usageNote });
    const { records, lines, deps: d } = logged(scriptedModel([noted]));
    await runStep(spec({ route: route('H', ['x'.repeat(600)]) }), d);
    const reason = records[0]?.reason ?? '';
    assert.ok(reason.length <= 500, `${reason.length}`);
    assert.ok(reason.endsWith(`; ${usageNote}`), reason.slice(-80));
    assert.deepEqual(lines, [`claude-haiku-4-5: ${usageNote}`]);
  });

  test('a call that cannot be recorded at all (usage too large to price) is logged loudly with its counts, and the step goes on', async () => {
    const huge: Step = () => ({ text: 'good', usage: { input_tokens: 10, output_tokens: 1e15 }, stopReason: 'end_turn', retried: [], requestId: 'req_huge' });
    const { records, lines, deps: d } = logged(scriptedModel([huge]));
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'ok');
    assert.equal(records.length, 0);
    assert.ok(lines.some((l) => l.startsWith('LEDGER RECORD LOST') && l.includes('req_huge') && l.includes('1000000000000000')), lines.join('\n'));
  });

  test('usage too large to price on an attempt that escalates is logged, and the step goes on to the next tier', async () => {
    const hugeBad: Step = () => ({ text: 'bad', usage: { input_tokens: 10, output_tokens: 1e15 }, stopReason: 'end_turn', retried: [], requestId: 'req_huge' });
    const { lines, deps: d } = logged(scriptedModel([hugeBad, answer('good on sonnet')]));
    const result = await runStep(spec(), d);
    assert.equal(result.status, 'ok', 'it did not throw out of the step');
    assert.ok(lines.some((l) => l.startsWith('LEDGER RECORD LOST') && l.includes('req_huge')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('could not price an attempt on claude-haiku-4-5 for the budget check')), lines.join('\n'));
  });

  test('a ledger that throws on append does not take the answer with it', async () => {
    const { lines, deps: d } = logged(scriptedModel([answer('good')]));
    const result = await runStep(spec(), { ...d, record: () => { throw new Error('disk full'); } });
    assert.equal(result.status, 'ok');
    assert.ok(lines.some((l) => l.startsWith('LEDGER RECORD LOST') && l.includes('disk full')));
  });
});

describe('runStep: what it passes to the model port', () => {
  function capturing() {
    const requests: ModelRequest[] = [];
    const model: ModelPort = {
      async send(request) {
        requests.push(request);
        request.onRetry?.('timeout', undefined);
        request.onRetry?.(429, 8);
        return { text: 'good', usage: { input_tokens: 10, output_tokens: 1 }, stopReason: 'end_turn', retried: [] };
      },
      async countTokens() {
        return 0;
      },
    };
    return { requests, model };
  }

  test('per-step retries and timeout go to each call; without them the gateway\'s settings apply', async () => {
    const set = capturing();
    await runStep(spec({ maxRetries: 0, timeoutMs: 1_234 }), deps(set.model).deps);
    assert.equal(set.requests[0]?.maxRetries, 0);
    assert.equal(set.requests[0]?.timeoutMs, 1_234);
    const unset = capturing();
    await runStep(spec(), deps(unset.model).deps);
    assert.ok(!('maxRetries' in (unset.requests[0] ?? {})) && !('timeoutMs' in (unset.requests[0] ?? {})));
  });

  test('a retry is reported with its route and cause: a status with its wait, or a timeout', async () => {
    const set = capturing();
    const retries: unknown[] = [];
    await runStep(spec({ onRetry: (r, cause, seconds) => retries.push([r.model, cause, seconds]) }), deps(set.model).deps);
    assert.deepEqual(retries, [['claude-haiku-4-5', 'timeout', undefined], ['claude-haiku-4-5', 429, 8]]);
  });
});
