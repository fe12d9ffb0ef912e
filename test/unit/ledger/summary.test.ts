import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerSummary, localDay } from '../../../src/core/ledger/summary';
import type { CallRecord } from '../../../src/core/ledger/record';
import { apiUsage } from '../../../src/core/ledger/record';
import { costOfUsage, costWithoutCacheReads } from '../../../src/core/pricing/cost';
import { TIERS } from '../../../src/core/tiers';
import { seededRandom } from '../../support/fixtures/usage/builders';
import { callRecord, randomCallRecord, verdictRecord } from '../../support/fixtures/usage/records';

const OPUS = 'claude-opus-4-8';

function summaryOf(records: CallRecord[], sessionStart = '2000-01-01T00:00:00.000Z', maxTasks = Number.POSITIVE_INFINITY): LedgerSummary {
  const summary = new LedgerSummary({ sessionStart, opusModel: OPUS, maxTasks });
  for (const record of records) summary.add(record);
  return summary;
}

describe('LedgerSummary', () => {
  test('property: per-call costs sum exactly to every total, per tier, per day and per task', () => {
    const random = seededRandom(2026);
    const records = Array.from({ length: 20_000 }, (_, i) => randomCallRecord(random, i));
    const summary = summaryOf(records);
    let exact = 0n;
    for (const r of records) exact += BigInt(r.costMicros);
    assert.equal(BigInt(summary.total.micros), exact);
    assert.equal(summary.session.micros, summary.total.micros);
    assert.equal(summary.total.calls, records.length);
    const tierSum = TIERS.reduce((sum, t) => sum + summary.total.tiers[t].micros, 0);
    assert.equal(tierSum, summary.total.micros);
    const daySum = summary.perTierPerDay().reduce((sum, p) => sum + p.micros, 0);
    assert.equal(daySum, summary.total.micros);
    const taskSum = summary.tasks().reduce((sum, row) => sum + row.micros, 0);
    assert.equal(taskSum, summary.total.micros);
    for (const tier of TIERS) {
      const expected = records.filter((r) => r.tier === tier).reduce((sum, r) => sum + r.costMicros, 0);
      assert.equal(summary.total.tiers[tier].micros, expected, tier);
    }
  });

  test('cache savings and all-Opus match repricing each call on its own', () => {
    const random = seededRandom(5);
    const records = Array.from({ length: 500 }, (_, i) => randomCallRecord(random, i));
    const summary = summaryOf(records);
    let savings = 0;
    let opus = 0;
    for (const r of records) {
      const at = r.time;
      savings += costWithoutCacheReads(r.model, apiUsage(r.usage), { at }).micros - costOfUsage(r.model, apiUsage(r.usage), { at }).micros;
      opus += costOfUsage(OPUS, apiUsage(r.usage), { at }).micros;
    }
    assert.equal(summary.total.cacheSavingsMicros, savings);
    assert.equal(summary.total.opusMicros, opus);
  });

  test('a hand-worked session: tiers, tokens, savings, escalations and fallbacks', () => {
    const haiku = callRecord({ tier: 'H', model: 'claude-haiku-4-5', outcome: 'escalated', usage: { input: 1000, output: 100, cacheRead: 10_000 } });
    const sonnet = callRecord({ tier: 'S', model: 'claude-sonnet-4-6', outcome: 'fellBack', usage: { input: 2000, output: 200, cw5m: 4000 } });
    const sonnet2 = callRecord({ tier: 'S', model: 'claude-sonnet-4-6', outcome: 'ok', usage: { input: 500, output: 50 } });
    const s = summaryOf([haiku, sonnet, sonnet2]);
    assert.equal(s.total.tiers.H.micros, 1000 * 1 + 100 * 5 + 10_000 * 0.1);
    assert.equal(s.total.tiers.S.calls, 2);
    assert.equal(s.total.tiers.S.cacheWriteTokens, 4000);
    assert.equal(s.total.tiers.H.cacheReadTokens, 10_000);
    assert.equal(s.total.cacheSavingsMicros, 10_000 * (1 - 0.1));
    assert.equal(s.total.opusMicros, (1000 * 5 + 100 * 25 + 10_000 * 0.5) + (2000 * 5 + 200 * 25 + 4000 * 6.25) + (500 * 5 + 50 * 25));
    assert.equal(s.total.escalations, 1);
    assert.equal(s.total.fallbacks, 1);
  });

  test('session reset starts from zero; today is the records of the current day', () => {
    const morning = callRecord({ time: '2026-11-20T08:00:00.000Z' });
    const yesterday = callRecord({ time: '2026-11-19T23:00:00.000Z' });
    const s = summaryOf([yesterday, morning], '2026-11-20T00:00:00.000Z');
    assert.equal(s.session.calls, 1);
    assert.equal(s.today(new Date('2026-11-20T12:00:00Z')).micros, morning.costMicros);
    assert.equal(s.day('2026-11-19').micros, yesterday.costMicros);
    s.resetSession('2026-11-20T09:00:00.000Z');
    assert.equal(s.session.micros, 0);
    const later = callRecord({ time: '2026-11-20T09:30:00.000Z' });
    s.add(later);
    assert.equal(s.session.micros, later.costMicros);
    assert.equal(s.total.calls, 3, 'reset touches only the session');
  });

  test('a session can be limited to one workspace (one window)', () => {
    const s = new LedgerSummary({ sessionStart: '2026-01-01T00:00:00.000Z', sessionWorkspace: 'ws-mine' });
    s.add(callRecord({ workspace: 'ws-mine' }));
    s.add(callRecord({ workspace: 'ws-other' }));
    assert.equal(s.session.calls, 1);
    assert.equal(s.total.calls, 2);
  });

  test('per-task rows and the per-tier/per-day series', () => {
    const a1 = callRecord({ taskId: 'a', tier: 'H', model: 'claude-haiku-4-5', outcome: 'escalated', time: '2026-11-20T10:00:00.000Z' });
    const a2 = callRecord({ taskId: 'a', tier: 'O', model: 'claude-opus-4-8', time: '2026-11-20T10:00:05.000Z' });
    const b1 = callRecord({ taskId: 'b', tier: 'S', time: '2026-11-21T10:00:00.000Z' });
    const s = summaryOf([a1, a2, b1]);
    const [latest, older] = s.tasks();
    assert.equal(latest?.taskId, 'b');
    assert.deepEqual(older?.tiers, ['H', 'O']);
    assert.equal(older?.finalTier, 'O');
    assert.equal(older?.micros, a1.costMicros + a2.costMicros);
    assert.equal(older?.escalations, 1);
    assert.equal(s.tasks(1).length, 1);
    assert.deepEqual(s.perTierPerDay().map((p) => `${p.day}:${p.tier}:${p.calls}`), ['2026-11-20:H:1', '2026-11-20:O:1', '2026-11-21:S:1']);
    assert.deepEqual(s.perTierPerDay('2026-11-21').map((p) => p.day), ['2026-11-21']);
  });

  test('verdicts mark the task and count on the judged route; a changed verdict moves the count', () => {
    const s = summaryOf([callRecord({ taskId: 't', stepType: 'fix', tier: 'S' })]);
    s.add(verdictRecord('t', 'rejected'));
    assert.deepEqual(s.routes().map((r) => [r.stepType, r.tier, r.accepted, r.rejected]), [['fix', 'S', 0, 1]]);
    s.add(verdictRecord('t', 'accepted', '2026-11-20T10:06:00.000Z'));
    assert.deepEqual(s.routes().map((r) => [r.accepted, r.rejected]), [[1, 0]]);
    assert.equal(s.tasks()[0]?.verdict, 'accepted');
    s.add(verdictRecord('unknown-task', 'accepted'));
    assert.equal(s.routes()[0]?.accepted, 1, 'a verdict for an unknown task is ignored');
  });

  test('routes: calls, cost and escalations per step type and tier; Ladder\'s own calls are routes but never the judged one', () => {
    const check = callRecord({ taskId: 'a', stepType: 'difficulty', tier: 'H', model: 'claude-haiku-4-5', time: '2026-11-20T10:00:00.000Z' });
    const first = callRecord({ taskId: 'a', stepType: 'format', tier: 'H', model: 'claude-haiku-4-5', outcome: 'escalated', time: '2026-11-20T10:00:01.000Z' });
    const second = callRecord({ taskId: 'a', stepType: 'format', tier: 'S', time: '2026-11-20T10:00:02.000Z' });
    const judge = callRecord({ taskId: 'a', stepType: 'reviewJudge', tier: 'O', model: 'claude-opus-4-8', time: '2026-11-20T10:00:03.000Z' });
    const other = callRecord({ taskId: 'b', stepType: 'format', tier: 'H', model: 'claude-haiku-4-5', time: '2026-11-20T11:00:00.000Z' });
    const s = summaryOf([check, first, second, judge, other]);
    s.add(verdictRecord('a', 'accepted', '2026-11-20T10:01:00.000Z'));
    const routes = s.routes();
    assert.deepEqual(routes.map((r) => `${r.stepType}:${r.tier}:${r.calls}:${r.escalated}:${r.accepted}/${r.rejected}`),
      ['format:H:2:1:0/0', 'difficulty:H:1:0:0/0', 'format:S:1:0:1/0', 'reviewJudge:O:1:0:0/0']);
    assert.equal(routes[0]?.micros, first.costMicros + other.costMicros);
    assert.equal(routes.reduce((sum, r) => sum + r.micros, 0), s.total.micros, 'the routes share out the total exactly');
    routes[0]!.calls = 99;
    assert.equal(s.routes()[0]?.calls, 2, 'routes() returns copies');
  });

  test('a rejected edit retried a tier up keeps the rejection on the first route and the acceptance on the second', () => {
    const haiku = callRecord({ taskId: 't', stepType: 'format', tier: 'H', model: 'claude-haiku-4-5', time: '2026-11-20T10:00:00.000Z' });
    const s = summaryOf([haiku]);
    s.add({ ...verdictRecord('t', 'rejected', '2026-11-20T10:00:30.000Z'), callId: haiku.callId });
    const sonnet = callRecord({ taskId: 't', stepType: 'format', tier: 'S', time: '2026-11-20T10:01:00.000Z' });
    s.add(sonnet);
    s.add({ ...verdictRecord('t', 'accepted', '2026-11-20T10:01:30.000Z'), callId: sonnet.callId });
    assert.deepEqual(s.routes().map((r) => `${r.tier}:${r.accepted}/${r.rejected}`), ['H:0/1', 'S:1/0']);
    assert.equal(s.tasks()[0]?.verdict, 'accepted');
  });

  test('recent verdicts: per workspace, step type and tier, the latest eight, counted from a date', () => {
    const s = summaryOf([]);
    const edit = (i: number, workspace: string, stepType: string, tier: 'H' | 'S', verdict: 'accepted' | 'rejected') => {
      const time = new Date(Date.UTC(2026, 10, 1 + i, 10)).toISOString();
      const call = callRecord({ taskId: `t${i}-${workspace}-${stepType}-${tier}`, workspace, stepType, tier, time });
      s.add(call);
      s.add({ ...verdictRecord(call.taskId, verdict, time), callId: call.callId });
    };
    for (let i = 0; i < 10; i++) edit(i, 'ws-a', 'format', 'H', i < 3 ? 'accepted' : 'rejected');
    edit(0, 'ws-b', 'format', 'H', 'accepted');
    edit(0, 'ws-a', 'docs', 'H', 'accepted');
    edit(0, 'ws-a', 'format', 'S', 'accepted');
    assert.deepEqual(s.recentVerdicts('ws-a', 'format', 'H', ''), { accepted: 1, rejected: 7 }, 'the latest 8 of 10: days 3-10');
    assert.deepEqual(s.recentVerdicts('ws-a', 'format', 'H', '2026-11-08'), { accepted: 0, rejected: 3 }, 'days 8-10');
    assert.deepEqual(s.recentVerdicts('ws-b', 'format', 'H', ''), { accepted: 1, rejected: 0 });
    assert.deepEqual(s.recentVerdicts('ws-a', 'docs', 'H', ''), { accepted: 1, rejected: 0 });
    assert.deepEqual(s.recentVerdicts('ws-a', 'format', 'S', ''), { accepted: 1, rejected: 0 });
    assert.deepEqual(s.recentVerdicts('ws-c', 'format', 'H', ''), { accepted: 0, rejected: 0 });
  });

  test('a changed verdict on the same call replaces its recent verdict instead of adding one', () => {
    const call = callRecord({ taskId: 't', stepType: 'format', tier: 'H' });
    const s = summaryOf([call]);
    s.add(verdictRecord('t', 'rejected'));
    s.add(verdictRecord('t', 'accepted', '2026-11-20T10:06:00.000Z'));
    assert.deepEqual(s.recentVerdicts(call.workspace, 'format', 'H', ''), { accepted: 1, rejected: 0 });
  });

  test('per-task rows are capped (the latest kept) while totals still cover every call', () => {
    const records = Array.from({ length: 50 }, (_, i) => callRecord({ taskId: `t${i}`, time: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString() }));
    const capped = summaryOf(records, undefined, 10);
    const rows = capped.tasks();
    assert.equal(rows.length, 10);
    assert.deepEqual(rows.map((r) => r.taskId), Array.from({ length: 10 }, (_, i) => `t${49 - i}`));
    assert.equal(capped.taskCount, 10);
    assert.equal(capped.total.micros, records.reduce((sum, r) => sum + r.costMicros, 0));
  });
});

