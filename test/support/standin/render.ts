import { createHash } from 'node:crypto';
import { countUnits, scaleUnits } from './tokens';
import type { BlockIn, CacheTtl, MessagesRequest } from './validate';

/**
 * Renders a request into the flat block sequence the cache and the token counter see,
 * in the API's render order tools → system → messages. Each position carries the
 * cumulative token count and a chained hash of every byte before it, so "the exact prefix
 * up to block N" is one lookup. `cache_control` markers are not part of the bytes: moving
 * a breakpoint must not change what is cached before it.
 */

export type Section = 'tools' | 'system' | 'messages';

export interface RenderedBlock {
  readonly section: Section;
  /** Where the block came from, for logs and errors (`messages.2.content.0`). */
  readonly path: string;
  readonly tokens: number;
  /** Cumulative tokens up to and including this block. */
  readonly prefixTokens: number;
  /** Hash of the model and every rendered byte up to and including this block. */
  readonly prefixHash: string;
  /** Thinking blocks cannot carry a breakpoint, so the automatic marker skips them. */
  readonly cacheable: boolean;
}

export interface Breakpoint {
  /** Index into `blocks`. */
  readonly position: number;
  readonly ttl: CacheTtl;
}

export interface RenderedPrompt {
  readonly blocks: readonly RenderedBlock[];
  readonly breakpoints: readonly Breakpoint[];
  readonly totalTokens: number;
  /** Per-section fingerprints, for cache diagnostics (what changed since an earlier request). */
  readonly fingerprint: PromptFingerprint;
}

export interface PromptFingerprint {
  readonly modelId: string;
  readonly speed: string;
  readonly tools: string;
  readonly system: string;
  readonly settings: string;
  /** One hash per message, so "only appended" can be told from "changed earlier". */
  readonly messages: readonly string[];
}

/** Images and documents cost by size; the stand-in cannot decode them, so it prices bytes. */
function binaryUnits(source: unknown): number {
  const data = typeof source === 'object' && source !== null ? (source as Record<string, unknown>).data : undefined;
  const length = typeof data === 'string' ? data.length : typeof source === 'object' ? JSON.stringify(source).length : 0;
  return Math.max(85, Math.ceil(length / 1000));
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Drops `cache_control` so markers never change the bytes they mark. */
function withoutCacheControl(raw: Record<string, unknown>): Record<string, unknown> {
  if (!('cache_control' in raw)) return raw;
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (key !== 'cache_control') rest[key] = value;
  return rest;
}

function renderContentText(content: unknown): { text: string; extraUnits: number } {
  if (typeof content === 'string') return { text: content, extraUnits: 0 };
  if (!Array.isArray(content)) return { text: '', extraUnits: 0 };
  let text = '';
  let extraUnits = 0;
  for (const item of content) {
    if (typeof item !== 'object' || item === null) continue;
    const block = item as Record<string, unknown>;
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block.type === 'image' || block.type === 'document') extraUnits += binaryUnits(block.source);
    else text += JSON.stringify(withoutCacheControl(block));
  }
  return { text, extraUnits };
}

/** The bytes a content block contributes, and any size-priced units that have no text. */
function renderBlock(block: BlockIn): { bytes: string; extraUnits: number } {
  const raw = block.raw;
  switch (block.type) {
    case 'text':
      return { bytes: String(raw.text), extraUnits: 0 };
    case 'thinking':
      return { bytes: String(raw.thinking ?? ''), extraUnits: 0 };
    case 'tool_use':
    case 'server_tool_use':
      return { bytes: `<tool_use ${String(raw.name)}>${JSON.stringify(raw.input)}`, extraUnits: 0 };
    case 'tool_result': {
      const inner = renderContentText(raw.content);
      return { bytes: `<tool_result${raw.is_error === true ? ' error' : ''}>${inner.text}`, extraUnits: inner.extraUnits };
    }
    case 'image':
      return { bytes: `<image ${digest(JSON.stringify(raw.source))}>`, extraUnits: binaryUnits(raw.source) };
    case 'document': {
      const source = raw.source as Record<string, unknown>;
      if (source.type === 'text' && typeof source.data === 'string') return { bytes: `<document>${source.data}`, extraUnits: 0 };
      if (source.type === 'content') {
        const inner = renderContentText(source.content);
        return { bytes: `<document>${inner.text}`, extraUnits: inner.extraUnits };
      }
      return { bytes: `<document ${digest(JSON.stringify(source))}>`, extraUnits: binaryUnits(source) };
    }
    default:
      return { bytes: JSON.stringify(withoutCacheControl(raw)), extraUnits: 0 };
  }
}

