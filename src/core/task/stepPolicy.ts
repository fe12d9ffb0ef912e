import type { RoutePlan, RoutingConfig } from '../routing/policy';
import { planEscalation, planFallback } from '../routing/policy';
import type { StepPolicy } from './runStep';
import type { CallFailureKind } from './ports';

/** Maps a failed call to the routing policy's fallback vocabulary. */
function fallbackKind(kind: CallFailureKind): 'overloaded' | 'unavailable' | 'rateLimited' | 'server' {
  if (kind === 'overloaded' || kind === 'rateLimited' || kind === 'server') return kind;
  return 'unavailable';
}

/**
 * The routing policy seen from a running step: escalation and fallback plans, or
 * undefined when the policy has no further move (the step then fails with the plan's notice).
 * `onStop` receives that final plan so its notice can be shown.
 *
 * `config` is read at each decision, so the budget is as the calls before left it. With
 * `afford`, a move is also checked before it is taken, as the first call was: given the
 * candidate plan and what the attempt just made cost (not yet in the ledger), it returns
 * the config that holds when the move would cross a budget limit (else undefined), and the
 * move is planned again under it: blocked, or a cheaper one the policy allows.
 */
export function stepPolicy(
  config: RoutingConfig | (() => RoutingConfig),
  onStop?: (plan: RoutePlan) => void,
  afford?: (candidate: RoutePlan, spentMicros: number) => RoutingConfig | undefined,
): StepPolicy<RoutePlan> {
  const current = typeof config === 'function' ? config : () => config;
  const decide = (plan: (c: RoutingConfig) => RoutePlan, spentMicros: number) => {
    let next = plan(current());
    const strict = next.blocked ? undefined : afford?.(next, spentMicros);
    if (strict) next = plan(strict);
    if (next.blocked) {
      onStop?.(next);
      return undefined;
    }
    return next;
  };
  return {
    escalate: (route, reason, spentMicros = 0) => decide((c) => planEscalation(route, { kind: 'validationFailed', detail: reason }, c), spentMicros),
    fallback: (route, failure, spentMicros = 0) => decide((c) => planFallback(route, { kind: fallbackKind(failure.kind), ...(failure.status !== undefined ? { status: failure.status } : {}) }, c), spentMicros),
  };
}
