import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiUsage, buildCallRecord, ledgerUsage, parseLedgerRecord } from '../../../src/core/ledger/record';
import { costOfUsage } from '../../../src/core/pricing/cost';
import { usage } from '../../support/fixtures/usage/builders';
import { callRecord, verdictRecord } from '../../support/fixtures/usage/records';

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
});
