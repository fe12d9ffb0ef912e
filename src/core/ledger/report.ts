import { TIERS } from '../tiers';
import type { Tier } from '../tiers';
import { totalMicros } from './record';
import type { CallRecord } from './record';
import { formatUsdAlike, formatUsdFixed, opusComparison } from './format';
import type { OpusComparison } from './format';
import type { LedgerSummary, RouteStats, TaskRow, TierDayPoint } from './summary';
import { budgetCard } from './budget';
import { attemptsOf } from './tooltip';
import type { BudgetCard, BudgetStatus } from './budget';

/**
 * The message the cost report webview (media/costReport.js) renders. Money is integer
 * micro-dollars; the script formats it. Post it after the webview says `{type:'ready'}`
 * and again whenever the summary changes. Each section says what period it covers: the
 * totals the meter's scope, the chart its window of days, routes and tasks everything kept.
 */
export interface CostReportMessage {
  type: 'costReport';
  /** The first tasks of every task kept, in `sort` order (so "by cost" is the dearest of all, not of the latest). */
  tasks: TaskReportRow[];
  /** How many tasks the ledger holds; `tasks` is at most the first 200 of them. */
  taskCount: number;
  sort: TaskSort;
  /** What the Tasks table shows of them: "The latest 200 of 3,003 tasks." */
  tasksNote: string;
  perTierPerDay: TierDayPoint[];
  /** The chart's window. */
  chart: ChartWindow;
  /** The chart's value axis over `perTierPerDay`'s highest day. */
  axis: ChartAxis;
  /** Every route (step type on a tier) over everything recorded: cost and accept/reject. */
  routes: RouteRow[];
  totals: {
    /** What the totals cover, e.g. "This session" or "Today". */
    label: string;
    micros: number;
    /** Billed calls, and attempts recorded at $0 that were not billed. */
    calls: number;
    unbilled: number;
    cacheSavingsMicros: number;
    opusMicros: number;
    /** The all-Opus comparison as the tooltip words it, so the report shows the same figures. */
    vsOpus: OpusComparison;
    /** The model "all-Opus" was priced on. */
    opusModel: string;
    escalations: number;
    fallbacks: number;
    failures: number;
    /** Where spending stands against the budget settings; absent when none is set. */
    budget?: BudgetCard;
  };
}

/** The days the chart covers, each one drawn, days without calls included. */
export interface ChartWindow {
  /** "Last 30 days". */
  label: string;
  /** Every day key of the window (the summary's days), oldest first. */
  days: string[];
  /** Spent within the window, and over everything recorded, in dollars alike. */
  spent: string;
  allTime: string;
  /** Why everything recorded may be more than `allTime`: ledger lines that could not be read. */
  unread?: string;
  /** The bars' figures as a table, for the keyboard and screen readers. */
  table: ChartTable;
}

/**
 * The chart's table: a row for each day that cost something, a column for each tier used and
 * one for the day's total, and a totals row. Every figure is formatted alike ("—" for none),
 * so "$0.0250" stands beside "$0.0050" rather than "$0.03".
 */
export interface ChartTable {
  tiers: Tier[];
  rows: { day: string; cells: string[] }[];
  totals: string[];
}

function chartTable(days: readonly string[], points: readonly TierDayPoint[]): ChartTable {
  const inWindow = new Set(days);
  const byDay = new Map<string, Map<Tier, number>>();
  for (const p of points) {
    if (!inWindow.has(p.day) || p.micros === 0) continue;
    const day = byDay.get(p.day) ?? new Map<Tier, number>();
    day.set(p.tier, (day.get(p.tier) ?? 0) + p.micros);
    byDay.set(p.day, day);
  }
  const tiers = TIERS.filter((tier) => [...byDay.values()].some((day) => day.has(tier)));
  const sum = (values: number[]) => values.reduce((total, m) => total + m, 0);
  const rows = days.flatMap((day) => {
    const spent = byDay.get(day);
    const micros = tiers.map((tier) => spent?.get(tier) ?? 0);
    return sum(micros) > 0 ? [{ day, micros: [...micros, sum(micros)] }] : [];
  });
  const totals = [...tiers, 'total'].map((_, column) => sum(rows.map((r) => r.micros[column] ?? 0)));
  const formatted = formatUsdAlike([...rows.flatMap((r) => r.micros), ...totals]);
  const shown = (micros: number[], offset: number) => micros.map((m, c) => (m === 0 ? '\u2014' : formatted[offset + c] ?? ''));
  return {
    tiers,
    rows: rows.map((r, n) => ({ day: r.day, cells: shown(r.micros, n * totals.length) })),
    totals: shown(totals, rows.length * totals.length),
  };
}

