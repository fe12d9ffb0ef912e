import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvChunks, csvField, jsonChunks, toCsv, toJson } from '../../../src/core/ledger/export';
import type { JsonExport } from '../../../src/core/ledger/export';
import { countOf, formatTokens, formatUsd, formatUsdExact, microsToDecimal } from '../../../src/core/ledger/format';
import type { CallRecord, LedgerRecord, VerdictRecord } from '../../../src/core/ledger/record';
import { callRecord, verdictRecord } from '../../support/fixtures/usage/records';

/** A minimal RFC 4180 reader, to check the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  return rows;
}

describe('exports', () => {
  test('text a spreadsheet would run as a formula stays text; numbers are left alone', () => {
    assert.equal(csvField('=HYPERLINK("http://x","y"): changed'), '"\'=HYPERLINK(""http://x"",""y""): changed"');
    for (const lead of ['+', '-', '@', '\t']) assert.ok(csvField(`${lead}x`).startsWith(`'${lead}`) || csvField(`${lead}x`).startsWith(`"'${lead}`), lead);
    assert.equal(csvField(-5), '-5');
    assert.equal(csvField('escalated after schema failure'), 'escalated after schema failure');
  });

  test('each call row carries the verdict on its own edit: a rejected Haiku edit and its accepted Sonnet retry are two rows, two verdicts', () => {
    const haiku = callRecord({ taskId: 'task-r', tier: 'H', model: 'claude-haiku-4-5', time: '2026-11-20T10:00:00.000Z' });
    const sonnet = callRecord({ taskId: 'task-r', tier: 'S', model: 'claude-sonnet-4-6', time: '2026-11-20T10:02:00.000Z' });
    const renamed = callRecord({ taskId: 'task-n', time: '2026-11-20T10:03:00.000Z' });
    const rows = parseCsv(toCsv([
      haiku, { ...verdictRecord('task-r', 'rejected', '2026-11-20T10:01:00.000Z'), callId: haiku.callId },
      sonnet, { ...verdictRecord('task-r', 'accepted', '2026-11-20T10:03:00.000Z'), callId: sonnet.callId },
      renamed, verdictRecord('task-n', 'accepted', '2026-11-20T10:04:00.000Z'),
    ]));
    const verdict = CSV_COLUMNS.indexOf('verdict');
    assert.deepEqual(rows.slice(1).map((r) => r[verdict]), ['rejected', 'accepted', 'accepted']);
  });

  test('csvField quotes only what RFC 4180 requires', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(42), '42');
  });

  test('CSV: header, CRLF lines, quoted fields round-trip, verdict joined, exact dollars', () => {
    const tricky = callRecord({ taskId: 'a', reason: 'escalated: "schema", retry\nnext', cacheMiss: { segment: 'system', cause: 'changed', detail: 'a, b' } });
    const plain = callRecord({ taskId: 'b' });
    const text = toCsv([tricky, plain, verdictRecord('a', 'rejected')]);
    assert.ok(text.endsWith('\r\n'));
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 3, 'one row per call; verdicts are joined, not rows');
    const col = (name: (typeof CSV_COLUMNS)[number]): number => CSV_COLUMNS.indexOf(name);
    assert.equal(rows[1]?.[col('reason')], tricky.reason);
    assert.equal(rows[1]?.[col('cache_miss_detail')], 'a, b');
    assert.equal(rows[1]?.[col('verdict')], 'rejected');
    assert.equal(rows[2]?.[col('verdict')], '');
    assert.equal(rows[1]?.[col('cost_micros')], String(tricky.costMicros));
    assert.equal(rows[1]?.[col('cost_usd')], microsToDecimal(tricky.costMicros));
    for (const row of rows) assert.equal(row.length, CSV_COLUMNS.length);
  });

  test('JSON: calls, verdicts and the exact total', () => {
    const records = [callRecord(), callRecord(), verdictRecord('task-1', 'accepted')];
    const parsed = JSON.parse(toJson(records, '2026-11-22T00:00:00.000Z')) as JsonExport;
    assert.equal(parsed.calls.length, 2);
    assert.equal(parsed.verdicts.length, 1);
    const expected = records.reduce((sum, r) => sum + (r.kind === 'verdict' ? 0 : r.costMicros), 0);
    assert.equal(parsed.totalMicros, expected);
    assert.equal(parsed.totalUsd, microsToDecimal(expected));
    assert.deepEqual(parsed.calls[0], records[0]);
  });

  test('streamed exports: pieces of a bounded size that join into exactly the text JSON.stringify and the CSV writer give', () => {
    const records: LedgerRecord[] = [];
    for (let i = 0; i < 2_500; i++) {
      records.push(callRecord({ taskId: `task-${i % 40}`, reason: i % 7 === 0 ? 'escalated: "schema" é 日本\nnext, then \u2028' : 'review: 3 files' }));
      if (i % 9 === 0) records.push(verdictRecord(`task-${i % 40}`, i % 2 === 0 ? 'accepted' : 'rejected'));
    }
    const exportedAt = '2026-11-22T00:00:00.000Z';
    const expected = (of: LedgerRecord[]): string => {
      const calls = of.filter((r): r is CallRecord => r.kind !== 'verdict');
      const totalMicros = calls.reduce((sum, r) => sum + r.costMicros, 0);
      const body: JsonExport = { v: 1, exportedAt, calls, verdicts: of.filter((r): r is VerdictRecord => r.kind === 'verdict'), totalMicros, totalUsd: microsToDecimal(totalMicros) };
      return `${JSON.stringify(body, null, 2)}\n`;
    };
    for (const of of [records, records.slice(0, 1), records.filter((r) => r.kind !== 'verdict'), []]) {
      assert.equal([...jsonChunks(of, exportedAt)].join(''), expected(of), `${of.length} records`);
      assert.equal(toJson(of, exportedAt), expected(of));
    }
    const json = [...jsonChunks(records, exportedAt)];
    const csv = [...csvChunks(records)];
    assert.ok(json.length >= 3 && csv.length >= 3, 'a long ledger comes in several pieces');
    const biggest = (pieces: string[]): number => Math.max(...pieces.map((p) => p.length));
    assert.ok(biggest(json) < json.join('').length / 2 && biggest(csv) < csv.join('').length / 2, 'no piece holds most of the ledger');
    const rows = parseCsv(csv.join(''));
    assert.equal(rows.length, 1 + 2_500, 'header and one row per call, none split between pieces');
    assert.equal(rows[8]?.[CSV_COLUMNS.indexOf('reason')], 'escalated: "schema" é 日本\nnext, then \u2028');
  });

  test('money formatting is integer-exact', () => {
    assert.equal(microsToDecimal(1_234_567), '1.234567');
    assert.equal(microsToDecimal(5), '0.000005');
    assert.equal(formatUsdExact(1_234_567_891), '$1,234.567891');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(1_234_567), '$1.23');
    assert.equal(formatUsd(1_235_000), '$1.24', 'half up');
    assert.equal(formatUsd(4_200), '$0.0042');
    assert.equal(formatUsd(20), '<$0.0001');
    assert.equal(formatUsd(-2_500_000), '-$2.50');
    assert.equal(formatTokens(950), '950');
    assert.equal(formatTokens(12_345), '12.3k');
    assert.equal(formatTokens(4_560_000), '4.56M');
    assert.deepEqual([9_999, 999_949, 999_950, 999_999, 1_000_000].map(formatTokens), ['10k', '999.9k', '1M', '1M', '1M'], 'a count that rounds to a thousand k is 1M');
    assert.deepEqual([0, 1, 2].map((n) => countOf(n, 'call')), ['0 calls', '1 call', '2 calls']);
  });
});
