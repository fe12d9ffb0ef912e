// `npm run eval -- FILE.jsonl [--json] [--verbose | --misses] [--check [--threshold N] [--check-model ID | --answers F] [--record F]]`: routes every
// request of a dev.jsonl-style file as a free-form Ask and, when the lines carry labels,
// prints the routing metrics of ../shared/routing/README.md. Input errors exit 2 naming
// file:line. The scoring lives in src/core/routing/eval.ts; this file only reads, prints and
// picks the exit code. --misses lists only the labelled requests routed to another tier.
//
// --check also runs the optional difficulty check for real on the routes below the
// threshold (default 0.55, the extension's), through the official SDK: set ANTHROPIC_API_KEY,
// and ANTHROPIC_BASE_URL for an endpoint other than the API's. It prints the metrics before
// and after the check and what the checks were billed. A rejected key, a forbidden model or
// an exhausted balance stops the run (exit 1); other failed calls keep the router's tier.
// --check-model sends the checks to another priced model than the labour tier's, to measure
// whether a stronger second opinion would pay for itself. --record F writes every answer with
// the digest of its exact prompt; --answers F replays such a file instead of calling the API
// (no key needed), so thresholds and bounds can be studied offline.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { estimateCostUsd } from '../src/core/pricing/cost';
import { evaluate, formatMetrics, parseEvalFile, routeFile } from '../src/core/routing/eval';
import type { EvalItem, EvalMetrics, RoutedItem, ScoringOptions } from '../src/core/routing/eval';
import { lookupPrice } from '../src/core/pricing/priceTable';
import { DEFAULT_DIFFICULTY_SETTING } from '../src/core/routing/difficulty';
import { FatalCheckError, answerKey, formatCheckStats, runDifficultyChecks } from './difficultyCheck';
import type { CheckResult, RecordedAnswer } from './difficultyCheck';

const USAGE = 'usage: npm run eval -- FILE.jsonl [--json] [--verbose | --misses] [--check [--threshold N] [--check-model ID | --answers FILE] [--record FILE]]';
const DEFAULT_BASE_URL = 'https://api.anthropic.com';

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

interface Args {
  file: string;
  json: boolean;
  verbose: boolean;
  misses: boolean;
  check: boolean;
  threshold: number;
  /** The model the checks go to; undefined: the labour tier's. */
  checkModel: string | undefined;
  /** Replay the recorded answers in this file instead of calling the API. */
  answers: string | undefined;
  /** Write every live answer to this file. */
  record: string | undefined;
}

function parseArgs(args: readonly string[]): Args {
  const files: string[] = [];
  const parsed: Omit<Args, 'file'> = { json: false, verbose: false, misses: false, check: false, threshold: DEFAULT_DIFFICULTY_SETTING.threshold, checkModel: undefined, answers: undefined, record: undefined };
  let thresholdGiven = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') parsed.json = true;
    else if (arg === '--verbose') parsed.verbose = true;
    else if (arg === '--misses') parsed.misses = true;
    else if (arg === '--check') parsed.check = true;
    else if (arg === '--threshold') {
      const value = args[++i];
      const n = Number(value);
      if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) fail(`--threshold needs a number from 0 to 1, got ${value ?? 'nothing'}\n${USAGE}`);
      parsed.threshold = n;
      thresholdGiven = true;
    } else if (arg === '--check-model') {
      const value = args[++i]?.trim();
      // Billing must be exact, so only models the dated price table knows.
      if (!value || !lookupPrice(value).known) fail(`--check-model needs a model id from the price table, got ${value || 'nothing'}\n${USAGE}`);
      parsed.checkModel = value;
    } else if (arg === '--answers' || arg === '--record') {
      const value = args[++i];
      if (!value || value.startsWith('--')) fail(`${arg} needs a file\n${USAGE}`);
      parsed[arg === '--answers' ? 'answers' : 'record'] = value;
    } else if (arg.startsWith('-') && arg !== '-') fail(`unknown option ${arg}\n${USAGE}`);
    else files.push(arg);
  }
  if (parsed.misses && parsed.verbose) fail(`--misses and --verbose are alternatives\n${USAGE}`);
  if (thresholdGiven && !parsed.check) fail(`--threshold only applies with --check\n${USAGE}`);
  for (const [given, name] of [[parsed.checkModel, '--check-model'], [parsed.answers, '--answers'], [parsed.record, '--record']] as const) {
    if (given !== undefined && !parsed.check) fail(`${name} only applies with --check\n${USAGE}`);
  }
  if (parsed.answers !== undefined && (parsed.checkModel !== undefined || parsed.record !== undefined)) {
    fail(`--answers replays a recording: it takes neither --check-model nor --record\n${USAGE}`);
  }
  const file = files[0];
  if (!file || files.length > 1) fail(USAGE);
  return { file, ...parsed };
}

