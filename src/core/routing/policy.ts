import type { RouteVerdicts } from '../ledger/summary';
import { countOf } from '../ledger/format';
import { findModel } from '../models';
import type { Settings } from '../settings/schema';
import { ladderOf } from '../settings/schema';
import type { StepType } from '../steps';
import type { Tier } from '../tiers';
import { TIER_LABELS, compareTiers, maxTier, minTier, tierAbove, tierBelow } from '../tiers';

/**
 * The one place that turns a tier into a model id. Every decision (route, escalation,
 * fallback, budget block or downgrade, access cap, user override) returns a RoutePlan that
 * carries the model, the whole reason chain and an estimated cost, so nothing happens
 * silently and callers never pick a model themselves.
 */

/** The pricing module's estimator (src/core/pricing/cost.ts) has this shape. */
export type EstimateCostUsd = (model: string, inputTokens: number, outputTokens: number) => number;

/** The default ladder (DESIGN.md): labour → Haiku 4.5 … exception → Fable 5. */
export const DEFAULT_LADDER: Readonly<Record<Tier, string>> = {
  H: 'claude-haiku-4-5',
  S: 'claude-sonnet-4-6',
  O: 'claude-opus-4-8',
  F: 'claude-fable-5',
};

const DEFAULT_MAX_ESCALATIONS = 2;

/** From the cost issue's budget tracker. */
export interface BudgetState {
  state: 'ok' | 'warn' | 'exceeded';
  onExceeded: 'block' | 'downgrade';
  /**
   * Why it counts as exceeded when the limit is not reached yet: the pre-flight found that
   * this request would cross it ("this request (about $0.0190) would exceed the session
   * budget ($0.0060, $0.0014 left)"). Notices say this instead of "Budget exceeded".
   */
  preflight?: string;
}

export interface RoutingConfig {
  ladder: Readonly<Record<Tier, string>>;
  /** Same-tier fallback models, tried in order before leaving the tier. */
  alternates?: Readonly<Partial<Record<Tier, readonly string[]>>>;
  /** Highest tier this workspace may use. */
  accessCap: Tier;
  /** The exception tier is usable only with this explicit opt-in, whatever the cap says. */
  allowExceptionTier: boolean;
  /** The settings level that set the access cap ("workspace", `folder "api"`), named where the cap is told. */
  accessCapLevel?: string;
  /** Escalations allowed per step; default 2. */
  maxEscalations?: number;
  budget?: BudgetState;
  estimateCostUsd: EstimateCostUsd;
}

export interface RouteRequest {
  stepType: StepType;
  /** The classifier's (or difficulty check's) tier. */
  tier: Tier;
  /** The classifier's reasons; they head the plan's reason chain. */
  reasons?: readonly string[];
  /** The user's one-off choice for this request. */
  override?: Tier;
  /**
   * The user's latest verdicts in this workspace on this step's edits from `tier`
   * (LedgerSummary.recentVerdicts); enough rejections start the step a tier up.
   */
  verdicts?: RouteVerdicts;
  /**
   * A retry one tier up after a rejected edit: an exceeded budget in downgrade mode blocks it
   * rather than send it back down to the tier whose answer was just rejected.
   */
  noDowngrade?: boolean;
  /**
   * The lowest tier a fallback may answer on: a follow-up's (the tier that gave the answer it
   * follows), a review's judgment (above the first pass it judges). A retry after a rejected
   * edit (`noDowngrade`) has its own tier as its floor.
   */
  floor?: Tier;
  /** Models this step must not fall back or escalate to (judgment: the models whose findings it judges). */
  avoidModels?: readonly string[];
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
}

/** Fewest recent verdicts on a route that can move a step's starting tier. */
export const MIN_VERDICTS_TO_RAISE = 4;
/** Verdicts older than this no longer count, so a tier left behind gets another chance. */
export const VERDICT_WINDOW_DAYS = 30;
/** The prompt and answer sizes the break-even is priced at (the routing README's base item). */
const TYPICAL_INPUT_TOKENS = 4_000;
const TYPICAL_OUTPUT_TOKENS = 300;

