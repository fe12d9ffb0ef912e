import { totalMicros } from './record';
import type { CallRecord, LedgerRecord, VerdictRecord } from './record';
import { microsToDecimal } from './format';

/** The CSV columns, in order. One row per billed call; the verdict on its edit is joined in (see verdictsByCall). */
export const CSV_COLUMNS = [
  'time', 'task_id', 'call_id', 'command', 'step_type', 'tier', 'model', 'reason', 'attempt', 'outcome', 'override',
  'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_5m', 'cache_1h',
  'service_tier', 'cost_usd', 'cost_micros', 'workspace', 'request_id', 'cache_miss_segment', 'cache_miss_cause',
  'cache_miss_detail', 'verdict',
] as const;

/**
 * RFC 4180 quoting: a field with a comma, a double quote, CR or LF is wrapped in double
 * quotes with inner quotes doubled; every other field is written as is. Text that a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or CR: a reason or a
 * cache note can hold a workspace file's name) gets a leading apostrophe, so it stays text.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The verdict on each call's edit: a verdict naming its call goes on that call; one naming
 * none (older records, Rename Symbol) goes on its task's last call. A rejected Haiku edit and
 * its accepted retry on Sonnet are one task, and two rows with two verdicts.
 */
function verdictsByCall(records: readonly LedgerRecord[]): Map<string, VerdictRecord> {
  const latest = (map: Map<string, VerdictRecord>, key: string, record: VerdictRecord) => {
    const previous = map.get(key);
    if (!previous || previous.time <= record.time) map.set(key, record);
  };
  const byCall = new Map<string, VerdictRecord>();
  const byTask = new Map<string, VerdictRecord>();
  for (const record of records) {
    if (record.kind === 'verdict') latest(record.callId ? byCall : byTask, record.callId ?? record.taskId, record);
  }
  const lastCall = new Map<string, CallRecord>();
  for (const call of calls(records)) {
    const previous = lastCall.get(call.taskId);
    if (!previous || previous.time <= call.time) lastCall.set(call.taskId, call);
  }
  for (const [taskId, verdict] of byTask) {
    const call = lastCall.get(taskId);
    if (call && !byCall.has(call.callId)) byCall.set(call.callId, verdict);
  }
  return byCall;
}

function calls(records: readonly LedgerRecord[]): CallRecord[] {
  return records.filter((record): record is CallRecord => record.kind !== 'verdict');
}

/**
 * Records per piece of a streamed export: pieces of a few hundred KB, so no string grows
 * with the ledger (V8 caps one string at about 512 MB: some 665k records as JSON).
 */
const CHUNK_RECORDS = 1_000;

/** The CSV export in pieces, to write one after another: joined, they are {@link toCsv}'s text. */
export function* csvChunks(records: readonly LedgerRecord[]): Generator<string> {
  const verdicts = verdictsByCall(records);
  let lines = [CSV_COLUMNS.join(',')];
  for (const r of calls(records)) {
    const u = r.usage;
    lines.push([
      r.time, r.taskId, r.callId, r.command, r.stepType, r.tier, r.model, r.reason, r.attempt, r.outcome, r.override,
      u.input_tokens, u.output_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens, u.cache_5m, u.cache_1h,
      u.service_tier, microsToDecimal(r.costMicros), r.costMicros, r.workspace, r.requestId, r.cacheMiss?.segment,
      r.cacheMiss?.cause, r.cacheMiss?.detail, verdicts.get(r.callId)?.verdict,
    ].map(csvField).join(','));
    if (lines.length >= CHUNK_RECORDS) {
      yield `${lines.join('\r\n')}\r\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\r\n')}\r\n`;
}

/** The ledger as CSV text: header, then one CRLF-terminated line per call (RFC 4180). */
export function toCsv(records: readonly LedgerRecord[]): string {
  return [...csvChunks(records)].join('');
}

/** The JSON export's shape. Money is integer micro-dollars plus an exact decimal string. */
export interface JsonExport {
  v: 1;
  exportedAt: string;
  calls: CallRecord[];
  verdicts: VerdictRecord[];
  totalMicros: number;
  totalUsd: string;
}

/**
 * The JSON export in pieces, to write one after another: joined, they are exactly
 * `JSON.stringify(body, null, 2)` and a newline, {@link toJson}'s text.
 */
export function* jsonChunks(records: readonly LedgerRecord[], exportedAt: string): Generator<string> {
  const callRecords = calls(records);
  const totalCost = totalMicros(callRecords);
  // The fields in JsonExport's order, as JSON.stringify would lay them out.
  yield `{\n  "v": 1,\n  "exportedAt": ${JSON.stringify(exportedAt)},\n  "calls": `;
  yield* jsonArrayChunks(callRecords);
  yield ',\n  "verdicts": ';
  yield* jsonArrayChunks(records.filter((record): record is VerdictRecord => record.kind === 'verdict'));
  yield `,\n  "totalMicros": ${JSON.stringify(totalCost)},\n  "totalUsd": ${JSON.stringify(microsToDecimal(totalCost))}\n}\n`;
}

/** An array one level into the top object, pretty-printed (2 spaces) as JSON.stringify does, in pieces. */
function* jsonArrayChunks(items: readonly object[]): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  let parts: string[] = [];
  for (const [i, item] of items.entries()) {
    // A JSON text has no raw newline inside a string, so every newline is a line to indent.
    parts.push(`${i === 0 ? '[' : ','}\n    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}`);
    if (parts.length >= CHUNK_RECORDS) {
      yield parts.join('');
      parts = [];
    }
  }
  parts.push('\n  ]');
  yield parts.join('');
}

/** The ledger as pretty-printed JSON text (records as stored, plus the exact total): see {@link JsonExport}. */
export function toJson(records: readonly LedgerRecord[], exportedAt: string): string {
  return [...jsonChunks(records, exportedAt)].join('');
}
