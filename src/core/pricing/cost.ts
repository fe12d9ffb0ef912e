import { z } from 'zod';
import type { PriceLookup, PriceTable, RateCard } from './priceTable';
import { PRICE_TABLE, lookupPrice, modelWarnings, tableWarnings } from './priceTable';
import { tokenizerFactor } from '../models';

/**
 * A usage block as the Messages API returns it (`message.usage`, or the cumulative usage
 * of a stream). Every field is optional because streams, batches and old logs each omit
 * some of them; missing counts are zero.
 */
export interface UsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  service_tier?: string | null;
}

const TOKEN_COUNT = z.number().int().nonnegative().nullish();

/**
 * Validates a usage block from outside (a log file, a batch result). Extra fields pass
 * through; counts must be non-negative integers when present.
 */
export const UsageSchema = z.looseObject({
  input_tokens: TOKEN_COUNT,
  output_tokens: TOKEN_COUNT,
  cache_creation_input_tokens: TOKEN_COUNT,
  cache_read_input_tokens: TOKEN_COUNT,
  cache_creation: z.looseObject({ ephemeral_5m_input_tokens: TOKEN_COUNT, ephemeral_1h_input_tokens: TOKEN_COUNT }).nullish(),
  service_tier: z.string().nullish(),
});

/** Pricing options. `now` enables the staleness/end-of-life warnings; `at` picks dated rows. */
export interface CostOptions {
  table?: PriceTable;
  /** The current time, for "table older than 120 days" and "past end of life" warnings. */
  now?: Date;
  /** When the call was made (ISO), to pick the row in force then; default: `now`, else the newest row. */
  at?: string;
}

/** Token counts as priced, after the 5m/1h split was resolved. */
export interface PricedTokens {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
  /** input + cache writes + cache read: what the long-prompt tier is decided on. */
  prompt: number;
}

/** Each component's cost in integer pico-dollars (1e-12 $). */
export interface CostBreakdown {
  inputPicos: number;
  cacheWrite5mPicos: number;
  cacheWrite1hPicos: number;
  cacheReadPicos: number;
  outputPicos: number;
  tokens: PricedTokens;
  /** `long` when the request crossed the model's long-prompt threshold. */
  priceTier: 'base' | 'long';
  batch: boolean;
}

/** The price of one call. */
export interface CallCost {
  /** Exact cost in pico-dollars (an integer). */
  picos: number;
  /** Cost in integer micro-dollars, rounded half-up from `picos`: the ledger's unit. */
  micros: number;
  /** `micros` in dollars, for display. */
  usd: number;
  /** The table row's model id, or the id as given when it is unknown. */
  pricedAs: string;
  known: boolean;
  breakdown: CostBreakdown;
  warnings: string[];
}

const PICOS_PER_MICRO = 1_000_000;

/** Rounds integer pico-dollars half-up to integer micro-dollars, without float division. */
export function picosToMicros(picos: number): number {
  const whole = picos - (picos % PICOS_PER_MICRO);
  const micros = whole / PICOS_PER_MICRO;
  return picos % PICOS_PER_MICRO >= PICOS_PER_MICRO / 2 ? micros + 1 : micros;
}

/** Integer micro-dollars to dollars for display (one division, no accumulation). */
export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}

function count(value: number | null | undefined, field: string): number {
  if (value === undefined || value === null) return 0;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`usage.${field} must be a non-negative integer, got ${String(value)}`);
  return value;
}

/**
 * Resolves the token counts of a usage block. When the 5m/1h split is missing, every
 * cache write is priced at the 5m rate; when the split and the total disagree, the
 * larger is charged (the excess at 5m) so a malformed block never under-counts.
 */
export function pricedTokens(usage: UsageLike): PricedTokens {
  const input = count(usage.input_tokens, 'input_tokens');
  const output = count(usage.output_tokens, 'output_tokens');
  const cacheRead = count(usage.cache_read_input_tokens, 'cache_read_input_tokens');
  const total = count(usage.cache_creation_input_tokens, 'cache_creation_input_tokens');
  const split5m = count(usage.cache_creation?.ephemeral_5m_input_tokens, 'cache_creation.ephemeral_5m_input_tokens');
  const cacheWrite1h = count(usage.cache_creation?.ephemeral_1h_input_tokens, 'cache_creation.ephemeral_1h_input_tokens');
  const cacheWrite5m = Math.max(split5m, total - cacheWrite1h);
  return { input, output, cacheRead, cacheWrite5m, cacheWrite1h, prompt: input + cacheRead + cacheWrite5m + cacheWrite1h };
}

const COUNT_FIELDS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const;
const SPLIT_FIELDS = ['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens'] as const;

/**
 * A usage block read off the wire (the API, or a proxy in front of it), made priceable:
 * numeric strings become numbers, fractions are rounded up, and negative, non-finite or
 * non-numeric counts become 0, so a billed call is still recorded rather than refused by
 * {@link pricedTokens}. `odd` names each field that was changed, for the record's reason;
 * `unreadable` each count that was no count at all ("n/a", -1) and became 0 (the split's as
 * `cache_creation.…`).
 * Absent and null counts stay absent: in a stream's message_delta that means "unchanged".
 */
