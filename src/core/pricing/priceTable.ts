import { z } from 'zod';
import { findModel } from '../models';

/**
 * Claude prices as dated data. Every rate is an integer number of micro-dollars per
 * million tokens, which is the same number as pico-dollars per token: a call's cost is
 * then `tokens × rate` pico-dollars, an exact integer, and sums never drift.
 *
 * Facts and their sources: ../shared/anthropic-api.md §1, §3, §4 (researched 2026-11-22).
 *
 * Dated rows: a model may have several rows, each with an `effectiveFrom` date (UTC,
 * inclusive). A call is priced with the latest row whose `effectiveFrom` is on or before
 * the call's date; a row without `effectiveFrom` has always applied. Only Sonnet 5.5 has
 * two rows today (its cache read went from 0.1× to 0.05× on 2026-10-07).
 */

/** Integer micro-dollars per million tokens (= pico-dollars per token). */
export type MicrosPerMTok = number;

/** The seven rates of one model at one price tier. */
export interface RateCard {
  readonly input: MicrosPerMTok;
  readonly cacheWrite5m: MicrosPerMTok;
  readonly cacheWrite1h: MicrosPerMTok;
  readonly cacheRead: MicrosPerMTok;
  readonly output: MicrosPerMTok;
  readonly batchInput: MicrosPerMTok;
  readonly batchOutput: MicrosPerMTok;
}

/** A second, dearer rate card for requests whose prompt is above a token threshold. */
export interface LongPromptTier {
  /** Prompt tokens (input + cache read + cache write) above which the whole request moves up. */
  readonly aboveTokens: number;
  readonly rates: RateCard;
}

/** One model's prices, valid from `effectiveFrom` until the model's next row. */
export interface PriceRow {
  readonly model: string;
  /** Other ids billed exactly like this row: dated aliases, same-model Mythos ids. */
  readonly aliases?: readonly string[];
  readonly rates: RateCard;
  readonly longPrompt?: LongPromptTier;
  /** Cache read as a fraction of base input (0.1 standard; lower on some new models). */
  readonly cacheReadMultiplier: number;
  /** ISO date from which this row applies; absent = always. */
  readonly effectiveFrom?: string;
  /** ISO date the price was last checked. */
  readonly asOf: string;
  readonly source: string;
  /** No longer served by the first-party API; kept to price old logs and to spot stale anchors. */
  readonly retired?: boolean;
  /** An outdated price people still quote (Opus 4.1's $15/$75); configuring it for a current model is flagged. */
  readonly staleAnchor?: boolean;
}

/** The whole table: rows plus the date it was last checked as a whole. */
export interface PriceTable {
  readonly asOf: string;
  readonly source: string;
  readonly rows: readonly PriceRow[];
}

const MICROS_PER_USD = 1_000_000;

/**
 * Converts $/MTok to integer µ$/MTok. Rates with more than six decimals cannot be
 * represented exactly, so they are rejected rather than silently rounded.
 */
export function usdPerMTokToMicros(usd: number): MicrosPerMTok {
  const scaled = usd * MICROS_PER_USD;
  const rounded = Math.round(scaled);
  if (!Number.isFinite(usd) || usd < 0 || Math.abs(scaled - rounded) > 1e-6) {
    throw new RangeError(`price ${usd} $/MTok is not a non-negative amount with at most 6 decimals`);
  }
  return rounded;
}

/** $/MTok figures as they appear on the price page, in the order of its columns. */
interface UsdCard {
  input: number;
  write5m: number;
  write1h: number;
  read: number;
  output: number;
  batchIn: number;
  batchOut: number;
}

function card(usd: UsdCard): RateCard {
  return {
    input: usdPerMTokToMicros(usd.input),
    cacheWrite5m: usdPerMTokToMicros(usd.write5m),
    cacheWrite1h: usdPerMTokToMicros(usd.write1h),
    cacheRead: usdPerMTokToMicros(usd.read),
    output: usdPerMTokToMicros(usd.output),
    batchInput: usdPerMTokToMicros(usd.batchIn),
    batchOutput: usdPerMTokToMicros(usd.batchOut),
  };
}

const RESEARCHED = '2026-11-22';
const DOCS = 'platform.claude.com pricing page (anthropic-api.md §4 [DOCS])';
const THIRD_PARTY = 'third-party pricing trackers (anthropic-api.md §4 [3P])';

