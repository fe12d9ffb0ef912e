/**
 * Choosing the cache TTL. Writes cost 1.25× the base input price for 5 minutes and 2× for an
 * hour; reads cost 0.1× (less on some newer models) and refresh the TTL for free. So:
 *
 * - requests that come back within 5 minutes of each other: 5m is cheapest (1.25 once, then
 *   0.1 each time) and 1h only adds 0.75 to the first write;
 * - requests spaced 5–60 minutes apart: 5m re-writes every time (1.25 each), 1h writes once
 *   (2) and then reads (0.1). Against not caching at all, 1h breaks even at the 3rd request
 *   (2 + 0.1 + 0.1 = 2.2 < 3) where 5m breaks even at the 2nd (1.25 + 0.1 < 2);
 * - requests more than an hour apart: neither TTL helps.
 *
 * The rule: replay the recent gaps between requests that shared the prefix under each TTL and
 * take the cheaper; 1h only with at least two observed gaps (three uses of the prefix), so a
 * single long pause does not flip the setting. Ties go to 5m.
 */

import { countOf } from '../ledger/format';

export type CacheTtl = '5m' | '1h';
export type TtlSetting = CacheTtl | 'auto';

export const TTL_MS: Readonly<Record<CacheTtl, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** Write multipliers on the base input price (anthropic-api.md §3). */
const CACHE_WRITE_MULTIPLIER: Readonly<Record<CacheTtl, number>> = { '5m': 1.25, '1h': 2 };
const DEFAULT_CACHE_READ_MULTIPLIER = 0.1;

/** How many recent gaps the rule looks at. */
export const TTL_WINDOW = 10;

export interface TtlStats {
  /** Milliseconds between consecutive requests that reused the prefix, oldest first. */
  readonly gapsMs: readonly number[];
  /** The model's read multiplier when it is not 0.1 (0.05 on Opus 5.5, 0.025 on Fable 5.1+). */
  readonly readMultiplier?: number;
}

export interface TtlDecision {
  readonly ttl: CacheTtl;
  readonly reason: string;
  /** Replayed prefix cost per TTL, in units of "the prefix once at the base input price". */
  readonly relativeCost: Readonly<Record<CacheTtl, number>>;
}

/** Picks the TTL for the 'auto' setting from the recent request gaps (see the module comment). */
export function chooseTtl(stats: TtlStats): TtlDecision {
  const gaps = stats.gapsMs.slice(-TTL_WINDOW);
  const read = stats.readMultiplier ?? DEFAULT_CACHE_READ_MULTIPLIER;
  const relativeCost = { '5m': replay(gaps, '5m', read), '1h': replay(gaps, '1h', read) };
  if (gaps.length < 2) {
    return { ttl: '5m', reason: `only ${countOf(gaps.length + 1, 'use')} of the prefix seen; 1h needs at least 3 to pay`, relativeCost };
  }
  if (relativeCost['1h'] < relativeCost['5m']) {
    const slow = gaps.filter((g) => g > TTL_MS['5m'] && g <= TTL_MS['1h']).length;
    return { ttl: '1h', reason: `${slow} of the last ${gaps.length} gaps fell between 5 and 60 minutes, where 1h reads what 5m would re-write`, relativeCost };
  }
  return { ttl: '5m', reason: `the last ${gaps.length} gaps are short (or over an hour), so the cheaper 5m write wins`, relativeCost };
}

/** The TTL to send: the setting itself, or chooseTtl's pick when it is 'auto'. */
export function resolveTtl(setting: TtlSetting, stats: TtlStats): CacheTtl {
  return setting === 'auto' ? chooseTtl(stats).ttl : setting;
}

/** One write up front, then for each gap a read if the entry survived it, else a re-write. */
function replay(gaps: readonly number[], ttl: CacheTtl, read: number): number {
  const write = CACHE_WRITE_MULTIPLIER[ttl];
  let cost = write;
  for (const gap of gaps) cost += gap <= TTL_MS[ttl] ? read : write;
  return cost;
}
