import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LADDER, MIN_VERDICTS_TO_RAISE, breakEvenRejection, effectiveCap, fallbackCandidates, planEscalation, planFallback, planRoute, routingConfigFromSettings, tierUnavailable,
} from '../../../src/core/routing/policy';
import type { RoutePlan } from '../../../src/core/routing/policy';
import { parseSettings } from '../../../src/core/settings/schema';
import { fakeEstimate, routeRequest, routingConfig } from '../../support/fixtures/routing/builders';

const validationFailed = { kind: 'validationFailed', detail: 'edit did not apply' } as const;

describe('planRoute', () => {
  test('maps the tier through the ladder, with cost and reason chain', () => {
    const request = routeRequest('S', { reasons: ['a fix inside a clear frame ("fix") → execute'] });
    const plan = planRoute(request, routingConfig());
    assert.equal(plan.outcome, 'route');
    assert.equal(plan.blocked, false);
    assert.equal(plan.model, DEFAULT_LADDER.S);
    assert.equal(plan.estimatedCostUsd, fakeEstimate(DEFAULT_LADDER.S, request.estimatedInputTokens, request.estimatedOutputTokens));
    assert.equal(plan.reasons[0], request.reasons?.[0], 'classifier reasons head the chain');
    assert.match(plan.reasons.at(-1) ?? '', /route: execute \(claude-sonnet-4-6\)/);
    assert.deepEqual([plan.attempt, plan.escalations, plan.fallbacks], [1, 0, 0]);
    assert.equal(plan.notice, undefined);
  });

  test('uses the configured ladder, not the defaults', () => {
    const ladder = { ...DEFAULT_LADDER, S: 'claude-sonnet-4-5' };
    assert.equal(planRoute(routeRequest('S'), routingConfig({ ladder })).model, 'claude-sonnet-4-5');
  });

  test('a user override is applied and labelled', () => {
    const plan = planRoute(routeRequest('S', { override: 'O' }), routingConfig());
    assert.equal(plan.tier, 'O');
    assert.equal(plan.model, DEFAULT_LADDER.O);
    assert.equal(plan.overridden, true);
    assert.equal(plan.requestedTier, 'O');
    assert.ok(plan.reasons.some((r) => /user override: judgment .* instead of execute/.test(r)));
  });

  test("the user's override wins over a follow-up's floor, and the reasons say what it replaced", () => {
    // README: a follow-up is never below the tier that gave its answer, unless the user chose a tier.
    const plan = planRoute(routeRequest('O', { override: 'H', floor: 'O' }), routingConfig());
    assert.equal(plan.tier, 'H');
    assert.ok(plan.reasons.some((r) => /user override: labour .* instead of judgment/.test(r)), plan.reasons.join(' | '));
  });

  test('the access cap clamps classifier and override alike, visibly', () => {
    const capped = planRoute(routeRequest('S', { override: 'O' }), routingConfig({ accessCap: 'S' }));
    assert.equal(capped.tier, 'S');
    assert.match(capped.notice ?? '', /instead of judgment.*access cap \(ladder\.routing\.accessCap\) is execute/);
    const fromClassifier = planRoute(routeRequest('O'), routingConfig({ accessCap: 'H' }));
    assert.equal(fromClassifier.model, DEFAULT_LADDER.H);
  });

  test('the exception tier needs the explicit opt-in even under an F cap', () => {
    const noOptIn = routingConfig({ accessCap: 'F', allowExceptionTier: false });
    assert.equal(effectiveCap(noOptIn), 'O');
    const plan = planRoute(routeRequest('F'), noOptIn);
    assert.equal(plan.tier, 'O');
    assert.match(plan.notice ?? '', /opt-in/);
    const optIn = planRoute(routeRequest('F'), routingConfig({ accessCap: 'F', allowExceptionTier: true }));
    assert.equal(optIn.model, DEFAULT_LADDER.F);
    assert.equal(optIn.notice, undefined);
  });

  test('a tier picker can say which tiers the cap rules out, and where they would go', () => {
    assert.equal(tierUnavailable('F', { accessCap: 'F', allowExceptionTier: false }), 'the exception tier needs the explicit opt-in (ladder.routing.allowExceptionTier), so it goes to judgment');
    // The default cap is judgment: the opt-in is what stands between it and the exception tier.
    assert.equal(tierUnavailable('F', { accessCap: 'O', allowExceptionTier: false }), 'the exception tier needs the explicit opt-in (ladder.routing.allowExceptionTier), so it goes to judgment');
    assert.equal(tierUnavailable('F', { accessCap: 'O', allowExceptionTier: true }), "this workspace's access cap (ladder.routing.accessCap) is judgment, so it goes to judgment");
    assert.equal(tierUnavailable('O', { accessCap: 'S', allowExceptionTier: false }), "this workspace's access cap (ladder.routing.accessCap) is execute, so it goes to execute");
    assert.equal(tierUnavailable('S', { accessCap: 'S', allowExceptionTier: false }), undefined);
    // Where the cap is set, when a level set it: in a multi-root workspace it may be one folder's settings.
    assert.equal(tierUnavailable('O', { accessCap: 'H', allowExceptionTier: false, accessCapLevel: 'folder "tools"' }), "this workspace's access cap (ladder.routing.accessCap, in folder \"tools\" settings) is labour, so it goes to labour");
    // A judgment cap you set stays after the opt-in: the cap is what to change, not the opt-in.
    assert.equal(tierUnavailable('F', { accessCap: 'O', allowExceptionTier: false, accessCapLevel: 'workspace' }), "this workspace's access cap (ladder.routing.accessCap, in workspace settings) is judgment, so it goes to judgment");
    assert.equal(tierUnavailable('F', { accessCap: 'F', allowExceptionTier: false, accessCapLevel: 'user' }), 'the exception tier needs the explicit opt-in (ladder.routing.allowExceptionTier), so it goes to judgment');
    assert.equal(tierUnavailable('O', { accessCap: 'S', allowExceptionTier: false, accessCapLevel: 'user' }), "this workspace's access cap (ladder.routing.accessCap, in your user settings) is execute, so it goes to execute");
    assert.equal(tierUnavailable('F', { accessCap: 'F', allowExceptionTier: true }), undefined);
  });

  test('budget exceeded with block: a blocked plan with a clear message and no cost', () => {
    const plan = planRoute(routeRequest('O'), routingConfig({ budget: { state: 'exceeded', onExceeded: 'block' } }));
    assert.equal(plan.outcome, 'blocked');
    assert.equal(plan.blocked, true);
    assert.equal(plan.estimatedCostUsd, 0);
    assert.match(plan.notice ?? '', /Budget exceeded.*not sending/);
  });

  test('a request that would cross a limit not yet reached says so, not "Budget exceeded"', () => {
    // Seen with $0.0046 spent of a $0.006 session budget: the notice read "Budget exceeded".
    const preflight = 'this request (about $0.0190) would exceed the session budget ($0.0060, $0.0014 left) (count_tokens)';
    const blocked = planRoute(routeRequest('O'), routingConfig({ budget: { state: 'exceeded', onExceeded: 'block', preflight } }));
    assert.equal(blocked.outcome, 'blocked');
    assert.equal(blocked.notice, 'This request (about $0.0190) would exceed the session budget ($0.0060, $0.0014 left) (count_tokens): Ladder is not sending it. Raise the budget or set ladder.budget.onExceeded to "downgrade".');
    const downgraded = planRoute(routeRequest('O', { stepType: 'fix' }), routingConfig({ budget: { state: 'exceeded', onExceeded: 'downgrade', preflight } }));
    assert.match(downgraded.notice ?? '', /^This request \(about \$0\.0190\) would exceed the session budget .*: answering with execute/);
  });

  test('budget exceeded with downgrade: one tier down, never below the step floor', () => {
    const budget = { state: 'exceeded', onExceeded: 'downgrade' } as const;
    const fix = planRoute(routeRequest('O', { stepType: 'fix' }), routingConfig({ budget }));
    assert.equal(fix.tier, 'S');
    assert.match(fix.notice ?? '', /Budget exceeded: answering with execute/);
    assert.ok(fix.reasons.some((r) => /downgraded from judgment to execute/.test(r)));
    const review = planRoute(routeRequest('S', { stepType: 'securityReview' }), routingConfig({ budget }));
    assert.equal(review.tier, 'S', 'a security review keeps at least the execute tier');
    assert.match(review.notice ?? '', /already the cheapest/);
    const labour = planRoute(routeRequest('H', { stepType: 'docs' }), routingConfig({ budget }));
    assert.equal(labour.tier, 'H');
  });

  test('a retry one tier up after a rejected edit is blocked, not downgraded back to the rejected tier', () => {
    const budget = { state: 'exceeded', onExceeded: 'downgrade' } as const;
    const retry = planRoute(routeRequest('S', { stepType: 'format', noDowngrade: true }), routingConfig({ budget }));
    assert.equal(retry.blocked, true);
    assert.equal(retry.notice, 'Budget exceeded: the retry would go back down to labour, below the execute tier you sent it to, so nothing was sent.');
    // Where no downgrade would happen, the retry goes as asked.
    const floor = planRoute(routeRequest('S', { stepType: 'securityReview', noDowngrade: true }), routingConfig({ budget }));
    assert.equal(floor.blocked, false);
    assert.equal(floor.tier, 'S');
  });

  test('a retry blocked by a budget set to block is not told to switch to "downgrade", which blocks it too', () => {
    const budget = { state: 'exceeded', onExceeded: 'block' } as const;
    assert.equal(planRoute(routeRequest('S', { noDowngrade: true }), routingConfig({ budget })).notice, 'Budget exceeded: Ladder is not sending this request. Raise the budget.');
    assert.match(planRoute(routeRequest('S'), routingConfig({ budget })).notice ?? '', /Raise the budget or set ladder\.budget\.onExceeded to "downgrade"\.$/);
  });

  test('a budget warning is recorded but does not move the route', () => {
    const plan = planRoute(routeRequest('O'), routingConfig({ budget: { state: 'warn', onExceeded: 'block' } }));
    assert.equal(plan.tier, 'O');
    assert.ok(plan.reasons.some((r) => /budget warning/.test(r)));
  });
});

