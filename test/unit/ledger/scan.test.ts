import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerLineScanner } from '../../../src/llm/ledgerScan';
import { ledgerKeyHash } from '../../../src/llm/ledgerKeys';
import type { LedgerRecord } from '../../../src/core/ledger/record';
import { parseLedgerRecord } from '../../../src/core/ledger/record';
import { seededRandom } from '../../support/fixtures/usage/builders';
import { callRecord, randomCallRecord, verdictRecord } from '../../support/fixtures/usage/records';

/** What the store's full path makes of a line: the record, or undefined when it is refused. */
function fullPath(line: string): LedgerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = parseLedgerRecord(value);
  return 'record' in parsed ? parsed.record : undefined;
}

/**
 * The scanner's answer on `line` placed inside a larger buffer (bytes on both sides, as in
 * a chunk), checked against the full path: it may decline, but what it returns must be
 * exactly what the full path returns, down to the key order a re-export writes.
 */
function scanAgrees(scanner: LedgerLineScanner, line: string): 'scanned' | 'declined' {
  const bytes = Buffer.from(`{"v":1}\n${line}\n{"v":`, 'utf8');
  const start = Buffer.byteLength('{"v":1}\n');
  const end = start + Buffer.byteLength(line);
  const scanned = scanner.scan(bytes, start, end);
  const { callIdStart, callIdEnd, callIdHash } = scanner;
  // Finding the line's end itself must give the same answer as being told where it is.
  const inChunk = scanner.scanLine(bytes, start, bytes.length);
  assert.equal(inChunk === undefined, scanned === undefined, `scanLine and scan disagree on: ${line}`);
  if (inChunk !== undefined) assert.equal(scanner.lineEnd, end);
  const unterminated = Buffer.from(line);
  assert.equal(scanner.scanLine(unterminated, 0, unterminated.length), undefined, 'a line without its newline is not taken');
  if (scanned === undefined) return 'declined';
  const full = fullPath(line);
  assert.ok(full !== undefined, `the scanner accepted a line the full path refuses: ${line}`);
  assert.equal(JSON.stringify(scanned), JSON.stringify(full), line);
  assert.deepEqual(scanned, full, line);
  assert.equal(bytes.toString('latin1', callIdStart, callIdEnd), scanned.callId, 'the callId bytes the store dedupes on');
  assert.equal(callIdHash, ledgerKeyHash(bytes, callIdStart, callIdEnd), 'the hash the key set files the callId under');
  return 'scanned';
}

/** JSON has no undefined: a missing field is a deleted key. */
function setOrDelete(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

const ODD_VALUES: unknown[] = [undefined, null, '', 'x', 'x'.repeat(200), 'x'.repeat(201), 'x'.repeat(500), 'x'.repeat(501), -1, 0, 1, 1.5, 1e21, 2 ** 53, 2 ** 53 - 1,
  999_999_999_999_999, 1_000_000_000_000_000, '1', true, {}, [], 'H', 'Z', 'call', 'verdict', 'ok', 'okay', 'batch', 'x'.repeat(40), 'x'.repeat(41),
  'sk-ant-api03-abcdefghijklmnop', 'task-sk-ant', 'naïve', 'tab\there', 'quote"inside', 'back\\slash', '\u0000', '\ud83d\ude80', '\ud800',
  '2026-02-30T00:00:00Z', '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-04-31T10:00:00.5Z',
  '2026-11-20T10:00Z', '2026-11-20T10:00:00+01:00', '2026-11-20T10:00:00.1234567891Z', '2026-11-20T24:00:00Z', '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z', '2026-11-20T10:00:00.Z', '2026-11-20T10:00:60Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-11-20t10:00:00Z',
  '2026-11-20T10:00:00z', '2026-11-20T10:00:00.000Z ', ' 2026-11-20T10:00:00Z', '2026-1-20T10:00:00Z',
  { segment: 's', cause: 'c', detail: '' }, { segment: '', cause: 'c', detail: 'd' }, { segment: 's', cause: 'c' }, { segment: 's', cause: 'c', detail: 'd', more: 1 },
  { cause: 'c', detail: 'd', segment: 's' }];
const TOP_KEYS = ['v', 'kind', 'taskId', 'callId', 'time', 'command', 'stepType', 'tier', 'model', 'reason', 'attempt', 'costMicros', 'outcome', 'override', 'workspace', 'cacheMiss', 'requestId', 'usage', 'extra'];
const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_5m', 'cache_1h', 'service_tier', 'extra'];
/** Bytes that break or bend JSON: structure, escapes, whitespace, digits, non-ASCII. */
const ODD_TEXT = ['"', '\\', '{', '}', ':', ',', ' ', '\t', '\r', '0', '9', '-', '.', 'e', 'a', 'Z', 'é', '🚀', '\u0001', 'null', '"v":1,', '\\u0041'];

/** Reorders an object's keys (JSON.parse does not care; the scanner's guesses must not either). */
function shuffled(record: Record<string, unknown>, random: () => number): Record<string, unknown> {
  const keys = Object.keys(record);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j] as string, keys[i] as string];
  }
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}

