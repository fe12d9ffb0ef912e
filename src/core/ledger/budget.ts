import { formatUsdAlike } from './format';

/** Spending limits in integer micro-dollars; an absent or zero limit is no limit. */
export interface BudgetLimits {
  sessionMicros?: number;
  dailyMicros?: number;
  /** Fraction of a limit at which to warn; default 0.8. */
  warnAt?: number;
}

/** What has been spent so far, in integer micro-dollars. */
export interface BudgetSpend {
  sessionMicros: number;
  todayMicros: number;
}

export type BudgetState = 'ok' | 'warn' | 'exceeded';

/** One limit's standing. */
export interface LimitStatus {
  scope: 'session' | 'daily';
  state: BudgetState;
  spentMicros: number;
  limitMicros: number;
  /** Never negative. */
  leftMicros: number;
  /** spent / limit. */
  fraction: number;
}

/** The budget as a whole: the worse of the two limits decides `state`. */
export interface BudgetStatus {
  state: BudgetState;
  limits: LimitStatus[];
  /** A one-line explanation for the status bar or a notification; empty when ok. */
  message: string;
}

const DEFAULT_WARN_AT = 0.8;
const RANK: Record<BudgetState, number> = { ok: 0, warn: 1, exceeded: 2 };

function limitStatus(scope: LimitStatus['scope'], spent: number, limit: number, warnAt: number): LimitStatus {
  const state: BudgetState = spent >= limit ? 'exceeded' : spent >= limit * warnAt ? 'warn' : 'ok';
  return { scope, state, spentMicros: spent, limitMicros: limit, leftMicros: Math.max(0, limit - spent), fraction: spent / limit };
}

function activeLimits(spend: BudgetSpend, limits: BudgetLimits): LimitStatus[] {
  const warnAt = limits.warnAt ?? DEFAULT_WARN_AT;
  const out: LimitStatus[] = [];
  if (limits.sessionMicros && limits.sessionMicros > 0) out.push(limitStatus('session', spend.sessionMicros, limits.sessionMicros, warnAt));
  if (limits.dailyMicros && limits.dailyMicros > 0) out.push(limitStatus('daily', spend.todayMicros, limits.dailyMicros, warnAt));
  return out;
}

function describe(limit: LimitStatus): string {
  const name = limit.scope === 'session' ? 'session' : 'daily';
  if (limit.state === 'exceeded') {
    const [budget, spent] = formatUsdAlike([limit.limitMicros, limit.spentMicros]);
    return `${name} budget of ${budget} reached (${spent} spent)`;
  }
  const [left, budget] = formatUsdAlike([limit.leftMicros, limit.limitMicros]);
  return `${Math.floor(limit.fraction * 100)}% of the ${name} budget used (${left} left of ${budget})`;
}

/** Where spending stands against the limits: ok, warn (≥ 80% by default) or exceeded. */
export function budgetStatus(spend: BudgetSpend, limits: BudgetLimits): BudgetStatus {
  const statuses = activeLimits(spend, limits);
  let state: BudgetState = 'ok';
  for (const status of statuses) if (RANK[status.state] > RANK[state]) state = status.state;
  const message = statuses.filter((s) => s.state !== 'ok').map(describe).join('; ');
  return { state, limits: statuses, message };
}

/**
 * The limit that colours the meter when it is not the one whose spend the meter shows ("daily
 * limit" beside a session figure), else undefined: "$0.00" on red must say what it is about.
 */
export function limitBesideShown(status: BudgetStatus, shown: 'session' | 'today'): string | undefined {
  const deciding = status.limits.filter((l) => l.state !== 'ok' && l.state === status.state);
  if (deciding.length === 0 || deciding.some((l) => (l.scope === 'session') === (shown === 'session'))) return undefined;
  return `${deciding[0]?.scope} limit`;
}

/** The budget as the cost report's card shows it. */
export interface BudgetCard {
  state: BudgetState;
  /** "Budget", or "Budget · today 90% used" once a limit is at its warning mark. */
  label: string;
  /** What is left before a request is stopped ("$0.03 left"), or "Limit reached". */
  value: string;
  /** Each limit's spend: "$0.02 of $0.05 this session · $0.40 of $1.00 today". */
  note: string;
}

