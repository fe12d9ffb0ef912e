import { combineFingerprints } from '../context/fingerprint';
import { findModel } from '../models';
import type { SegmentName, SegmentPart } from './prefix';
import type { PromptPlan, SegmentInfo } from './request';
import { TTL_MS, TTL_WINDOW } from './ttl';
import type { TtlStats } from './ttl';

/**
 * Verifies that the cache hits when it should, and says why when it does not. A cache that
 * silently stops hitting is a cost leak (a timestamp in the prefix, a file that changes on
 * every save, a model switch, a prefix under the minimum), so every call goes through
 * `expectHit` before it is sent and `observe` after its usage is known.
 *
 * Model of the API (anthropic-api.md §3): an entry exists per model and per exact prefix up
 * to a breakpoint; it lives for its TTL from the last use (reads refresh it); it becomes
 * readable only once the response that wrote it starts streaming. A miss is recorded when a
 * call reads less than the prefix a previous call left cached (or would have, but for the
 * cause): the first write of a prefix is not a miss.
 */

/** The usage fields the check needs (a subset of the API's Usage). */
export interface CacheUsage {
  readonly input_tokens: number;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
}

export type CacheMissCause =
  /** A segment's bytes changed (the file is named when the segment has per-file parts). */
  | 'segmentChanged'
  /** The entry outlived its TTL between two requests. */
  | 'ttlExpired'
  /** The prefix is below the model's minimum cacheable length, so nothing is written. */
  | 'belowMinimum'
  /** The prefix is cached on another model; caches are per model. */
  | 'modelSwitched'
  /** A request with the same prefix was still in flight: its write was not readable yet. */
  | 'writeNotReadable'
  /** Everything said hit, yet the read came back short (early eviction, or bytes differ). */
  | 'unexplained';

/** A diagnosed miss, for the ledger, the log and the status-bar tooltip. Holds no content. */
export interface CacheMiss {
  readonly segment: SegmentName;
  readonly cause: CacheMissCause;
  readonly detail: string;
  readonly file?: string;
  readonly model: string;
  /** Estimated tokens that a full hit would have read, and what was read. */
  readonly expectedReadTokens: number;
  readonly readTokens: number;
  readonly at: number;
}

type Prediction = Pick<CacheMiss, 'segment' | 'cause' | 'detail' | 'file'> & { readonly potentialTokens: number };

/** What `expectHit` foresaw for a call; `observe` compares the usage with it. */
export interface CacheExpectation {
  readonly plan: PromptPlan;
  readonly model: string;
  readonly sentAt: number;
  /** Index of the last segment expected to be read from cache (-1: none). */
  readonly expectedSegment: number;
  readonly expectedReadTokens: number;
  /** Why less than the whole cacheable prefix will be read, when there is a reason. */
  readonly predicted?: Prediction;
  /** Nothing comparable was ever cached: this call is a first write, not a miss. */
  readonly cold: boolean;
}

/** `hit`: whole cacheable prefix read; `partial`: some of it; `write`: none read, some written; `uncached`: neither. */
export type CacheOutcome = 'hit' | 'partial' | 'write' | 'uncached';

export interface CacheObservation {
  readonly outcome: CacheOutcome;
  readonly expectedReadTokens: number;
  readonly readTokens: number;
  readonly writeTokens: number;
  readonly promptTokens: number;
  readonly miss?: CacheMiss;
}

export interface CacheHealthStats {
  readonly calls: number;
  /** Calls that read anything from cache. */
  readonly hits: number;
  readonly misses: number;
  readonly readTokens: number;
  readonly promptTokens: number;
  /** readTokens / promptTokens (0 when nothing was sent). */
  readonly readShare: number;
}

interface Entry {
  readonly model: string;
  readonly chain: string;
  state: 'live' | 'pending' | 'uncacheable';
  lastUseAt: number;
  ttlMs: number;
  /** The outstanding expectation whose request will write this entry. */
  pendingBy?: number;
  pendingSince?: number;
  /** Exact cumulative tokens through this breakpoint, once usage has told us. */
  actualTokens?: number;
}

interface Snapshot {
  readonly segments: readonly SegmentInfo[];
  readonly at: number;
  readonly ttlMs: number;
}