/** A column of the Tasks table to sort by, as media/costReport.js names them. */
export type TaskSortKey = 'lastTime' | 'command' | 'tiers' | 'calls' | 'micros' | 'escalations' | 'outcome' | 'verdict';

/** How the Tasks table is sorted; the webview says, and the extension picks the rows by it. */
export interface TaskSort {
  key: TaskSortKey;
  descending: boolean;
}

/** What each column sorts by: the same values media/costReport.js sorts the rows it has by. */
const TASK_SORT_VALUES: Readonly<Record<TaskSortKey, (task: TaskRow) => string | number>> = {
  lastTime: (t) => t.lastTime,
  command: (t) => t.command,
  tiers: (t) => t.tiers.join(''),
  calls: (t) => t.calls - t.unbilled,
  micros: (t) => t.micros,
  escalations: (t) => t.escalations + t.fallbacks,
  outcome: (t) => t.outcome,
  verdict: (t) => t.verdict ?? '',
};

/** Column names for the Tasks note, where the order needs saying. */
const TASK_SORT_NAMES: Readonly<Record<TaskSortKey, string>> = {
  lastTime: 'time', command: 'command', tiers: 'route', calls: 'calls', micros: 'cost', escalations: 'tier changes', outcome: 'outcome', verdict: 'verdict',
};

export const DEFAULT_TASK_SORT: TaskSort = { key: 'lastTime', descending: true };

/** A sort the webview sent, checked (it is a message from a page). */
export function isTaskSort(value: unknown): value is TaskSort {
  if (!value || typeof value !== 'object') return false;
  const { key, descending } = value as { key?: unknown; descending?: unknown };
  return typeof key === 'string' && Object.hasOwn(TASK_SORT_VALUES, key) && typeof descending === 'boolean';
}

/** Evenly spaced round values from 0 to at least the highest bar, each with its label. */
export interface ChartAxis {
  topMicros: number;
  ticks: { micros: number; label: string }[];
}

const MAX_INTERVALS = 4;
const CENT = 10_000;

/**
 * A value axis for a bar chart of money: the smallest step of 1, 2, 2.5 or 5 times a power of
 * ten (in micro-dollars) that covers `maxMicros` in at most four intervals, labelled as the
 * rest of the report writes money: in cents once the highest bar reaches a cent (every step a
 * whole number of cents, so never "$0.025"), else to four decimals. The labels keep one format
 * while the bars grow within a scale: "$0.00, $0.02 … $0.08" did not turn into "$0.000, $0.025 …
 * $0.100" with one more call.
 */
export function chartAxis(maxMicros: number): ChartAxis {
  const max = Math.max(1, Math.ceil(maxMicros));
  const unit = max >= CENT ? CENT : 100;
  let step = unit;
  for (let power = unit; ; power *= 10) {
    const found = [1, 2, 2.5, 5].map((m) => m * power).find((s) => s % unit === 0 && Math.ceil(max / s) <= MAX_INTERVALS);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const decimals = unit === CENT ? 2 : 4;
  const intervals = Math.ceil(max / step);
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => ({ micros: i * step, label: formatUsdFixed(i * step, decimals) }));
  return { topMicros: intervals * step, ticks };
}

