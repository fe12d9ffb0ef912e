import type { Tier } from '../tiers';
import { TIERS } from '../tiers';
import type { PriceLookup, PriceTable } from '../pricing/priceTable';
import { DEFAULT_OPUS_BASELINE_MODEL, PRICE_TABLE, lookupPrice } from '../pricing/priceTable';
import { picosOf, picosToMicros } from '../pricing/cost';
import type { CallRecord, LedgerRecord, VerdictRecord } from './record';

/** Calls, tokens and cost on one tier. Money in integer micro-dollars. */
export interface TierStats {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  micros: number;
}

/** Totals over a set of calls (a session, a day, everything loaded). */
export interface Aggregate {
  calls: number;
  micros: number;
  tiers: Record<Tier, TierStats>;
  /** What the cache reads saved against paying for the same tokens as uncached input. */
  cacheSavingsMicros: number;
  /** The same calls priced on the Opus baseline model. */
  opusMicros: number;
  escalations: number;
  fallbacks: number;
  failures: number;
  cancellations: number;
}

/** One task's row in the cost report. */
export interface TaskRow {
  taskId: string;
  command: string;
  workspace: string;
  firstTime: string;
  lastTime: string;
  calls: number;
  micros: number;
  /** Tiers the task's calls ran on, in first-use order. */
  tiers: Tier[];
  /** The tier of the task's latest call: the route whose answer the user saw. */
  finalTier: Tier;
  models: string[];
  escalations: number;
  fallbacks: number;
  /** The latest call's outcome. */
  outcome: CallRecord['outcome'];
  verdict?: VerdictRecord['verdict'];
}

/** One bar segment of the per-tier/per-day chart. */
export interface TierDayPoint {
  day: string;
  tier: Tier;
  calls: number;
  micros: number;
}

/** Accepted/rejected counts per tier: the quality signal for each route. */
export type VerdictStats = Record<Tier, { accepted: number; rejected: number }>;

/** Options for {@link LedgerSummary}. */
export interface SummaryOptions {
  /** Session start (ISO); calls at or after it count toward the session. */
  sessionStart: string;
  /** Restricts the session to one workspace tag (one window); default: every workspace. */
  sessionWorkspace?: string;
  /** The model "all-Opus" is priced on; default claude-opus-4-8. */
  opusModel?: string;
  table?: PriceTable;
  /** Maps a record time to its day key (YYYY-MM-DD); default: the UTC date. */
  dayOf?: (time: string) => string;
  /**
   * Per-task rows kept (default 5,000): the oldest-seen task is dropped past it, so a
   * year of records stays small. Totals always cover every record.
   */
  maxTasks?: number;
}

/** The UTC calendar day of an ISO timestamp. */
export function utcDay(time: string): string {
  return time.slice(0, 10);
}

/** The local calendar day of an ISO timestamp, for "today" as the user means it. */
export function localDay(time: string): string {
  const date = new Date(time);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}


function emptyAggregate(): Aggregate {
  const tiers = {} as Record<Tier, TierStats>;
  for (const tier of TIERS) tiers[tier] = { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, micros: 0 };
  return { calls: 0, micros: 0, tiers, cacheSavingsMicros: 0, opusMicros: 0, escalations: 0, fallbacks: 0, failures: 0, cancellations: 0 };
}

/** The per-call figures a record contributes to every aggregate it falls in. */
interface Contribution {
  micros: number;
  opusMicros: number;
  savingsMicros: number;
}

/**
 * Running totals over ledger records, one record at a time in O(1) (per-task rows and
 * per-day aggregates grow with tasks and days, not with calls). Money is summed in
 * integer micro-dollars, so the totals are exactly the sum of the records' `costMicros`.
 * The store delivers each callId once; the summary does not deduplicate.
 */
export class LedgerSummary {
  readonly total: Aggregate = emptyAggregate();
  private sessionAggregate: Aggregate = emptyAggregate();
  private sessionStart: string;
  private readonly sessionWorkspace: string | undefined;
  private readonly days = new Map<string, Aggregate>();
  private taskRows = new Map<string, TaskRow>();
  private readonly verdictStats: VerdictStats;
  private readonly opusModel: string;
  private readonly table: PriceTable;
  private readonly dayOf: (time: string) => string;
  private readonly lookups = new Map<string, Map<string, PriceLookup>>();
  private readonly maxTasks: number;
  /** Reused for every record: the summary's hot path allocates nothing per call. */
  private readonly scratch: Contribution = { micros: 0, opusMicros: 0, savingsMicros: 0 };

