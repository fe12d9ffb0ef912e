import type { StepType } from '../steps';
import type { Tier } from '../tiers';
import { TIERS, compareTiers, isTier } from '../tiers';
import { classifyRequest } from './classifier';
import type { Classification, ClassifyInput } from './classifier';
import type { EstimateCostUsd } from './policy';
import { DEFAULT_DIFFICULTY_SETTING } from './difficulty';
import { DEFAULT_LADDER } from './policy';

/**
 * The routing eval: labelled requests in, the metrics of ../shared/routing/README.md out.
 * Pure so it is unit-tested; tools/eval.ts only reads the file and prints.
 */

/** One line of a routing eval file (dev.jsonl format); `tier` is the label, optional. */
export interface EvalItem {
  id: string;
  request: string;
  files: number | null;
  linesChanged: number | null;
  paths: string[];
  tier?: Tier;
}

/** What the router did with one item. */
export interface RoutedItem {
  id: string;
  tier: Tier;
  confidence: number;
  stepType: StepType;
  reasons: string[];
  /** The label, when the input had one. */
  expected?: Tier;
  linesChanged: number | null;
}

export interface CostSummary {
  /** Total scored cost of the router's choices, USD. */
  routedUsd: number;
  /** Every item sent to the judgment tier, scored by the same rule. */
  allOpusUsd: number;
  /** Every item at its own label. */
  oracleUsd: number;
  vsAllOpus: number;
  vsOracle: number;
}

export interface EvalMetrics {
  /** Labelled items scored. */
  n: number;
  accuracy: number;
  /** confusion[label][routed] = count. */
  confusion: Record<Tier, Record<Tier, number>>;
  underRouting: number;
  /** Needed O or F, routed to H. */
  severeUnderRouting: number;
  overRouting: number;
  counts: { correct: number; under: number; severe: number; over: number };
  cost: CostSummary;
  /**
   * Accuracy on each side of the default difficulty-check threshold: where confidence says
   * "check me", routes should in fact be wrong more often than where it says "trust me".
   */
  calibration: { threshold: number; checked: BucketScore; trusted: BucketScore };
}

export interface BucketScore {
  n: number;
  correct: number;
  /** correct / n, or null for an empty bucket. */
  accuracy: number | null;
}

export interface ParseResult {
  items: EvalItem[];
  /** `file:line: problem`, one per bad line. */
  errors: string[];
}

/**
 * Parses a JSONL eval file. Blank lines are skipped; anything else that is not a JSON
 * object with a string `request` (and well-typed optional fields) is an error naming its
 * line, so a broken file never silently scores fewer items.
 */
