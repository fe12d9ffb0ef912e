import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerSummary } from '../../../src/core/ledger/summary';
import { chartAxis, costReportMessage, isTaskSort, taskCallsMessage, tasksNote } from '../../../src/core/ledger/report';
import { formatUsdAlike } from '../../../src/core/ledger/format';
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
    const [spent, allTime] = formatUsdAlike([yesterday.costMicros + today.costMicros, old.costMicros + yesterday.costMicros + today.costMicros]);
    assert.deepEqual([message.chart.spent, message.chart.allTime], [spent, allTime], 'spent in the window and everything recorded, to the same decimals');
    assert.equal(message.chart.label, 'Last 7 days');
    assert.equal(message.chart.unread, undefined, 'every line read: no note');
    const unread = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8', unread: '3 ledger lines could not be read, so totals may be low.' });
    assert.equal(unread.chart.unread, '3 ledger lines could not be read, so totals may be low.', 'said beside everything recorded');
    assert.deepEqual(message.chart.days, ['2026-11-14', '2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'], 'every day of the window, days without calls too');
    assert.equal(message.taskCount, 3);
    assert.equal(message.tasksNote, 'The latest 2 of 3 tasks. Sorting by a column picks from all 3.');
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

  test("the chart's table: a row per day that cost something, a column per tier used, every figure alike", () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    s.add(callRecord({ taskId: 'a', time: '2026-11-18T10:00:00.000Z', tier: 'H', model: 'claude-haiku-4-5', usage: { input: 5_000, output: 0 } }));
    s.add(callRecord({ taskId: 'b', time: '2026-11-20T10:00:00.000Z', tier: 'O', model: 'claude-opus-4-8', usage: { input: 4_000, output: 0 } }));
    s.add(callRecord({ taskId: 'c', time: '2026-11-20T11:00:00.000Z', tier: 'H', model: 'claude-haiku-4-5', usage: { input: 25_000, output: 0 } }));
    const { table } = costReportMessage(s, { scope: 'session', now: new Date('2026-11-20T12:00:00.000Z'), opusModel: 'claude-opus-4-8', days: 7 }).chart;
    assert.deepEqual(table.tiers, ['H', 'O'], 'no Sonnet or Fable column: nothing cost anything there');
    // $0.005 and $0.025 of Haiku, $0.02 of Opus: four decimals for all, as "$0.03" beside "$0.01" would misstate both.
    assert.deepEqual(table.rows, [
      { day: '2026-11-18', cells: ['$0.0050', '\u2014', '$0.0050'] },
      { day: '2026-11-20', cells: ['$0.0250', '$0.0200', '$0.0450'] },
    ], 'the days without calls have no row; a tier with none that day shows a dash');
    assert.deepEqual(table.totals, ['$0.0300', '$0.0200', '$0.0500']);
    const whole = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    whole.add(callRecord({ time: '2026-11-20T10:00:00.000Z', tier: 'O', model: 'claude-opus-4-8', usage: { input: 10_000, output: 0 } }));
    assert.deepEqual(costReportMessage(whole, { scope: 'session', now: new Date('2026-11-20T12:00:00.000Z'), opusModel: 'claude-opus-4-8' }).chart.table.totals, ['$0.05', '$0.05'], 'whole cents stay cents');
  });

  test('sorting picks from every task kept, not from the latest 200: the dearest task is the dearest of all', () => {
    // The report that sorted its latest 200 of 3,003 tasks by cost and topped them with $0.1888, while the ledger's dearest was $0.2006.
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    s.add(callRecord({ taskId: 'dear-and-old', time: '2026-10-01T10:00:00.000Z', tier: 'O', model: 'claude-opus-4-8', usage: { input: 100_000, output: 5_000 } }));
    for (let i = 0; i < 5; i++) s.add(callRecord({ taskId: `new-${i}`, time: `2026-11-20T10:0${i}:00.000Z` }));
    const now = new Date('2026-11-20T12:00:00.000Z');
    const latest = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8', maxTasks: 3 });
    assert.deepEqual(latest.tasks.map((t) => t.taskId), ['new-4', 'new-3', 'new-2']);
    const dearest = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8', maxTasks: 3, sort: { key: 'micros', descending: true } });
    assert.equal(dearest.tasks[0]?.taskId, 'dear-and-old');
    assert.deepEqual(dearest.sort, { key: 'micros', descending: true });
    assert.equal(dearest.tasksNote, 'The 3 dearest of 6 tasks. Sorting by a column picks from all 6.');
    const earliest = costReportMessage(s, { scope: 'session', now, opusModel: 'claude-opus-4-8', maxTasks: 3, sort: { key: 'lastTime', descending: false } });
    assert.deepEqual(earliest.tasks.map((t) => t.taskId), ['dear-and-old', 'new-0', 'new-1']);
  });

  test('the Tasks note says how many of how many, in which order', () => {
    assert.equal(tasksNote(200, 3003, { key: 'lastTime', descending: true }), 'The latest 200 of 3,003 tasks. Sorting by a column picks from all 3,003.');
    assert.equal(tasksNote(200, 3003, { key: 'micros', descending: false }), 'The 200 cheapest of 3,003 tasks. Sorting by a column picks from all 3,003.');
    assert.equal(tasksNote(200, 3003, { key: 'command', descending: false }), 'The first 200 of 3,003 tasks by command, ascending. Sorting by a column picks from all 3,003.');
    assert.equal(tasksNote(12, 12, { key: 'micros', descending: true }), 'All 12 tasks recorded.');
    assert.equal(tasksNote(1, 1, { key: 'lastTime', descending: true }), 'The one task recorded.');
    assert.ok(isTaskSort({ key: 'micros', descending: false }));
    for (const bad of [undefined, 'micros', { key: 'toString', descending: true }, { key: 'micros' }, { key: 'micros', descending: 'yes' }]) assert.ok(!isTaskSort(bad), JSON.stringify(bad));
  });

  test('past the summary\'s cap of task rows, the Tasks note says the rows are the most recent and where the older ones are', () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z', maxTasks: 4 });
    for (let i = 0; i < 6; i++) s.add(callRecord({ taskId: `t-${i}`, time: `2026-11-20T10:0${i}:00.000Z` }));
    const message = costReportMessage(s, { scope: 'session', now: new Date('2026-11-20T12:00:00.000Z'), opusModel: 'claude-opus-4-8', maxTasks: 2 });
    assert.equal(message.taskCount, 4);
    assert.equal(message.tasksNote, 'The latest 2 of the 4 most recent tasks. Sorting by a column picks from all 4. Older tasks have no row here: their calls count in the totals, the chart and the routes, and Export Cost Ledger has every call.');
    assert.equal(tasksNote(4, 4, { key: 'micros', descending: true }, 1), 'All 4 most recent tasks. Older tasks have no row here: their calls count in the totals, the chart and the routes, and Export Cost Ledger has every call.');
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
    // The report whose axis read "$0.00 … $0.08", then "$0.000, $0.025 … $0.100" after a few more calls.
    assert.equal(labels(78_000), '$0.00 $0.02 $0.04 $0.06 $0.08');
    assert.equal(labels(89_000), '$0.00 $0.05 $0.10', 'cents from a cent up, as all the report\'s money');
    assert.equal(labels(4_200), '$0.0000 $0.0020 $0.0040 $0.0060', 'four decimals below a cent, as formatUsd writes it');
    assert.equal(labels(9_000), '$0.0000 $0.0025 $0.0050 $0.0075 $0.0100');
    assert.equal(labels(1_234_567), '$0.00 $0.50 $1.00 $1.50');
    assert.equal(labels(10_000_000), '$0.00 $2.50 $5.00 $7.50 $10.00');
    assert.equal(labels(0), '$0.0000 $0.0001', 'an empty chart still has an axis');
    for (const max of [1, 99, 9_999, 10_000, 12_345, 99_999, 250_001, 3_000_001]) {
      const decimals = new Set(chartAxis(max).ticks.map((t) => t.label.split('.')[1]?.length));
      assert.deepEqual([...decimals], [max >= 10_000 ? 2 : 4], `${max}: ${labels(max)}`);
    }
    for (const max of [1, 7, 99, 101, 12_345, 99_999, 3_000_001, 987_654_321]) {
      const { topMicros, ticks } = chartAxis(max);
      assert.ok(topMicros >= max && ticks.length >= 2 && ticks.length <= 5, `${max}: ${ticks.length} ticks to ${topMicros}`);
      const step = ticks[1]!.micros;
      assert.ok(ticks.every((t, i) => t.micros === i * step), `${max}: even steps`);
      assert.ok(topMicros - step < max, `${max}: no empty interval at the top`);
    }
  });
});

describe('billed calls and unbilled attempts', () => {
  test('the report counts them as the tooltip does: on the totals, and a task\'s unbilled attempts say so', () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    const failed = callRecord({ taskId: 'ask', outcome: 'fellBack', usage: { input: 0, output: 0, cacheRead: 0 } });
    const answered = callRecord({ taskId: 'ask', tier: 'O', model: 'claude-opus-4-8' });
    s.add(failed);
    s.add(answered);
    const message = costReportMessage(s, { scope: 'session', now: new Date('2026-11-20T12:00:00.000Z'), opusModel: 'claude-opus-4-8' });
    assert.deepEqual([message.totals.calls, message.totals.unbilled], [1, 1]);
    assert.deepEqual([message.tasks[0]?.calls, message.tasks[0]?.unbilled], [2, 1], 'the row counts every attempt, and which were not billed');
    assert.deepEqual(taskCallsMessage('ask', [failed, answered]).calls.map((c) => c.billed), [false, true]);
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
