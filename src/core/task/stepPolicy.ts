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
 */
export function stepPolicy(config: RoutingConfig, onStop?: (plan: RoutePlan) => void): StepPolicy<RoutePlan> {
  const proceed = (plan: RoutePlan) => {
    if (plan.blocked) {
      onStop?.(plan);
      return undefined;
    }
    return plan;
  };
  return {
    escalate: (route, reason) => proceed(planEscalation(route, { kind: 'validationFailed', detail: reason }, config)),
    fallback: (route, failure) => proceed(planFallback(route, { kind: fallbackKind(failure.kind), ...(failure.status !== undefined ? { status: failure.status } : {}) }, config)),
  };
}