const MAX_MISSES_KEPT = 200;
/** Entries unused for this long are forgotten (longer than the longest TTL). */
const FORGET_AFTER_MS = 2 * TTL_MS['1h'];
/** A request that never reported back stops blocking others after this long. */
const PENDING_TIMEOUT_MS = 10 * 60_000;

/** Remembers each segment's fingerprint per model and checks each call's cache read. */
export class CacheHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly snapshots = new Map<string, Snapshot>();
  /**
   * Outstanding expectations by request identity (model + prefix + user message), oldest
   * first. Keyed on content rather than on the plan object so that a caller may rebuild an
   * equal plan between expectHit and observe.
   */
  private readonly expectations = new Map<string, { id: number; expectation: CacheExpectation }[]>();
  private nextId = 1;
  private readonly missLog: CacheMiss[] = [];
  private readonly gaps: number[] = [];
  private lastCall: { model: string; at: number } | undefined;
  private counters = { calls: 0, hits: 0, misses: 0, readTokens: 0, promptTokens: 0 };

  /** Call just before sending: records what should be read and marks this call's writes pending. */
  expectHit(plan: PromptPlan, now: number): CacheExpectation {
    const model = canonicalModel(plan.model);
    const chains = chainsOf(plan.segments);
    const marked = markedIndexes(plan.segments);
    let expectedSegment = -1;
    for (let k = marked.length - 1; k >= 0; k--) {
      const i = marked[k] ?? -1;
      const entry = this.entries.get(keyOf(model, chains[i] ?? ''));
      if (entry && this.readable(entry, now)) {
        expectedSegment = i;
        break;
      }
    }
    const lost = marked.find((i) => i > expectedSegment);
    const predicted = lost !== undefined ? this.diagnose(plan, model, chains, lost, now) : marked.length === 0 ? this.diagnoseUnmarked(plan, model, chains, now) : undefined;

    const id = this.nextId++;
    for (const i of marked) {
      if (i <= expectedSegment) continue;
      const key = keyOf(model, chains[i] ?? '');
      const entry = this.entries.get(key);
      if (entry?.state === 'uncacheable' || (entry?.state === 'pending' && !this.stalePending(entry, now))) continue;
      this.entries.set(key, { model, chain: chains[i] ?? '', state: 'pending', lastUseAt: entry?.lastUseAt ?? now, ttlMs: TTL_MS[plan.ttl], pendingBy: id, pendingSince: now, ...(entry?.actualTokens ? { actualTokens: entry.actualTokens } : {}) });
    }

    const expectation: CacheExpectation = {
      plan,
      model,
      sentAt: now,
      expectedSegment,
      expectedReadTokens: expectedSegment >= 0 ? this.tokensThrough(model, plan.segments, chains, expectedSegment) : 0,
      ...(predicted ? { predicted } : {}),
      cold: expectedSegment < 0 && predicted === undefined,
    };
    const requestKey = requestKeyOf(plan, chains);
    const queue = this.expectations.get(requestKey) ?? [];
    queue.push({ id, expectation });
    this.expectations.set(requestKey, queue);
    return expectation;
  }

  /** Call when the response starts streaming: from then on its writes are readable. */
  streamStarted(plan: PromptPlan, now: number): void {
    const outstanding = this.expectations.get(requestKeyOf(plan, chainsOf(plan.segments)))?.[0];
    if (!outstanding) return;
    for (const entry of this.entries.values()) {
      if (entry.state === 'pending' && entry.pendingBy === outstanding.id) {
        entry.state = 'live';
        entry.lastUseAt = Math.min(outstanding.expectation.sentAt, now);
        delete entry.pendingBy;
        delete entry.pendingSince;
      }
    }
  }

  /** Call when a request failed before any usage came back. */
  abandon(plan: PromptPlan): void {
    const outstanding = this.take(plan, chainsOf(plan.segments));
    if (!outstanding) return;
    for (const [key, entry] of this.entries) {
      if (entry.state === 'pending' && entry.pendingBy === outstanding.id) this.entries.delete(key);
    }
  }

  /** Call with the response's usage. Returns the outcome and, when there was one, the miss. */
  observe(plan: PromptPlan, usage: CacheUsage, now: number): CacheObservation {
    const chains = chainsOf(plan.segments);
    const expectation = (this.take(plan, chains) ?? this.expectAndTake(plan, chains, now)).expectation;
    const { model, sentAt } = expectation;
    const marked = markedIndexes(plan.segments);
    const last = marked[marked.length - 1] ?? -1;
    const read = usage.cache_read_input_tokens ?? 0;
    const written = usage.cache_creation_input_tokens ?? 0;
    const promptTokens = usage.input_tokens + read + written;

    // Real tokens per estimated token on this prompt: read + written covers the prefix through the last marker.
    const scale = read + written > 0 && last >= 0 ? (read + written) / Math.max(1, plan.segments[last]?.cumulativeTokens ?? 1) : 1;
    const readThrough = read === 0 ? -1 : written === 0 ? last : this.matchSegment(model, plan.segments, chains, marked, read, scale);
    const ttlMs = TTL_MS[plan.ttl];
    for (const i of marked) {
      const key = keyOf(model, chains[i] ?? '');
      const previous = this.entries.get(key);
      const entry: Entry = { model, chain: chains[i] ?? '', state: 'live', lastUseAt: sentAt, ttlMs, ...(previous?.actualTokens ? { actualTokens: previous.actualTokens } : {}) };
      if (i <= readThrough) {
        entry.ttlMs = Math.max(ttlMs, previous?.ttlMs ?? 0);
      } else if (written === 0 || (plan.segments[i]?.cumulativeTokens ?? 0) * scale < plan.minCacheableTokens) {
        // Nothing was written at this marker: the real prefix is under the minimum.
        entry.state = 'uncacheable';
      }
      if (i === readThrough && read > 0) entry.actualTokens = read;
      if (i === last && read + written > 0) entry.actualTokens = read + written;
      this.entries.set(key, entry);
    }

    const outcome: CacheOutcome = marked.length === 0 || read + written === 0 ? 'uncached' : readThrough === last ? 'hit' : read > 0 ? 'partial' : 'write';
    const miss = this.judge(expectation, plan, chains, marked, readThrough, read, now);

    this.snapshots.set(model, { segments: plan.segments, at: sentAt, ttlMs });
    if (this.lastCall) this.gaps.push(sentAt - this.lastCall.at);
    if (this.gaps.length > TTL_WINDOW) this.gaps.shift();
    this.lastCall = { model, at: sentAt };
    this.counters.calls++;
    if (read > 0) this.counters.hits++;
    this.counters.readTokens += read;
    this.counters.promptTokens += promptTokens;
    if (miss) {
      this.counters.misses++;
      this.missLog.push(miss);
      if (this.missLog.length > MAX_MISSES_KEPT) this.missLog.shift();
    }
    this.forget(now);
    return { outcome, expectedReadTokens: expectation.expectedReadTokens, readTokens: read, writeTokens: written, promptTokens, ...(miss ? { miss } : {}) };
  }

  /** Running totals. */
  stats(): CacheHealthStats {
    const c = this.counters;
    return { ...c, readShare: c.promptTokens > 0 ? c.readTokens / c.promptTokens : 0 };
  }

  /** The most recent misses, oldest first. */
  misses(): readonly CacheMiss[] {
    return this.missLog;
  }

  /** Gaps between consecutive calls, for chooseTtl when the TTL setting is 'auto'. */
  ttlStats(): TtlStats {
    return { gapsMs: [...this.gaps] };
  }

  /** Estimated tokens of `plan`'s prefix already readable on `modelId` (for cacheSwitchCost). */
  warmTokens(modelId: string, plan: PromptPlan, now: number): number {
    const model = canonicalModel(modelId);
    const chains = chainsOf(plan.segments);
    for (let i = plan.segments.length - 1; i >= 0; i--) {
      const entry = this.entries.get(keyOf(model, chains[i] ?? ''));
      if (entry && this.readable(entry, now)) return this.tokensThrough(model, plan.segments, chains, i);
    }
    return 0;
  }

  /** Removes and returns the oldest outstanding expectation for this request. */
  private take(plan: PromptPlan, chains: readonly string[]): { id: number; expectation: CacheExpectation } | undefined {
    const requestKey = requestKeyOf(plan, chains);
    const queue = this.expectations.get(requestKey);
    const first = queue?.shift();
    if (queue && queue.length === 0) this.expectations.delete(requestKey);
    return first;
  }

  /** observe() without a prior expectHit: judge as if it had been sent just now. */
  private expectAndTake(plan: PromptPlan, chains: readonly string[], now: number): { id: number; expectation: CacheExpectation } {
    this.expectHit(plan, now);
    const requestKey = requestKeyOf(plan, chains);
    const queue = this.expectations.get(requestKey) ?? [];
    const last = queue.pop();
    if (queue.length === 0) this.expectations.delete(requestKey);
    if (!last) throw new Error('expectHit did not record an expectation');
    return last;
  }

  private readable(entry: Entry, now: number): boolean {
    return entry.state === 'live' && now - entry.lastUseAt <= entry.ttlMs;
  }

  private stalePending(entry: Entry, now: number): boolean {
    return now - (entry.pendingSince ?? now) > PENDING_TIMEOUT_MS;
  }

  private tokensThrough(model: string, segments: readonly SegmentInfo[], chains: readonly string[], index: number): number {
    return this.entries.get(keyOf(model, chains[index] ?? ''))?.actualTokens ?? segments[index]?.cumulativeTokens ?? 0;
  }

  /**
   * The marker whose cumulative size is closest to what was read: exact sizes where a previous
   * call told us, else the local estimate scaled by this call's real/estimated ratio (local
   * estimates can be far off on code, and mixing them with exact sizes unscaled picks wrong).
   */
  private matchSegment(model: string, segments: readonly SegmentInfo[], chains: readonly string[], marked: readonly number[], read: number, scale: number): number {
    let best = -1;
    let bestDistance = Infinity;
    for (const i of marked) {
      const size = this.entries.get(keyOf(model, chains[i] ?? ''))?.actualTokens ?? (segments[i]?.cumulativeTokens ?? 0) * scale;
      const distance = Math.abs(Math.log(Math.max(1, read) / Math.max(1, size)));
      if (distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Why the marker at `lost` (and everything after it) will not be read. */
  private diagnose(plan: PromptPlan, model: string, chains: readonly string[], lost: number, now: number): Prediction | undefined {
    const segment = plan.segments[lost];
    if (!segment) return undefined;
    const potentialTokens = segment.cumulativeTokens;
    const entry = this.entries.get(keyOf(model, chains[lost] ?? ''));
    if (entry?.state === 'pending' && !this.stalePending(entry, now)) {
      const seconds = Math.round((now - (entry.pendingSince ?? now)) / 1000);
      return { segment: segment.name, cause: 'writeNotReadable', detail: `a request with the same prefix was sent ${seconds}s earlier and has not started answering, so its cache write cannot be read yet`, potentialTokens };
    }
    if (entry?.state === 'uncacheable') {
      return { segment: segment.name, cause: 'belowMinimum', detail: `the API cached nothing for this prefix last time: it is under ${model}'s minimum of ${plan.minCacheableTokens} tokens (local estimate ~${potentialTokens})`, potentialTokens };
    }
    if (entry?.state === 'live' && !this.readable(entry, now)) {
      return { segment: segment.name, cause: 'ttlExpired', detail: `last used ${describeAge(now - entry.lastUseAt)} ago; the ${describeTtl(entry.ttlMs)} cache had expired`, potentialTokens };
    }
    // The system prefix before it is readable, and this part of the conversation was never
    // written (the answer it starts from had no marker): new content, written now, not a miss.
    if (segment.name === 'conversation') return undefined;
    const elsewhere = this.liveElsewhere(model, chains[lost] ?? '', now);
    if (elsewhere) {
      return { segment: segment.name, cause: 'modelSwitched', detail: `this prefix is cached on ${elsewhere}; ${model} keeps its own cache and writes it again`, potentialTokens };
    }
    const snapshot = this.snapshots.get(model);
    if (snapshot) {
      const changed = firstDifference(snapshot.segments, plan.segments);
      if (changed !== undefined && changed <= lost) {
        // The instructions close the prefix, so a new task writes only them (the workspace
        // before them is read): the first write of that task's prefix, not a miss.
        if (changed === lost && isTaskSwitch(snapshot.segments[changed], plan.segments[changed])) return undefined;
        const what = describeChange(snapshot.segments[changed], plan.segments[changed]);
        const name = plan.segments[changed]?.name ?? snapshot.segments[changed]?.name ?? segment.name;
        if (now - snapshot.at > snapshot.ttlMs) {
          return { segment: name, cause: 'ttlExpired', detail: `last request on ${model} was ${describeAge(now - snapshot.at)} ago, past the ${describeTtl(snapshot.ttlMs)} TTL (and ${what.detail})`, ...(what.file ? { file: what.file } : {}), potentialTokens };
        }
        return { segment: name, cause: 'segmentChanged', detail: what.detail, ...(what.file ? { file: what.file } : {}), potentialTokens };
      }
    }
    if (this.lastCall && this.lastCall.model !== model && now - this.lastCall.at <= TTL_MS['1h']) {
      return { segment: segment.name, cause: 'modelSwitched', detail: `the previous request went to ${this.lastCall.model}; ${model} keeps its own cache`, potentialTokens };
    }
    return undefined;
  }

  /** No marker at all: a miss only if this prefix (or this model's last one) was cached before. */
  private diagnoseUnmarked(plan: PromptPlan, model: string, chains: readonly string[], now: number): Prediction | undefined {
    const first = plan.segments[0];
    if (!first) return undefined;
    for (let i = plan.segments.length - 1; i >= 0; i--) {
      const elsewhere = this.liveElsewhere(model, chains[i] ?? '', now);
      const segment = plan.segments[i];
      if (elsewhere && segment) {
        return { segment: segment.name, cause: 'belowMinimum', detail: `~${segment.cumulativeTokens} tokens (estimated) is under ${model}'s minimum cacheable ${plan.minCacheableTokens}; it was cached on ${elsewhere}`, potentialTokens: segment.cumulativeTokens };
      }
    }
    const snapshot = this.snapshots.get(model);
    const wasCached = snapshot?.segments.some((s) => s.cached) ?? false;
    if (snapshot && wasCached && now - snapshot.at <= snapshot.ttlMs) {
      const total = plan.segments[plan.segments.length - 1]?.cumulativeTokens ?? 0;
      return { segment: plan.segments[plan.segments.length - 1]?.name ?? first.name, cause: 'belowMinimum', detail: `the prefix shrank to ~${total} tokens (estimated), under ${model}'s minimum cacheable ${plan.minCacheableTokens}`, potentialTokens: total };
    }
    return undefined;
  }

  private liveElsewhere(model: string, chain: string, now: number): string | undefined {
    for (const entry of this.entries.values()) {
      if (entry.model !== model && entry.chain === chain && this.readable(entry, now)) return entry.model;
    }
    return undefined;
  }

  /** Turns expectation and outcome into a miss, if the call read less than it could have. */
  private judge(expectation: CacheExpectation, plan: PromptPlan, chains: readonly string[], marked: readonly number[], readThrough: number, read: number, now: number): CacheMiss | undefined {
    const { model, expectedSegment, predicted } = expectation;
    const base = { model, readTokens: read, at: now };
    if (readThrough < expectedSegment) {
      const segment = plan.segments[marked.find((i) => i > readThrough) ?? expectedSegment];
      return {
        ...base,
        segment: segment?.name ?? 'instructions',
        cause: 'unexplained',
        detail: `expected ~${expectation.expectedReadTokens} tokens from cache (written or read ${describeAge(now - expectation.sentAt)} before the response), read ${read}: evicted early, or the bytes sent differ from what was fingerprinted`,
        expectedReadTokens: expectation.expectedReadTokens,
      };
    }
    const last = marked[marked.length - 1] ?? -1;
    if (predicted && (readThrough < last || marked.length === 0)) {
      const { potentialTokens, ...rest } = predicted;
      return { ...base, ...rest, expectedReadTokens: last >= 0 ? this.tokensThrough(model, plan.segments, chains, last) : potentialTokens };
    }
    return undefined;
  }

  private forget(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.state !== 'pending' && now - entry.lastUseAt > FORGET_AFTER_MS) this.entries.delete(key);
    }
  }
}