/**
 * The share of rejected edits at which starting a step one tier up costs no more than
 * starting on `tier` and redoing the rejected edits there: c(T) + p·c(T+1) = c(T+1) at
 * p = 1 − c(T)/c(T+1). Priced on the ladder's models: 2/3 from Haiku 4.5 to Sonnet 4.6,
 * 0.4 from Sonnet 4.6 to Opus 4.8. Undefined at judgment and above: the exception tier
 * stays an explicit choice.
 */
export function breakEvenRejection(tier: Tier, config: RoutingConfig): number | undefined {
  const above = tierAbove(tier);
  if (above === undefined || above === 'F') return undefined;
  const low = config.estimateCostUsd(config.ladder[tier], TYPICAL_INPUT_TOKENS, TYPICAL_OUTPUT_TOKENS);
  const high = config.estimateCostUsd(config.ladder[above], TYPICAL_INPUT_TOKENS, TYPICAL_OUTPUT_TOKENS);
  return high > low && low > 0 ? 1 - low / high : undefined;
}

/**
 * The user's own verdicts as routing evidence: when at least MIN_VERDICTS_TO_RAISE recent
 * edits of this step from `tier` were judged and the rejected share reaches the break-even,
 * the step starts one tier up, with a reason that says so. One tier at most; the cap, the
 * budget and the user's override still decide over it.
 */
function raiseOnVerdicts(request: RouteRequest, config: RoutingConfig): { tier: Tier; reason: string } | undefined {
  const v = request.verdicts;
  if (v === undefined || request.override !== undefined) return undefined;
  const judged = v.accepted + v.rejected;
  const breakEven = breakEvenRejection(request.tier, config);
  const above = tierAbove(request.tier);
  if (judged < MIN_VERDICTS_TO_RAISE || breakEven === undefined || above === undefined || v.rejected / judged < breakEven) return undefined;
  return {
    tier: above,
    reason: `${label(above, config)} instead of ${TIER_LABELS[request.tier]}: you rejected ${v.rejected} of the last ${judged} ${request.stepType} edits from ${config.ladder[request.tier]} in this workspace, and from ${Math.round(breakEven * 100)}% rejected starting higher costs less than redoing them`,
  };
}

export type EscalationReason =
  | { kind: 'validationFailed'; detail?: string }
  | { kind: 'lowConfidence'; detail?: string }
  | { kind: 'toolError'; detail?: string }
  /** The user rejected the step's edit and asked for the next tier. */
  | { kind: 'rejected'; detail?: string }
  /** The user asked for an answer again from the tier above the one that gave it. */
  | { kind: 'askedAbove'; detail?: string };

export interface FallbackFailure {
  kind: 'overloaded' | 'unavailable' | 'rateLimited' | 'server';
  status?: number;
}

/**
 * `route`: call `model`. `blocked`: budget exceeded with onExceeded=block.
 * `cannotEscalate` / `cannotFallback`: the policy has no further move for this step.
 */
export type PlanOutcome = 'route' | 'blocked' | 'cannotEscalate' | 'cannotFallback';

export interface RoutePlan {
  outcome: PlanOutcome;
  /** True whenever no call should be made (outcome is not `route`). */
  blocked: boolean;
  stepType: StepType;
  tier: Tier;
  model: string;
  /** The tier the policy chose for this step before any fallback (escalations move it). */
  baseTier: Tier;
  /** The tier asked for before cap, budget and fallback (the override when there was one). */
  requestedTier: Tier;
  overridden: boolean;
  /** The whole chain, oldest first: classification, override, cap, budget, escalations, fallbacks. */
  reasons: string[];
  /** User-visible: set whenever the plan departs from what was asked or cannot proceed. */
  notice?: string;
  estimatedCostUsd: number;
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
  /** 1 for the first call of this step; each escalation or fallback adds one. */
  attempt: number;
  escalations: number;
  fallbacks: number;
  /** Models already called for this step, so a fallback never retries one. */
  triedModels: string[];
  /** The request's floor (RouteRequest.floor): a fallback never goes below it. */
  floor?: Tier;
  /** Set on a step the budget stopped: an escalation or fallback refused for it. */
  stoppedByBudget?: true;
}

type CapSettings = Pick<RoutingConfig, 'accessCap' | 'allowExceptionTier' | 'accessCapLevel'>;