describe('planEscalation', () => {
  test('moves this step one tier up with its reason', () => {
    const first = planRoute(routeRequest('S'), routingConfig());
    const next = planEscalation(first, validationFailed, routingConfig());
    assert.equal(next.outcome, 'route');
    assert.equal(next.tier, 'O');
    assert.equal(next.model, DEFAULT_LADDER.O);
    assert.deepEqual([next.attempt, next.escalations], [2, 1]);
    assert.deepEqual(next.triedModels, [DEFAULT_LADDER.S]);
    assert.match(next.reasons.at(-1) ?? '', /escalated from execute to judgment .*failed its check \(edit did not apply\)/);
    assert.match(next.notice ?? '', /Escalated to judgment/);
    assert.ok(next.estimatedCostUsd > first.estimatedCostUsd);
  });

  test('stops at the access cap', () => {
    const config = routingConfig({ accessCap: 'O' });
    const atCap = planRoute(routeRequest('O'), config);
    const stop = planEscalation(atCap, { kind: 'lowConfidence' }, config);
    assert.equal(stop.outcome, 'cannotEscalate');
    assert.equal(stop.blocked, true);
    assert.match(stop.notice ?? '', /not allowed.*opt-in|access cap/);
  });

  test('stops after maxEscalations per step, each escalation reasoned', () => {
    const config = routingConfig({ accessCap: 'F', allowExceptionTier: true, maxEscalations: 2 });
    let plan: RoutePlan = planRoute(routeRequest('H'), config);
    plan = planEscalation(plan, { kind: 'toolError', detail: 'patch rejected' }, config);
    plan = planEscalation(plan, validationFailed, config);
    assert.equal(plan.tier, 'O');
    assert.equal(plan.escalations, 2);
    assert.equal(plan.reasons.filter((r) => r.startsWith('escalated')).length, 2);
    const stop = planEscalation(plan, validationFailed, config);
    assert.equal(stop.outcome, 'cannotEscalate');
    assert.match(stop.notice ?? '', /escalation limit 2/);
  });

  test('honours a smaller limit and refuses while the budget is exceeded', () => {
    const one = routingConfig({ maxEscalations: 1 });
    const twice = planEscalation(planEscalation(planRoute(routeRequest('H'), one), validationFailed, one), validationFailed, one);
    assert.equal(twice.outcome, 'cannotEscalate');
    assert.equal(twice.stoppedByBudget, undefined, 'the limit is not the budget');
    const broke = routingConfig({ budget: { state: 'exceeded', onExceeded: 'downgrade' } });
    const refused = planEscalation(planRoute(routeRequest('H'), broke), validationFailed, broke);
    assert.equal(refused.outcome, 'cannotEscalate');
    assert.match(refused.notice ?? '', /budget/);
    assert.equal(refused.stoppedByBudget, true);
  });
});

