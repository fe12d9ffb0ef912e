// Ledger figures. The 100k load and its memory are measured in a fresh child process
// (this same file, in child mode) so the parent's generated records and warm JIT do not
// flatter them; the child reports RSS growth after a forced GC, with the summary and the
// store's dedup set still held.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LedgerStore, ledgerFileName } from '../../src/llm/ledgerStore';
import { LedgerSummary } from '../../src/core/ledger/summary';
import { seededRandom } from '../support/fixtures/usage/builders';
import { randomCallRecord } from '../support/fixtures/usage/records';

const CHILD_FLAG = 'LADDER_LEDGER_BENCH_DIR';
const RECORDS = 100_000;
const APPENDS = 5_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function appendP99Us(dir: string): number {
  const random = seededRandom(11);
  const records = Array.from({ length: APPENDS + 100 }, (_, i) => randomCallRecord(random, i));
  const store = new LedgerStore(dir);
  // Warm-up: the first append per month opens the file and scans it.
  for (const record of records.slice(0, 100)) store.append(record);
  const samples: number[] = [];
  for (const record of records.slice(100)) {
    const started = process.hrtime.bigint();
    store.append(record);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  store.close();
  samples.sort((a, b) => a - b);
  return percentile(samples, 99);
}

function writeLedger(dir: string): void {
  const random = seededRandom(100);
  const byFile = new Map<string, string[]>();
  for (let i = 0; i < RECORDS; i++) {
    const record = randomCallRecord(random, i);
    const name = ledgerFileName(record.time);
    const lines = byFile.get(name) ?? [];
    lines.push(JSON.stringify(record));
    byFile.set(name, lines);
  }
  for (const [name, lines] of byFile) fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
}

async function child(dir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const store = new LedgerStore(dir);
  const summary = new LedgerSummary({ sessionStart: '2026-11-15T00:00:00.000Z' });
  const report = await store.load((record) => summary.add(record));
  const ms = performance.now() - started;
  // Let V8 give back the heap it grew while parsing: what stays is what the summary and
  // the store's dedup set hold, which is the figure asked for.
  for (let i = 0; i < 5; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = process.memoryUsage();
  process.stdout.write(JSON.stringify({
    ms,
    records: report.records,
    problems: report.problems.length,
    tasks: summary.taskCount,
    rssMb: (after.rss - before.rss) / (1 << 20),
    heapMb: (after.heapUsed - before.heapUsed) / (1 << 20),
    totalMicros: summary.total.micros,
    heapTotalMb: (after.heapTotal - before.heapTotal) / (1 << 20),
    externalMb: (after.external - before.external) / (1 << 20),
  }));
}

/** `ledger_append_p99_us`, `ledger_summary_100k_ms`, `ledger_100k_rss_mb`. */
export async function bench(): Promise<Record<string, number>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-bench-ledger-'));
  try {
    const appendDir = path.join(root, 'append');
    const loadDir = path.join(root, 'load');
    fs.mkdirSync(loadDir);
    const p99 = appendP99Us(appendDir);
    writeLedger(loadDir);
    const runs: { ms: number; rssMb: number; records: number; problems: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename], {
        env: { ...process.env, [CHILD_FLAG]: loadDir },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`ledger bench child failed: ${result.stderr}`);
      const run = JSON.parse(result.stdout) as { ms: number; rssMb: number; records: number; problems: number };
      if (run.records !== RECORDS || run.problems !== 0) throw new Error(`ledger bench child loaded ${run.records} records with ${run.problems} problems`);
      runs.push(run);
    }
    // The median of three cold runs: one child per run, so no run is warmed by another.
    const median = (values: number[]): number => values.sort((a, b) => a - b)[1] ?? 0;
    return {
      ledger_append_p99_us: Math.round(p99 * 10) / 10,
      ledger_summary_100k_ms: Math.round(median(runs.map((r) => r.ms))),
      ledger_100k_rss_mb: Math.round(median(runs.map((r) => r.rssMb)) * 10) / 10,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const childDir = process.env[CHILD_FLAG];
if (childDir) {
  child(childDir).catch((err: unknown) => {
    process.stderr.write(String(err instanceof Error ? err.stack : err));
    process.exit(1);
  });
}
