import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CallRecord, apiUsage, buildCallRecord, ledgerUsage, parseLedgerRecord } from '../../../src/core/ledger/record';
import { costOfUsage } from '../../../src/core/pricing/cost';
import { seededRandom, usage } from '../../support/fixtures/usage/builders';
import { callRecord, randomCallRecord, verdictRecord } from '../../support/fixtures/usage/records';

describe('ledger records', () => {
  test('buildCallRecord prices the usage at the call time and flattens the split', () => {
    const { record, warnings } = buildCallRecord({
      taskId: 't', callId: 'c', time: '2026-10-06T12:00:00.000Z', command: 'ask', stepType: 'ask', tier: 'S',
      model: 'claude-sonnet-5-5', reason: 'r', attempt: 1, outcome: 'ok', workspace: 'ws-1',
      usage: usage({ input: 100, cacheRead: 100_000, cw1h: 10 }),
    });
    assert.equal(record.costMicros, 100 * 2 + 100_000 * 0.2 + 10 * 4, 'the Sonnet 5.5 read price before 2026-10-07');
    assert.deepEqual(record.usage, { input_tokens: 100, output_tokens: 0, cache_creation_input_tokens: 10, cache_read_input_tokens: 100_000, cache_5m: 0, cache_1h: 10, service_tier: 'standard' });
    assert.deepEqual(warnings, []);
  });

  test('ledger usage round-trips to the same price', () => {
    const block = usage({ input: 321, output: 54, cacheRead: 9000, cw5m: 700, cw1h: 300, batch: true });
    assert.equal(costOfUsage('claude-opus-4-8', apiUsage(ledgerUsage(block))).picos, costOfUsage('claude-opus-4-8', block).picos);
  });

  test('deprecated models build with a warning for the log', () => {
    const facts = { taskId: 't', callId: 'c', time: '2026-11-20T00:00:00.000Z', command: 'ask', stepType: 'ask', tier: 'S' as const, model: 'claude-sonnet-4-5', reason: 'r', attempt: 1, outcome: 'ok' as const, workspace: 'w', usage: usage({ input: 1 }) };
    assert.match(buildCallRecord(facts).warnings.join(), /deprecated/);
  });

  test('parseLedgerRecord accepts calls and verdicts, drops unknown fields, rejects bad ones', () => {
    const call = callRecord();
    const parsed = parseLedgerRecord({ ...call, futureField: 1 });
    assert.ok('record' in parsed);
    assert.equal('futureField' in parsed.record, false);
    assert.ok('record' in parseLedgerRecord(verdictRecord('t', 'rejected')));
    const bad = parseLedgerRecord({ ...call, outcome: 'exploded' });
    assert.ok('error' in bad && /outcome/.test(bad.error));
    assert.ok('error' in parseLedgerRecord({ ...call, time: '2026-11-20 10:00' }), 'times are Z-suffixed ISO');
    assert.ok('error' in parseLedgerRecord({ ...call, costMicros: 1.5 }), 'money is integer micros');
  });

  test('no key and no prompt text can be written', () => {
    const facts = { taskId: 't', callId: 'c', time: '2026-11-20T00:00:00.000Z', command: 'ask', stepType: 'ask', tier: 'S' as const, model: 'claude-sonnet-4-6', attempt: 1, outcome: 'ok' as const, workspace: 'w', usage: usage({ input: 1 }) };
    assert.throws(() => buildCallRecord({ ...facts, reason: 'auth sk-ant-api03-AAAAAAAAAAAAAAAA' }), /API key/);
    assert.throws(() => buildCallRecord({ ...facts, reason: 'Please review this code:\n'.repeat(100) }), /reason/);
    const extra = buildCallRecord({ ...facts, reason: 'r', prompt: 'secret code' } as typeof facts & { reason: string; prompt: string }).record;
    assert.equal(JSON.stringify(extra).includes('secret code'), false, 'fields outside the schema are not stored');
  });

  /** JSON has no undefined: a missing field is a deleted key. */
  function setOrDelete(target: Record<string, unknown>, key: string, value: unknown): void {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }

  test('property: loading accepts exactly what the zod schema accepts, with the same result', () => {
    const random = seededRandom(99);
    const odd: unknown[] = [undefined, null, '', 'x', 'x'.repeat(200), 'x'.repeat(201), 'x'.repeat(501), -1, 0, 1, 1.5, 2 ** 53, '1', true, {}, [], 'H', 'call', 'verdict', 'ok',
      '2026-02-30T00:00:00Z', '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T10:00:00.5Z', '2026-11-20T10:00Z', '2026-11-20T10:00:00+01:00',
      '2026-11-20T10:00:00.1234567891Z', '2026-11-20T24:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-11-20T10:00:00.Z',
      { segment: 's', cause: 'c', detail: '' }, { segment: '', cause: 'c', detail: 'd' }];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const topKeys = ['v', 'kind', 'taskId', 'callId', 'time', 'command', 'stepType', 'tier', 'model', 'reason', 'attempt', 'costMicros', 'outcome', 'override', 'workspace', 'cacheMiss', 'requestId', 'usage', 'extra'];
    const usageKeys = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_5m', 'cache_1h', 'service_tier', 'extra'];
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      const record = JSON.parse(JSON.stringify(randomCallRecord(random, i))) as Record<string, unknown>;
      const mutations = Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const value = pick(odd);
        const u = record.usage;
        if (random() < 0.3 && u !== null && typeof u === 'object') {
          setOrDelete(u as Record<string, unknown>, pick(usageKeys), value);
        } else {
          setOrDelete(record, pick(topKeys), value);
        }
      }
      const viaLoad = parseLedgerRecord(record);
      const viaZod = CallRecord.safeParse(record);
      assert.equal('record' in viaLoad, viaZod.success, JSON.stringify(record));
      if ('record' in viaLoad && viaZod.success) {
        assert.deepEqual(viaLoad.record, viaZod.data);
        accepted += 1;
      }
    }
    assert.ok(accepted > 1000 && accepted < 4000, `both outcomes exercised (${accepted} accepted)`);
  });
});
