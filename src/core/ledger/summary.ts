import type { Tier } from '../tiers';
import { TIERS } from '../tiers';
import type { PriceLookup, PriceTable } from '../pricing/priceTable';
import { DEFAULT_OPUS_BASELINE_MODEL, PRICE_TABLE, lookupPrice } from '../pricing/priceTable';
import { picosOf, picosToMicros } from '../pricing/cost';
import type { CallRecord, LedgerRecord, VerdictRecord } from './record';

/*
 * The pricing functions each record calls, bound once: under the CommonJS transform the
 * tests and benchmarks run through, every use of an imported function is a call through
 * export getters, four per record.
 */
const pricePicos = picosOf;
const roundToMicros = picosToMicros;

/** Calls, tokens and cost on one tier. Money in integer micro-dollars. */
export interface TierStats {
  /** Every attempt recorded, billed or not. */
  calls: number;
  /** Of `calls`, the attempts recorded at $0: no answer was billed (an overload, a retry, a refused request). */
  unbilled: number;
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
  /** Of `calls`, the attempts recorded at $0 (not billed). */
  unbilled: number;
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

/**
 * One route, a step type on a tier: what its calls cost and how the user judged its
 * answers (the quality signal DESIGN.md records per route). Counts cover every record loaded.
 */
export interface RouteStats {
  /** A StepType, or `difficulty` / `reviewJudge` for Ladder's own calls. */
  stepType: string;
  tier: Tier;
  calls: number;
  /** Of `calls`, the attempts recorded at $0 (not billed). */
  unbilled: number;
  micros: number;
  /** Calls that went a tier up: an answer that failed its check, or a review's first pass handing its findings to judgment. */
  escalated: number;
  /** Edits the user accepted or rejected; each verdict counts on the route of the call it judged. */
  accepted: number;
  rejected: number;
}

/** The user's latest verdicts on one route in one workspace, for the routing policy. */
export interface RouteVerdicts {
  accepted: number;
  rejected: number;
}

/** How many of a route's latest verdicts each workspace keeps for {@link LedgerSummary.recentVerdicts}. */
const RECENT_VERDICTS = 8;

interface RecentVerdict {
  time: string;
  callId: string;
  verdict: VerdictRecord['verdict'];
}

/**
 * Ladder's own calls within a task: the difficulty check and a review's judgment pass. They
 * are routes with a cost, but an accept or reject judges the task's work call, not them.
 */
const OWN_STEPS: ReadonlySet<string> = new Set(['difficulty', 'reviewJudge']);

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
function utcDay(time: string): string {
  return time.slice(0, 10);
}

/** The local calendar day of an ISO timestamp, for "today" as the user means it. */
export function localDay(time: string): string {
  return localDayOfDate(new Date(time));
}

function localDayOfDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const HOUR_MS = 3_600_000;

/**
 * The local day shared by every instant of the UTC hour starting at `hourStart` (ms),
 * or undefined when the hour straddles a local midnight or a change of UTC offset.
 * Within an hour with one offset, local time runs straight, so equal days at both ends
 * mean one day throughout (zones change offset months apart, never twice in an hour).
 */
function localDayOfHour(hourStart: number): string | undefined {
  const first = new Date(hourStart);
  const last = new Date(hourStart + HOUR_MS - 1);
  if (first.getTimezoneOffset() !== last.getTimezoneOffset()) return undefined;
  const day = localDayOfDate(first);
  return day === localDayOfDate(last) ? day : undefined;
}

/**
 * Not an integer: the first value of a field that will hold a sum past 2^31 (tokens,
 * micro-dollars). V8 keeps a field first given a small integer as one, and the first sum
 * to outgrow it changes the field's representation mid-load: every object of that shape
 * migrates and the optimized code adding to it is thrown away. A field first given a
 * fraction is a double from the start; it is set to 0 straight after.
 */
const DOUBLE = 0.5;

function emptyAggregate(): Aggregate {
  const tiers = {} as Record<Tier, TierStats>;
  for (const tier of TIERS) {
    const stats = { calls: 0, unbilled: 0, inputTokens: DOUBLE, outputTokens: DOUBLE, cacheReadTokens: DOUBLE, cacheWriteTokens: DOUBLE, micros: DOUBLE };
    stats.inputTokens = stats.outputTokens = stats.cacheReadTokens = stats.cacheWriteTokens = stats.micros = 0;
    tiers[tier] = stats;
  }
  const aggregate = { calls: 0, micros: DOUBLE, tiers, cacheSavingsMicros: DOUBLE, opusMicros: DOUBLE, escalations: 0, fallbacks: 0, failures: 0, cancellations: 0 };
  aggregate.micros = aggregate.cacheSavingsMicros = aggregate.opusMicros = 0;
  return aggregate;
}

/** The per-call figures a record contributes to every aggregate it falls in. */
interface Contribution {
  micros: number;
  opusMicros: number;
  savingsMicros: number;
}

/** One day: its totals, and the prices in force that day (looked up once per model). */
interface DayState {
  /** The day as `dayOf` names it; also the date prices are looked up on. */
  key: string;
  aggregate: Aggregate;
  opus: PriceLookup;
  prices: Map<string, PriceLookup>;
}

/** A tier's code (1-4); a switch, since a keyed lookup by a varying string is a slow path. */
function tierCode(tier: Tier): number {
  switch (tier) {
    case 'H': return 1;
    case 'S': return 2;
    case 'O': return 3;
    default: return 4;
  }
}

/** The tier's stats in an aggregate, by named property for the same reason. */
function tierStats(tiers: Record<Tier, TierStats>, tier: Tier): TierStats {
  switch (tier) {
    case 'H': return tiers.H;
    case 'S': return tiers.S;
    case 'O': return tiers.O;
    default: return tiers.F;
  }
}
/** Tiers by {@link tierCode} (0 is unused). */
const TIER_OF_CODE: readonly Tier[] = ['H', 'H', 'S', 'O', 'F'];

/**
 * A task's running row, kept flat (tiers packed in a number) and reused for a newer task once its task is dropped past the cap, so 30k
 * tasks in a load are not 100k small objects for the garbage collector. {@link TaskRow}s
 * are made from it on demand.
 */
class TaskState {
  taskId = '';
  /** The task id's {@link idHash}, under which {@link TaskRows} files the row. */
  hash = 0;
  command = '';
  workspace = '';
  firstTime = '';
  lastTime = '';
  calls = 0;
  unbilled = 0;
  micros = 0;
  /** Tier codes in first-use order, 3 bits each, lowest first. */
  tierOrder = 0;
  tierCount = 0;
  finalTier: Tier = 'H';
  /**
   * Models in first-use order: the first `modelCount` entries. The array is kept when the
   * row is reused and never shortened (setting an array's length is a runtime call).
   */
  private readonly models: string[] = [];
  private modelCount = 0;
  escalations = 0;
  fallbacks = 0;
  outcome: CallRecord['outcome'] = 'ok';
  verdict: VerdictRecord['verdict'] | undefined = undefined;
  /** The route and callId of the task's latest work call (not one of {@link OWN_STEPS}): what a verdict judges. */
  workRoute: RouteStats | undefined = undefined;
  workCallId = '';
  private workTime = '';
  /** Where the current verdict was counted, so a changed verdict on the same call moves its count. */
  verdictRoute: RouteStats | undefined = undefined;
  verdictCallId = '';

