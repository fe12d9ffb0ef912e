// Builders for prompt tests: segments of a chosen size, plans, and a small fake of the API's
// prompt cache (per model, exact prefix, TTL from last use, readable only after commit) that
// turns a plan into the usage the real API would report.
import { chainsOf } from '../../../src/core/prompt/cacheHealth';
import type { CacheUsage } from '../../../src/core/prompt/cacheHealth';
import { fingerprint } from '../../../src/core/context/fingerprint';
import { findModel } from '../../../src/core/models';
import type { PromptSegment, SegmentName, SegmentPart } from '../../../src/core/prompt/prefix';
import { buildRequest } from '../../../src/core/prompt/request';
import type { BuildRequestInput, PromptPlan, SegmentInfo } from '../../../src/core/prompt/request';
import { TTL_MS } from '../../../src/core/prompt/ttl';

/** Text that the local estimator counts as roughly `tokens` on a legacy-tokenizer model. */
export function textOfTokens(tokens: number, seed = 'x'): string {
  const line = `${seed} lorem ipsum dolor sit amet consectetur\n`;
  return line.repeat(Math.ceil((tokens * 4) / line.length)).slice(0, tokens * 4);
}

/** A segment with per-file parts, the way PrefixRenderer shapes them. */
export function segment(name: SegmentName, files: Record<string, string>): PromptSegment {
  const parts: SegmentPart[] = Object.entries(files).map(([file, text]) => ({ name: `${name === 'pinned' ? 'pinned' : 'manifest'}:${file}`, file, fingerprint: fingerprint(text) }));
  const text = Object.entries(files).map(([file, body]) => `<file path="${file}">\n${body}\n</file>`).join('\n');
  return { name, text, fingerprint: fingerprint(text), parts };
}

/** A plan with a context and a pinned segment of the given sizes (legacy-tokenizer estimate). */
export function planWith(options: { model?: string; task?: BuildRequestInput['task']; instructions?: string; contextTokens?: number; pinned?: Record<string, string>; ttl?: '5m' | '1h' } = {}): PromptPlan {
  const context = segment('context', { 'package.json': textOfTokens(options.contextTokens ?? 3000, 'ctx') });
  return buildRequest({
    task: options.task ?? 'explain',
    model: options.model ?? 'claude-sonnet-4-6',
    context,
    ...(options.pinned ? { pinned: segment('pinned', options.pinned) } : {}),
    ...(options.instructions ? { instructions: options.instructions } : {}),
    question: 'What does this do?',
    ttl: options.ttl ?? '5m',
    maxTokens: 1024,
  });
}

/** The plan's segment of that name (the order is the builder's business, not the test's). */
export function segmentNamed(plan: PromptPlan, name: SegmentName): SegmentInfo {
  const found = plan.segments.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} segment in the plan`);
  return found;
}

/** A fake of the API's prompt cache, keyed like the real one (model + exact prefix). */
export class FakeApiCache {
  private readonly entries = new Map<string, { expiresAt: number; readable: boolean }>();

  /** Usage for `plan` at `now`; writes stay unreadable until `commit` is called (or `autoCommit`). */
  call(plan: PromptPlan, now: number, autoCommit = true): { usage: CacheUsage; commit: () => void } {
    const model = findModel(plan.model)?.id ?? plan.model;
    const minimum = findModel(plan.model)?.minCacheableTokens ?? 1024;
    const chains = chainsOf(plan.segments);
    const marked = plan.segments.map((s, i) => (s.cached ? i : -1)).filter((i) => i >= 0);
    let hit = -1;
    for (const i of [...marked].reverse()) {
      const entry = this.entries.get(`${model}|${chains[i]}`);
      if (entry && entry.readable && entry.expiresAt > now) {
        hit = i;
        break;
      }
    }
    const ttl = TTL_MS[plan.ttl];
    for (const i of marked) {
      const entry = this.entries.get(`${model}|${chains[i]}`);
      if (i <= hit && entry) entry.expiresAt = now + ttl;
    }
    const read = hit >= 0 ? (plan.segments[hit]?.cumulativeTokens ?? 0) : 0;
    const writes: string[] = [];
    let writtenThrough = read;
    for (const i of marked) {
      const through = plan.segments[i]?.cumulativeTokens ?? 0;
      if (i <= hit || through < minimum) continue;
      writes.push(`${model}|${chains[i]}`);
      writtenThrough = through;
    }
    const written = writtenThrough - read;
    const total = (plan.segments[plan.segments.length - 1]?.cumulativeTokens ?? 0) + plan.requestTokens;
    for (const key of writes) if (!this.entries.get(key)?.readable) this.entries.set(key, { expiresAt: now + ttl, readable: false });
    const commit = (): void => {
      for (const key of writes) {
        const entry = this.entries.get(key);
        if (entry) entry.readable = true;
      }
    };
    if (autoCommit) commit();
    return { usage: { input_tokens: total - read - written, cache_creation_input_tokens: written, cache_read_input_tokens: read }, commit };
  }

  /** Drops everything (an eviction the client cannot see). */
  evictAll(): void {
    this.entries.clear();
  }
}