/**
 * Fingerprint of the prefix through each segment (the cache is keyed on the whole prefix). A
 * conversation segment's fingerprint already covers every message through it, so it chains
 * off the system prefix alone: the next follow-up's boundary at the same message has the
 * same key, though that request splits its conversation differently.
 */
export function chainsOf(segments: readonly SegmentInfo[]): string[] {
  const chains: string[] = [];
  let system = '';
  for (const segment of segments) {
    const chain = combineFingerprints([system, segment.name, segment.fingerprint]);
    if (segment.name !== 'conversation') system = chain;
    chains.push(chain);
  }
  return chains;
}

function markedIndexes(segments: readonly SegmentInfo[]): number[] {
  const out: number[] = [];
  segments.forEach((s, i) => {
    if (s.cached) out.push(i);
  });
  return out;
}

/** Same model, same prefix, same user message: the same request for cache purposes. */
function requestKeyOf(plan: PromptPlan, chains: readonly string[]): string {
  const user = plan.body.messages.map((m) => m.content.map((b) => b.text).join('\n')).join('\n');
  return `${canonicalModel(plan.model)}\u0000${chains[chains.length - 1] ?? ''}\u0000${plan.ttl}\u0000${user}`;
}

function keyOf(model: string, chain: string): string {
  return `${model}\u0000${chain}`;
}