  start(record: CallRecord): void {
    this.taskId = record.taskId;
    this.command = record.command;
    this.workspace = record.workspace;
    this.firstTime = record.time;
    this.lastTime = record.time;
    this.calls = 0;
    this.unbilled = 0;
    this.micros = 0;
    this.tierOrder = 0;
    this.tierCount = 0;
    this.finalTier = record.tier;
    this.models[0] = record.model;
    this.modelCount = 1;
    this.escalations = 0;
    this.fallbacks = 0;
    this.outcome = record.outcome;
    this.verdict = undefined;
    this.workRoute = undefined;
    this.workCallId = '';
    this.workTime = '';
    this.verdictRoute = undefined;
    this.verdictCallId = '';
  }

  add(record: CallRecord, micros: number, route: RouteStats): void {
    if (!OWN_STEPS.has(record.stepType) && record.time >= this.workTime) {
      this.workRoute = route;
      this.workCallId = record.callId;
      this.workTime = record.time;
    }
    this.calls += 1;
    this.micros += micros;
    this.addTier(tierCode(record.tier));
    if (record.model !== this.models[0]) this.addModel(record.model);
    if (record.outcome === 'escalated') this.escalations += 1;
    if (record.outcome === 'fellBack') this.fallbacks += 1;
    if (record.time < this.firstTime) this.firstTime = record.time;
    if (record.time >= this.lastTime) {
      this.lastTime = record.time;
      this.finalTier = record.tier;
      this.outcome = record.outcome;
    }
  }

