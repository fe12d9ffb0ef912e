import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerSummary } from '../../../src/core/ledger/summary';
import { chartAxis, costReportMessage, taskCallsMessage } from '../../../src/core/ledger/report';
import { budgetStatus } from '../../../src/core/ledger/budget';
import { callRecord } from '../../support/fixtures/usage/records';

describe('cost report message', () => {
  test('the chart window is so many of the user\'s own days, not UTC dates', () => {
    // A zone 14 hours ahead: at 20:00 UTC it is already the next day there.
    const ahead = (time: string) => new Date(Date.parse(time) + 14 * 3_600_000).toISOString().slice(0, 10);
    const s = new LedgerSummary({ sessionStart: '2026-05-01T00:00:00.000Z', dayOf: ahead });
    for (let d = 1; d <= 31; d++) s.add(callRecord({ taskId: `d${d}`, time: `2026-05-${String(d).padStart(2, '0')}T12:00:00.000Z` }));
    const message = costReportMessage(s, { scope: 'today', now: new Date('2026-05-31T20:00:00.000Z'), opusModel: 'claude-opus-4-8', days: 7 });
    const days = [...new Set(message.perTierPerDay.map((p) => p.day))];
    assert.equal(days.length, 7, days.join(' '));
    assert.equal(days.at(-1), '2026-06-01');
  });

  test('carries the chosen scope, the chart window and the latest tasks', () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    const old = callRecord({ taskId: 'old', time: '2026-10-01T10:00:00.000Z' });
    const yesterday = callRecord({ taskId: 'y', time: '2026-11-19T10:00:00.000Z', tier: 'O', model: 'claude-opus-4-8' });
    const today = callRecord({ taskId: 't', time: '2026-11-20T10:00:00.000Z', outcome: 'escalated' });
    for (const r of [old, yesterday, today]) s.add(r);
    const now = new Date('2026-11-20T12:00:00.000Z');
    const message = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8', days: 7, maxTasks: 2 });
    assert.equal(message.type, 'costReport');
    assert.deepEqual(message.tasks.map((t) => t.taskId), ['t', 'y']);
    assert.deepEqual(message.perTierPerDay.map((p) => p.day), ['2026-11-19', '2026-11-20'], 'October is outside the 7-day window');
    assert.equal(message.totals.label, 'This session');
    assert.equal(message.totals.micros, today.costMicros);
    assert.equal(message.totals.escalations, 1);
    assert.equal(message.totals.allTimeMicros, old.costMicros + yesterday.costMicros + today.costMicros);
    assert.equal(message.axis.topMicros >= Math.max(yesterday.costMicros, today.costMicros), true, 'the axis covers the highest day in the window');
    assert.doesNotThrow(() => JSON.stringify(message), 'postMessage-safe: plain data');
    assert.equal(message.totals.budget, undefined, 'no budget given, no card');
    const budgeted = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8', budget: budgetStatus({ sessionMicros: message.totals.micros, todayMicros: 0 }, { sessionMicros: 1_000_000 }) });
    assert.equal(message.totals.micros, 10_500, 'the default usage on Sonnet');
    assert.equal(budgeted.totals.budget?.note, '$0.0105 of $1.0000 this session', 'the spend and the limit to the same decimals');
    const todayOnly = costReportMessage(s, { scope: 'today', now, opusModel: 'claude-opus-4-8' });
    assert.equal(todayOnly.totals.label, 'Today');
    assert.equal(todayOnly.totals.calls, 1);
  });

  test('routes carry the tier the routing policy now starts their step on, only where it moves', () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    s.add(callRecord({ taskId: 'a', stepType: 'format', tier: 'H', model: 'claude-haiku-4-5' }));
    s.add(callRecord({ taskId: 'b', stepType: 'docs', tier: 'H', model: 'claude-haiku-4-5' }));
    const asked: string[] = [];
    const message = costReportMessage(s, {
      scope: 'session', now: new Date('2026-11-20T12:00:00.000Z'), opusModel: 'claude-opus-4-8',
      startsOn: (stepType, tier) => {
        asked.push(`${stepType}:${tier}`);
        return stepType === 'format' ? 'S' : undefined;
      },
    });
    assert.deepEqual(message.routes.map((r) => [r.stepType, r.startsOn]), [['docs', undefined], ['format', 'S']]);
    assert.ok(!('startsOn' in message.routes[0]!), 'no key where nothing moves');
    assert.deepEqual(asked.sort(), ['docs:H', 'format:H']);
  });

  test('each table shows its costs to the same decimals all the way down', () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    // The report that showed "$0.0031" above "$0.02" for a $0.0187 judgment call. Default
    // usage (1,200 in, 300 out, 8,000 cache read) costs $0.0035 on Haiku, $0.0175 on Opus.
    s.add(callRecord({ taskId: 'r', stepType: 'review', tier: 'H', model: 'claude-haiku-4-5' }));
    s.add(callRecord({ taskId: 'r', stepType: 'reviewJudge', tier: 'O', model: 'claude-opus-4-8' }));
    s.add(callRecord({ taskId: 'big', stepType: 'architecture', tier: 'O', model: 'claude-opus-4-8', usage: { input: 200_000, output: 10_000, cacheRead: 0 } }));
    const now = new Date('2026-11-20T12:00:00.000Z');
    const message = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8' });
    assert.deepEqual(message.routes.map((r) => [r.stepType, r.cost]), [['architecture', '$1.2500'], ['review', '$0.0035'], ['reviewJudge', '$0.0175']]);
    assert.deepEqual(message.tasks.map((t) => [t.taskId, t.cost]).sort(), [['big', '$1.2500'], ['r', '$0.0210']], 'a task is its calls\' sum, to the same decimals');

    const large = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    large.add(callRecord({ taskId: 'a', tier: 'O', model: 'claude-opus-4-8', usage: { input: 200_000, output: 10_000, cacheRead: 0 } }));
    large.add(callRecord({ taskId: 'b', tier: 'O', model: 'claude-opus-4-8', usage: { input: 30_000, output: 1_200, cacheRead: 0 } }));
    assert.deepEqual(costReportMessage(large, { scope: 'session', now, opusModel: 'claude-opus-4-8' }).tasks.map((t) => t.cost).sort(), ['$0.18', '$1.25'], 'cents when every amount is ten cents or more');
  });

  test('the chart axis steps by round amounts, covers the highest day, and labels every tick alike', () => {
    const labels = (max: number) => chartAxis(max).ticks.map((t) => t.label).join(' ');
    // The report that showed "$0.03 · $0.01 · $0.00" (a half-way tick rounded to a cent).
    assert.equal(labels(26_500), '$0.00 $0.01 $0.02 $0.03');
    assert.equal(chartAxis(26_500).topMicros, 30_000);
    assert.equal(labels(4_200), '$0.000 $0.002 $0.004 $0.006');
    assert.equal(labels(9_000), '$0.0000 $0.0025 $0.0050 $0.0075 $0.0100');
    assert.equal(labels(1_234_567), '$0.00 $0.50 $1.00 $1.50');
    assert.equal(labels(10_000_000), '$0.00 $2.50 $5.00 $7.50 $10.00');
    assert.equal(labels(0), '$0.000000 $0.000001', 'an empty chart still has an axis');
    for (const max of [1, 7, 99, 101, 12_345, 99_999, 3_000_001, 987_654_321]) {
      const { topMicros, ticks } = chartAxis(max);
      assert.ok(topMicros >= max && ticks.length >= 2 && ticks.length <= 5, `${max}: ${ticks.length} ticks to ${topMicros}`);
      const step = ticks[1]!.micros;
      assert.ok(ticks.every((t, i) => t.micros === i * step), `${max}: even steps`);
      assert.ok(topMicros - step < max, `${max}: no empty interval at the top`);
    }
  });
});