  constructor(options: SummaryOptions) {
    this.sessionStart = options.sessionStart;
    this.sessionWorkspace = options.sessionWorkspace;
    this.opusModel = options.opusModel ?? DEFAULT_OPUS_BASELINE_MODEL;
    this.table = options.table ?? PRICE_TABLE;
    this.dayOf = options.dayOf ?? utcDay;
    this.maxTasks = options.maxTasks ?? 5_000;
    this.verdictStats = {} as VerdictStats;
    for (const tier of TIERS) this.verdictStats[tier] = { accepted: 0, rejected: 0 };
  }

  /** Adds one record. Verdicts update their task's row and the per-tier quality counts. */
  add(record: LedgerRecord): void {
    if (record.kind === 'verdict') {
      this.addVerdict(record);
      return;
    }
    const day = this.dayOf(record.time);
    const contribution = this.contribution(record, day);
    addTo(this.total, record, contribution);
    let dayAggregate = this.days.get(day);
    if (!dayAggregate) {
      dayAggregate = emptyAggregate();
      this.days.set(day, dayAggregate);
    }
    addTo(dayAggregate, record, contribution);
    if (this.inSession(record)) addTo(this.sessionAggregate, record, contribution);
    this.addToTask(record, contribution.micros);
  }

  /** The current session's totals. */
  get session(): Aggregate {
    return this.sessionAggregate;
  }

  /** One day's totals (empty when nothing was spent that day). */
  day(day: string): Aggregate {
    return this.days.get(day) ?? emptyAggregate();
  }

  /** Today's totals, "today" taken with the same day function as the records. */
  today(now: Date): Aggregate {
    return this.day(this.dayOf(now.toISOString()));
  }

  /**
   * Starts a new session at `start`: calls before it no longer count. Records already
   * added at or after `start` (another window's, or a clock step) are not recounted, so
   * the new session starts from zero.
   */
  resetSession(start: string): void {
    this.sessionStart = start;
    this.sessionAggregate = emptyAggregate();
  }

  /** Per-task rows (at most `maxTasks`), most recent first; `limit` keeps the report small. */
  tasks(limit = Number.POSITIVE_INFINITY): TaskRow[] {
    if (this.taskRows.size > this.maxTasks) this.trimTasks();
    const rows = [...this.taskRows.values()].sort((a, b) => (a.lastTime < b.lastTime ? 1 : a.lastTime > b.lastTime ? -1 : 0));
    return rows.slice(0, limit);
  }

  get taskCount(): number {
    return Math.min(this.taskRows.size, this.maxTasks);
  }

  /** Every (day, tier) with calls, days ascending, tiers in ladder order. */
  perTierPerDay(fromDay = ''): TierDayPoint[] {
    const points: TierDayPoint[] = [];
    for (const day of [...this.days.keys()].sort()) {
      if (day < fromDay) continue;
      const aggregate = this.days.get(day) as Aggregate;
      for (const tier of TIERS) {
        const stats = aggregate.tiers[tier];
        if (stats.calls > 0) points.push({ day, tier, calls: stats.calls, micros: stats.micros });
      }
    }
    return points;
  }

  /** Accepted/rejected verdicts per tier (the tier of the task's latest call). */
  get verdicts(): VerdictStats {
    return this.verdictStats;
  }

  private inSession(record: CallRecord): boolean {
    if (record.time < this.sessionStart) return false;
    return this.sessionWorkspace === undefined || record.workspace === this.sessionWorkspace;
  }

  private lookup(model: string, day: string): PriceLookup {
    let byModel = this.lookups.get(day);
    if (!byModel) {
      byModel = new Map();
      this.lookups.set(day, byModel);
    }
    let found = byModel.get(model);
    if (!found) {
      found = lookupPrice(model, this.table, day);
      byModel.set(model, found);
    }
    return found;
  }