export function parseEvalFile(text: string, fileName: string): ParseResult {
  const items: EvalItem[] = [];
  const errors: string[] = [];
  // A UTF-8 byte-order mark (Windows editors write one) is not part of the first line's JSON.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const seen = new Set<string>();
  const lineOf = new Map<EvalItem, number>();
  lines.forEach((line, index) => {
    const where = `${fileName}:${index + 1}`;
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      errors.push(`${where}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    const problem = itemProblem(value);
    if (problem) {
      errors.push(`${where}: ${problem}`);
      return;
    }
    const obj = value as Record<string, unknown>;
    const id = typeof obj.id === 'string' ? obj.id : `line-${index + 1}`;
    if (seen.has(id)) {
      errors.push(`${where}: duplicate id "${id}"`);
      return;
    }
    seen.add(id);
    const item: EvalItem = {
      id,
      request: obj.request as string,
      files: (obj.files as number | null | undefined) ?? null,
      linesChanged: (obj.linesChanged as number | null | undefined) ?? null,
      paths: (obj.paths as string[] | undefined) ?? [],
    };
    if (obj.tier !== undefined) item.tier = obj.tier as Tier;
    items.push(item);
    lineOf.set(item, index + 1);
  });
  // Labels are optional, but all or none: a file with some would score only those, silently.
  const firstLabelled = items.find((i) => i.tier !== undefined);
  const unlabelled = firstLabelled ? items.filter((i) => i.tier === undefined) : [];
  for (const item of unlabelled.slice(0, 5)) errors.push(`${fileName}:${lineOf.get(item)}: no "tier" label, while line ${lineOf.get(firstLabelled!)} has one (label every line or none)`);
  if (unlabelled.length > 5) errors.push(`${fileName}: ${unlabelled.length - 5} more lines without a "tier" label`);
  return { items, errors };
}

function itemProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const obj = value as Record<string, unknown>;
  if (!('request' in obj)) return 'missing "request"';
  if (typeof obj.request !== 'string' || !obj.request.trim()) return '"request" must be a non-empty string';
  if (obj.id !== undefined && (typeof obj.id !== 'string' || !obj.id.trim())) return '"id" must be a non-empty string';
  for (const key of ['source', 'ref', 'why'] as const) {
    if (obj[key] !== undefined && obj[key] !== null && typeof obj[key] !== 'string') return `"${key}" must be a string`;
  }
  for (const key of ['files', 'linesChanged'] as const) {
    const v = obj[key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      return `"${key}" must be a non-negative integer or null`;
    }
  }
  if (obj.paths !== undefined && !(Array.isArray(obj.paths) && obj.paths.every((p) => typeof p === 'string'))) {
    return '"paths" must be an array of strings';
  }
  if (obj.tier !== undefined && !isTier(obj.tier)) return '"tier" must be one of "H", "S", "O", "F"';
  return undefined;
}

/** An eval item as the classifier sees it: a free-form Ask with the item's diff statistics as context. */
export function classifyInputOf(item: EvalItem): ClassifyInput {
  return {
    command: 'ask',
    text: item.request,
    context: {
      ...(item.files !== null ? { files: item.files } : {}),
      ...(item.linesChanged !== null ? { linesChanged: item.linesChanged } : {}),
      paths: item.paths,
    },
  };
}

/** A file's items routed once (see classifyInputOf), with what the difficulty check reads about each kept alongside. */
export interface RoutedFile {
  readonly items: readonly EvalItem[];
  readonly inputs: readonly ClassifyInput[];
  readonly classifications: readonly Classification[];
  readonly routed: readonly RoutedItem[];
}

export function routeFile(items: readonly EvalItem[]): RoutedFile {
  const inputs = items.map(classifyInputOf);
  const classifications = inputs.map(classifyRequest);
  return { items, inputs, classifications, routed: items.map((item, i) => routedItemOf(item, classifications[i]!)) };
}

/** One item's route from a classification (the eval's --check passes one the difficulty check moved). */
export function routedItemOf(item: EvalItem, c: Classification): RoutedItem {
  const routed: RoutedItem = {
    id: item.id,
    tier: c.tier,
    confidence: c.confidence,
    stepType: c.stepType,
    reasons: c.reasons,
    linesChanged: item.linesChanged,
  };
  if (item.tier) routed.expected = item.tier;
  return routed;
}

export interface ScoringOptions {
  /** tier → model id; the default ladder when omitted. */
  ladder?: Readonly<Record<Tier, string>>;
  estimateCostUsd: EstimateCostUsd;
  /** Where the calibration buckets split; the difficulty check's default threshold when omitted. */
  checkBelow?: number;
}

/**
 * The README's cost of answering one item at `tier`: L = min(linesChanged ?? 40, 2000),
 * input 4000 + 12·L tokens, output 300 + 6·L, priced on the ladder's model for the tier.
 */
export function itemCostUsd(tier: Tier, linesChanged: number | null, options: ScoringOptions): number {
  const lines = Math.min(linesChanged ?? 40, 2000);
  const ladder = options.ladder ?? DEFAULT_LADDER;
  return options.estimateCostUsd(ladder[tier], 4000 + 12 * lines, 300 + 6 * lines);
}

/** Routed below the need: the cheap answer fails its check and the step is redone. */
function scoredCost(routed: Tier, needed: Tier, linesChanged: number | null, options: ScoringOptions): number {
  const cost = itemCostUsd(routed, linesChanged, options);
  return compareTiers(routed, needed) >= 0 ? cost : cost + itemCostUsd(needed, linesChanged, options);
}

function emptyConfusion(): Record<Tier, Record<Tier, number>> {
  const row = (): Record<Tier, number> => ({ H: 0, S: 0, O: 0, F: 0 });
  return { H: row(), S: row(), O: row(), F: row() };
}

/**
 * Scores routed items against their labels (unlabelled items are ignored). Returns
 * undefined when nothing is labelled.
 */
export function evaluate(items: readonly RoutedItem[], options: ScoringOptions): EvalMetrics | undefined {
  const labelled = items.filter((i): i is RoutedItem & { expected: Tier } => i.expected !== undefined);
  if (labelled.length === 0) return undefined;
  const confusion = emptyConfusion();
  let correct = 0, under = 0, severe = 0, over = 0;
  let routedUsd = 0, allOpusUsd = 0, oracleUsd = 0;
  const threshold = options.checkBelow ?? DEFAULT_DIFFICULTY_SETTING.threshold;
  const checked = { n: 0, correct: 0 };
  const trusted = { n: 0, correct: 0 };
  for (const item of labelled) {
    const need = item.expected;
    confusion[need][item.tier]++;
    const cmp = compareTiers(item.tier, need);
    const bucket = item.confidence < threshold ? checked : trusted;
    bucket.n++;
    if (cmp === 0) {
      correct++;
      bucket.correct++;
    } else if (cmp < 0) {
      under++;
      if ((need === 'O' || need === 'F') && item.tier === 'H') severe++;
    } else over++;
    routedUsd += scoredCost(item.tier, need, item.linesChanged, options);
    allOpusUsd += scoredCost('O', need, item.linesChanged, options);
    oracleUsd += itemCostUsd(need, item.linesChanged, options);
  }
  const n = labelled.length;
  return {
    n,
    accuracy: correct / n,
    confusion,
    underRouting: under / n,
    severeUnderRouting: severe / n,
    overRouting: over / n,
    counts: { correct, under, severe, over },
    cost: {
      routedUsd,
      allOpusUsd,
      oracleUsd,
      vsAllOpus: routedUsd / allOpusUsd,
      vsOracle: routedUsd / oracleUsd,
    },
    calibration: { threshold, checked: scoreOf(checked), trusted: scoreOf(trusted) },
  };
}

function scoreOf(bucket: { n: number; correct: number }): BucketScore {
  return { ...bucket, accuracy: bucket.n > 0 ? bucket.correct / bucket.n : null };
}

function bucketLine(bucket: BucketScore, pct: (x: number) => string): string {
  return bucket.accuracy === null ? '0 items' : `${bucket.n} item${bucket.n === 1 ? '' : 's'}, ${pct(bucket.accuracy)} right`;
}

/** Plain-text report of the metrics: summary lines and the confusion matrix. */
export function formatMetrics(metrics: EvalMetrics): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const usd = (x: number): string => `$${x.toFixed(4)}`;
  const out: string[] = [
    `items scored         ${metrics.n}`,
    `accuracy             ${pct(metrics.accuracy)} (${metrics.counts.correct}/${metrics.n})`,
    `under-routing        ${pct(metrics.underRouting)} (${metrics.counts.under})`,
    `severe under-routing ${pct(metrics.severeUnderRouting)} (${metrics.counts.severe})`,
    `over-routing         ${pct(metrics.overRouting)} (${metrics.counts.over})`,
    `cost routed          ${usd(metrics.cost.routedUsd)}`,
    `cost all-Opus        ${usd(metrics.cost.allOpusUsd)}  (routed = ${metrics.cost.vsAllOpus.toFixed(3)}×)`,
    `cost oracle          ${usd(metrics.cost.oracleUsd)}  (routed = ${metrics.cost.vsOracle.toFixed(3)}×)`,
    `low confidence       ${bucketLine(metrics.calibration.checked, pct)}  (below ${metrics.calibration.threshold}: the difficulty check runs)`,
    `high confidence      ${bucketLine(metrics.calibration.trusted, pct)}`,
    '',
    'confusion (rows: label, columns: routed)',
    `      ${TIERS.map((t) => t.padStart(5)).join('')}`,
  ];
  for (const need of TIERS) {
    out.push(`  ${need}   ${TIERS.map((t) => String(metrics.confusion[need][t]).padStart(5)).join('')}`);
  }
  return out.join('\n');
}
