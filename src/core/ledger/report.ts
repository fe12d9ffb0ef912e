import type { Tier } from '../tiers';
import type { CallRecord } from './record';
import { formatUsdAlike, formatUsdFixed, opusComparison } from './format';
import type { OpusComparison } from './format';
import type { LedgerSummary, RouteStats, TaskRow, TierDayPoint } from './summary';
import { budgetCard } from './budget';
import type { BudgetCard, BudgetStatus } from './budget';

/**
 * The message the cost report webview (media/costReport.js) renders. Money is integer
 * micro-dollars; the script formats it. Post it after the webview says `{type:'ready'}`
 * and again whenever the summary changes.
 */
export interface CostReportMessage {
  type: 'costReport';
  tasks: TaskReportRow[];
  perTierPerDay: TierDayPoint[];
  /** The chart's value axis over `perTierPerDay`'s highest day. */
  axis: ChartAxis;
  /** Every route (step type on a tier) over everything recorded: cost and accept/reject. */
  routes: RouteRow[];
  totals: {
    /** What the totals cover, e.g. "This session" or "Today". */
    label: string;
    micros: number;
    calls: number;
    cacheSavingsMicros: number;
    opusMicros: number;
    /** The all-Opus comparison as the tooltip words it, so the report shows the same figures. */
    vsOpus: OpusComparison;
    /** The model "all-Opus" was priced on. */
    opusModel: string;
    escalations: number;
    fallbacks: number;
    /** Everything loaded, for the chart's context. */
    allTimeMicros: number;
    /** Where spending stands against the budget settings; absent when none is set. */
    budget?: BudgetCard;
  };
}

/** Evenly spaced round values from 0 to at least the highest bar, each with its label. */
export interface ChartAxis {
  topMicros: number;
  ticks: { micros: number; label: string }[];
}

const MAX_INTERVALS = 4;

/**
 * A value axis for a bar chart of money: the smallest step of 1, 2, 2.5 or 5 times a power of
 * ten (in micro-dollars) that covers `maxMicros` in at most four intervals, and labels with as
 * many decimals as the step needs, all alike ("$0.00, $0.01, $0.02, $0.03", never a half-cent
 * rounded to a cent).
 */
export function chartAxis(maxMicros: number): ChartAxis {
  const max = Math.max(1, Math.ceil(maxMicros));
  let step = 1;
  for (let power = 1; ; power *= 10) {
    const found = [1, 2, 2.5, 5].map((m) => m * power).find((s) => Number.isInteger(s) && Math.ceil(max / s) <= MAX_INTERVALS);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const decimals = step % 10_000 === 0 ? 2 : step % 1_000 === 0 ? 3 : step % 100 === 0 ? 4 : 6;
  const intervals = Math.ceil(max / step);
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => ({ micros: i * step, label: formatUsdFixed(i * step, decimals) }));
  return { topMicros: intervals * step, ticks };
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
  /** Task rows sent (default 200, most recent first). */
  maxTasks?: number;
  /** The routing policy's answer: where the user's verdicts now start this route's step, if they move it. */
  startsOn?: (stepType: string, tier: Tier) => Tier | undefined;
  /** The budget's standing, as the status bar has it. */
  budget?: BudgetStatus;
}

/** Builds the webview message from a summary. */
export function costReportMessage(summary: LedgerSummary, options: ReportOptions): CostReportMessage {
  const aggregate = options.scope === 'session' ? summary.session : summary.today(options.now);
  const days = options.days ?? 30;
  // By the summary's own day (the user's local day), as the bars are keyed: not the UTC date.
  const from = summary.dayKeyOf(new Date(options.now.getTime() - (days - 1) * 86_400_000));
  const perTierPerDay = summary.perTierPerDay(from);
  const budget = options.budget && budgetCard(options.budget);
  const perDay = new Map<string, number>();
  for (const point of perTierPerDay) perDay.set(point.day, (perDay.get(point.day) ?? 0) + point.micros);
  return {
    type: 'costReport',
    tasks: costColumn(summary.tasks(options.maxTasks ?? 200)),
    perTierPerDay,
    axis: chartAxis(Math.max(0, ...perDay.values())),
    routes: costColumn(summary.routes()).map((route) => {
      const startsOn = options.startsOn?.(route.stepType, route.tier);
      return startsOn === undefined ? route : { ...route, startsOn };
    }),
    totals: {
      label: options.scope === 'session' ? 'This session' : 'Today',
      micros: aggregate.micros,
      calls: aggregate.calls,
      cacheSavingsMicros: aggregate.cacheSavingsMicros,
      opusMicros: aggregate.opusMicros,
      vsOpus: opusComparison(aggregate.micros, aggregate.opusMicros),
      opusModel: options.opusModel,
      escalations: aggregate.escalations,
      fallbacks: aggregate.fallbacks,
      allTimeMicros: summary.total.micros,
      ...(budget ? { budget } : {}),
    },
  };
}

/** One billed call in a task's details, its cost formatted like the others beside it. */
export interface TaskCallRow {
  time: string;
  model: string;
  tier: Tier;
  stepType: string;
  outcome: string;
  attempt: number;
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

/** A task's billed calls, for the cost report's details under the task's row. */
export interface TaskCallsMessage {
  type: 'taskCalls';
  taskId: string;
  calls: TaskCallRow[];
  /** The calls' sum, to the same decimals as they are shown; the task row's figure. */
  total: string;
}

/** The details of one task: each call with its usage and cost, and their sum. */
export function taskCallsMessage(taskId: string, calls: readonly CallRecord[]): TaskCallsMessage {
  const total = calls.reduce((sum, c) => sum + c.costMicros, 0);
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
