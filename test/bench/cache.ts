// Figures for prompt caching over the scripted session (issue 6):
// - cache_read_share: of the prompt tokens of turns 2–10, the share the API read from cache;
// - cache_cost_ratio: the session's cost with cache markers divided by the same session sent
//   without them.
// Both sessions are the ten turns of test/unit/cache/rig.ts over the fixture workspace
// (Haiku 4.5, catalog.ts pinned), sent through the SDK gateway to a fresh in-process stand-in,
// and priced with costOfUsage from the usage each response carried (output included).
import { costOfUsage } from '../../src/core/pricing/cost';
import type { UsageLike } from '../../src/core/pricing/cost';
import { scriptedTurns, startCacheRig } from '../unit/cache/rig';
import type { TurnResult } from '../unit/cache/rig';

async function session(cacheMarkers: boolean): Promise<TurnResult[]> {
  const rig = await startCacheRig();
  try {
    return await rig.run(scriptedTurns(), { cacheMarkers });
  } finally {
    await rig.close();
  }
}

function promptTokens(usage: UsageLike): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

/** Exact cost in pico-dollars, so the ratio carries no micro-dollar rounding. */
function costPicos(results: readonly TurnResult[]): number {
  return results.reduce((sum, r) => sum + costOfUsage(r.plan.model, r.usage).picos, 0);
}

export async function bench(): Promise<Record<string, number>> {
  const cached = await session(true);
  const uncached = await session(false);
  const later = cached.slice(1);
  const read = later.reduce((sum, r) => sum + (r.usage.cache_read_input_tokens ?? 0), 0);
  const prompt = later.reduce((sum, r) => sum + promptTokens(r.usage), 0);
  // tools/bench.ts prints the figures (as text, or as JSON with --json); printing here would break the JSON.
  return {
    cache_read_share: Number((read / prompt).toFixed(4)),
    cache_cost_ratio: Number((costPicos(cached) / costPicos(uncached)).toFixed(4)),
  };
}