  row(): TaskRow {
    const tiers: Tier[] = [];
    for (let i = 0; i < this.tierCount; i++) tiers.push(TIER_OF_CODE[(this.tierOrder >> (3 * i)) & 7] as Tier);
    const row: TaskRow = {
      taskId: this.taskId, command: this.command, workspace: this.workspace, firstTime: this.firstTime, lastTime: this.lastTime,
      calls: this.calls, unbilled: this.unbilled, micros: this.micros, tiers, finalTier: this.finalTier, models: this.models.slice(0, this.modelCount),
      escalations: this.escalations, fallbacks: this.fallbacks, outcome: this.outcome,
    };
    if (this.verdict !== undefined) row.verdict = this.verdict;
    return row;
  }

  private addModel(model: string): void {
    for (let i = 1; i < this.modelCount; i++) if (this.models[i] === model) return;
    this.models[this.modelCount] = model;
    this.modelCount += 1;
  }

  private addTier(code: number): void {
    for (let i = 0; i < this.tierCount; i++) if (((this.tierOrder >> (3 * i)) & 7) === code) return;
    this.tierOrder |= code << (3 * this.tierCount);
    this.tierCount += 1;
  }
}

/** A hash of a task id (FNV-1a over its UTF-16 units, then mixed so the low bits depend on every unit). */
function idHash(id: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  return hash ^ (hash >>> 16);
}

/**
 * The task rows kept: a ring in first-seen order, and an index by task id. Past `max`,
 * the task seen first is dropped and its row reused for the new one, so a long load
 * keeps a fixed set of rows instead of leaving one per task to the garbage collector.
 *
 * The index keeps each id's hash beside its row number, so a lookup reads one small typed
 * array and touches a row and its id only where the hashes agree. A Map compared the ids
 * themselves, strings spread over the heap: a cache miss per id compared, for the miss,
 * the delete and the insert each new task cost (some 30,000 in a 100k-record load).
 */
class TaskRows {
  private readonly rows: TaskState[] = [];
  /** The oldest row, once the ring is full. */
  private head = 0;
  /** (hash, row index + 1) pairs with linear probing, kept at most half full; 0 marks an empty slot. */
  private table = new Int32Array(2 * 64);
  /** Rows dropped past `max`, oldest first (a task whose row was dropped may come back as a new one). */
  dropped = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.rows.length;
  }

  /** The row of `taskId`, whose {@link idHash} is `hash`. */
  find(taskId: string, hash: number): TaskState | undefined {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[2 * slot + 1] as number;
      if (entry === 0) return undefined;
      if (table[2 * slot] === hash) {
        const row = this.rows[entry - 1] as TaskState;
        if (row.taskId === taskId) return row;
      }
    }
  }

  get(taskId: string): TaskState | undefined {
    return this.find(taskId, idHash(taskId));
  }

  /** A row for the task of `record`, not seen before (`hash` is its id's). */
  add(record: CallRecord, hash: number): TaskState {
    let index = this.rows.length;
    if (index >= this.max && index > 0) {
      // The ring is full: its oldest row becomes the newest.
      index = this.head;
      this.dropped += 1;
      this.remove(index);
      this.head = (index + 1) % this.rows.length;
    } else {
      this.rows.push(new TaskState());
      if (4 * this.rows.length > this.table.length) this.rehash(this.table.length);
    }
    const row = this.rows[index] as TaskState;
    row.start(record);
    row.hash = hash;
    this.insert(hash, index + 1);
    return row;
  }

  /** The rows in first-seen order. */
  inOrder(): TaskState[] {
    return [...this.rows.slice(this.head), ...this.rows.slice(0, this.head)];
  }

  private insert(hash: number, entry: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    table[2 * slot] = hash;
    table[2 * slot + 1] = entry;
  }

  /** Takes row `index` out of the table, moving later entries of its probe run back into the gap. */
  private remove(index: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let hole = (this.rows[index] as TaskState).hash & mask;
    while (table[2 * hole + 1] !== index + 1) hole = (hole + 1) & mask;
    for (let next = (hole + 1) & mask; table[2 * next + 1] !== 0; next = (next + 1) & mask) {
      // An entry may fill the hole when the hole lies between its home slot and where it is.
      const home = (table[2 * next] as number) & mask;
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        table[2 * hole] = table[2 * next] as number;
        table[2 * hole + 1] = table[2 * next + 1] as number;
        hole = next;
      }
    }
    table[2 * hole] = 0;
    table[2 * hole + 1] = 0;
  }

  /** Moves every entry into a table of `slots` slots (a power of two). */
  private rehash(slots: number): void {
    const old = this.table;
    this.table = new Int32Array(2 * slots);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.insert(old[i] as number, old[i + 1] as number);
  }
}