/** Renders a validated request. */
export function renderPrompt(req: MessagesRequest): RenderedPrompt {
  const generation = req.model.tokenizer;
  const blocks: RenderedBlock[] = [];
  const breakpoints: Breakpoint[] = [];
  // Caches are scoped to the model (its canonical id, so a dated alias shares them).
  let chain = digest(`model:${req.model.id}`);
  let prefixTokens = 0;

  const push = (section: Section, path: string, bytes: string, extraUnits: number, cacheable: boolean, ttl: CacheTtl | undefined): void => {
    const tokens = scaleUnits(countUnits(bytes) + extraUnits, generation);
    chain = digest(`${chain}|${section}|${bytes.length}|${bytes}`);
    prefixTokens += tokens;
    blocks.push({ section, path, tokens, prefixTokens, prefixHash: chain, cacheable });
    if (ttl) breakpoints.push({ position: blocks.length - 1, ttl });
  };
  const fold = (text: string): void => { chain = digest(`${chain}|${text}`); };

  req.tools.forEach((tool, i) => push('tools', `tools.${i}`, JSON.stringify(withoutCacheControl(tool.raw)), 0, true, tool.cacheTtl));
  // Settings the spec lists as invalidating the system cache but not the tools cache.
  fold(`speed:${req.speed ?? 'standard'}`);
  req.system.forEach((block, i) => push('system', `system.${i}`, renderBlock(block).bytes, 0, true, block.cacheTtl));
  // Settings that invalidate only the messages cache.
  const settings = JSON.stringify({ tool_choice: req.toolChoice ?? null, thinking: req.thinking ?? null });
  fold(`settings:${settings}`);
  req.messages.forEach((message, m) => {
    message.content.forEach((block, i) => {
      const rendered = renderBlock(block);
      // The role marker belongs to the message's first block: it is the per-message overhead.
      const bytes = i === 0 ? `\n\n${message.role}: ${rendered.bytes}` : rendered.bytes;
      const cacheable = block.type !== 'thinking' && block.type !== 'redacted_thinking';
      push('messages', `messages.${m}.content.${i}`, bytes, rendered.extraUnits, cacheable, block.cacheTtl);
    });
  });

  if (req.topLevelCacheTtl) {
    let last = blocks.length - 1;
    while (last >= 0 && !blocks[last]?.cacheable) last--;
    if (last >= 0 && !breakpoints.some((bp) => bp.position === last)) {
      breakpoints.push({ position: last, ttl: req.topLevelCacheTtl });
      breakpoints.sort((a, b) => a.position - b.position);
    }
  }

  return {
    blocks,
    breakpoints,
    totalTokens: prefixTokens,
    fingerprint: {
      modelId: req.model.id,
      speed: req.speed ?? 'standard',
      tools: digest(JSON.stringify(req.tools.map((t) => withoutCacheControl(t.raw)))),
      system: digest(JSON.stringify(req.system.map((b) => renderBlock(b).bytes))),
      settings: digest(settings),
      messages: req.messages.map((message) => digest(JSON.stringify([message.role, message.content.map((b) => renderBlock(b).bytes)]))),
    },
  };
}