/** The highest tier usable: the access cap, lowered to judgment without the exception opt-in. */
export function effectiveCap(config: CapSettings): Tier {
  return config.accessCap === 'F' && !config.allowExceptionTier ? 'O' : config.accessCap;
}

/**
 * Why `tier` cannot be used in this workspace and where a request for it goes instead, or
 * undefined when it can: for a picker that offers tiers, so the cap is seen before choosing.
 */
export function tierUnavailable(tier: Tier, config: CapSettings): string | undefined {
  const cap = effectiveCap(config);
  return compareTiers(tier, cap) > 0 ? `${capNote(config, tier)}, so it goes to ${TIER_LABELS[cap]}` : undefined;
}

/**
 * Why `refused` is above what this workspace may use, naming the setting that would change it:
 * the exception tier waits for the opt-in under a cap of exception, or under the default cap
 * (which rises to exception once you opt in); a cap some settings level set is named there.
 */
function capNote(config: CapSettings, refused: Tier): string {
  return refused === 'F' && !config.allowExceptionTier && (config.accessCap === 'F' || (config.accessCap === 'O' && !config.accessCapLevel))
    ? 'the exception tier needs the explicit opt-in (ladder.routing.allowExceptionTier)'
    : `this workspace's access cap (ladder.routing.accessCap${config.accessCapLevel ? `, in ${config.accessCapLevel === 'user' ? 'your user' : config.accessCapLevel} settings` : ''}) is ${TIER_LABELS[config.accessCap]}`;
}

function label(tier: Tier, config: RoutingConfig): string {
  return `${TIER_LABELS[tier]} (${config.ladder[tier]})`;
}

/**
 * Judgment steps keep at least the execute tier when the budget forces a downgrade;
 * everything else may go to labour.
 */
const STEP_FLOOR: Readonly<Record<StepType, Tier>> = {
  rename: 'H', format: 'H', boilerplate: 'H', docs: 'H', explain: 'H', tests: 'H', implement: 'H',
  fix: 'H', refactor: 'H', ask: 'H', review: 'S', securityReview: 'S', architecture: 'S',
};

/**
 * Budget downgrade: one tier down, never below the step's floor. One step is the cheapest
 * that can still do it: the classifier already chose the cheapest tier it trusted, so going
 * further would mostly buy a failed answer and an escalation.
 */
function downgradeTier(step: StepType, tier: Tier): Tier {
  const below = tierBelow(tier) ?? tier;
  return minTier(tier, maxTier(below, STEP_FLOOR[step]));
}

function withCost(plan: Omit<RoutePlan, 'estimatedCostUsd' | 'model'>, config: RoutingConfig, model?: string): RoutePlan {
  const chosen = model ?? config.ladder[plan.tier];
  const estimatedCostUsd = plan.blocked ? 0 : config.estimateCostUsd(chosen, plan.estimatedInputTokens, plan.estimatedOutputTokens);
  return { ...plan, model: chosen, estimatedCostUsd };
}

/** The budget when it blocks requests (exceeded, and set to block). */
function blockingBudget(config: RoutingConfig): BudgetState | undefined {
  const budget = config.budget;
  return budget?.state === 'exceeded' && budget.onExceeded === 'block' ? budget : undefined;
}

/** "Budget exceeded", or what the pre-flight found, capitalised for the start of a notice. */
function budgetWhy(budget: BudgetState): string {
  return budget.preflight ? capitalise(budget.preflight) : 'Budget exceeded';
}

/** `noDowngrade`: a retry one tier up, which "downgrade" would block too, so it is not advised. */
function budgetBlockNotice(budget: BudgetState, noDowngrade?: boolean): string {
  return `${budgetWhy(budget)}: Ladder is not sending ${budget.preflight ? 'it' : 'this request'}. Raise the budget${noDowngrade ? '' : ' or set ladder.budget.onExceeded to "downgrade"'}.`;
}