const FABLE_5_2 = card({ input: 8, write5m: 10, write1h: 16, read: 0.2, output: 40, batchIn: 4, batchOut: 20 });
const FABLE_5_1 = card({ input: 10, write5m: 12.5, write1h: 20, read: 0.25, output: 50, batchIn: 5, batchOut: 25 });
const FABLE_5 = card({ input: 10, write5m: 12.5, write1h: 20, read: 1, output: 50, batchIn: 5, batchOut: 25 });
const OPUS_5_5 = card({ input: 4, write5m: 5, write1h: 8, read: 0.2, output: 20, batchIn: 2, batchOut: 10 });
const OPUS_CURRENT = card({ input: 5, write5m: 6.25, write1h: 10, read: 0.5, output: 25, batchIn: 2.5, batchOut: 12.5 });
const OPUS_4_1 = card({ input: 15, write5m: 18.75, write1h: 30, read: 1.5, output: 75, batchIn: 7.5, batchOut: 37.5 });
const SONNET_5_5_BEFORE = card({ input: 2, write5m: 2.5, write1h: 4, read: 0.2, output: 10, batchIn: 1, batchOut: 5 });
const SONNET_5_5 = card({ input: 2, write5m: 2.5, write1h: 4, read: 0.1, output: 10, batchIn: 1, batchOut: 5 });
const SONNET_5 = card({ input: 2, write5m: 2.5, write1h: 4, read: 0.2, output: 10, batchIn: 1, batchOut: 5 });
const SONNET_4 = card({ input: 3, write5m: 3.75, write1h: 6, read: 0.3, output: 15, batchIn: 1.5, batchOut: 7.5 });
const HAIKU_5_5 = card({ input: 0.1, write5m: 0.125, write1h: 0.2, read: 0.01, output: 0.5, batchIn: 0.05, batchOut: 0.25 });
const HAIKU_5_5_LONG = card({ input: 0.5, write5m: 0.625, write1h: 1, read: 0.05, output: 2.5, batchIn: 0.25, batchOut: 1.25 });
const HAIKU_4_5 = card({ input: 1, write5m: 1.25, write1h: 2, read: 0.1, output: 5, batchIn: 0.5, batchOut: 2.5 });

/** The Haiku 5.5 long-prompt boundary: 100,000 prompt tokens is still the base tier. */
const HAIKU_5_5_LONG_PROMPT_ABOVE = 100_000;

/**
 * The built-in table. Covers every id in SDK 1.12.0's `Model` type plus the retired
 * Opus 4.1 / 4.0 rows (stale anchors). Mythos N shares Fable N's row: same model, same
 * price (anthropic-api.md §1).
 */
