import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerSummary } from '../../../src/core/ledger/summary';
import { costReportMessage } from '../../../src/core/ledger/report';
import { callRecord } from '../../support/fixtures/usage/records';

describe('cost report message', () => {
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
    assert.doesNotThrow(() => JSON.stringify(message), 'postMessage-safe: plain data');
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
});