/** Plans the first call of a step. */
export function planRoute(request: RouteRequest, config: RoutingConfig): RoutePlan {
  const reasons = [...(request.reasons ?? [])];
  const overridden = request.override !== undefined;
  const raised = raiseOnVerdicts(request, config);
  const requestedTier = request.override ?? raised?.tier ?? request.tier;
  const notices: string[] = [];
  if (overridden) {
    reasons.push(`user override: ${label(requestedTier, config)} instead of ${TIER_LABELS[request.tier]}`);
  }
  if (raised) reasons.push(raised.reason);
  let tier = requestedTier;
  const cap = effectiveCap(config);
  if (compareTiers(tier, cap) > 0) {
    tier = cap;
    reasons.push(`capped at ${label(cap, config)}: ${capNote(config, requestedTier)}`);
    notices.push(`Using ${TIER_LABELS[cap]} instead of ${TIER_LABELS[requestedTier]}: ${capNote(config, requestedTier)}.`);
  }
  const base = {
    stepType: request.stepType,
    requestedTier,
    overridden,
    estimatedInputTokens: request.estimatedInputTokens,
    estimatedOutputTokens: request.estimatedOutputTokens,
    attempt: 1,
    escalations: 0,
    fallbacks: 0,
    triedModels: [...(request.avoidModels ?? [])],
    ...(request.floor ?? request.noDowngrade ? { floor: request.floor ?? requestedTier } : {}),
  };
  const budget = config.budget;
  if (budget?.state === 'exceeded') {
    if (budget.onExceeded === 'block') {
      reasons.push('budget exceeded and set to block');
      return withCost({ ...base, outcome: 'blocked', blocked: true, tier, baseTier: tier, reasons, notice: budgetBlockNotice(budget, request.noDowngrade) }, config);
    }
    const lower = downgradeTier(request.stepType, tier);
    if (lower !== tier && request.noDowngrade) {
      reasons.push(`budget exceeded: a retry on ${TIER_LABELS[tier]} is not downgraded`);
      return withCost({ ...base, outcome: 'blocked', blocked: true, tier, baseTier: tier, reasons, notice: `${budgetWhy(budget)}: the retry would go back down to ${TIER_LABELS[lower]}, below the ${TIER_LABELS[tier]} tier you sent it to, so nothing was sent.` }, config);
    }
    if (lower !== tier) {
      reasons.push(`budget exceeded: downgraded from ${TIER_LABELS[tier]} to ${label(lower, config)}, the cheapest tier trusted with a ${request.stepType} step`);
      notices.push(`${budgetWhy(budget)}: answering with ${TIER_LABELS[lower]} (${config.ladder[lower]}) instead of ${TIER_LABELS[tier]}; quality may be lower.`);
      tier = lower;
    } else {
      reasons.push(`budget exceeded: ${TIER_LABELS[tier]} is already the cheapest tier trusted with a ${request.stepType} step`);
      notices.push(`${budgetWhy(budget)}: ${TIER_LABELS[tier]} is already the cheapest tier for this step.`);
    }
  } else if (budget?.state === 'warn') {
    reasons.push('budget warning: most of the budget is used');
  }
  reasons.push(`route: ${label(tier, config)}`);
  const plan: Omit<RoutePlan, 'estimatedCostUsd' | 'model'> = { ...base, outcome: 'route', blocked: false, tier, baseTier: tier, reasons };
  if (notices.length > 0) plan.notice = notices.join(' ');
  return withCost(plan, config);
}

const ESCALATION_TEXT: Readonly<Record<EscalationReason['kind'], string>> = {
  validationFailed: 'the answer failed its check',
  lowConfidence: 'the answer was low-confidence',
  toolError: 'a tool call failed',
  rejected: 'you rejected its answer',
  askedAbove: 'you asked for the answer again one tier up',
};

/**
 * Moves this step (only this step) one tier up after evidence that the tier was not enough.
 * At most `maxEscalations` per step; never past the access cap.
 */