  /**
   * The record's own cost is taken as recorded (priced on the day, with that day's
   * overrides). Savings and the Opus comparison are priced now, with the current table.
   */
  private contribution(record: CallRecord, day: string): Contribution {
    const u = record.usage;
    const batch = u.service_tier === 'batch';
    const opusMicros = picosToMicros(picosOf(this.lookup(this.opusModel, day), u.input_tokens, u.cache_5m, u.cache_1h, u.cache_read_input_tokens, u.output_tokens, batch));
    let savingsMicros = 0;
    if (u.cache_read_input_tokens > 0) {
      const own = this.lookup(record.model, day);
      const actual = picosToMicros(picosOf(own, u.input_tokens, u.cache_5m, u.cache_1h, u.cache_read_input_tokens, u.output_tokens, batch));
      const uncached = picosToMicros(picosOf(own, u.input_tokens + u.cache_read_input_tokens, u.cache_5m, u.cache_1h, 0, u.output_tokens, batch));
      savingsMicros = uncached - actual;
    }
    const contribution = this.scratch;
    contribution.micros = record.costMicros;
    contribution.opusMicros = opusMicros;
    contribution.savingsMicros = savingsMicros;
    return contribution;
  }

  private addToTask(record: CallRecord, micros: number): void {
    let row = this.taskRows.get(record.taskId);
    if (!row) {
      row = {
        taskId: record.taskId, command: record.command, workspace: record.workspace,
        firstTime: record.time, lastTime: record.time, calls: 0, micros: 0, tiers: [], finalTier: record.tier,
        models: [], escalations: 0, fallbacks: 0, outcome: record.outcome,
      };
      this.taskRows.set(record.taskId, row);
      if (this.taskRows.size >= 2 * this.maxTasks) this.trimTasks();
    }
    row.calls += 1;
    row.micros += micros;
    if (!row.tiers.includes(record.tier)) row.tiers.push(record.tier);
    if (!row.models.includes(record.model)) row.models.push(record.model);
    if (record.outcome === 'escalated') row.escalations += 1;
    if (record.outcome === 'fellBack') row.fallbacks += 1;
    if (record.time < row.firstTime) row.firstTime = record.time;
    if (record.time >= row.lastTime) {
      row.lastTime = record.time;
      row.finalTier = record.tier;
      row.outcome = record.outcome;
    }
  }

  /**
   * Keeps the `maxTasks` tasks seen last. Done in batches (when twice as many are held)
   * into a fresh Map: deleting one entry at a time from the front leaves a Map scanning
   * over holes, which is quadratic; batches keep it amortised O(1).
   */
  private trimTasks(): void {
    const kept = new Map<string, TaskRow>();
    let skip = this.taskRows.size - this.maxTasks;
    for (const [taskId, row] of this.taskRows) {
      if (skip > 0) skip -= 1;
      else kept.set(taskId, row);
    }
    this.taskRows = kept;
  }

  private addVerdict(record: VerdictRecord): void {
    const row = this.taskRows.get(record.taskId);
    if (!row) return;
    const previous = row.verdict;
    if (previous !== undefined) this.verdictStats[row.finalTier][previous] -= 1;
    row.verdict = record.verdict;
    this.verdictStats[row.finalTier][record.verdict] += 1;
  }
}

function addTo(aggregate: Aggregate, record: CallRecord, contribution: Contribution): void {
  const usage = record.usage;
  const stats = aggregate.tiers[record.tier];
  stats.calls += 1;
  stats.inputTokens += usage.input_tokens;
  stats.outputTokens += usage.output_tokens;
  stats.cacheReadTokens += usage.cache_read_input_tokens;
  stats.cacheWriteTokens += usage.cache_creation_input_tokens;
  stats.micros += contribution.micros;
  aggregate.calls += 1;
  aggregate.micros += contribution.micros;
  aggregate.opusMicros += contribution.opusMicros;
  aggregate.cacheSavingsMicros += contribution.savingsMicros;
  if (record.outcome === 'escalated') aggregate.escalations += 1;
  else if (record.outcome === 'fellBack') aggregate.fallbacks += 1;
  else if (record.outcome === 'failed') aggregate.failures += 1;
  else if (record.outcome === 'cancelled') aggregate.cancellations += 1;
}
