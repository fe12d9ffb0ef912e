import type { CacheMiss, CallOutcome, CallRecord } from '../ledger/record';
import { buildCallRecord } from '../ledger/record';
import { costOfUsage, normaliseUsage, pricedTokens } from '../pricing/cost';
import type { UsageLike } from '../pricing/cost';
import type { PriceTable } from '../pricing/priceTable';
import { redactSecrets } from '../redact';
import type { Tier } from '../tiers';
import type { MessagesRequestBody } from '../prompt/request';
import type { CallFailureKind, ModelPort, ModelResponse, RetryCause, UnbilledAttempt } from './ports';
import { ModelCallError } from './ports';

/** The part of a route plan a step needs: which model, on which tier, and why. */
export interface StepRoute {
  readonly model: string;
  readonly tier: Tier;
  readonly reasons: readonly string[];
  /** A user-visible note when the route fell back or was downgraded. */
  readonly notice?: string;
}

/** A check's verdict on an answer: a value to use, or the reason to escalate. */
export type CheckResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Everything that moves a step from one route to the next. Implemented by the routing policy. */
export interface StepPolicy<R extends StepRoute> {
  /**
   * The next tier up for this step, or undefined when the cap or the access cap is reached.
   * `spentMicros`: what the attempt that failed its check cost (its record is written after this decision).
   */
  escalate(route: R, reason: string, spentMicros?: number): R | undefined;
  /** Another model after overload/5xx (same tier first), or undefined when none is allowed. */
  fallback(route: R, failure: { kind: CallFailureKind; status?: number }, spentMicros?: number): R | undefined;
}

export interface StepDeps {
  model: ModelPort;
  /** Appends one ledger record; called once per attempt. */
  record(record: CallRecord): void;
  now(): Date;
  newId(): string;
  /** Logs a line (pricing warnings, unbilled retries). */
  log(line: string): void;
  /** The price table in force (built-in with the user's overrides); default: built-in. */
  table?: PriceTable;
}

export interface StepSpec<T, R extends StepRoute> {
  taskId: string;
  command: string;
  stepType: string;
  workspace: string;
  override?: Tier;
  route: R;
  policy: StepPolicy<R>;
  /** Builds the request for a route; the cached prefix is per model, so it may differ. */
  buildBody(route: R): MessagesRequestBody;
  check(text: string, route: R): CheckResult<T>;
  /** The outcome of an attempt whose answer passed (default `ok`); a review pass whose findings go to judgment is `escalated`. */
  settledOutcome?(value: T, route: R): CallOutcome;
  /** The answer's size is the input's (an edit writes the selection again): one cut at the output limit is not escalated. */
  answerSizedByInput?: boolean;
  signal?: AbortSignal;
  /** Passed on to each call (see ModelRequest); the gateway's settings otherwise. */
  maxRetries?: number;
  /** Passed on to each call, in milliseconds (see ModelRequest); the gateway's setting otherwise. */
  timeoutMs?: number;
  onText?(delta: string, route: R): void;
  /** The SDK is about to retry an attempt on `route` (see ModelRequest.onRetry), for the UI. */
  onRetry?(route: R, cause: RetryCause, retryAfterSeconds: number | undefined): void;
  /** Called when a new route starts (first, escalation, fallback), for the UI. */
  onRoute?(route: R, why: 'start' | 'escalated' | 'fellBack'): void;
  /** Called after each billed attempt with its record. */
  onRecord?(record: CallRecord): void;
  /** Explains a cache miss from an attempt's usage, for its ledger record. */
  diagnoseCache?(route: R, usage: UsageLike): CacheMiss | undefined;
  /** A call that failed before any usage came back: forget what it expected of the cache (its writes never happened). */
  abandonCache?(route: R): void;
}

export type StepResult<T, R extends StepRoute> =
  | { status: 'ok'; value: T; text: string; route: R; routes: R[]; records: CallRecord[]; response: ModelResponse }
  | { status: 'failed'; reason: string; route: R; routes: R[]; records: CallRecord[]; error?: ModelCallError }
  | { status: 'cancelled'; route: R; routes: R[]; records: CallRecord[] };