export const PRICE_TABLE: PriceTable = {
  asOf: RESEARCHED,
  source: 'anthropic-api.md (researched 2026-11-22)',
  rows: [
    { model: 'claude-fable-5-2', aliases: ['claude-mythos-5-2'], rates: FABLE_5_2, cacheReadMultiplier: 0.025, asOf: RESEARCHED, source: `${THIRD_PARTY}; released 2026-11-09` },
    { model: 'claude-fable-5-1', aliases: ['claude-mythos-5-1'], rates: FABLE_5_1, cacheReadMultiplier: 0.025, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-fable-5', aliases: ['claude-mythos-5'], rates: FABLE_5, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-mythos-preview', rates: FABLE_5, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: 'not published; assumed as Fable 5 (same line)' },
    { model: 'claude-opus-5-5', rates: OPUS_5_5, cacheReadMultiplier: 0.05, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-opus-5', rates: OPUS_CURRENT, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-opus-4-8', rates: OPUS_CURRENT, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-opus-4-7', rates: OPUS_CURRENT, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-opus-4-6', rates: OPUS_CURRENT, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-opus-4-5', aliases: ['claude-opus-4-5-20251101'], rates: OPUS_CURRENT, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-opus-4-1', aliases: ['claude-opus-4-1-20250805'], rates: OPUS_4_1, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: `${DOCS}; retired on the first-party API`, retired: true, staleAnchor: true },
    { model: 'claude-opus-4-0', aliases: ['claude-opus-4-20250514'], rates: OPUS_4_1, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: `${DOCS}; retired on the first-party API`, retired: true, staleAnchor: true },
    { model: 'claude-sonnet-5-5', rates: SONNET_5_5_BEFORE, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-sonnet-5-5', rates: SONNET_5_5, cacheReadMultiplier: 0.05, effectiveFrom: '2026-10-07', asOf: RESEARCHED, source: `${THIRD_PARTY}: cache read 0.1× → 0.05× on 2026-10-07` },
    { model: 'claude-sonnet-5', rates: SONNET_5, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: `${DOCS}; launched as "introductory", later listed as the standing price` },
    { model: 'claude-sonnet-4-6', rates: SONNET_4, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-sonnet-4-5', aliases: ['claude-sonnet-4-5-20250929'], rates: SONNET_4, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
    { model: 'claude-haiku-5-5', rates: HAIKU_5_5, longPrompt: { aboveTokens: HAIKU_5_5_LONG_PROMPT_ABOVE, rates: HAIKU_5_5_LONG }, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: `${DOCS}; 1h write and cache read ${THIRD_PARTY}` },
    { model: 'claude-haiku-4-5', aliases: ['claude-haiku-4-5-20251001'], rates: HAIKU_4_5, cacheReadMultiplier: 0.1, asOf: RESEARCHED, source: DOCS },
  ],
};

/** The model the "all-Opus" comparison prices against by default (the judgment rung). */
export const DEFAULT_OPUS_BASELINE_MODEL = 'claude-opus-4-8';

/** The table goes stale this many days after its `asOf`. */
const STALE_TABLE_DAYS = 120;

/** The setting that holds per-model price overrides. */
const OVERRIDES_SETTING = 'ladder.pricing.overrides';

const DAY_MS = 86_400_000;

interface TableIndex {
  byId: Map<string, PriceRow[]>;
  ceiling: RateCard;
}

const indexes = new WeakMap<PriceTable, TableIndex>();

function indexOf(table: PriceTable): TableIndex {
  let index = indexes.get(table);
  if (index) return index;
  const byId = new Map<string, PriceRow[]>();
  for (const row of table.rows) {
    for (const id of [row.model, ...(row.aliases ?? [])]) {
      const list = byId.get(id) ?? [];
      list.push(row);
      byId.set(id, list);
    }
  }
  // ISO dates order as plain strings; localeCompare would pull in ICU on first use (~6 ms).
  for (const list of byId.values()) {
    list.sort((a, b) => {
      const x = a.effectiveFrom ?? '';
      const y = b.effectiveFrom ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  index = { byId, ceiling: ceilingOf(table) };
  indexes.set(table, index);
  return index;
}

/**
 * The most expensive current rate in each column: what an unknown model is charged so it
 * is never under-counted. Retired rows are left out: their $15/$75 is a stale anchor, and
 * nothing the API serves today costs that.
 */
function ceilingOf(table: PriceTable): RateCard {
  const current = table.rows.filter((row) => !row.retired);
  const pick = (key: keyof RateCard): number => Math.max(0, ...current.map((row) => row.rates[key]));
  return {
    input: pick('input'),
    cacheWrite5m: pick('cacheWrite5m'),
    cacheWrite1h: pick('cacheWrite1h'),
    cacheRead: pick('cacheRead'),
    output: pick('output'),
    batchInput: pick('batchInput'),
    batchOutput: pick('batchOutput'),
  };
}

/**
 * Maps cloud ids (`anthropic.claude-opus-4-1-20250805-v1:0`, `claude-opus-4-1@20250805`)
 * onto first-party ids so Bedrock and Vertex logs price like the API's.
 */
export function normalizeModelId(id: string): string {
  let out = id.trim().toLowerCase();
  const bedrock = /^(?:[a-z]{2}\.)?anthropic\.(.+?)(?:-v\d+(?::\d+)?)?$/.exec(out);
  if (bedrock?.[1]) out = bedrock[1];
  const at = out.indexOf('@');
  if (at > 0) out = `${out.slice(0, at)}-${out.slice(at + 1)}`;
  return out;
}

/** What a lookup found: the row in force on the date asked, or the ceiling for an unknown id. */
export interface PriceLookup {
  /** The row used, or undefined when the model is unknown. */
  readonly row: PriceRow | undefined;
  readonly rates: RateCard;
  readonly known: boolean;
}

/**
 * Finds the prices for `model` on date `at` (ISO date or timestamp; default: the newest
 * row). Unknown ids get the table's ceiling rates and `known: false`.
 */
export function lookupPrice(model: string, table: PriceTable = PRICE_TABLE, at?: string): PriceLookup {
  const index = indexOf(table);
  const rows = index.byId.get(model) ?? index.byId.get(normalizeModelId(model));
  if (!rows || rows.length === 0) return { row: undefined, rates: index.ceiling, known: false };
  const day = at?.slice(0, 10);
  let chosen = rows[rows.length - 1] as PriceRow;
  if (day !== undefined) {
    chosen = rows[0] as PriceRow;
    for (const row of rows) if ((row.effectiveFrom ?? '') <= day) chosen = row;
  }
  return { row: chosen, rates: chosen.rates, known: true };
}

/** Warnings about using `model` itself: unknown, retired, deprecated or past end of life. */
export function modelWarnings(model: string, table: PriceTable = PRICE_TABLE, now?: Date): string[] {
  const lookup = lookupPrice(model, table);
  if (!lookup.known) {
    return [`unknown model "${model}": priced at the most expensive known rates ($${microsToUsdText(lookup.rates.input)}/$${microsToUsdText(lookup.rates.output)} per MTok) until a price is configured in ${OVERRIDES_SETTING}`];
  }
  const warnings: string[] = [];
  if (lookup.row?.retired) warnings.push(`model "${model}" is retired on the first-party API; priced at its last published rates`);
  const endOfLife = (findModel(model) ?? findModel(normalizeModelId(model)))?.endOfLife;
  if (endOfLife) {
    const past = now !== undefined && now.toISOString().slice(0, 10) > endOfLife;
    warnings.push(past
      ? `model "${model}" reached end of life on ${endOfLife}: requests to it will fail; move to a current model`
      : `model "${model}" is deprecated and reaches end of life on ${endOfLife}`);
  }
  return warnings;
}

/**
 * Warnings about the table as a whole, given the current time: older than
 * {@link STALE_TABLE_DAYS} days, or a current model configured at a stale-anchor price.
 */
export function tableWarnings(table: PriceTable, now: Date): string[] {
  const warnings: string[] = [];
  const ageDays = Math.floor((now.getTime() - Date.parse(`${table.asOf}T00:00:00Z`)) / DAY_MS);
  if (ageDays > STALE_TABLE_DAYS) {
    warnings.push(`the price table is ${ageDays} days old (as of ${table.asOf}); check current prices and set ${OVERRIDES_SETTING} if they changed`);
  }
  const anchors = table.rows.filter((row) => row.staleAnchor);
  for (const row of table.rows) {
    if (row.retired || row.staleAnchor) continue;
    const line = lineOf(row.model);
    for (const anchor of anchors) {
      if (lineOf(anchor.model) !== line) continue;
      if (row.rates.input === anchor.rates.input || row.rates.output === anchor.rates.output) {
        warnings.push(`"${row.model}" is priced at $${microsToUsdText(row.rates.input)}/$${microsToUsdText(row.rates.output)} per MTok, the stale ${anchor.model} anchor ($${microsToUsdText(anchor.rates.input)}/$${microsToUsdText(anchor.rates.output)}); current ${line} prices are lower (source: ${row.source})`);
        break;
      }
    }
  }
  return warnings;
}

function lineOf(model: string): string {
  return /^claude-([a-z]+)/.exec(model)?.[1] ?? model;
}

/** Formats µ$/MTok as a plain $/MTok figure for messages (no trailing zeros). */
function microsToUsdText(micros: MicrosPerMTok): string {
  return String(micros / MICROS_PER_USD);
}

const UsdRate = z.number().finite().nonnegative().max(1000).refine((value) => {
  const scaled = value * MICROS_PER_USD;
  return Math.abs(scaled - Math.round(scaled)) <= 1e-6;
}, 'at most 6 decimals');

/**
 * One model's override, in $/MTok as on the price page. Omitted cache and batch rates
 * follow the standard multipliers from the overridden input/output (5m 1.25×, 1h 2×,
 * read = the row's multiplier, or 0.1× for a new model; batch 0.5×).
 */
const PriceOverride = z.strictObject({
  input: UsdRate.optional(),
  output: UsdRate.optional(),
  cacheWrite5m: UsdRate.optional(),
  cacheWrite1h: UsdRate.optional(),
  cacheRead: UsdRate.optional(),
  batchInput: UsdRate.optional(),
  batchOutput: UsdRate.optional(),
});
type PriceOverride = z.infer<typeof PriceOverride>;

/**
 * Validates the `ladder.pricing.overrides` setting (`{ [modelId]: PriceOverride }`). A bad
 * entry is dropped with an error that names the setting and the key; the rest still apply.
 */
export function parsePriceOverrides(raw: unknown): { overrides: Record<string, PriceOverride>; errors: string[] } {
  const overrides: Record<string, PriceOverride> = {};
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { overrides, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(`${OVERRIDES_SETTING}: expected an object keyed by model id; all overrides ignored`);
    return { overrides, errors };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key.trim() === '') {
      errors.push(`${OVERRIDES_SETTING}: an empty model id is not allowed; entry ignored`);
      continue;
    }
    const parsed = PriceOverride.safeParse(value);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(value)'}: ${issue.message}`)
        .join('; ');
      errors.push(`${OVERRIDES_SETTING}["${key}"] ignored: ${detail}`);
      continue;
    }
    overrides[key] = parsed.data;
  }
  return { overrides, errors };
}

/**
 * The table in force for `raw`, the `ladder.pricing.overrides` setting as read: its valid
 * overrides applied to `table`, and what was wrong with the rest.
 */
export function tableWithOverrides(raw: unknown, table: PriceTable = PRICE_TABLE): { table: PriceTable; errors: string[] } {
  const parsed = parsePriceOverrides(raw);
  const applied = applyPriceOverrides(table, parsed.overrides);
  return { table: applied.table, errors: [...parsed.errors, ...applied.errors] };
}

/**
 * Returns a table with the overrides applied: a known model's rows (every dated row) get
 * the overridden columns; an unknown model gets a new row, which needs `input` and
 * `output` (otherwise it is reported and skipped).
 */
export function applyPriceOverrides(
  table: PriceTable,
  overrides: Readonly<Record<string, PriceOverride>>,
): { table: PriceTable; errors: string[] } {
  const errors: string[] = [];
  const index = indexOf(table);
  const replaced = new Map<PriceRow, PriceRow>();
  const added: PriceRow[] = [];
  const source = `user setting ${OVERRIDES_SETTING}`;
  for (const [model, override] of Object.entries(overrides)) {
    const rows = index.byId.get(model) ?? index.byId.get(normalizeModelId(model));
    if (rows) {
      for (const row of rows) {
        const base = replaced.get(row) ?? row;
        replaced.set(row, { ...base, rates: overrideCard(base.rates, override, base.cacheReadMultiplier), source });
      }
      continue;
    }
    if (override.input === undefined || override.output === undefined) {
      errors.push(`${OVERRIDES_SETTING}["${model}"] ignored: a model not in the price table needs both input and output`);
      continue;
    }
    const zero: RateCard = { input: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0, batchInput: 0, batchOutput: 0 };
    added.push({ model, rates: overrideCard(zero, override, 0.1), cacheReadMultiplier: 0.1, asOf: table.asOf, source });
  }
  return {
    table: { ...table, rows: [...table.rows.map((row) => replaced.get(row) ?? row), ...added] },
    errors,
  };
}

function overrideCard(base: RateCard, override: PriceOverride, readMultiplier: number): RateCard {
  const micros = (usd: number | undefined): number | undefined => (usd === undefined ? undefined : usdPerMTokToMicros(usd));
  const input = micros(override.input);
  const output = micros(override.output);
  const fromInput = (factor: number, fallback: number): number => (input === undefined ? fallback : Math.round(input * factor));
  return {
    input: input ?? base.input,
    output: output ?? base.output,
    cacheWrite5m: micros(override.cacheWrite5m) ?? fromInput(1.25, base.cacheWrite5m),
    cacheWrite1h: micros(override.cacheWrite1h) ?? fromInput(2, base.cacheWrite1h),
    cacheRead: micros(override.cacheRead) ?? fromInput(readMultiplier, base.cacheRead),
    batchInput: micros(override.batchInput) ?? fromInput(0.5, base.batchInput),
    batchOutput: micros(override.batchOutput) ?? (output === undefined ? base.batchOutput : Math.round(output * 0.5)),
  };
}