export function planEscalation(previous: RoutePlan, reason: EscalationReason, config: RoutingConfig): RoutePlan {
  const why = `${ESCALATION_TEXT[reason.kind]}${reason.detail ? ` (${reason.detail})` : ''}`;
  const reasons = [...previous.reasons];
  const triedModels = previous.triedModels.includes(previous.model) ? previous.triedModels : [...previous.triedModels, previous.model];
  const stop = (text: string, notice: string, budget?: true): RoutePlan => ({
    ...previous,
    outcome: 'cannotEscalate',
    blocked: true,
    reasons: [...reasons, text],
    notice,
    estimatedCostUsd: 0,
    triedModels,
    ...(budget ? { stoppedByBudget: budget } : {}),
  });
  const max = config.maxEscalations ?? DEFAULT_MAX_ESCALATIONS;
  // The limit bounds what Ladder spends on its own; a retry the user asks for is theirs.
  if (reason.kind !== 'rejected' && reason.kind !== 'askedAbove' && previous.escalations >= max) {
    return stop(`cannot escalate: ${why}, but this step already escalated ${countOf(previous.escalations, 'time')} (limit ${max})`,
      `${capitalise(why)}; Ladder stops here (escalation limit ${max} reached for this step).`);
  }
  // A tier whose model already answered (two tiers on one model) or failed this step would
  // pay for the same model again: the step goes on to the first tier above with another.
  const skipped: string[] = [];
  let next = tierAbove(previous.tier);
  while (next && triedModels.includes(config.ladder[next])) {
    skipped.push(`${TIER_LABELS[next]}'s model, ${config.ladder[next]}, was already tried for this step`);
    next = tierAbove(next);
  }
  const cap = effectiveCap(config);
  if (skipped.length > 0 && (!next || compareTiers(next, cap) > 0)) {
    const none = `no tier the policy allows above ${TIER_LABELS[previous.tier]} has a model not already tried`;
    return stop(`cannot escalate: ${why}, and ${none} (${skipped.join('; ')})`, `${capitalise(why)}; ${none}.`);
  }
  if (!next) {
    return stop(`cannot escalate: ${why}, and ${TIER_LABELS[previous.tier]} is the top of the ladder`,
      `${capitalise(why)}; ${TIER_LABELS[previous.tier]} is already the top tier.`);
  }
  if (compareTiers(next, cap) > 0) {
    return stop(`cannot escalate: ${why}, but ${TIER_LABELS[next]} is above the cap (${capNote(config, next)})`,
      `${capitalise(why)}; escalating to ${TIER_LABELS[next]} is not allowed: ${capNote(config, next)}.`);
  }
  if (config.budget?.state === 'exceeded') {
    return stop(`cannot escalate: ${why}, but the budget is exceeded`,
      `${capitalise(why)}; not escalating because the budget is exceeded.`, true);
  }
  reasons.push(`escalated from ${TIER_LABELS[previous.tier]} to ${label(next, config)}: ${why}${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`);
  return withCost({
    ...previous,
    outcome: 'route',
    blocked: false,
    tier: next,
    baseTier: next,
    reasons,
    notice: `Escalated to ${TIER_LABELS[next]} (${config.ladder[next]}): ${why}.`,
    attempt: previous.attempt + 1,
    escalations: previous.escalations + 1,
    triedModels,
  }, config);
}

const FAILURE_TEXT: Readonly<Record<FallbackFailure['kind'], string>> = {
  overloaded: 'is overloaded',
  unavailable: 'is unavailable',
  rateLimited: 'is rate-limited',
  server: 'returned a server error',
};

/**
 * The ordered models a failed call may fall back to, after the SDK's own retries:
 * 1. other models configured for the same tier;
 * 2. the neighbouring tier in the direction that keeps quality when it is affordable —
 *    up for labour/execute, up to the exception tier for judgment only when opted in;
 *    otherwise down one tier (the exception tier always falls back to judgment);
 * 3. the other neighbour as a last resort.
 * Never a model whose context window the prompt does not fit (Haiku 4.5's 200K after Sonnet's 1M).
 * Never more than one tier from the step's base tier (so repeated fallbacks do not drift
 * down the ladder), never past the access cap, never up while the budget is strained or
 * when the step may not escalate (going up costs more, as an escalation does), never below
 * the step's floor (a review is not left to the labour tier) or the request's (a follow-up
 * is not answered below the tier it follows, a retry not by the tier whose edit was rejected,
 * judgment not by the first pass's model).
 */
