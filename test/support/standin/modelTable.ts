/**
 * The stand-in's own table of model facts. It is deliberately independent of
 * src/core/models.ts: the stand-in is an oracle of the API, so a wrong fact in the product
 * shows up as a disagreement instead of being copied into both sides.
 * Source for every row: ../shared/anthropic-api.md (sections 1, 3, 4 and 5). Where sources
 * conflict on the minimum cacheable prefix, the Anthropic-authored docs win over third-party
 * pages; rows marked `assumed` have no published figure and copy their nearest sibling.
 */
export type TokenizerGeneration = 'legacy' | 'v2';

export type ModelLine = 'haiku' | 'sonnet' | 'opus' | 'fable' | 'mythos';

/** One model the stand-in serves. */
export interface StandinModel {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly line: ModelLine;
  readonly displayName: string;
  readonly tokenizer: TokenizerGeneration;
  /** Below this many prompt tokens at a breakpoint, nothing is cached. */
  readonly minCacheable: number;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  /** ISO date; orders GET /v1/models (newest first). Dates marked in comments are inferred. */
  readonly createdAt: string;
  readonly retiresAt: string | null;
  /** Fable and Mythos: thinking is always adaptive and assistant prefill is rejected. */
  readonly adaptiveOnly: boolean;
}

const K = 1_000;
const M = 1_000_000;

function row(
  id: string,
  line: ModelLine,
  displayName: string,
  tokenizer: TokenizerGeneration,
  minCacheable: number,
  createdAt: string,
  extra: Partial<Pick<StandinModel, 'aliases' | 'maxInputTokens' | 'maxOutputTokens' | 'retiresAt'>> = {},
): StandinModel {
  return {
    id,
    aliases: extra.aliases ?? [],
    line,
    displayName,
    tokenizer,
    minCacheable,
    maxInputTokens: extra.maxInputTokens ?? M,
    maxOutputTokens: extra.maxOutputTokens ?? 128 * K,
    createdAt,
    retiresAt: extra.retiresAt ?? null,
    adaptiveOnly: line === 'fable' || line === 'mythos',
  };
}

/** Every model id the SDK 1.12.0 `Model` type names; anything else is a 404. */
export const STANDIN_MODELS: readonly StandinModel[] = [
  row('claude-haiku-4-5', 'haiku', 'Claude Haiku 4.5', 'legacy', 4096, '2025-10-01T00:00:00Z', { aliases: ['claude-haiku-4-5-20251001'], maxInputTokens: 200 * K, maxOutputTokens: 64 * K }),
  row('claude-sonnet-4-5', 'sonnet', 'Claude Sonnet 4.5', 'legacy', 1024, '2025-09-29T00:00:00Z', { aliases: ['claude-sonnet-4-5-20250929'], maxInputTokens: 200 * K, maxOutputTokens: 64 * K, retiresAt: '2026-11-30T00:00:00Z' }),
  row('claude-opus-4-5', 'opus', 'Claude Opus 4.5', 'legacy', 4096, '2025-11-01T00:00:00Z', { aliases: ['claude-opus-4-5-20251101'], maxInputTokens: 200 * K, maxOutputTokens: 64 * K }),
  // Release dates from here down to Opus 5.5 are inferred from the order of the SDK's list.
  row('claude-opus-4-6', 'opus', 'Claude Opus 4.6', 'legacy', 4096, '2026-02-05T00:00:00Z'),
  row('claude-sonnet-4-6', 'sonnet', 'Claude Sonnet 4.6', 'legacy', 2048, '2026-02-17T00:00:00Z'),
  row('claude-mythos-preview', 'mythos', 'Claude Mythos Preview', 'v2', 2048, '2026-04-07T00:00:00Z'),
  row('claude-opus-4-7', 'opus', 'Claude Opus 4.7', 'v2', 4096, '2026-04-16T00:00:00Z'),
  row('claude-opus-4-8', 'opus', 'Claude Opus 4.8', 'v2', 4096, '2026-05-20T00:00:00Z'),
  row('claude-fable-5', 'fable', 'Claude Fable 5', 'v2', 2048, '2026-06-09T00:00:00Z'),
  row('claude-mythos-5', 'mythos', 'Claude Mythos 5', 'v2', 2048, '2026-06-09T00:00:01Z'),
  row('claude-opus-5', 'opus', 'Claude Opus 5', 'v2', 512, '2026-07-15T00:00:00Z'),
  row('claude-sonnet-5', 'sonnet', 'Claude Sonnet 5', 'v2', 1024, '2026-07-22T00:00:00Z'),
  row('claude-fable-5-1', 'fable', 'Claude Fable 5.1', 'v2', 512, '2026-09-01T00:00:00Z'),
  row('claude-mythos-5-1', 'mythos', 'Claude Mythos 5.1', 'v2', 512, '2026-09-01T00:00:01Z'),
  // Minimums below are assumed: Opus 5.5 as Opus 5, Sonnet 5.5 as Sonnet 5, Haiku 5.5 as Haiku 4.5.
  row('claude-opus-5-5', 'opus', 'Claude Opus 5.5', 'v2', 512, '2026-10-01T00:00:00Z'),
  row('claude-sonnet-5-5', 'sonnet', 'Claude Sonnet 5.5', 'v2', 1024, '2026-10-07T00:00:00Z'),
  row('claude-haiku-5-5', 'haiku', 'Claude Haiku 5.5', 'v2', 4096, '2026-10-20T00:00:00Z'),
  row('claude-fable-5-2', 'fable', 'Claude Fable 5.2', 'v2', 512, '2026-11-09T00:00:00Z'),
  row('claude-mythos-5-2', 'mythos', 'Claude Mythos 5.2', 'v2', 512, '2026-11-09T00:00:01Z'),
];

const byId = new Map<string, StandinModel>();
for (const model of STANDIN_MODELS) {
  byId.set(model.id, model);
  for (const alias of model.aliases) byId.set(alias, model);
}

/** The model for an id or dated alias; undefined means the API would answer 404. */
export function lookupModel(id: string): StandinModel | undefined {
  return byId.get(id);
}
