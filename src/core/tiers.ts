/**
 * The four rungs of the ladder. H = labour, S = execute, O = judgment, F = exception.
 * Everything that compares or moves between tiers goes through these helpers so the
 * order lives in one place.
 */
export type Tier = 'H' | 'S' | 'O' | 'F';

export const TIERS: readonly Tier[] = ['H', 'S', 'O', 'F'];

export const TIER_LABELS: Readonly<Record<Tier, string>> = {
  H: 'labour',
  S: 'execute',
  O: 'judgment',
  F: 'exception',
};

export function isTier(value: unknown): value is Tier {
  return value === 'H' || value === 'S' || value === 'O' || value === 'F';
}

/** 0 for H … 3 for F. */
export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

export function compareTiers(a: Tier, b: Tier): number {
  return tierRank(a) - tierRank(b);
}

/** The next tier up, or undefined at the top. */
export function tierAbove(tier: Tier): Tier | undefined {
  return TIERS[tierRank(tier) + 1];
}

/** The next tier down, or undefined at the bottom. */
export function tierBelow(tier: Tier): Tier | undefined {
  const rank = tierRank(tier);
  return rank > 0 ? TIERS[rank - 1] : undefined;
}

export function minTier(a: Tier, b: Tier): Tier {
  return compareTiers(a, b) <= 0 ? a : b;
}

export function maxTier(a: Tier, b: Tier): Tier {
  return compareTiers(a, b) >= 0 ? a : b;
}