/** The calendar days from `from` to `to` (YYYY-MM-DD keys, both included), by date arithmetic: no clock, no zone. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const date = new Date(`${from}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime())) return [to];
  for (let key = from; key <= to && days.length < 10_000; key = date.toISOString().slice(0, 10)) {
    days.push(key);
    date.setUTCDate(date.getUTCDate() + 1);
  }
  return days;
}

/** The tasks sorted as the table will show them; ties keep the summary's order (latest first). */
function sortTasks(rows: TaskRow[], sort: TaskSort): TaskRow[] {
  const value = TASK_SORT_VALUES[sort.key];
  return rows.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.descending ? -order : order;
  });
}

/**
 * What the Tasks table shows of the tasks kept: "The latest 200 of 3,003 tasks.", "The 200
 * dearest of 3,003 tasks." A table cut short says so, and says the order reached every task.
 * Past the summary's cap (`dropped` rows), it says the rows are the most recent ones and
 * where the older tasks' calls still are.
 */
export function tasksNote(shown: number, total: number, sort: TaskSort, dropped = 0): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  // Rows dropped, not a count of tasks: a dropped task that gets another call comes back as a row.
  const older = dropped > 0
    ? ' Older tasks have no row here: their calls count in the totals, the chart and the routes, and Export Cost Ledger has every call.'
    : '';
  if (shown >= total) return (total === 1 ? 'The one task recorded.' : `All ${count(total)} ${dropped > 0 ? 'most recent tasks' : 'tasks recorded'}.`) + older;
  const of = dropped > 0 ? `of the ${count(total)} most recent tasks` : `of ${count(total)} tasks`;
  const which = sort.key === 'lastTime' ? `The ${sort.descending ? 'latest' : 'earliest'} ${count(shown)} ${of}`
    : sort.key === 'micros' ? `The ${count(shown)} ${sort.descending ? 'dearest' : 'cheapest'} ${of}`
    : `The first ${count(shown)} ${of} by ${TASK_SORT_NAMES[sort.key]}, ${sort.descending ? 'descending' : 'ascending'}`;
  return `${which}. Sorting by a column picks from all ${count(total)}.${older}`;
}

/**
 * A route in the report, with the tier your verdicts in this workspace now start its step on,
 * and its cost as the table shows it (see {@link costColumn}).
 */
export type RouteRow = RouteStats & { startsOn?: Tier; cost: string };

/** A task in the report, with its cost as the table shows it (see {@link costColumn}). */
export type TaskReportRow = TaskRow & { cost: string };

/**
 * A table's Cost column, to the same decimals all the way down: "$0.0031" above "$0.0187",
 * not above "$0.02", which reads as six times as much and does not add up with its neighbours.
 */
function costColumn<T extends { micros: number }>(rows: readonly T[]): (T & { cost: string })[] {
  const costs = formatUsdAlike(rows.map((r) => r.micros));
  return rows.map((r, i) => ({ ...r, cost: costs[i] as string }));
}

/** Options for {@link costReportMessage}. */
export interface ReportOptions {
  scope: 'session' | 'today';
  now: Date;
  opusModel: string;
  /** Chart window in days, ending today (default 30). */
  days?: number;
  /** Task rows sent (default 200), the first in `sort` order. */
  maxTasks?: number;
  /** The Tasks table's order (default: the latest first). */
  sort?: TaskSort;
  /** The routing policy's answer: where the user's verdicts now start this route's step, if they move it. */
  startsOn?: (stepType: string, tier: Tier) => Tier | undefined;
  /** The budget's standing, as the status bar has it. */
  budget?: BudgetStatus;
  /** Ledger lines that could not be read (see UnreadLines.note), said beside everything recorded. */
  unread?: string;
}