describe("a task's details", () => {
  test('each call with its usage and cost, to the decimals of the total they add up to', () => {
    const first = callRecord({ taskId: 'r', model: 'claude-haiku-4-5', tier: 'H', outcome: 'escalated', usage: { input: 900, output: 200 } });
    const judged = callRecord({ taskId: 'r', model: 'claude-opus-4-8', tier: 'O', usage: { input: 1500, output: 400, cacheRead: 6000, cw5m: 2000 } });
    const message = taskCallsMessage('r', [first, judged]);
    assert.deepEqual(message.calls.map((c) => [c.model, c.outcome, c.input, c.cacheWrite, c.cacheRead, c.output]), [
      ['claude-haiku-4-5', 'escalated', 900, 0, 0, 200],
      ['claude-opus-4-8', 'ok', 1500, 2000, 6000, 400],
    ]);
    const cents = (text: string) => Number(text.replace('$', ''));
    assert.ok(message.calls.every((c) => /^\$\d+\.\d{4}$/.test(c.cost)) && /^\$\d+\.\d{4}$/.test(message.total), JSON.stringify(message));
    assert.equal(Math.round((cents(message.calls[0]!.cost) + cents(message.calls[1]!.cost)) * 1e4), Math.round(cents(message.total) * 1e4));
  });
});