describe('LedgerSummary: days', () => {
  /** Every (day, tier) point and the day totals, to compare two ways of finding days. */
  function dayFigures(summary: LedgerSummary): string {
    return JSON.stringify(summary.perTierPerDay().map((p) => [p.day, p.tier, p.calls, p.micros, summary.day(p.day).opusMicros, summary.day(p.day).cacheSavingsMicros]));
  }

  test('local days found by the hour match localDay on each record, across midnights and offset changes', () => {
    const saved = process.env.TZ;
    // Half-hour and 45-minute offsets, a 30-minute DST shift, and ordinary DST.
    const zones = ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago'];
    const random = seededRandom(31);
    try {
      for (const zone of zones) {
        process.env.TZ = zone;
        // Times dense around the 2026 DST changes (Mar/Apr, Sep/Oct/Nov) and every midnight.
        const records = Array.from({ length: 3000 }, (_, i) => {
          const month = [2, 3, 8, 9, 10][i % 5] as number;
          const ms = Date.UTC(2026, month, 1) + Math.floor(random() * 31 * 86_400_000);
          return callRecord({ taskId: `t${i % 50}`, time: new Date(ms).toISOString(), usage: { input: 100 + i, output: 10, cacheRead: i % 3 === 0 ? 5000 : 0 } });
        });
        const byHour = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z', dayOf: localDay });
        const byRecord = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z', dayOf: (time) => localDay(time) });
        for (const record of records) {
          byHour.add(record);
          byRecord.add(record);
        }
        assert.equal(dayFigures(byHour), dayFigures(byRecord), zone);
        assert.equal(byHour.today(new Date(records[0]?.time ?? '')).calls, byRecord.today(new Date(records[0]?.time ?? '')).calls, zone);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  test('UTC days found by number match the UTC date of each record', () => {
    const random = seededRandom(8);
    const records = Array.from({ length: 2000 }, (_, i) => randomCallRecord(random, i));
    const byNumber = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z' });
    const byRecord = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z', dayOf: (time) => time.slice(0, 10) });
    for (const record of records) {
      byNumber.add(record);
      byRecord.add(record);
    }
    assert.equal(dayFigures(byNumber), dayFigures(byRecord));
    assert.ok(byNumber.perTierPerDay().length > 50);
  });

  test('property: capped task rows follow a first-seen, first-dropped model through many drops and returns', () => {
    const random = seededRandom(77);
    const modelIds = ['claude-haiku-4-5', 'claude-sonnet-4-6', 'claude-opus-4-8'];
    // Caps that leave the row index a quarter full, half full (long probe runs), and one row.
    for (const [max, pool] of [[40, 120], [64, 200], [1, 4]] as const) {
      const capped = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z', maxTasks: max });
      const kept: string[] = [];
      const calls = new Map<string, number>();
      const models = new Map<string, string[]>();
      for (let i = 1; i <= 4000; i++) {
        const taskId = `task-${Math.floor(random() * pool)}`;
        const model = modelIds[Math.floor(random() * modelIds.length)] as string;
        // One time for all: tasks() then lists rows in the order they were first seen.
        capped.add(callRecord({ taskId, model, time: '2026-11-20T10:00:00.000Z' }));
        if (!calls.has(taskId)) {
          if (kept.length === max) {
            const dropped = kept.shift() as string;
            calls.delete(dropped);
            models.delete(dropped);
          }
          kept.push(taskId);
          calls.set(taskId, 0);
          models.set(taskId, []);
        }
        calls.set(taskId, (calls.get(taskId) ?? 0) + 1);
        const seen = models.get(taskId) as string[];
        if (!seen.includes(model)) seen.push(model);
        if (i % 1000 !== 0) continue;
        assert.equal(capped.taskCount, max);
        assert.deepEqual(capped.tasks().map((row) => row.taskId), kept, `cap ${max}, after ${i}`);
        for (let t = 0; t < pool; t++) {
          const row = capped.task(`task-${t}`);
          assert.equal(row?.calls, calls.get(`task-${t}`), `cap ${max}, after ${i}: task-${t}`);
          assert.deepEqual(row?.models, models.get(`task-${t}`), `cap ${max}, after ${i}: task-${t}`);
        }
      }
    }
  });

  test('an empty summary is all zeros, exactly', () => {
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    const tier = { calls: 0, unbilled: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, micros: 0 };
    const zero = { calls: 0, micros: 0, tiers: { H: tier, S: tier, O: tier, F: tier }, cacheSavingsMicros: 0, opusMicros: 0, escalations: 0, fallbacks: 0, failures: 0, cancellations: 0 };
    assert.deepEqual(s.total, zero);
    assert.deepEqual(s.session, zero);
    s.add(callRecord({ time: '2026-11-19T10:00:00.000Z', tier: 'S' }));
    assert.deepEqual(s.session, zero, 'a call before the session');
    assert.deepEqual(s.day('2026-11-19').tiers.H, tier, 'a tier without calls on a day with some');
    assert.deepEqual(s.day('2026-11-18'), zero);
  });

  test('attempts recorded at $0 are counted apart from billed calls, on the tier, the route and the task', () => {
    // A 529 on Sonnet: the SDK's two retries and the attempt that fell back are recorded, none billed; Opus answers.
    const s = new LedgerSummary({ sessionStart: '2026-11-20T00:00:00.000Z' });
    const none = { input: 0, output: 0, cacheRead: 0 };
    s.add(callRecord({ taskId: 'ask', stepType: 'ask', outcome: 'failed', usage: none }));
    s.add(callRecord({ taskId: 'ask', stepType: 'ask', outcome: 'failed', usage: none }));
    s.add(callRecord({ taskId: 'ask', stepType: 'ask', outcome: 'fellBack', usage: none }));
    s.add(callRecord({ taskId: 'ask', stepType: 'ask', tier: 'O', model: 'claude-opus-4-8' }));
    assert.deepEqual([s.session.calls, s.session.tiers.S.calls, s.session.tiers.S.unbilled, s.session.tiers.O.unbilled], [4, 3, 3, 0]);
    assert.deepEqual(s.routes().map((r) => [r.tier, r.calls, r.unbilled]), [['S', 3, 3], ['O', 1, 0]]);
    assert.deepEqual([s.task('ask')?.calls, s.task('ask')?.unbilled], [4, 3]);
  });

  test('task rows trimmed away are reused without leaking their old figures', () => {
    const records = Array.from({ length: 40 }, (_, i) => callRecord({ taskId: `t${i}`, tier: i % 2 === 0 ? 'H' : 'O', model: i % 2 === 0 ? 'claude-haiku-4-5' : 'claude-opus-4-8', time: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString() }));
    const capped = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z', maxTasks: 4 });
    const full = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z' });
    for (const record of records) {
      capped.add(record);
      full.add(record);
    }
    capped.add(verdictRecord('t39', 'accepted'));
    full.add(verdictRecord('t39', 'accepted'));
    assert.deepEqual(capped.tasks(), full.tasks(4));
  });
});