describe('planEscalation past models already tried', () => {
  test('two tiers on one model: the step goes on to the first tier above with another model, and says why', () => {
    const config = routingConfig({ ladder: { ...DEFAULT_LADDER, H: 'claude-sonnet-4-6' } });
    const next = planEscalation(planRoute(routeRequest('H'), config), validationFailed, config);
    assert.equal(next.tier, 'O');
    assert.equal(next.model, DEFAULT_LADDER.O);
    assert.equal(next.escalations, 1, 'one escalation, not two');
    assert.match(next.reasons.at(-1) ?? '', /escalated from labour to judgment .*execute's model, claude-sonnet-4-6, was already tried/);
  });

  test('after judgment fell back to execute for overload, a failed check does not escalate back into the overloaded model', () => {
    const config = routingConfig();
    const fellBack = planFallback(planRoute(routeRequest('O'), config), { kind: 'overloaded', status: 529 }, config);
    assert.equal(fellBack.model, DEFAULT_LADDER.S);
    const stop = planEscalation(fellBack, validationFailed, config);
    assert.equal(stop.outcome, 'cannotEscalate');
    assert.match(stop.notice ?? '', /; no tier the policy allows above execute has a model not already tried\./);
  });
});

describe('planEscalation after the user rejects an edit', () => {
  const rejected = { kind: 'rejected', detail: 'claude-haiku-4-5' } as const;

  test('offers the next tier with the rejection as its reason', () => {
    const first = planRoute(routeRequest('H'), routingConfig());
    const next = planEscalation(first, rejected, routingConfig());
    assert.equal(next.outcome, 'route');
    assert.equal(next.model, DEFAULT_LADDER.S);
    assert.match(next.reasons.at(-1) ?? '', /escalated from labour to execute .*you rejected its answer \(claude-haiku-4-5\)/);
  });

  test('is the user\'s call, so the automatic limit does not apply; the cap and the budget still do', () => {
    const config = routingConfig({ maxEscalations: 1 });
    const escalated = planEscalation(planRoute(routeRequest('H'), config), validationFailed, config);
    assert.equal(planEscalation(escalated, validationFailed, config).outcome, 'cannotEscalate');
    assert.equal(planEscalation(escalated, rejected, config).tier, 'O');
    assert.equal(planEscalation(escalated, { kind: 'askedAbove' }, config).tier, 'O', 'nor to an answer asked for again one tier up');
    const capped = routingConfig({ accessCap: 'S' });
    assert.match(planEscalation(planRoute(routeRequest('S'), capped), rejected, capped).notice ?? '', /not allowed/);
    const broke = routingConfig({ budget: { state: 'exceeded', onExceeded: 'downgrade' } });
    assert.equal(planEscalation(planRoute(routeRequest('H'), broke), rejected, broke).outcome, 'cannotEscalate');
  });

  test('an answer asked for again one tier up says so in its reason, and skips a tier on the model that gave it', () => {
    const config = routingConfig({ ladder: { ...DEFAULT_LADDER, S: DEFAULT_LADDER.H } });
    const next = planEscalation(planRoute(routeRequest('H'), config), { kind: 'askedAbove', detail: DEFAULT_LADDER.H }, config);
    assert.equal(next.tier, 'O');
    assert.match(next.reasons.at(-1) ?? '', /^escalated from labour to judgment .*: you asked for the answer again one tier up \(claude-haiku-4-5\) \(execute's model, claude-haiku-4-5, was already tried/);
  });

  test('never offers the exception tier without the opt-in', () => {
    const config = routingConfig({ accessCap: 'F' });
    assert.equal(planEscalation(planRoute(routeRequest('O'), config), rejected, config).outcome, 'cannotEscalate');
  });
});

describe('planRoute on the user\'s verdicts', () => {
  const tidy = (tier: 'H' | 'S' | 'O', accepted: number, rejected: number, extra: Parameters<typeof routeRequest>[1] = {}) =>
    routeRequest(tier, { stepType: 'format', verdicts: { accepted, rejected }, ...extra });

  test('the break-even rejected share comes from the ladder\'s prices: 2/3 from Haiku, 0.4 from Sonnet, none from Opus', () => {
    assert.ok(Math.abs((breakEvenRejection('H', routingConfig()) ?? 0) - 2 / 3) < 1e-12);
    assert.ok(Math.abs((breakEvenRejection('S', routingConfig()) ?? 0) - 0.4) < 1e-12);
    assert.equal(breakEvenRejection('O', routingConfig()), undefined, 'the exception tier stays an explicit choice');
    const dearLabour = routingConfig({ ladder: { ...DEFAULT_LADDER, H: 'claude-sonnet-4-5' } });
    assert.equal(breakEvenRejection('H', dearLabour), undefined, 'no saving when the two tiers cost the same');
  });

  test('enough rejections at or above the break-even start the step one tier up, and say why', () => {
    const plan = planRoute(tidy('H', 1, 3), routingConfig());
    assert.equal(plan.tier, 'S');
    assert.equal(plan.model, DEFAULT_LADDER.S);
    assert.equal(plan.overridden, false);
    assert.ok(plan.reasons.includes('execute (claude-sonnet-4-6) instead of labour: you rejected 3 of the last 4 format edits from claude-haiku-4-5 in this workspace, and from 67% rejected starting higher costs less than redoing them'), plan.reasons.join('\n'));
    assert.equal(planRoute(tidy('S', 3, 2), routingConfig()).tier, 'O', '2 of 5 reaches Sonnet\'s 40%');
    assert.equal(planRoute(tidy('H', 1, 3), routingConfig()).tier, 'S', 'the cost report plans the same route (RequestRunner.startsOn)');
    assert.equal(planRoute(tidy('H', 2, 3), routingConfig()).tier, 'H');
  });

  test('too few verdicts, or a rejected share below the break-even, keep the classifier\'s tier', () => {
    assert.equal(planRoute(tidy('H', 0, MIN_VERDICTS_TO_RAISE - 1), routingConfig()).tier, 'H', 'three rejections are not yet evidence');
    assert.equal(planRoute(tidy('H', 2, 3), routingConfig()).tier, 'H', '3 of 5 is below 2/3');
    assert.equal(planRoute(tidy('S', 4, 2), routingConfig()).tier, 'S', '2 of 6 is below 40%');
    assert.equal(planRoute(tidy('O', 0, 8), routingConfig({ accessCap: 'F', allowExceptionTier: true })).tier, 'O', 'never to the exception tier');
  });

  test('the override, the access cap and the budget still decide over the verdicts', () => {
    const overridden = planRoute(tidy('H', 0, 6, { override: 'H' }), routingConfig());
    assert.equal(overridden.tier, 'H');
    assert.ok(!overridden.reasons.some((r) => /you rejected/.test(r)), 'Choose Tier is the user\'s word for this request');
    const capped = planRoute(tidy('H', 0, 6), routingConfig({ accessCap: 'H' }));
    assert.equal(capped.tier, 'H');
    assert.ok(capped.reasons.some((r) => /^capped at labour/.test(r)));
    const downgraded = planRoute(tidy('H', 0, 6), routingConfig({ budget: { state: 'exceeded', onExceeded: 'downgrade' } }));
    assert.equal(downgraded.tier, 'H', 'an exceeded budget takes the raise back');
  });
});

describe('planFallback', () => {
  const overloaded = { kind: 'overloaded', status: 529 } as const;

  test('same-tier alternate first, then down for judgment without the exception opt-in', () => {
    const config = routingConfig({ alternates: { O: ['claude-opus-4-7'] } });
    const first = planRoute(routeRequest('O'), config);
    const same = planFallback(first, overloaded, config);
    assert.equal(same.model, 'claude-opus-4-7');
    assert.equal(same.tier, 'O');
    assert.match(same.notice ?? '', /claude-opus-4-8 is overloaded \(HTTP 529\); answering with claude-opus-4-7/);
    const down = planFallback(same, overloaded, config);
    assert.equal(down.tier, 'S');
    assert.match(down.notice ?? '', /Quality may be lower/);
    assert.equal(down.fallbacks, 2);
    assert.equal(down.attempt, 3);
    assert.deepEqual(down.triedModels, ['claude-opus-4-8', 'claude-opus-4-7']);
  });

  test('judgment may fall back up to the exception tier only when opted in', () => {
    const config = routingConfig({ accessCap: 'F', allowExceptionTier: true });
    const up = planFallback(planRoute(routeRequest('O'), config), overloaded, config);
    assert.equal(up.tier, 'F');
    assert.match(up.notice ?? '', /costs more/);
  });

  test('execute prefers up while the budget is fine, down when it is strained', () => {
    const ok = routingConfig();
    assert.equal(planFallback(planRoute(routeRequest('S'), ok), overloaded, ok).tier, 'O');
    const warn = routingConfig({ budget: { state: 'warn', onExceeded: 'downgrade' } });
    assert.equal(planFallback(planRoute(routeRequest('S'), warn), overloaded, warn).tier, 'H');
  });

  test('never to a model whose context window the prompt does not fit', () => {
    const warn = routingConfig({ budget: { state: 'warn', onExceeded: 'downgrade' } });
    // 400K tokens fit claude-sonnet-4-6's 1M window, not claude-haiku-4-5's 200K.
    const big = planRoute(routeRequest('S', { estimatedInputTokens: 400_000, estimatedOutputTokens: 4_000 }), warn);
    assert.deepEqual(fallbackCandidates(big, warn), []);
    const fell = planFallback(big, overloaded, warn);
    assert.equal(fell.blocked, true);
    assert.match(fell.notice ?? '', /claude-sonnet-4-6 is overloaded/);
    // A small prompt still falls back down.
    assert.equal(planFallback(planRoute(routeRequest('S'), warn), overloaded, warn).model, 'claude-haiku-4-5');
  });

  test('the exception tier falls back to judgment', () => {
    const config = routingConfig({ accessCap: 'F', allowExceptionTier: true });
    assert.equal(planFallback(planRoute(routeRequest('F'), config), { kind: 'unavailable', status: 503 }, config).tier, 'O');
  });

  test('never drifts more than one tier from the step and says when nothing is left', () => {
    const config = routingConfig({ accessCap: 'S' });
    let plan = planRoute(routeRequest('S'), config);
    const seen: string[] = [];
    for (let i = 0; i < 5 && plan.outcome === 'route'; i++) {
      seen.push(plan.model);
      plan = planFallback(plan, { kind: 'server', status: 500 }, config);
    }
    assert.deepEqual(seen, [DEFAULT_LADDER.S, DEFAULT_LADDER.H]);
    assert.equal(plan.outcome, 'cannotFallback');
    assert.match(plan.notice ?? '', /no fallback is allowed or left/);
    assert.deepEqual(fallbackCandidates(plan, config), []);
  });

  test('every fallback is visible and reasoned', () => {
    const config = routingConfig({ alternates: { H: ['claude-haiku-5-5'] } });
    const plan = planFallback(planRoute(routeRequest('H'), config), { kind: 'rateLimited', status: 429 }, config);
    assert.equal(plan.model, 'claude-haiku-5-5');
    assert.ok(plan.notice);
    assert.match(plan.reasons.at(-1) ?? '', /rate-limited \(HTTP 429\); fell back to claude-haiku-5-5, another labour model/);
  });

  test('a review is never left to the labour tier: fallback keeps the step\'s floor, as a budget downgrade does', () => {
    const config = routingConfig({ accessCap: 'S' });
    const plan = planFallback(planRoute(routeRequest('S', { stepType: 'securityReview' }), config), overloaded, config);
    assert.equal(plan.outcome, 'cannotFallback', `not ${plan.model}`);
    const fix = planFallback(planRoute(routeRequest('S'), config), overloaded, config);
    assert.equal(fix.tier, 'H', 'a fix may still go down');
  });

  test('a request\'s floor holds through fallback: a follow-up, judgment, a retry after a rejection', () => {
    // A follow-up of a judgment answer: Opus overloaded, Sonnet is below the answer it follows.
    const config = routingConfig();
    const followUp = planRoute(routeRequest('O', { floor: 'O' }), config);
    assert.equal(followUp.floor, 'O');
    const stopped = planFallback(followUp, overloaded, config);
    assert.equal(stopped.outcome, 'cannotFallback', `not ${stopped.model}`);
    assert.match(stopped.notice ?? '', /claude-opus-4-8 is overloaded \(HTTP 529\) and no fallback is allowed or left/);
    // Another model of the same tier is still fine.
    const alternates = routingConfig({ alternates: { O: ['claude-opus-4-7'] } });
    assert.equal(planFallback(planRoute(routeRequest('O', { floor: 'O' }), alternates), overloaded, alternates).model, 'claude-opus-4-7');
    // Judgment above an execute first pass: never back down to execute's model.
    const judge = planRoute(routeRequest('O', { stepType: 'review', floor: 'O' }), config);
    assert.equal(planFallback(judge, overloaded, config).outcome, 'cannotFallback');
    // A retry on Opus after a rejected Sonnet edit: not back to Sonnet, the floor is the retry's own tier.
    const retry = planRoute(routeRequest('O', { noDowngrade: true }), config);
    assert.equal(retry.floor, 'O');
    assert.equal(planFallback(retry, overloaded, config).outcome, 'cannotFallback');
    // Up is still allowed above a floor.
    const up = planFallback(planRoute(routeRequest('S', { floor: 'S' }), config), overloaded, config);
    assert.equal(up.tier, 'O');
    // Without a floor the same request falls back down, as before.
    assert.equal(planFallback(planRoute(routeRequest('O'), config), overloaded, config).tier, 'S');
    // Models to avoid (judgment: the first pass's) are never fallen back to, whatever tier they sit on.
    const avoiding = planRoute(routeRequest('O', { avoidModels: [DEFAULT_LADDER.S] }), config);
    assert.equal(avoiding.model, DEFAULT_LADDER.O);
    assert.equal(planFallback(avoiding, overloaded, config).outcome, 'cannotFallback');
  });

  test('going up costs more, like an escalation: with no escalations allowed, fallback goes down, not up', () => {
    const config = routingConfig({ maxEscalations: 0 });
    assert.equal(planFallback(planRoute(routeRequest('S'), config), overloaded, config).tier, 'H');
    assert.equal(planFallback(planRoute(routeRequest('H'), config), overloaded, config).outcome, 'cannotFallback');
  });

  test('a blocked budget blocks the fallback too', () => {
    const config = routingConfig({ budget: { state: 'exceeded', onExceeded: 'block' } });
    const plan = planFallback({ ...planRoute(routeRequest('S'), routingConfig()) }, overloaded, config);
    assert.equal(plan.outcome, 'blocked');
    assert.equal(plan.stoppedByBudget, true, 'marked as the budget\'s stop, not read from its wording');
  });
});

describe('routingConfigFromSettings', () => {
  test('builds the default config from default settings', () => {
    const { settings } = parseSettings(() => undefined);
    const config = routingConfigFromSettings(settings, fakeEstimate);
    assert.deepEqual(config.ladder, DEFAULT_LADDER);
    assert.equal(config.accessCap, 'O');
    assert.equal(config.allowExceptionTier, false);
    assert.equal(config.maxEscalations, 2);
  });
});