/** Builds the webview message from a summary. */
export function costReportMessage(summary: LedgerSummary, options: ReportOptions): CostReportMessage {
  const aggregate = options.scope === 'session' ? summary.session : summary.today(options.now);
  const attempts = attemptsOf(aggregate);
  const days = options.days ?? 30;
  // By the summary's own day (the user's local day), as the bars are keyed: not the UTC date.
  const from = summary.dayKeyOf(new Date(options.now.getTime() - (days - 1) * 86_400_000));
  const perTierPerDay = summary.perTierPerDay(from);
  const windowDays = daysBetween(from, summary.dayKeyOf(options.now));
  const budget = options.budget && budgetCard(options.budget);
  const perDay = new Map<string, number>();
  for (const point of perTierPerDay) perDay.set(point.day, (perDay.get(point.day) ?? 0) + point.micros);
  const [spent = '', allTime = ''] = formatUsdAlike([[...perDay.values()].reduce((sum, m) => sum + m, 0), summary.total.micros]);
  const sort = options.sort ?? DEFAULT_TASK_SORT;
  const all = summary.tasks();
  const tasks = sortTasks(all, sort).slice(0, options.maxTasks ?? 200);
  return {
    type: 'costReport',
    tasks: costColumn(tasks),
    taskCount: all.length,
    sort,
    tasksNote: tasksNote(tasks.length, all.length, sort, summary.tasksDropped),
    perTierPerDay,
    chart: { label: `Last ${days} days`, days: windowDays, spent, allTime, table: chartTable(windowDays, perTierPerDay), ...(options.unread ? { unread: options.unread } : {}) },
    axis: chartAxis(Math.max(0, ...perDay.values())),
    routes: costColumn(summary.routes()).map((route) => {
      const startsOn = options.startsOn?.(route.stepType, route.tier);
      return startsOn === undefined ? route : { ...route, startsOn };
    }),
    totals: {
      label: options.scope === 'session' ? 'This session' : 'Today',
      micros: aggregate.micros,
      calls: attempts.billed,
      unbilled: attempts.unbilled,
      cacheSavingsMicros: aggregate.cacheSavingsMicros,
      opusMicros: aggregate.opusMicros,
      vsOpus: opusComparison(aggregate.micros, aggregate.opusMicros),
      opusModel: options.opusModel,
      escalations: aggregate.escalations,
      fallbacks: aggregate.fallbacks,
      failures: aggregate.failures,
      ...(budget ? { budget } : {}),
    },
  };
}

/** One attempt in a task's details, its cost formatted like the others beside it. */
export interface TaskCallRow {
  time: string;
  model: string;
  tier: Tier;
  stepType: string;
  outcome: string;
  attempt: number;
  /** False for an attempt recorded at $0: no answer was billed. */
  billed: boolean;
  /** The four usage fields the cost is priced from. */
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
  cost: string;
  reason: string;
  /** Why an expected cache hit did not happen, when one did not. */
  cacheMiss?: string;
}

/** A task's calls and unbilled attempts, for the cost report's details under the task's row. */
export interface TaskCallsMessage {
  type: 'taskCalls';
  taskId: string;
  calls: TaskCallRow[];
  /** The calls' sum, to the same decimals as they are shown; the task row's figure. */
  total: string;
}

/** The details of one task: each call with its usage and cost, and their sum. */
export function taskCallsMessage(taskId: string, calls: readonly CallRecord[]): TaskCallsMessage {
  const total = totalMicros(calls);
  const costs = formatUsdAlike([...calls.map((c) => c.costMicros), total]);
  return {
    type: 'taskCalls',
    taskId,
    calls: calls.map((c, i) => ({
      time: c.time,
      model: c.model,
      tier: c.tier,
      stepType: c.stepType,
      outcome: c.outcome,
      attempt: c.attempt,
      billed: c.costMicros > 0,
      input: c.usage.input_tokens,
      cacheWrite: c.usage.cache_creation_input_tokens,
      cacheRead: c.usage.cache_read_input_tokens,
      output: c.usage.output_tokens,
      cost: costs[i] ?? '',
      reason: c.reason,
      ...(c.cacheMiss ? { cacheMiss: `${c.cacheMiss.segment}: ${c.cacheMiss.cause}` } : {}),
    })),
    total: costs[calls.length] ?? '',
  };
}