export function normaliseUsage(raw: unknown): { usage: UsageLike; odd: string[]; unreadable: string[] } {
  const odd: string[] = [];
  const unreadable: string[] = [];
  if (raw === undefined || raw === null) return { usage: {}, odd: ['no usage'], unreadable };
  if (typeof raw !== 'object') return { usage: {}, odd: [`usage ${shortValue(raw)} ignored`], unreadable };
  const source = raw as Record<string, unknown>;
  const usage: UsageLike = {};
  const fix = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const n = normaliseCount(value);
    if (n !== value) {
      odd.push(`${field} ${shortValue(value)} counted as ${n}`);
      if (n === 0) unreadable.push(field);
    }
    return n;
  };
  for (const field of COUNT_FIELDS) {
    const n = fix(source[field], field);
    if (n !== undefined) usage[field] = n;
  }
  const split = source.cache_creation;
  if (split !== undefined && split !== null) {
    if (typeof split === 'object') {
      usage.cache_creation = {};
      for (const field of SPLIT_FIELDS) {
        const n = fix((split as Record<string, unknown>)[field], `cache_creation.${field}`);
        if (n !== undefined) usage.cache_creation[field] = n;
      }
    } else {
      odd.push(`cache_creation ${shortValue(split)} ignored`);
    }
  }
  const tier = source.service_tier;
  if (typeof tier === 'string') usage.service_tier = tier.slice(0, 40);
  else if (tier !== undefined && tier !== null) odd.push(`service_tier ${shortValue(tier)} ignored`);
  return { usage, odd, unreadable };
}

function normaliseCount(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  // Rounded up: a malformed count never under-counts. Nothing sensible is larger than a safe integer.
  const whole = Math.ceil(n);
  return Number.isSafeInteger(whole) && whole > 0 ? whole : 0;
}

function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/**
 * Output tokens for generated text the API never gave its count of (a stream cut before its
 * final usage). Unlike estimateTokens (chars ÷ 4, for planning) this must not run low: the
 * ledger's rule is that a partial count never under-counts, and chars ÷ 4 does on code,
 * where symbols and short names are tokens of their own. So it counts the way a tokenizer
 * splits at worst: a run of letters or digits at 3 characters a token, every other
 * character (punctuation, symbols, non-ASCII letters) as a whole token, a single space as
 * none (it merges into the next word), longer whitespace at 4 to a token; then scaled by
 * the model's tokenizer factor, as estimateTokens is.
 */
export function conservativeTokens(text: string, modelId: string): number {
  let units = 0;
  for (const piece of text.match(/[A-Za-z]+|[0-9]+|\s+|[\s\S]/g) ?? []) {
    if (/^[A-Za-z0-9]/.test(piece)) units += Math.ceil(piece.length / 3);
    else if (/^\s/.test(piece)) units += piece === ' ' ? 0 : Math.ceil(piece.length / 4);
    else units += 1;
  }
  return Math.ceil(units * tokenizerFactor(modelId));
}

/**
 * Prices one call's usage on `model`. `service_tier: "batch"` uses the batch input/output
 * rates and halves the cache rates (the batch discount stacks with caching, per
 * anthropic-api.md §2.8). On a model with a long-prompt tier (Haiku 5.5), a prompt above
 * the threshold moves every token of the request, output included, to the higher rates.
 * Unknown models are charged the table's ceiling and flagged, never $0.
 */
export function costOfUsage(model: string, usage: UsageLike, options: CostOptions = {}): CallCost {
  const table = options.table ?? PRICE_TABLE;
  const at = options.at ?? options.now?.toISOString();
  const lookup = lookupPrice(model, table, at);
  const tokens = pricedTokens(usage);
  const breakdown = priceTokens(lookup, tokens, usage.service_tier === 'batch');
  const picos = totalPicos(breakdown);
  if (!Number.isSafeInteger(picos)) throw new RangeError(`usage too large to price exactly (${picos} pico-dollars)`);
  const micros = picosToMicros(picos);
  const warnings = modelWarnings(model, table, options.now);
  if (options.now) warnings.push(...tableWarnings(table, options.now));
  return { picos, micros, usd: microsToUsd(micros), pricedAs: lookup.row?.model ?? model, known: lookup.known, breakdown, warnings };
}

/**
 * The pricing arithmetic on its own, for callers that reprice many records with a
 * lookup they already hold (the ledger summary). `costOfUsage` is this plus the lookup,
 * validation and warnings.
 */
