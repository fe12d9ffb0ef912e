// Per-request classification time over the routing dev set, repeated 1,000 times.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classifyRequest } from '../../src/core/routing/classifier';
import type { ClassifyInput } from '../../src/core/routing/classifier';
import { MAX_SCANNED_CHARS, findCodeRisks } from '../../src/core/routing/codeRisks';
import { classifyInputOf, parseEvalFile } from '../../src/core/routing/eval';

const DEV_SET = resolve(__dirname, '../../../shared/routing/dev.jsonl');
const FALLBACK = resolve(__dirname, '../support/fixtures/routing/own.jsonl');
const REPEATS = 1000;

function loadInputs(): ClassifyInput[] {
  let file = DEV_SET;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    file = FALLBACK;
    text = readFileSync(file, 'utf8');
  }
  const { items, errors } = parseEvalFile(text, file);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return items.map(classifyInputOf);
}

function percentile(sorted: Float64Array, p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export async function bench(): Promise<Record<string, number>> {
  const inputs = loadInputs();
  // Warm up so the JIT and the regex caches are in their steady state.
  for (let i = 0; i < 50; i++) for (const input of inputs) classifyRequest(input);
  const samples = new Float64Array(inputs.length * REPEATS);
  let k = 0;
  let sink = 0;
  for (let r = 0; r < REPEATS; r++) {
    for (const input of inputs) {
      const start = performance.now();
      const result = classifyRequest(input);
      samples[k++] = (performance.now() - start) * 1000;
      sink += result.confidence;
    }
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the results alive');
  samples.sort();
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    classify_p50_us: round(percentile(samples, 0.5)),
    classify_p99_us: round(percentile(samples, 0.99)),
    code_scan_300_lines_us: round(codeScanUs(benignCode(300))),
    code_scan_max_us: round(codeScanUs(benignCode(Infinity))),
  };
}

/**
 * Ordinary code with nothing risky in it, the scan's worst case (every pattern reads to the
 * end): `lines` lines, or up to the scanned maximum.
 */
function benignCode(lines: number): string {
  const unit = [
    'export function orderTotal(items: { price: number; qty: number }[]): number {',
    '  let total = 0;',
    '  for (const item of items) total += item.price * item.qty; // no discounts yet',
    "  return Math.round(total * 100) / 100;",
    '}',
    '',
  ];
  const out: string[] = [];
  for (let chars = 0; out.length < lines && chars < MAX_SCANNED_CHARS; chars += out.at(-1)!.length + 1) out.push(unit[out.length % unit.length]!);
  return out.join('\n');
}

/** Median time of findCodeRisks over `code`, in microseconds. */
function codeScanUs(code: string): number {
  if (findCodeRisks(code).length > 0) throw new Error('the benign code matched a risk pattern');
  const times = new Float64Array(200);
  for (let i = 0; i < 20; i++) findCodeRisks(code);
  for (let i = 0; i < times.length; i++) {
    const start = performance.now();
    findCodeRisks(code);
    times[i] = (performance.now() - start) * 1000;
  }
  times.sort();
  return percentile(times, 0.5);
}
