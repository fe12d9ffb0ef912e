import { estimateTokens, findModel } from '../models';
import type { PromptSegment } from './prefix';
import { DEFAULT_MIN_CACHEABLE_TOKENS, placeBreakpoints } from './request';
import type { PromptPlan, TokenEstimator } from './request';
import type { UsageLike } from '../pricing/cost';
import type { CacheTtl } from './ttl';

/**
 * Prices a cache write in USD: `tokens` written on `modelId` with `ttl`. The pricing module
 * (src/core/pricing/cost.ts) supplies it; taking it as a parameter keeps this module free of
 * price data.
 */
export type CacheWritePrice = (modelId: string, tokens: number, ttl: CacheTtl) => number;

/** What moving a step to another model costs in cache writes, for the plan shown to the user. */
export interface SwitchCost {
  readonly fromModel: string;
  readonly toModel: string;
  /** Prefix tokens (estimated) the new model must write before it can read them. */
  readonly writeTokens: number;
  readonly ttl: CacheTtl;
  readonly usd: number;
  readonly reason: string;
  readonly estimated: true;
}

export interface SwitchCostOptions {
  readonly ttl?: CacheTtl;
  /** Tokens of this prefix already warm on the target (CacheHealth.warmTokens). */
  readonly warmTokens?: number;
  readonly estimate?: TokenEstimator;
}

/**
 * Caches are per model, so escalating from one model to another re-writes the cached prefix
 * on the new one. This returns those tokens: the prefix through the last segment that the
 * target model would mark (its own minimum applies, and its tokenizer), less what is already
 * warm there.
 */
export function cacheSwitchCost(fromModel: string, toModel: string, segments: readonly PromptSegment[], price: CacheWritePrice, options: SwitchCostOptions = {}): SwitchCost {
  const ttl = options.ttl ?? '5m';
  const base = { fromModel, toModel, ttl, estimated: true as const };
  const from = findModel(fromModel)?.id ?? fromModel;
  const to = findModel(toModel)?.id ?? toModel;
  if (from === to) return { ...base, writeTokens: 0, usd: 0, reason: 'same model: the cache carries over' };
  const minimum = findModel(toModel)?.minCacheableTokens ?? DEFAULT_MIN_CACHEABLE_TOKENS;
  const placement = placeBreakpoints(segments, toModel, minimum, options.estimate ?? estimateTokens);
  const lastMarked = [...placement].reverse().find((s) => s.cached);
  if (!lastMarked) {
    const total = placement[placement.length - 1]?.cumulativeTokens ?? 0;
    return { ...base, writeTokens: 0, usd: 0, reason: `prefix ~${total} tokens is under ${toModel}'s minimum cacheable ${minimum}: nothing is cached there, nothing written` };
  }
  const warm = Math.max(0, options.warmTokens ?? 0);
  const writeTokens = Math.max(0, lastMarked.cumulativeTokens - warm);
  const reason = warm > 0 ? `~${writeTokens} prefix tokens to write on ${toModel} (~${warm} already warm there)` : `~${writeTokens} prefix tokens to write on ${toModel}: caches do not carry across models`;
  return { ...base, writeTokens, usd: writeTokens > 0 ? price(toModel, writeTokens, ttl) : 0, reason };
}

/**
 * The usage a request built as `plan` is expected to bill, for budget pre-flights and plan
 * costs: its cached prefix is read where it is warm on the plan's model and written (at the
 * TTL's price, 1.25× or 2× input) where it is not; the rest is plain input. `promptTokens` is
 * the prompt's size as counted (or estimated); the plan's own estimates only split it.
 */
export function expectedUsage(plan: PromptPlan, promptTokens: number, outputTokens: number, warmTokens: number): UsageLike {
  const local = plan.segments.reduce((sum, s) => sum + s.tokens, 0) + plan.requestTokens;
  const scale = local > 0 ? promptTokens / local : 1;
  const cachedLocal = plan.segments.reduce((through, s) => (s.cached ? s.cumulativeTokens : through), 0);
  const cached = Math.min(promptTokens, Math.round(cachedLocal * scale));
  const read = Math.min(cached, Math.round(warmTokens * scale));
  const write = cached - read;
  return {
    input_tokens: promptTokens - cached,
    output_tokens: outputTokens,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write,
    cache_creation: { ephemeral_5m_input_tokens: plan.ttl === '1h' ? 0 : write, ephemeral_1h_input_tokens: plan.ttl === '1h' ? write : 0 },
  };
}
