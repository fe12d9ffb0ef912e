import type { Tier } from './tiers';

/**
 * What Ladder knows about each Claude model besides its price (see pricing/): its line,
 * tokenizer generation, context window, output cap and the minimum prefix the API will
 * cache. Facts and their sources: ../shared/anthropic-api.md (researched 2026-11-22).
 */
export type ModelLine = 'haiku' | 'sonnet' | 'opus' | 'fable' | 'mythos';

/**
 * `legacy`: Haiku 4.5, Sonnet 4.x, Opus ≤ 4.6. `v2`: the tokenizer introduced with Opus 4.7,
 * which counts the same text about 1.3× higher.
 */
export type TokenizerGeneration = 'legacy' | 'v2';

export interface ModelInfo {
  readonly id: string;
  /** Dated aliases that resolve to the same model (priced and cached alike). */
  readonly aliases?: readonly string[];
  readonly line: ModelLine;
  readonly displayName: string;
  readonly tokenizer: TokenizerGeneration;
  readonly contextWindow: number;
  readonly maxOutput: number;
  /** Below this many prompt tokens a cache_control marker caches nothing. */
  readonly minCacheableTokens: number;
  /** Where the minimum comes from; several are third-party or inferred from a sibling. */
  readonly minCacheableSource: string;
  /** The tier this model naturally sits on (for "same tier" fallback and labels). */
  readonly naturalTier: Tier;
  /** ISO date the model reaches end of life, when announced. */
  readonly endOfLife?: string;
}

const M = 1_000_000;
const K = 1_000;

export const MODELS: readonly ModelInfo[] = [
  { id: 'claude-haiku-4-5', aliases: ['claude-haiku-4-5-20251001'], line: 'haiku', displayName: 'Haiku 4.5', tokenizer: 'legacy', contextWindow: 200 * K, maxOutput: 64 * K, minCacheableTokens: 4096, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'H' },
  { id: 'claude-haiku-5-5', line: 'haiku', displayName: 'Haiku 5.5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 4096, minCacheableSource: 'not published; assumed as Haiku 4.5', naturalTier: 'H' },
  { id: 'claude-sonnet-4-5', aliases: ['claude-sonnet-4-5-20250929'], line: 'sonnet', displayName: 'Sonnet 4.5', tokenizer: 'legacy', contextWindow: 200 * K, maxOutput: 64 * K, minCacheableTokens: 1024, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'S', endOfLife: '2026-11-30' },
  { id: 'claude-sonnet-4-6', line: 'sonnet', displayName: 'Sonnet 4.6', tokenizer: 'legacy', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 2048, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'S' },
  { id: 'claude-sonnet-5', line: 'sonnet', displayName: 'Sonnet 5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 1024, minCacheableSource: 'third-party (2026-10)', naturalTier: 'S' },
  { id: 'claude-sonnet-5-5', line: 'sonnet', displayName: 'Sonnet 5.5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 1024, minCacheableSource: 'not published; assumed as Sonnet 5', naturalTier: 'S' },
  { id: 'claude-opus-4-5', aliases: ['claude-opus-4-5-20251101'], line: 'opus', displayName: 'Opus 4.5', tokenizer: 'legacy', contextWindow: 200 * K, maxOutput: 64 * K, minCacheableTokens: 4096, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'O' },
  { id: 'claude-opus-4-6', line: 'opus', displayName: 'Opus 4.6', tokenizer: 'legacy', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 4096, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'O' },
  { id: 'claude-opus-4-7', line: 'opus', displayName: 'Opus 4.7', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 4096, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'O' },
  { id: 'claude-opus-4-8', line: 'opus', displayName: 'Opus 4.8', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 4096, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'O' },
  { id: 'claude-opus-5', line: 'opus', displayName: 'Opus 5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 512, minCacheableSource: 'third-party (2026-10)', naturalTier: 'O' },
  { id: 'claude-opus-5-5', line: 'opus', displayName: 'Opus 5.5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 512, minCacheableSource: 'not published; assumed as Opus 5', naturalTier: 'O' },
  { id: 'claude-fable-5', line: 'fable', displayName: 'Fable 5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 2048, minCacheableSource: 'docs (anthropics/skills, 2026-07)', naturalTier: 'F' },
  { id: 'claude-fable-5-1', line: 'fable', displayName: 'Fable 5.1', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 512, minCacheableSource: 'third-party (2026-10)', naturalTier: 'F' },
  { id: 'claude-fable-5-2', line: 'fable', displayName: 'Fable 5.2', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 512, minCacheableSource: 'not published; assumed as Fable 5.1', naturalTier: 'F' },
  { id: 'claude-mythos-5', line: 'mythos', displayName: 'Mythos 5', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 2048, minCacheableSource: 'same model as Fable 5', naturalTier: 'F' },
  { id: 'claude-mythos-5-1', line: 'mythos', displayName: 'Mythos 5.1', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 512, minCacheableSource: 'same model as Fable 5.1', naturalTier: 'F' },
  { id: 'claude-mythos-5-2', line: 'mythos', displayName: 'Mythos 5.2', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 512, minCacheableSource: 'same model as Fable 5.2', naturalTier: 'F' },
  { id: 'claude-mythos-preview', line: 'mythos', displayName: 'Mythos Preview', tokenizer: 'v2', contextWindow: M, maxOutput: 128 * K, minCacheableTokens: 2048, minCacheableSource: 'not published; assumed as Fable 5', naturalTier: 'F' },
];

const byId = new Map<string, ModelInfo>();
for (const model of MODELS) {
  byId.set(model.id, model);
  for (const alias of model.aliases ?? []) byId.set(alias, model);
}

/** Looks a model up by id or dated alias. */
export function findModel(id: string): ModelInfo | undefined {
  return byId.get(id);
}

/**
 * Local token estimate for when count_tokens is unreachable. Deliberately rough (about
 * 4 characters a token on the legacy tokenizer, ×1.3 on v2) and always labelled an
 * estimate where it is shown. Unknown models are assumed to use the newer tokenizer so
 * the estimate errs high.
 */
export function estimateTokens(text: string, modelId: string): number {
  const base = Math.ceil(text.length / 4);
  const factor = tokenizerFactor(modelId);
  return factor === 1 ? base : Math.ceil(base * factor);
}

/** How many tokens `modelId` counts for text the legacy tokenizer counts as one (unknown models: the newer tokenizer's). */
export function tokenizerFactor(modelId: string): number {
  return (findModel(modelId)?.tokenizer ?? 'v2') === 'v2' ? 1.3 : 1;
}