function canonicalModel(id: string): string {
  return findModel(id)?.id ?? id;
}

function firstDifference(before: readonly SegmentInfo[], after: readonly SegmentInfo[]): number | undefined {
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = before[i];
    const b = after[i];
    if (a?.name !== b?.name || a?.fingerprint !== b?.fingerprint) return i;
  }
  return undefined;
}

/** Both are instructions segments, for different tasks. */
function isTaskSwitch(before: SegmentInfo | undefined, after: SegmentInfo | undefined): boolean {
  return before?.name === 'instructions' && after?.name === 'instructions' && before.parts[0]?.name !== after.parts[0]?.name;
}

/** Names what changed inside a segment, down to the file when the segment has file parts. */
export function describeChange(before: SegmentInfo | undefined, after: SegmentInfo | undefined): { detail: string; file?: string } {
  if (!before && after) return { detail: `the ${after.name} segment was added` };
  if (before && !after) return { detail: `the ${before.name} segment was dropped` };
  if (!before || !after) return { detail: 'the prefix changed' };
  if (before.name !== after.name) return { detail: `the ${before.name} segment was replaced by ${after.name}` };
  const old = new Map(before.parts.map((p) => [p.name, p]));
  const now = new Map(after.parts.map((p) => [p.name, p]));
  const changed = after.parts.filter((p) => old.has(p.name) && old.get(p.name)?.fingerprint !== p.fingerprint);
  const added = after.parts.filter((p) => !old.has(p.name));
  const removed = before.parts.filter((p) => !now.has(p.name));
  if (after.name === 'instructions') {
    const from = before.parts[0]?.name.replace('instructions:', '') ?? '?';
    const to = after.parts[0]?.name.replace('instructions:', '') ?? '?';
    return { detail: from === to ? `the ${to} instructions changed` : `the instructions changed (task ${from} → ${to})` };
  }
  const first = changed[0] ?? added[0] ?? removed[0];
  if (!first) return { detail: `the ${after.name} segment changed` };
  if (first.name === 'tree') {
    // The tree's part names only its latest change; several may have happened since.
    const latest = first.file ? ` (latest: ${first.file} ${first.change === 'removed' ? 'removed or newly excluded' : 'added'})` : '';
    return { detail: `the file tree changed${latest}`, ...(first.file ? { file: first.file } : {}) };
  }
  const verb = changed.includes(first) ? 'changed' : added.includes(first) ? (after.name === 'pinned' ? 'was pinned' : 'was added') : after.name === 'pinned' ? 'was unpinned' : 'was removed';
  const others = changed.length + added.length + removed.length - 1;
  const tail = others > 0 ? ` (and ${others} more change${others === 1 ? '' : 's'})` : '';
  return { detail: `${describePart(first)} ${verb}${tail}`, ...(first.file ? { file: first.file } : {}) };
}

function describePart(part: SegmentPart): string {
  if (part.name.startsWith('manifest:')) return `manifest ${part.file ?? ''}`;
  if (part.name.startsWith('readme:')) return `README ${part.file ?? ''}`;
  if (part.name.startsWith('pinned:')) return `pinned file ${part.file ?? ''}`;
  return part.name;
}

function describeAge(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  return `${Math.round(ms / 60_000)} min`;
}

function describeTtl(ms: number): string {
  return ms >= TTL_MS['1h'] ? '1h' : '5m';
}