/** The two-digit number at `at` in `time`, or -1 when it is not two digits. */
function twoDigits(time: string, at: number): number {
  const high = time.charCodeAt(at) - 48;
  const low = time.charCodeAt(at + 1) - 48;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

/**
 * The digits of an ISO time's date (`YYYY-MM-DD`, 20261120) or date and hour
 * (`YYYY-MM-DDTHH`, 2026112009) as a number, without making a string; -1 when the
 * time is not shaped so.
 */
function timeNumber(time: string, withHour: boolean): number {
  if (time.length < 13 || time.charCodeAt(4) !== 45 || time.charCodeAt(7) !== 45) return -1;
  const century = twoDigits(time, 0);
  const year = twoDigits(time, 2);
  const month = twoDigits(time, 5);
  const day = twoDigits(time, 8);
  if (century < 0 || year < 0 || month < 0 || day < 0) return -1;
  const date = ((century * 100 + year) * 100 + month) * 100 + day;
  if (!withHour) return date;
  const hour = twoDigits(time, 11);
  return time.charCodeAt(10) !== 84 || hour < 0 ? -1 : date * 100 + hour;
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
  private readonly days = new Map<string, DayState>();
  /**
   * Days found by number, so a record costs no day string or Date: by date digits when
   * days are UTC days, by UTC hour when they are local days (null: an hour that
   * straddles local midnight or an offset change, worked out per record).
   */
  private readonly dayByNumber = new Map<number, DayState | null>();
  /** The last day found by number: consecutive records mostly share a day. */
  private lastDayNumber = -1;
  private lastDay: DayState | undefined;
  private readonly taskRows: TaskRows;
  private lastTask: TaskState | undefined;
  /** Route stats by step type, then by tier code (1-4): two lookups with no key string made per call. */
  private readonly routeTable = new Map<string, (RouteStats | undefined)[]>();
  /** The latest verdicts per workspace and route, oldest first, at most RECENT_VERDICTS each. */
  private readonly recent = new Map<string, RecentVerdict[]>();
  private readonly opusModel: string;
  private readonly table: PriceTable;
  private readonly dayOf: (time: string) => string;
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
    this.taskRows = new TaskRows(this.maxTasks);
  }

  /** Adds one record. Verdicts update their task's row and the judged route's counts. */
  add(record: LedgerRecord): void {
    if (record.kind === 'verdict') {
      this.addVerdict(record);
      return;
    }
    const day = this.dayState(record.time);
    const contribution = this.contribution(record, day);
    addTo(this.total, record, contribution);
    addTo(day.aggregate, record, contribution);
    if (this.inSession(record)) addTo(this.sessionAggregate, record, contribution);
    const route = this.route(record.stepType, record.tier);
    route.calls += 1;
    route.micros += record.costMicros;
    if (record.outcome === 'escalated') route.escalated += 1;
    this.addToTask(record, contribution.micros, route);
    if (record.costMicros === 0) this.addUnbilled(record, day, route);
  }

  /** An attempt recorded at $0 (rare): counted apart from billed calls wherever it was counted. */
  private addUnbilled(record: CallRecord, day: DayState, route: RouteStats): void {
    tierStats(this.total.tiers, record.tier).unbilled += 1;
    tierStats(day.aggregate.tiers, record.tier).unbilled += 1;
    if (this.inSession(record)) tierStats(this.sessionAggregate.tiers, record.tier).unbilled += 1;
    route.unbilled += 1;
    if (this.lastTask !== undefined) this.lastTask.unbilled += 1;
  }

  /** The current session's totals. */
  get session(): Aggregate {
    return this.sessionAggregate;
  }

  /** One day's totals (empty when nothing was spent that day). */
  day(day: string): Aggregate {
    return this.days.get(day)?.aggregate ?? emptyAggregate();
  }

  /** Today's totals, "today" taken with the same day function as the records. */
  today(now: Date): Aggregate {
    return this.day(this.dayOf(now.toISOString()));
  }

  /** The day key (YYYY-MM-DD) of an instant, by the same day function as the records'. */
  dayKeyOf(instant: Date): string {
    return this.dayOf(instant.toISOString());
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
    const rows = this.taskRows.inOrder().map((task) => task.row()).sort((a, b) => (a.lastTime < b.lastTime ? 1 : a.lastTime > b.lastTime ? -1 : 0));
    return rows.slice(0, limit);
  }

  /** One task's row, if it is among those kept. */
  task(taskId: string): TaskRow | undefined {
    return this.taskRows.get(taskId)?.row();
  }

  get taskCount(): number {
    return Math.min(this.taskRows.size, this.maxTasks);
  }

  /** Rows dropped past `maxTasks`: their tasks' calls still count everywhere else. */
  get tasksDropped(): number {
    return this.taskRows.dropped;
  }

  /** Every (day, tier) with calls, days ascending, tiers in ladder order. */
  perTierPerDay(fromDay = ''): TierDayPoint[] {
    const points: TierDayPoint[] = [];
    for (const day of [...this.days.keys()].sort()) {
      if (day < fromDay) continue;
      const aggregate = (this.days.get(day) as DayState).aggregate;
      for (const tier of TIERS) {
        const stats = aggregate.tiers[tier];
        if (stats.calls > 0) points.push({ day, tier, calls: stats.calls, micros: stats.micros });
      }
    }
    return points;
  }

  /** Every route with calls (copies), the most used first, then by step type and tier. */
  routes(): RouteStats[] {
    const rows: RouteStats[] = [];
    for (const byTier of this.routeTable.values()) for (const stats of byTier) if (stats !== undefined) rows.push({ ...stats });
    return rows.sort((a, b) => b.calls - a.calls || (a.stepType < b.stepType ? -1 : a.stepType > b.stepType ? 1 : tierCode(a.tier) - tierCode(b.tier)));
  }

  private route(stepType: string, tier: Tier): RouteStats {
    let byTier = this.routeTable.get(stepType);
    if (byTier === undefined) {
      byTier = [undefined, undefined, undefined, undefined, undefined];
      this.routeTable.set(stepType, byTier);
    }
    const code = tierCode(tier);
    let stats = byTier[code];
    if (stats === undefined) {
      stats = { stepType, tier, calls: 0, unbilled: 0, micros: DOUBLE, escalated: 0, accepted: 0, rejected: 0 };
      stats.micros = 0;
      byTier[code] = stats;
    }
    return stats;
  }

  private inSession(record: CallRecord): boolean {
    if (record.time < this.sessionStart) return false;
    return this.sessionWorkspace === undefined || record.workspace === this.sessionWorkspace;
  }

  /** The record's day: by number for UTC and local days (the common cases), else by `dayOf`. */
  private dayState(time: string): DayState {
    const utc = this.dayOf === utcDay;
    if (!utc && this.dayOf !== localDay) return this.dayByKey(this.dayOf(time));
    // A local day by hour needs the digits to be UTC's (a Z time, as records are).
    const n = utc || time.endsWith('Z') ? timeNumber(time, !utc) : -1;
    if (n < 0) return this.dayByKey(this.dayOf(time));
    if (n === this.lastDayNumber && this.lastDay !== undefined) return this.lastDay;
    const known = this.dayByNumber.get(n);
    if (known) {
      this.lastDayNumber = n;
      this.lastDay = known;
      return known;
    }
    if (known === null) return this.dayByKey(localDay(time));
    const key = utc ? utcDay(time) : localDayOfHour(Date.parse(`${time.slice(0, 13)}:00:00.000Z`));
    const state = key === undefined ? null : this.dayByKey(key);
    this.dayByNumber.set(n, state);
    return state ?? this.dayByKey(localDay(time));
  }

  private dayByKey(day: string): DayState {
    let state = this.days.get(day);
    if (!state) {
      state = { key: day, aggregate: emptyAggregate(), opus: lookupPrice(this.opusModel, this.table, day), prices: new Map() };
      this.days.set(day, state);
    }
    return state;
  }

  private price(day: DayState, model: string): PriceLookup {
    let found = day.prices.get(model);
    if (!found) {
      found = lookupPrice(model, this.table, day.key);
      day.prices.set(model, found);
    }
    return found;
  }

  /**
   * The record's own cost is taken as recorded (priced on the day, with that day's
   * overrides). Savings and the Opus comparison are priced now, with the current table.
   */
  private contribution(record: CallRecord, day: DayState): Contribution {
    const u = record.usage;
    const batch = u.service_tier === 'batch';
    const opusMicros = roundToMicros(pricePicos(day.opus, u.input_tokens, u.cache_5m, u.cache_1h, u.cache_read_input_tokens, u.output_tokens, batch));
    let savingsMicros = 0;
    if (u.cache_read_input_tokens > 0) {
      const own = this.price(day, record.model);
      const actual = roundToMicros(pricePicos(own, u.input_tokens, u.cache_5m, u.cache_1h, u.cache_read_input_tokens, u.output_tokens, batch));
      const uncached = roundToMicros(pricePicos(own, u.input_tokens + u.cache_read_input_tokens, u.cache_5m, u.cache_1h, 0, u.output_tokens, batch));
      savingsMicros = uncached - actual;
    }
    const contribution = this.scratch;
    contribution.micros = record.costMicros;
    contribution.opusMicros = opusMicros;
    contribution.savingsMicros = savingsMicros;
    return contribution;
  }

  private addToTask(record: CallRecord, micros: number, route: RouteStats): void {
    // A task's calls usually come together: no lookup for the second and later ones.
    let task = this.lastTask;
    if (task === undefined || task.taskId !== record.taskId) {
      const hash = idHash(record.taskId);
      task = this.taskRows.find(record.taskId, hash) ?? this.taskRows.add(record, hash);
      this.lastTask = task;
    }
    task.add(record, micros, route);
  }

  private addVerdict(record: VerdictRecord): void {
    const row = this.taskRows.get(record.taskId);
    if (!row) return;
    // A verdict judges the call it names, else the task's latest work call; it counts on that
    // call's route (a named call older than the latest is counted on the latest's route).
    // After "try one tier up" a task has two verdicts on two calls, and both count.
    const judged = record.callId ?? row.workCallId;
    if (row.verdict !== undefined && row.verdictRoute !== undefined && row.verdictCallId === judged) row.verdictRoute[row.verdict] -= 1;
    row.verdict = record.verdict;
    row.verdictRoute = row.workRoute;
    row.verdictCallId = judged;
    if (row.workRoute === undefined) return;
    row.workRoute[record.verdict] += 1;
    this.remember(recentKey(row.workspace, row.workRoute.stepType, row.workRoute.tier), judged, record);
  }

  /** Keeps a verdict among its route's latest; a changed verdict on the same call replaces it. */
  private remember(key: string, callId: string, record: VerdictRecord): void {
    let list = this.recent.get(key);
    if (list === undefined) {
      list = [];
      this.recent.set(key, list);
    }
    const same = list.find((v) => v.callId === callId);
    if (same !== undefined) {
      same.verdict = record.verdict;
      return;
    }
    list.push({ time: record.time, callId, verdict: record.verdict });
    // Windows write to one ledger, so times can arrive slightly out of order.
    list.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    if (list.length > RECENT_VERDICTS) list.shift();
  }

  /**
   * The user's latest verdicts (at most {@link RECENT_VERDICTS}) on edits a step type got
   * from one tier in one workspace, counting those at or after `since` (ISO).
   */
  recentVerdicts(workspace: string, stepType: string, tier: Tier, since: string): RouteVerdicts {
    const counts: RouteVerdicts = { accepted: 0, rejected: 0 };
    for (const v of this.recent.get(recentKey(workspace, stepType, tier)) ?? []) if (v.time >= since) counts[v.verdict] += 1;
    return counts;
  }
}

function recentKey(workspace: string, stepType: string, tier: Tier): string {
  return `${workspace}\n${stepType}\n${tier}`;
}

function addTo(aggregate: Aggregate, record: CallRecord, contribution: Contribution): void {
  const usage = record.usage;
  const stats = tierStats(aggregate.tiers, record.tier);
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