/** Failures another model may answer past (capacity, server, a broken stream): a fallback is worth it. */
export const FALLBACK_KINDS: ReadonlySet<CallFailureKind> = new Set(['overloaded', 'server', 'rateLimited', 'timeout', 'streamError']);

const ZERO_USAGE: UsageLike = { input_tokens: 0, output_tokens: 0 };

/**
 * Runs one step of a task: call the routed model, check the answer, escalate on failed
 * checks and fall back on overload, writing exactly one ledger record per attempt
 * (billed or not) with the outcome that attempt led to.
 */
export async function runStep<T, R extends StepRoute>(spec: StepSpec<T, R>, deps: StepDeps): Promise<StepResult<T, R>> {
  let route = spec.route;
  const routes: R[] = [route];
  const records: CallRecord[] = [];
  let attempt = 0;
  spec.onRoute?.(route, 'start');

  /**
   * Records one attempt, and never throws: the call was billed, whatever the record's facts
   * hold. A record refused as it is (a count it cannot price, a reason quoting a key the
   * redaction missed) is written again with a generic reason; only if that fails too is it
   * lost, loudly, with its counts in the log.
   */
  const write = (usage: UsageLike, outcome: CallOutcome, reason: string, requestId?: string, usageNote?: string): void => {
    attempt += 1;
    if (usageNote) deps.log(`${route.model}: ${usageNote}`);
    const facts = {
      taskId: spec.taskId,
      callId: deps.newId(),
      time: deps.now().toISOString(),
      command: spec.command,
      stepType: spec.stepType,
      tier: route.tier,
      model: route.model,
      reason: recordReason(reason, usageNote),
      attempt,
      usage,
      outcome,
      workspace: spec.workspace,
      ...(spec.override !== undefined ? { override: spec.override } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    };
    let built: ReturnType<typeof buildCallRecord>;
    try {
      const cacheMiss = pricedTokens(usage).prompt > 0 ? spec.diagnoseCache?.(route, usage) : undefined;
      built = buildCallRecord({ ...facts, ...(cacheMiss ? { cacheMiss } : {}) }, { table: deps.table });
    } catch (err) {
      deps.log(`the ledger record for a call on ${route.model} was refused (${describe(err)}); writing it with a generic reason`);
      try {
        built = buildCallRecord({ ...facts, usage: normaliseUsage(usage).usage, reason: `${outcome}; the reason was left out (it could not be recorded)` }, { table: deps.table });
      } catch (again) {
        deps.log(`LEDGER RECORD LOST: a call on ${route.model} (request ${requestId ?? 'unknown'}, usage ${JSON.stringify(usage).slice(0, 300)}) could not be recorded: ${describe(again)}`);
        return;
      }
    }
    for (const warning of built.warnings) deps.log(warning);
    try {
      deps.record(built.record);
    } catch (err) {
      deps.log(`LEDGER RECORD LOST: the ledger refused a call on ${route.model} (${built.record.callId}, ${built.record.costMicros} micro-dollars): ${describe(err)}`);
    }
    records.push(built.record);
    spec.onRecord?.(built.record);
  };
  const routeReason = () => route.reasons.join(' → ');
  // What the attempt cost, for the policy's budget check on the next one: normalised as the
  // record's fallback is, and usage too large to price counts as 0 here (write() has logged
  // it as a lost record), so odd counts from a port never stop the step.
  const costOf = (usage: UsageLike | undefined): number => {
    if (!usage) return 0;
    try {
      return costOfUsage(route.model, normaliseUsage(usage).usage, { table: deps.table }).micros;
    } catch (err) {
      deps.log(`could not price an attempt on ${route.model} for the budget check: ${describe(err)}`);
      return 0;
    }
  };

  for (;;) {
    let response: ModelResponse;
    try {
      response = await deps.model.send({
        body: spec.buildBody(route),
        signal: spec.signal,
        ...(spec.maxRetries !== undefined ? { maxRetries: spec.maxRetries } : {}),
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        onText: (delta) => spec.onText?.(delta, route),
        onRetry: (cause, seconds) => spec.onRetry?.(route, cause, seconds),
      });
    } catch (err) {
      const error = err instanceof ModelCallError ? err : new ModelCallError('network', err instanceof Error ? err.message : String(err));
      if (!error.details.usage) spec.abandonCache?.(route);
      for (const retried of error.details.retried ?? []) write(ZERO_USAGE, 'failed', retriedReason(retried), retried.requestId);
      const estimated = error.details.outputEstimated ? '; output tokens estimated from the text received' : '';
      if (error.kind === 'cancelled') {
        write(error.details.usage ?? ZERO_USAGE, 'cancelled', `${routeReason()}; cancelled by the user${estimated}`, error.details.requestId, error.details.usageNote);
        return { status: 'cancelled', route, routes, records };
      }
      const next = FALLBACK_KINDS.has(error.kind) ? spec.policy.fallback(route, { kind: error.kind, status: error.details.status }, costOf(error.details.usage)) : undefined;
      write(error.details.usage ?? ZERO_USAGE, next ? 'fellBack' : 'failed', `${routeReason()}; ${error.kind}: ${error.message}${estimated}`, error.details.requestId, error.details.usageNote);
      if (!next) return { status: 'failed', reason: error.message, route, routes, records, error };
      route = next;
      routes.push(route);
      spec.onRoute?.(route, 'fellBack');
      continue;
    }

    for (const retried of response.retried) write(ZERO_USAGE, 'failed', retriedReason(retried), retried.requestId);
    const checked = spec.check(response.text, route);
    if (checked.ok) {
      const stopped = stopNote(response.stopReason);
      write(response.usage, spec.settledOutcome?.(checked.value, route) ?? 'ok', stopped ? `${routeReason()}; ${stopped}` : routeReason(), response.requestId, response.usageNote);
      return { status: 'ok', value: checked.value, text: response.text, route, routes, records, response };
    }
    // An edit cut at its output limit fails on any tier with the same limit: its answer is the
    // selection again, whatever the model. (A list of findings may fit on a terser tier.)
    if (response.stopReason === 'max_tokens' && spec.answerSizedByInput) {
      write(response.usage, 'failed', `${routeReason()}; check failed: ${checked.reason}; ${stopNote(response.stopReason) ?? ''}`, response.requestId, response.usageNote);
      return { status: 'failed', reason: 'The answer was cut short at its output limit, and a higher tier has the same limit. Select less and try again.', route, routes, records };
    }
    const next = spec.policy.escalate(route, checked.reason, costOf(response.usage));
    write(response.usage, next ? 'escalated' : 'failed', `${routeReason()}; check failed: ${checked.reason}`, response.requestId, response.usageNote);
    if (!next) return { status: 'failed', reason: `The answer failed its check (${checked.reason}) and no higher tier is allowed.`, route, routes, records };
    route = next;
    routes.push(route);
    spec.onRoute?.(route, 'escalated');
  }
}

const REASON_MAX = 500;

/** An SDK retry's record reason. A timed-out attempt is recorded at $0 too, but it may have been billed: no count came back. */
function retriedReason(retried: UnbilledAttempt): string {
  if (retried.connectionError !== undefined) return `retried by the SDK after a connection error (${retried.connectionError}); recorded at $0: a connection lost after the request was sent may still have been processed and billed`;
  if (retried.timedOutSeconds === undefined) return `retried by the SDK after HTTP ${retried.status ?? '?'} (not billed)`;
  return `retried by the SDK after a timeout (no response in ${retried.timedOutSeconds} s); recorded at $0, but the API may have processed and billed it`;
}

/**
 * A record's reason: redacted (an error message may quote a key back), the usage note kept
 * whole at its end, and the route's reasons cut to fit the ledger's 500 characters.
 */
function recordReason(reason: string, usageNote: string | undefined): string {
  const note = usageNote ? `; ${redactSecrets(usageNote)}` : '';
  return redactSecrets(reason).slice(0, REASON_MAX - note.length) + note;
}

function describe(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.message : String(err)).slice(0, 200);
}

/**
 * What an answer's stop reason says about it, when it did not simply finish: an answer cut
 * at the output limit passes a prose check, and the reader (and the ledger) should know.
 */
export function stopNote(stopReason: string | null | undefined): string | undefined {
  switch (stopReason) {
    case 'max_tokens':
      return 'the answer was cut short at its output limit';
    case 'model_context_window_exceeded':
      return 'the answer was cut short at the model\'s context window';
    case 'refusal':
      return 'the model declined to go on (stop reason: refusal)';
    default:
      return undefined;
  }
}