const SCOPE_WORDS: Record<LimitStatus['scope'], string> = { session: 'this session', daily: 'today' };

/** The card for the limits set; undefined when there is none. */
export function budgetCard(status: BudgetStatus): BudgetCard | undefined {
  if (status.limits.length === 0) return undefined;
  // The least left is what the next request can spend: either limit stops it.
  const left = Math.min(...status.limits.map((l) => l.leftMicros));
  const fullest = status.limits.reduce((a, b) => (b.fraction > a.fraction ? b : a));
  // Every figure on the card to the same decimals: "$0.0026 left · $0.0234 of $0.0260", not "of $0.03".
  const [leftText, ...pairs] = formatUsdAlike([left, ...status.limits.flatMap((l) => [l.spentMicros, l.limitMicros])]);
  const value = status.state === 'exceeded' ? 'Limit reached' : `${leftText} left`;
  const label = status.state === 'warn' ? `Budget · ${SCOPE_WORDS[fullest.scope]} ${Math.floor(fullest.fraction * 100)}% used` : 'Budget';
  const note = status.limits.map((l, i) => `${pairs[2 * i]} of ${pairs[2 * i + 1]} ${SCOPE_WORDS[l.scope]}`).join(' · ');
  return { state: status.state, label, value, note };
}

/** The answer of a pre-flight check. */
export interface PreflightCheck {
  exceeded: boolean;
  /** The limits the call would cross. */
  scopes: LimitStatus['scope'][];
  message: string;
}

/**
 * Pre-flight: would spending `estimateMicros` more cross a limit, with `runningMicros`
 * estimated for requests still running beside it? Reaching a limit exactly is allowed;
 * going past it is not. The caller labels the estimate (count_tokens or local) in its own
 * message.
 */
export function wouldExceed(spend: BudgetSpend, limits: BudgetLimits, estimateMicros: number, runningMicros = 0): PreflightCheck {
  // What the requests still running will spend counts as spent already.
  const committed: BudgetSpend = { sessionMicros: spend.sessionMicros + runningMicros, todayMicros: spend.todayMicros + runningMicros };
  const after: BudgetSpend = { sessionMicros: committed.sessionMicros + estimateMicros, todayMicros: committed.todayMicros + estimateMicros };
  const crossed = activeLimits(after, limits).filter((s) => s.spentMicros > s.limitMicros);
  if (crossed.length === 0) return { exceeded: false, scopes: [], message: '' };
  // Every figure to the same decimals: "about $0.01 would exceed ($0.0125, $0.0125 left)" reads as fitting.
  const [estimate = '', running = '', ...figures] = formatUsdAlike([estimateMicros, runningMicros, ...crossed.flatMap((s) => {
    const before = s.scope === 'session' ? committed.sessionMicros : committed.todayMicros;
    return [s.limitMicros, Math.max(0, s.limitMicros - before)];
  })]);
  const parts = crossed.map((s, i) => `the ${s.scope} budget (${figures[2 * i]}, ${figures[2 * i + 1]} left)`);
  return {
    exceeded: true,
    scopes: crossed.map((s) => s.scope),
    message: `this request (about ${estimate}${runningMicros > 0 ? `, with about ${running} for requests still running` : ''}) would exceed ${parts.join(' and ')}`,
  };
}

/**
 * Limits bound to a live spend source (usually a LedgerSummary), so the status bar and
 * the routing policy ask the same object.
 */
export class Budget {
  constructor(
    private limits: BudgetLimits,
    private readonly spend: () => BudgetSpend,
  ) {}

  /** Replaces the limits (the settings changed). */
  setLimits(limits: BudgetLimits): void {
    this.limits = limits;
  }

  status(): BudgetStatus {
    return budgetStatus(this.spend(), this.limits);
  }

  wouldExceed(estimateMicros: number, runningMicros = 0): PreflightCheck {
    return wouldExceed(this.spend(), this.limits, estimateMicros, runningMicros);
  }
}
