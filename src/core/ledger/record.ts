import { z } from 'zod';
import type { Tier } from '../tiers';
import type { CostOptions, UsageLike } from '../pricing/cost';
import { costOfUsage, pricedTokens } from '../pricing/cost';

/**
 * What the ledger keeps about each billed call, one JSON line per record. Records hold
 * counts, ids, labels and prices only: never an API key, never prompt or answer text.
 * Free-text fields are short by schema so a prompt cannot slip in whole.
 */

const TIER = z.enum(['H', 'S', 'O', 'F']);
const COUNT = z.number().int().nonnegative();
/** Labels are short: long enough for a reason or a miss explanation, too short for a prompt. */
const LABEL = z.string().min(1).max(200);
const TEXT = z.string().max(500);

/** The usage fields of one call, with the cache-write split resolved (5m + 1h = creation). */
export const LedgerUsage = z.object({
  input_tokens: COUNT,
  output_tokens: COUNT,
  cache_creation_input_tokens: COUNT,
  cache_read_input_tokens: COUNT,
  cache_5m: COUNT,
  cache_1h: COUNT,
  service_tier: z.string().max(40).nullable(),
});
export type LedgerUsage = z.infer<typeof LedgerUsage>;

/** How a billed attempt ended. Accept/reject comes later, as a {@link VerdictRecord}. */
export const CallOutcome = z.enum(['ok', 'escalated', 'fellBack', 'failed', 'cancelled']);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** Why an expected cache hit did not happen (see the prompt builder's miss explanation). */
export const CacheMiss = z.object({ segment: LABEL, cause: LABEL, detail: TEXT });
export type CacheMiss = z.infer<typeof CacheMiss>;

/** One billed attempt: classifier calls, SDK retries the API billed, escalations, fallbacks, cancelled streams. */
export const CallRecord = z.object({
  v: z.literal(1),
  kind: z.literal('call').optional(),
  taskId: LABEL,
  /** Unique per billed attempt; the store is idempotent on it. */
  callId: LABEL,
  /** UTC ISO timestamp ending in Z (Date#toISOString), so times compare as strings. */
  time: z.iso.datetime(),
  command: LABEL,
  /** A StepType, or `difficulty` / `reviewJudge` for Ladder's own calls. */
  stepType: LABEL,
  tier: TIER,
  model: LABEL,
  reason: TEXT,
  /** 1 for the first attempt of a step, counting SDK retries the API billed. */
  attempt: z.number().int().min(1),
  usage: LedgerUsage,
  /** Integer micro-dollars, priced when the record was made (the table of that day). */
  costMicros: COUNT,
  outcome: CallOutcome,
  /** The tier the user forced, when they did. */
  override: TIER.optional(),
  /** A short tag for the workspace (e.g. a hash of its URI), never a path. */
  workspace: LABEL,
  cacheMiss: CacheMiss.optional(),
  requestId: LABEL.optional(),
});
export type CallRecord = z.infer<typeof CallRecord>;

/** The user's accept/reject of a task's edits: the quality signal for the route taken. */
export const VerdictRecord = z.object({
  v: z.literal(1),
  kind: z.literal('verdict'),
  taskId: LABEL,
  callId: LABEL.optional(),
  verdict: z.enum(['accepted', 'rejected']),
  time: z.iso.datetime(),
});
export type VerdictRecord = z.infer<typeof VerdictRecord>;

export type LedgerRecord = CallRecord | VerdictRecord;

/** Strings that look like an Anthropic key; a record carrying one is refused. */
const KEY_PATTERN = /sk-ant-[A-Za-z0-9_-]{8,}/;

function containsKey(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('sk-ant-') && KEY_PATTERN.test(value);
  if (value && typeof value === 'object') {
    for (const key in value) if (containsKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** How {@link parseLedgerRecord} says a record was written by a newer Ladder, which its problem messages quote. */
export const NEWER_VERSION = 'written by a newer version of Ladder';

/** What the calls cost together, in micro-dollars. */
export function totalMicros(calls: readonly { costMicros: number }[]): number {
  return calls.reduce((sum, c) => sum + c.costMicros, 0);
}

/**
 * Validates a record parsed from a ledger line. Unknown fields are dropped (a newer
 * version may add some); anything else wrong makes the line corrupt.
 */
export function parseLedgerRecord(value: unknown): { record: LedgerRecord } | { error: string } {
  const version = value !== null && typeof value === 'object' ? (value as { v?: unknown }).v : undefined;
  // Said as such: a newer Ladder's record is no damage, but this version cannot count it.
  if (typeof version === 'number' && version > 1) return { error: `${NEWER_VERSION} (v${version})` };
  const fast = value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind !== 'verdict' ? fastCallRecord(value as Record<string, unknown>) : undefined;
  if (fast) return fastContainsKey(fast) ? { error: 'record contains what looks like an API key' } : { record: fast };
  const kind = value && typeof value === 'object' ? (value as { kind?: unknown }).kind : undefined;
  const parsed = kind === 'verdict' ? VerdictRecord.safeParse(value) : CallRecord.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid record' };
  }
  if (containsKey(parsed.data)) return { error: 'record contains what looks like an API key' };
  return { record: parsed.data };
}

/*
 * A hand-written check for the common case, because loading 100k records through zod
 * costs more than the rest of the load. It only ever ACCEPTS what the CallRecord schema
 * accepts (a unit test holds it to that) and returns the same stripped object; anything
 * it is unsure of goes to the schema, which stays the definition and gives the errors.
 */
const FAST_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;
const FAST_TIERS = new Set(['H', 'S', 'O', 'F']);
const FAST_OUTCOMES = new Set(['ok', 'escalated', 'fellBack', 'failed', 'cancelled']);

/** The time pattern plus a real calendar date (zod rejects 2026-02-30 too); what CallRecord's `time` accepts. */
function isRecordTime(value: unknown): value is string {
  if (typeof value !== 'string' || !FAST_TIME.test(value)) return false;
  const day = Number(value.slice(8, 10));
  if (day <= 28) return true;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

function hasKeyText(text: string | null | undefined): boolean {
  return text !== undefined && text !== null && text.includes('sk-ant-') && KEY_PATTERN.test(text);
}

/** containsKey over the call record's string fields, without walking the object. */
function fastContainsKey(r: CallRecord): boolean {
  return hasKeyText(r.taskId) || hasKeyText(r.callId) || hasKeyText(r.command) || hasKeyText(r.stepType) || hasKeyText(r.model)
    || hasKeyText(r.reason) || hasKeyText(r.workspace) || hasKeyText(r.requestId) || hasKeyText(r.usage.service_tier)
    || (r.cacheMiss !== undefined && (hasKeyText(r.cacheMiss.segment) || hasKeyText(r.cacheMiss.cause) || hasKeyText(r.cacheMiss.detail)));
}

function isLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 200;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 500;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function fastUsage(u: unknown): LedgerUsage | undefined {
  if (u === null || typeof u !== 'object') return undefined;
  const o = u as Record<string, unknown>;
  const tier = o.service_tier;
  if (!isCount(o.input_tokens) || !isCount(o.output_tokens) || !isCount(o.cache_creation_input_tokens) || !isCount(o.cache_read_input_tokens)
    || !isCount(o.cache_5m) || !isCount(o.cache_1h) || !(tier === null || (typeof tier === 'string' && tier.length <= 40))) return undefined;
  return {
    input_tokens: o.input_tokens, output_tokens: o.output_tokens, cache_creation_input_tokens: o.cache_creation_input_tokens,
    cache_read_input_tokens: o.cache_read_input_tokens, cache_5m: o.cache_5m, cache_1h: o.cache_1h, service_tier: tier,
  };
}

function fastCallRecord(o: Record<string, unknown>): CallRecord | undefined {
  if (o.v !== 1 || !(o.kind === undefined || o.kind === 'call')) return undefined;
  if (!isLabel(o.taskId) || !isLabel(o.callId) || !isRecordTime(o.time) || !isLabel(o.command)
    || !isLabel(o.stepType) || typeof o.tier !== 'string' || !FAST_TIERS.has(o.tier) || !isLabel(o.model) || !isText(o.reason)
    || typeof o.attempt !== 'number' || !Number.isSafeInteger(o.attempt) || o.attempt < 1 || !isCount(o.costMicros)
    || typeof o.outcome !== 'string' || !FAST_OUTCOMES.has(o.outcome) || !isLabel(o.workspace)) return undefined;
  const usage = fastUsage(o.usage);
  if (!usage) return undefined;
  const record: CallRecord = {
    v: 1, taskId: o.taskId, callId: o.callId, time: o.time, command: o.command, stepType: o.stepType, tier: o.tier as Tier,
    model: o.model, reason: o.reason, attempt: o.attempt, usage, costMicros: o.costMicros, outcome: o.outcome as CallOutcome, workspace: o.workspace,
  };
  if (o.kind !== undefined) record.kind = 'call';
  if (o.override !== undefined) {
    if (typeof o.override !== 'string' || !FAST_TIERS.has(o.override)) return undefined;
    record.override = o.override as Tier;
  }
  if (o.requestId !== undefined) {
    if (!isLabel(o.requestId)) return undefined;
    record.requestId = o.requestId;
  }
  if (o.cacheMiss !== undefined) {
    const m = o.cacheMiss as Record<string, unknown> | null;
    if (m === null || typeof m !== 'object' || !isLabel(m.segment) || !isLabel(m.cause) || !isText(m.detail)) return undefined;
    record.cacheMiss = { segment: m.segment, cause: m.cause, detail: m.detail };
  }
  return record;
}

/** Resolves an API usage block into the ledger's flat usage fields. */
export function ledgerUsage(usage: UsageLike): LedgerUsage {
  const tokens = pricedTokens(usage);
  return {
    input_tokens: tokens.input,
    output_tokens: tokens.output,
    cache_creation_input_tokens: tokens.cacheWrite5m + tokens.cacheWrite1h,
    cache_read_input_tokens: tokens.cacheRead,
    cache_5m: tokens.cacheWrite5m,
    cache_1h: tokens.cacheWrite1h,
    service_tier: usage.service_tier ?? null,
  };
}

/** Turns ledger usage back into an API-shaped block, for repricing. */
export function apiUsage(usage: LedgerUsage): UsageLike {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cache_5m, ephemeral_1h_input_tokens: usage.cache_1h },
    service_tier: usage.service_tier,
  };
}

/** Everything the caller knows about a billed attempt; the record adds usage fields and cost. */
export interface CallFacts {
  taskId: string;
  callId: string;
  time: string;
  command: string;
  stepType: string;
  tier: Tier;
  model: string;
  reason: string;
  attempt: number;
  usage: UsageLike;
  outcome: CallOutcome;
  override?: Tier;
  workspace: string;
  cacheMiss?: CacheMiss;
  requestId?: string;
}

/**
 * Builds a validated call record, priced with the table in force at `facts.time`.
 * Throws when the facts do not make a valid record (a bug in the caller, not user data).
 * Pricing warnings (unknown or deprecated model) are returned for the log.
 */
export function buildCallRecord(facts: CallFacts, options: Pick<CostOptions, 'table'> = {}): { record: CallRecord; warnings: string[] } {
  const cost = costOfUsage(facts.model, facts.usage, { table: options.table, at: facts.time });
  const candidate: CallRecord = {
    v: 1,
    taskId: facts.taskId,
    callId: facts.callId,
    time: facts.time,
    command: facts.command,
    stepType: facts.stepType,
    tier: facts.tier,
    model: facts.model,
    reason: facts.reason,
    attempt: facts.attempt,
    usage: ledgerUsage(facts.usage),
    costMicros: cost.micros,
    outcome: facts.outcome,
    workspace: facts.workspace,
    ...(facts.override !== undefined ? { override: facts.override } : {}),
    ...(facts.cacheMiss !== undefined ? { cacheMiss: facts.cacheMiss } : {}),
    ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
  };
  const parsed = parseLedgerRecord(candidate);
  if ('error' in parsed) throw new TypeError(`invalid ledger record for call ${facts.callId}: ${parsed.error}`);
  return { record: parsed.record as CallRecord, warnings: cost.warnings };
}