function printItems(items: readonly EvalItem[], routed: readonly RoutedItem[], logs: readonly (string | undefined)[] | undefined, missesOnly: boolean): void {
  routed.forEach((r, i) => {
    if (missesOnly && (r.expected === undefined || r.expected === r.tier)) return;
    const mark = r.expected === undefined ? ' ' : r.expected === r.tier ? '✓' : '✗';
    const label = r.expected === undefined ? '' : ` (label ${r.expected})`;
    console.log(`${mark} ${r.id}: ${r.tier}${label} ${r.stepType} conf ${r.confidence.toFixed(2)}`);
    console.log(`    "${oneLine(items[i]!.request)}"`);
    for (const reason of r.reasons) console.log(`    ${reason}`);
    const log = logs?.[i];
    if (log) console.log(`    [${log}]`);
  });
}

/** The file's text, or exit 2 saying why it cannot be read. */
function readOrExit(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    fail(`${file}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** A file written by --record: one {"id","prompt","text"} per line. Bad lines exit 2 naming file:line. */
function readAnswers(file: string): Map<string, string> {
  const text = readOrExit(file);
  const answers = new Map<string, string>();
  text.split('\n').forEach((line, n) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      fail(`${file}:${n + 1}: not valid JSON`);
    }
    const { id, prompt, text: answer } = (value ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof prompt !== 'string' || !/^[0-9a-f]{64}$/.test(prompt) || typeof answer !== 'string') {
      fail(`${file}:${n + 1}: a recorded answer needs "id", "prompt" (the SHA-256 of the prompt) and "text"`);
    }
    answers.set(answerKey(id, prompt), answer);
  });
  return answers;
}

/** The request on one line, cut at 160 characters, so a listing stays one screen line per item. */
function oneLine(request: string): string {
  const flat = request.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { items, errors } = parseEvalFile(readOrExit(args.file), args.file);
  if (errors.length > 0) fail(errors.join('\n'));
  if (items.length === 0) fail(`${args.file}: no requests`);

  const scoring: ScoringOptions = { estimateCostUsd: (model, input, output) => estimateCostUsd(model, input, output), checkBelow: args.threshold };
  const file = routeFile(items);
  const { routed } = file;
  const metrics = evaluate(routed, scoring);

  let checked: CheckResult | undefined;
  if (args.check) {
    try {
      if (args.answers !== undefined) {
        checked = await runDifficultyChecks(file, { threshold: args.threshold, recorded: readAnswers(args.answers) });
      } else {
        const apiKey = process.env.ANTHROPIC_API_KEY?.trim();
        if (!apiKey) fail('--check calls the API: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for an endpoint other than the API), or replay a recording with --answers');
        const baseURL = process.env.ANTHROPIC_BASE_URL?.trim() || DEFAULT_BASE_URL;
        const recordTo = args.record;
        if (recordTo !== undefined) writeFileSync(recordTo, '');
        const record = recordTo === undefined ? undefined : (answer: RecordedAnswer) => appendFileSync(recordTo, `${JSON.stringify(answer)}\n`);
        checked = await runDifficultyChecks(file, { apiKey, baseURL, threshold: args.threshold, model: args.checkModel, record });
      }
    } catch (err) {
      if (err instanceof FatalCheckError) fail(err.message, 1);
      throw err;
    }
  }
  const final = checked?.routed ?? routed;
  const finalMetrics: EvalMetrics | undefined = checked ? evaluate(final, scoring) : metrics;

  if (args.json) {
    const out: Record<string, unknown> = {
      items: final.map((r) => ({ id: r.id, tier: r.tier, confidence: r.confidence, stepType: r.stepType, reasons: r.reasons })),
    };
    if (finalMetrics) out.metrics = finalMetrics;
    if (checked) out.check = { ...checked.stats, ...(metrics ? { metricsWithoutCheck: metrics } : {}) };
    console.log(JSON.stringify(out));
    return;
  }
  if (args.verbose || args.misses || !metrics) {
    printItems(items, final, checked?.logs, args.misses);
    console.log('');
  }
  if (checked && metrics && finalMetrics) {
    console.log(`router alone\n${formatMetrics(metrics)}\n\nrouter + difficulty check\n${formatMetrics(finalMetrics)}\n`);
  } else if (metrics) {
    console.log(formatMetrics(metrics));
  } else {
    console.log(`${routed.length} request${routed.length === 1 ? '' : 's'} routed (no labels, so no metrics)`);
  }
  if (checked) console.log(formatCheckStats(checked.stats));
}

main().catch((err: unknown) => {
  console.error(`eval failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