export function fallbackCandidates(previous: RoutePlan, config: RoutingConfig): { model: string; tier: Tier }[] {
  const tier = previous.baseTier;
  const out: { model: string; tier: Tier }[] = [];
  for (const model of config.alternates?.[tier] ?? []) out.push({ model, tier });
  const cap = effectiveCap(config);
  const upAllowed = config.budget?.state !== 'exceeded' && config.budget?.state !== 'warn' && previous.escalations < (config.maxEscalations ?? DEFAULT_MAX_ESCALATIONS);
  const up = tierAbove(tier);
  const below = tierBelow(tier);
  const floor = maxTier(STEP_FLOOR[previous.stepType], previous.floor ?? 'H');
  const down = below !== undefined && compareTiers(below, floor) >= 0 ? below : undefined;
  const canUp = up !== undefined && upAllowed && compareTiers(up, cap) <= 0;
  const neighbours: Tier[] = [];
  if (tier === 'F') {
    if (down) neighbours.push(down);
  } else {
    if (canUp) neighbours.push(up);
    if (down) neighbours.push(down);
  }
  for (const t of neighbours) {
    out.push({ model: config.ladder[t], tier: t });
    for (const model of config.alternates?.[t] ?? []) out.push({ model, tier: t });
  }
  const tried = new Set([...previous.triedModels, previous.model]);
  const seen = new Set<string>();
  // A model whose context window the prompt does not fit would only refuse it (a 400).
  const needs = previous.estimatedInputTokens + previous.estimatedOutputTokens;
  return out.filter((c) => {
    if (tried.has(c.model) || seen.has(c.model) || (findModel(c.model)?.contextWindow ?? Infinity) < needs) return false;
    seen.add(c.model);
    return true;
  });
}

/** Plans the retry of a call that failed for capacity or server reasons (not for quality). */
export function planFallback(previous: RoutePlan, failure: FallbackFailure, config: RoutingConfig): RoutePlan {
  const what = `${previous.model} ${FAILURE_TEXT[failure.kind]}${failure.status !== undefined ? ` (HTTP ${failure.status})` : ''}`;
  const triedModels = previous.triedModels.includes(previous.model) ? previous.triedModels : [...previous.triedModels, previous.model];
  const blocking = blockingBudget(config);
  if (blocking) {
    return {
      ...previous, outcome: 'blocked', blocked: true, estimatedCostUsd: 0, triedModels, stoppedByBudget: true,
      reasons: [...previous.reasons, `${what}; budget exceeded and set to block`],
      notice: `${what}. ${budgetBlockNotice(blocking)}`,
    };
  }
  const next = fallbackCandidates({ ...previous, triedModels }, config)[0];
  if (!next) {
    return {
      ...previous, outcome: 'cannotFallback', blocked: true, estimatedCostUsd: 0, triedModels,
      reasons: [...previous.reasons, `${what}; no other model the policy allows is left to try`],
      notice: `${what} and no fallback is allowed or left; try again later.`,
    };
  }
  const direction = compareTiers(next.tier, previous.tier);
  const move = direction === 0
    ? `fell back to ${next.model}, another ${TIER_LABELS[next.tier]} model`
    : `fell back ${direction > 0 ? 'up' : 'down'} to ${TIER_LABELS[next.tier]} (${next.model})`;
  const warning = direction < 0 ? ' Quality may be lower; the answer is still checked.' : direction > 0 ? ' This costs more.' : '';
  return withCost({
    ...previous,
    outcome: 'route',
    blocked: false,
    tier: next.tier,
    reasons: [...previous.reasons, `${what}; ${move}`],
    notice: `${what}; answering with ${next.model} (${TIER_LABELS[next.tier]}) instead.${warning}`,
    attempt: previous.attempt + 1,
    fallbacks: previous.fallbacks + 1,
    triedModels,
  }, config, next.model);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Builds the routing config from validated settings, the pricing estimator and the
 * budget tracker's current state.
 */
export function routingConfigFromSettings(settings: Settings, estimateCostUsd: EstimateCostUsd, budget?: BudgetState, accessCapLevel?: string): RoutingConfig {
  const config: RoutingConfig = {
    ladder: ladderOf(settings),
    alternates: settings['models.alternates'],
    accessCap: settings['routing.accessCap'],
    allowExceptionTier: settings['routing.allowExceptionTier'],
    maxEscalations: settings['routing.maxEscalations'],
    estimateCostUsd,
  };
  if (budget) config.budget = budget;
  if (accessCapLevel) config.accessCapLevel = accessCapLevel;
  return config;
}
