import type { Tier } from '../tiers';
import type { LedgerSummary, RouteStats, TaskRow, TierDayPoint } from './summary';

/**
 * The message the cost report webview (media/costReport.js) renders. Money is integer
 * micro-dollars; the script formats it. Post it after the webview says `{type:'ready'}`
 * and again whenever the summary changes.
 */
export interface CostReportMessage {
  type: 'costReport';
  tasks: TaskRow[];
  perTierPerDay: TierDayPoint[];
  /** Every route (step type on a tier) over everything recorded: cost and accept/reject. */
  routes: RouteRow[];
  totals: {
    /** What the totals cover, e.g. "This session" or "Today". */
    label: string;
    micros: number;
    calls: number;
    cacheSavingsMicros: number;
    opusMicros: number;
    /** The model "all-Opus" was priced on. */
    opusModel: string;
    escalations: number;
    fallbacks: number;
    /** Everything loaded, for the chart's context. */
    allTimeMicros: number;
  };
}

/** A route in the report, with the tier your verdicts in this workspace now start its step on. */
export type RouteRow = RouteStats & { startsOn?: Tier };

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
}

/** Builds the webview message from a summary. */
export function costReportMessage(summary: LedgerSummary, options: ReportOptions): CostReportMessage {
  const aggregate = options.scope === 'session' ? summary.session : summary.today(options.now);
  const days = options.days ?? 30;
  const from = new Date(options.now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return {
    type: 'costReport',
    tasks: summary.tasks(options.maxTasks ?? 200),
    perTierPerDay: summary.perTierPerDay(from),
    routes: summary.routes().map((route) => {
      const startsOn = options.startsOn?.(route.stepType, route.tier);
      return startsOn === undefined ? route : { ...route, startsOn };
    }),
    totals: {
      label: options.scope === 'session' ? 'This session' : 'Today',
      micros: aggregate.micros,
      calls: aggregate.calls,
      cacheSavingsMicros: aggregate.cacheSavingsMicros,
      opusMicros: aggregate.opusMicros,
      opusModel: options.opusModel,
      escalations: aggregate.escalations,
      fallbacks: aggregate.fallbacks,
      allTimeMicros: summary.total.micros,
    },
  };
}
