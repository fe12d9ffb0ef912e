import type { Clock } from './clock';
import type { RenderedPrompt } from './render';
import type { CacheTtl } from './validate';

/**
 * The prompt-cache model (spec section 3):
 * - entries are written only at breakpoints, keyed on the exact prefix (which includes the model);
 * - each breakpoint looks for the longest live entry at its own position or up to
 *   LOOKBACK_BLOCKS blocks before it; the longest hit over all breakpoints is read;
 * - every breakpoint after the hit writes, if its prefix reaches the model's minimum; the
 *   tokens between two written positions are billed at the TTL of the later breakpoint;
 * - a hit refreshes the entry's TTL against the controllable clock;
 * - a write becomes readable only when `commit()` is called, which the handlers do when the
 *   response that wrote it starts (first byte / `message_start`); parallel requests miss.
 */

export const LOOKBACK_BLOCKS = 20;

const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

interface Entry {
  readonly key: string;
  readonly modelId: string;
  readonly tokens: number;
  ttl: CacheTtl;
  expiresAt: number;
  hits: number;
}

/** What a request reads and writes, and the usage split that follows from it. */
export interface CachePlan {
  readonly cacheRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly uncached: number;
  /** Makes this request's writes readable (idempotent). */
  commit(): void;
}

/** A snapshot row for GET /_standin/cache. */
export interface CacheEntryView {
  readonly modelId: string;
  readonly tokens: number;
  readonly ttl: CacheTtl;
  readonly expiresInMs: number;
  readonly hits: number;
}

export class PromptCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Works out reads and writes for a rendered prompt; nothing is readable until commit(). */
  plan(prompt: RenderedPrompt, minCacheable: number): CachePlan {
    const { blocks, breakpoints } = prompt;
    let hitPosition = -1;
    for (const bp of breakpoints) {
      for (let k = 0; k <= LOOKBACK_BLOCKS && bp.position - k > hitPosition; k++) {
        const block = blocks[bp.position - k];
        if (block && this.live(block.prefixHash)) {
          hitPosition = bp.position - k;
          break;
        }
      }
    }

    const now = this.clock.now();
    let cacheRead = 0;
    if (hitPosition >= 0) {
      const hitBlock = blocks[hitPosition];
      const entry = hitBlock ? this.live(hitBlock.prefixHash) : undefined;
      if (hitBlock && entry) {
        cacheRead = hitBlock.prefixTokens;
        // A breakpoint that lands on the hit asks for its TTL; the longer one wins.
        const asked = breakpoints.find((bp) => bp.position === hitPosition)?.ttl;
        if (asked === '1h') entry.ttl = '1h';
        entry.expiresAt = now + TTL_MS[entry.ttl];
        entry.hits++;
      }
    }
    // Earlier breakpoints inside the hit were used too, so their entries are refreshed as well.
    for (const bp of breakpoints) {
      if (bp.position >= hitPosition) continue;
      const block = blocks[bp.position];
      const entry = block ? this.live(block.prefixHash) : undefined;
      if (entry) entry.expiresAt = now + TTL_MS[entry.ttl];
    }

    const writes: Entry[] = [];
    let cacheWrite5m = 0;
    let cacheWrite1h = 0;
    let written = hitPosition >= 0 ? (blocks[hitPosition]?.prefixTokens ?? 0) : 0;
    for (const bp of breakpoints) {
      if (bp.position <= hitPosition) continue;
      const block = blocks[bp.position];
      if (!block || block.prefixTokens < minCacheable) continue;
      const segment = block.prefixTokens - written;
      written = block.prefixTokens;
      if (bp.ttl === '1h') cacheWrite1h += segment;
      else cacheWrite5m += segment;
      writes.push({ key: block.prefixHash, modelId: prompt.fingerprint.modelId, tokens: block.prefixTokens, ttl: bp.ttl, expiresAt: 0, hits: 0 });
    }

    let committed = false;
    return {
      cacheRead,
      cacheWrite5m,
      cacheWrite1h,
      uncached: prompt.totalTokens - cacheRead - cacheWrite5m - cacheWrite1h,
      commit: () => {
        if (committed) return;
        committed = true;
        const at = this.clock.now();
        for (const write of writes) {
          const existing = this.live(write.key);
          if (existing) {
            existing.expiresAt = at + TTL_MS[existing.ttl];
            continue;
          }
          write.expiresAt = at + TTL_MS[write.ttl];
          this.entries.set(write.key, write);
        }
      },
    };
  }

  /** Live entries, for the control endpoint and tests. */
  view(): CacheEntryView[] {
    const now = this.clock.now();
    const out: CacheEntryView[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        continue;
      }
      out.push({ modelId: entry.modelId, tokens: entry.tokens, ttl: entry.ttl, expiresInMs: entry.expiresAt - now, hits: entry.hits });
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
  }
}