describe('LedgerLineScanner: vouches only for what the full parser accepts', () => {
  test('lines the store writes are all scanned, equal to the full path', () => {
    const random = seededRandom(7);
    const scanner = new LedgerLineScanner();
    const records = [
      ...Array.from({ length: 500 }, (_, i) => randomCallRecord(random, i)),
      callRecord({ override: 'O', requestId: 'req_1', cacheMiss: { segment: 'workspace', cause: 'ttlExpired', detail: '' } }),
      callRecord({ reason: '' }),
    ];
    for (const record of records) assert.equal(scanAgrees(scanner, JSON.stringify(record)), 'scanned');
  });

  test('property: mutated records are either declined or read exactly as the full path reads them', () => {
    const random = seededRandom(4242);
    const scanner = new LedgerLineScanner();
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const outcomes = { scanned: 0, declined: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      let record = JSON.parse(JSON.stringify(randomCallRecord(random, i))) as Record<string, unknown>;
      const mutations = Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const value = pick(ODD_VALUES);
        const u = record.usage;
        if (random() < 0.3 && u !== null && typeof u === 'object') setOrDelete(u as Record<string, unknown>, pick(USAGE_KEYS), value);
        else setOrDelete(record, pick(TOP_KEYS), value);
      }
      if (random() < 0.1) record = shuffled(record, random);
      const line = JSON.stringify(record);
      const result = scanAgrees(scanner, line);
      outcomes[result] += 1;
      if (result === 'declined' && fullPath(line) === undefined) outcomes.refused += 1;
    }
    assert.ok(outcomes.scanned > 1000, `the fast path is exercised (${outcomes.scanned})`);
    assert.ok(outcomes.refused > 300, `refused records are exercised (${outcomes.refused})`);
    assert.ok(outcomes.declined > outcomes.refused, 'some valid records are left to the full path');
  });

  test('property: byte-level damage never makes the scanner accept what the full path would not read the same', () => {
    const random = seededRandom(99);
    const scanner = new LedgerLineScanner();
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    let changed = 0;
    for (let i = 0; i < 4000; i++) {
      const line = JSON.stringify(randomCallRecord(random, i));
      const at = Math.floor(random() * line.length);
      const roll = random();
      const damaged = roll < 0.4
        ? line.slice(0, at) + pick(ODD_TEXT) + line.slice(at)
        : roll < 0.7 ? line.slice(0, at) + line.slice(at + 1 + Math.floor(random() * 3)) : line.slice(0, at) + pick(ODD_TEXT) + line.slice(at + 1);
      if (damaged !== line) changed += 1;
      scanAgrees(scanner, damaged);
    }
    assert.ok(changed > 3500);
  });

  test('verdicts, escapes, non-ASCII and whitespace are left to the full path, which still reads them', () => {
    const scanner = new LedgerLineScanner();
    const base = callRecord();
    const lines = [
      JSON.stringify(verdictRecord('task-1', 'accepted')),
      JSON.stringify({ ...base, reason: 'naïve café' }),
      JSON.stringify({ ...base, reason: 'a "quoted" word' }),
      JSON.stringify(base, null, 1),
      ` ${JSON.stringify(base)}`,
      `${JSON.stringify(base)}\r`,
      JSON.stringify({ ...base, kind: 'call' }).replace('"v":1', '"v":1.0'),
    ];
    for (const line of lines) {
      assert.equal(scanAgrees(scanner, line), 'declined', line);
      assert.ok(fullPath(line) !== undefined, `the full path reads it: ${line}`);
    }
  });

  test('a line cut short, or running past its end, is declined', () => {
    const scanner = new LedgerLineScanner();
    const line = Buffer.from(`${JSON.stringify(callRecord())}\n`);
    for (let cut = 0; cut < line.length - 1; cut += 7) assert.equal(scanner.scan(line, 0, cut), undefined, `cut at ${cut}`);
    assert.equal(scanner.scan(line, 0, line.length), undefined, 'the newline is not part of the record');
    assert.ok(scanner.scan(line, 0, line.length - 1));
    const glued = Buffer.from(`${JSON.stringify(callRecord())}x\n`);
    assert.equal(scanner.scanLine(glued, 0, glued.length), undefined, 'a record followed by more than its newline');
  });

  test('repeated labels come back as the same string, distinct labels stay distinct', () => {
    const scanner = new LedgerLineScanner();
    const read = (reason: string): string => {
      const line = Buffer.from(JSON.stringify(callRecord({ reason })));
      return scanner.scan(line, 0, line.length)?.reason ?? 'declined';
    };
    const reasons = Array.from({ length: 6000 }, (_, i) => (i % 7 === 0 ? `long ${'x'.repeat(60 + (i % 13))} ${i % 3000}` : `reason ${i % 3000}`));
    const seen = reasons.map(read);
    assert.deepEqual(seen, reasons, 'a cache collision never returns another label');
  });
});