export function priceTokens(lookup: PriceLookup, tokens: PricedTokens, batch: boolean): CostBreakdown {
  const longTier = lookup.row?.longPrompt;
  const long = longTier !== undefined && tokens.prompt > longTier.aboveTokens;
  const rates: RateCard = long ? longTier.rates : lookup.rates;
  // Batch halves cache rates; halving an odd product would leave half a pico, so round it up.
  const cache = (n: number, rate: number): number => (batch ? Math.ceil((n * rate) / 2) : n * rate);
  return {
    inputPicos: tokens.input * (batch ? rates.batchInput : rates.input),
    cacheWrite5mPicos: cache(tokens.cacheWrite5m, rates.cacheWrite5m),
    cacheWrite1hPicos: cache(tokens.cacheWrite1h, rates.cacheWrite1h),
    cacheReadPicos: cache(tokens.cacheRead, rates.cacheRead),
    outputPicos: tokens.output * (batch ? rates.batchOutput : rates.output),
    tokens,
    priceTier: long ? 'long' : 'base',
    batch,
  };
}

/**
 * {@link priceTokens} reduced to its total, without allocating: the ledger summary
 * reprices every record twice on load, so this is its hot path. Same arithmetic.
 */
export function picosOf(
  lookup: PriceLookup, input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number, batch: boolean,
): number {
  const longTier = lookup.row?.longPrompt;
  const rates = longTier !== undefined && input + cacheWrite5m + cacheWrite1h + cacheRead > longTier.aboveTokens ? longTier.rates : lookup.rates;
  if (!batch) {
    return input * rates.input + cacheWrite5m * rates.cacheWrite5m + cacheWrite1h * rates.cacheWrite1h + cacheRead * rates.cacheRead + output * rates.output;
  }
  return input * rates.batchInput + output * rates.batchOutput
    + Math.ceil((cacheWrite5m * rates.cacheWrite5m) / 2) + Math.ceil((cacheWrite1h * rates.cacheWrite1h) / 2) + Math.ceil((cacheRead * rates.cacheRead) / 2);
}

/** Sum of a breakdown's components, in pico-dollars. */
export function totalPicos(breakdown: CostBreakdown): number {
  return breakdown.inputPicos + breakdown.cacheWrite5mPicos + breakdown.cacheWrite1hPicos + breakdown.cacheReadPicos + breakdown.outputPicos;
}

/**
 * A plain input/output estimate in dollars for route planning (no cache, standard tier).
 * Applies the long-prompt tier when `inputTokens` crosses it; unknown models get the ceiling.
 */
export function estimateCostUsd(model: string, inputTokens: number, outputTokens: number, options: CostOptions = {}): number {
  return microsToUsd(estimateCostMicros(model, inputTokens, outputTokens, options));
}

/** {@link estimateCostUsd} in integer micro-dollars, for budget pre-flight checks. */
export function estimateCostMicros(model: string, inputTokens: number, outputTokens: number, options: CostOptions = {}): number {
  const estimate = (n: number): number => Math.max(0, Math.ceil(n));
  return costOfUsage(model, { input_tokens: estimate(inputTokens), output_tokens: estimate(outputTokens) }, { table: options.table, at: options.at }).micros;
}

/**
 * The same usage priced on another model, for "what all-Opus would have cost". Token
 * counts are kept as they are, so across tokenizer generations it is an approximation.
 */
export function costOnModel(otherModel: string, usage: UsageLike, options: CostOptions = {}): CallCost {
  return costOfUsage(otherModel, usage, options);
}

/**
 * The same call priced as if its cache reads had been uncached input, for "cache savings"
 * (the result minus the actual cost). Cache writes are left as they were.
 */
export function costWithoutCacheReads(model: string, usage: UsageLike, options: CostOptions = {}): CallCost {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  return costOfUsage(model, { ...usage, input_tokens: (usage.input_tokens ?? 0) + cacheRead, cache_read_input_tokens: 0 }, options);
}

const PER_CALL_RATES = { input: 'input', cacheWrite5m: 'cache write', cacheWrite1h: '1-hour cache write', cacheRead: 'cache read', output: 'output' } as const;

/**
 * Why a call on `candidate` can cost more than the same call on `base`, or undefined when it
 * cannot. A model the table does not know always can; otherwise when any of the rates a call
 * is billed by is higher, each taken per token of the same text (the newer tokenizer counts
 * about 1.3× as many). Output price alone misses a dearer cache read, or an equal price on
 * more tokens.
 */
export function dearerPerCall(candidate: string, base: string, table: PriceTable = PRICE_TABLE): string | undefined {
  if (candidate === base) return undefined;
  const a = lookupPrice(candidate, table);
  if (!a.known) return `${candidate} has no price in Ladder's table, so it may cost more than ${base}`;
  const b = lookupPrice(base, table);
  if (!b.known) return `${base} has no price in Ladder's table to compare ${candidate} with`;
  const fa = tokenizerFactor(candidate);
  const fb = tokenizerFactor(base);
  const rate = (Object.keys(PER_CALL_RATES) as (keyof typeof PER_CALL_RATES)[]).find((r) => a.rates[r] * fa > b.rates[r] * fb);
  if (rate === undefined) return undefined;
  const tokens = fa > fb ? ', counting the same text as more tokens' : '';
  return `${candidate} costs more than ${base} (its ${PER_CALL_RATES[rate]} price${tokens})`;
}
