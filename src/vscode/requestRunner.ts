import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { totalMicros } from '../core/ledger/record';
import type { CacheMiss as LedgerCacheMiss, CallOutcome, CallRecord } from '../core/ledger/record';
import { callsSaid, formatUsd } from '../core/ledger/format';
import { estimateTokens, findModel, tokenizerFactor } from '../core/models';
import { costOfUsage, estimateCostUsd, pricedTokens } from '../core/pricing/cost';
import type { UsageLike } from '../core/pricing/cost';
import { cacheSwitchCost, expectedUsage } from '../core/prompt/switchCost';
import { resolveTtl } from '../core/prompt/ttl';
import type { CacheTtl } from '../core/prompt/ttl';
import type { PromptTask } from '../core/protocol';
import { buildRequest, SecretLikeContentError } from '../core/prompt/request';
import type { PromptPlan, SelectionInput, Turn } from '../core/prompt/request';
import { classifyRequest, withFloor } from '../core/routing/classifier';
import type { Classification, ClassifyInput } from '../core/routing/classifier';
import { applyDifficultyAnswer, buildDifficultyRequest, difficultyBody, difficultySettingOf, shouldCheckDifficulty } from '../core/routing/difficulty';
import { effectiveCap, planEscalation, planRoute, routingConfigFromSettings } from '../core/routing/policy';
import type { EstimateCostUsd, RoutePlan, RouteRequest, RoutingConfig } from '../core/routing/policy';
import { STEP_TYPES } from '../core/steps';
import type { RequestCommand, StepType } from '../core/steps';
import { failureMessage } from '../core/task/failureMessage';
import type { FailureAction } from '../core/task/failureMessage';
import { ModelCallError } from '../core/task/ports';
import { FALLBACK_KINDS, runStep, stopNote } from '../core/task/runStep';
import type { CheckResult, StepDeps } from '../core/task/runStep';
import { stepPolicy } from '../core/task/stepPolicy';
import { TIERS, TIER_LABELS, compareTiers, tierBelow } from '../core/tiers';
import type { Tier } from '../core/tiers';
import { CommandIds } from './commandIds';
import type { Container } from './container';
import { warnOfBudget } from './costMeter';
import { resultViewName } from '../core/resultViews';
import { answeredOn } from './conversations';

const MICROS_PER_USD = 1_000_000;
/** The difficulty check's deadline: its answer is a few dozen tokens, so a longer wait is an API in trouble. */
const DIFFICULTY_TIMEOUT_MS = 15_000;
/** Failures that may pass by themselves, worth a Try Again button. */
const TRANSIENT: ReadonlySet<string> = new Set([...FALLBACK_KINDS, 'network']);

/** The code a request is about, as the editor knows it. */
export interface EditorSelection extends SelectionInput {
  readonly document: vscode.TextDocument;
  readonly range: vscode.Range;
}

export interface RequestSpec<T> {
  command: RequestCommand;
  /** The command's title, for progress and the result view. */
  title: string;
  question: string;
  /** What the request is about: only what is sent of it for a follow-up, whose editor may be gone (a window reload). */
  selection?: EditorSelection | SelectionInput;
  /** The whole material a part-selection comes from; checked for secrets, never sent (see BuildRequestInput.material). */
  material?: EditorSelection;
  /** Size of the material beyond the selection (files reviewed, paths touched). */
  contextStats?: { files?: number; paths?: string[] };
  /** A tier the user chose (Choose Tier), taken by the caller: a review takes it once for all its parts. */
  override?: Tier;
  /** The review finding a fix is for (the classifier reads its category). */
  finding?: { category: string; severity: string };
  /** The prompt task; defaults to the classification's step type. */
  task?: PromptTask;
  maxTokens: number;
  check(text: string): CheckResult<T>;
  /**
   * What the user is warned of when the answer fails its check and no higher tier may take it,
   * in place of the policy's reason (a review's judgment: the first pass's findings stand).
   * `budget`: the settings of the budget limits that stopped a higher tier ("ladder.budget.session"), when one did.
   */
  checkFailed?(budget: string | undefined): string;
  /** The ledger outcome of a passing answer (default `ok`), given the tier that gave it. */
  settledOutcome?(value: T, tier: Tier): CallOutcome;
  /** Stream the answer into a result view (explain, ask); the view can then be followed up (Conversations). */
  showResult?: boolean;
  /** The result view quotes this as what was asked. */
  quote?: string;
  /** Where the result view opens (default: beside the active editor); always a kept tab. */
  resultColumn?: vscode.ViewColumn;
  /** Earlier turns of the conversation a follow-up continues (see buildRequest). */
  earlier?: readonly Turn[];
  /** The route goes no lower than this tier, fallbacks included (a follow-up stays on the tier that answered; judgment above the first pass). */
  floor?: { tier: Tier; why: string };
  /** Models a fallback or escalation of this request must not use (a review's judgment: the first pass's). */
  avoidModels?: readonly string[];
  /** Forces a tier (review's judgment pass); the plan still goes through the policy. */
  tier?: Tier;
  /** Reasons that head the chain when `tier` is forced. */
  tierReasons?: string[];
  /** The answer's expected size when it is known to be large (an edit writes the selection again); else a share of the prompt. */
  expectedOutputTokens?: number;
  /** The answer is the selection rewritten: cut at the output limit, it is not escalated (see runStep). */
  answerSizedByInput?: boolean;
  /** Block rather than downgrade for the budget (a retry one tier up; see RouteRequest). */
  noDowngrade?: boolean;
  /** Shares one task id across several steps (review's two passes). */
  taskId?: string;
  signal?: AbortSignal;
}

export interface RouteEstimate {
  classification: Classification;
  plan: RoutePlan;
  prompt: PromptPlan;
  promptTokens: number;
  /** Where promptTokens comes from. */
  tokenSource: 'count_tokens' | 'local estimate';
  /** The same request built for another model (escalation, fallback): caches are per model. */
  build(model: string): PromptPlan;
  /** Prices a plan for this request as its prompt will bill (see RequestRunner.planCost). */
  planCost: EstimateCostUsd;
  /** What the classifier saw. */
  input: ClassifyInput;
  /**
   * Why the prompt and its answer do not fit `window` tokens (by default the plan's model's
   * context), in a sentence for the user; undefined when they fit or the window is unknown.
   */
  tooLarge(window?: number): string | undefined;
}

export interface RequestOutcome<T> {
  value: T;
  text: string;
  plan: RoutePlan;
  taskId: string;
  records: CallRecord[];
  resultUri?: vscode.Uri;
}

/**
 * Why a request did not produce a value; the user has already been told. `records` are the
 * calls it billed before it stopped, so a caller with more of the task can still account for them.
 */
export class RequestStopped extends Error {
  constructor(reason: string, readonly records: readonly CallRecord[] = []) {
    super(reason);
  }
}

/**
 * In an untrusted workspace, says (with the way to trust it) that Ladder sends nothing, and
 * returns true: a command that would read the workspace for a request stops here first.
 */
export function refusedUntrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage('Ladder sends nothing from an untrusted workspace. Trust this folder to use Ladder here.', 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}

/** What a running request holds against the budget: its pre-flight estimate, until it settles. */
interface Reservation {
  micros: number;
}

/**
 * The one path every Ladder command takes: classify, route through the policy, build the
 * cached prompt, check the budget before sending, call with progress and cancel, check
 * the answer (escalating or falling back as the policy says), account for every attempt,
 * and explain failures in one actionable sentence.
 */
export class RequestRunner {
  /** Estimated cost of the requests running now, counted by each new pre-flight. */
  private reservedMicros = 0;
  /** Requests on the wire, by their abort: see stopAll. */
  private readonly inFlight = new Map<AbortController, Promise<unknown>>();

  constructor(private readonly c: Container) {}

  /**
   * Stops every request on the wire and waits (up to `timeoutMs`) for each to record what was
   * billed: a call cut off by a window reload or close has still been billed for its prompt.
   */
  async stopAll(timeoutMs = 3000): Promise<void> {
    const running = [...this.inFlight];
    for (const [abort] of running) abort.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled(running.map(([, p]) => p)), new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
    clearTimeout(timer);
  }

  /**
   * Runs a call that goes on the wire under an abort that follows `signal` and that stopAll
   * reaches while the call runs.
   */
  private async onWire<R>(signal: AbortSignal | undefined, call: (abort: AbortController) => PromiseLike<R>): Promise<R> {
    const abort = new AbortController();
    signal?.addEventListener('abort', () => abort.abort());
    const running = Promise.resolve(call(abort));
    this.inFlight.set(abort, running);
    try {
      return await running;
    } finally {
      this.inFlight.delete(abort);
    }
  }

  /** `preflight`: why this request would cross a limit not reached yet (see BudgetState). */
  private routingConfig(preflight?: string, planCost?: EstimateCostUsd): RoutingConfig {
    const settings = this.c.config.settings;
    const status = this.c.cost.budgetStatus();
    const reached = status.state === 'exceeded';
    return routingConfigFromSettings(settings, planCost ?? ((model, input, output) => estimateCostUsd(model, input, output, { table: this.c.pricing.table })), {
      state: preflight !== undefined ? 'exceeded' : status.state,
      onExceeded: settings['budget.onExceeded'],
      ...(preflight !== undefined && !reached ? { preflight } : {}),
    }, this.c.config.accessCapLevel);
  }

  /**
   * Prices a plan as its prompt will bill (see expectedUsage): the cached prefix is read where
   * it is warm on the plan's model and written where it is not (a cache write costs 1.25× or 2×
   * input, and caches are per model, so an escalation or fallback writes it again); another
   * model's tokenizer counts the prompt, counted on `countedOn`, anew.
   */
  private planCost(countedOn: string, promptOn: (model: string) => PromptPlan): EstimateCostUsd {
    return (model, inputTokens, outputTokens) => {
      const prompt = promptOn(model);
      const tokens = model === countedOn ? inputTokens : Math.round((inputTokens * tokenizerFactor(model)) / tokenizerFactor(countedOn));
      const usage = expectedUsage(prompt, tokens, outputTokens, this.c.workspace.cacheHealth.warmTokens(model, prompt, Date.now()));
      return costOfUsage(model, usage, { table: this.c.pricing.table }).usd;
    };
  }

  /**
   * The tier a step classified at `tier` now starts on, when the user's verdicts in this
   * workspace move it: planned by the policy itself, so the cap and budget count as they would
   * for a request. Ladder's own calls (the difficulty check, a review's judgment) are no step.
   */
  startsOn(stepType: string, tier: Tier): Tier | undefined {
    const step = STEP_TYPES.find((s) => s === stepType);
    if (step === undefined) return undefined;
    const plan = planRoute({ stepType: step, tier, ...this.verdictsOn(step, tier), estimatedInputTokens: 0, estimatedOutputTokens: 0 }, this.routingConfig());
    return compareTiers(plan.tier, tier) > 0 ? plan.tier : undefined;
  }

  /** This workspace's recent verdicts on a route, for planRoute; none when the user turned learning from them off. */
  private verdictsOn(stepType: StepType, tier: Tier): Pick<RouteRequest, 'verdicts'> {
    return this.c.config.get('routing.learnFromVerdicts') ? { verdicts: this.c.cost.recentVerdicts(stepType, tier) } : {};
  }

  /** Where a step whose edit the user rejected would go next, or why it cannot (cap, budget, top). */
  planAfterRejection(plan: RoutePlan): RoutePlan {
    return planEscalation(plan, { kind: 'rejected', detail: plan.model }, this.routingConfig());
  }

  /**
   * The plan for an answer asked for again one tier up: escalated from the tier and model that
   * gave it, as the policy escalates a step; refused at the cap, the top of the ladder or an
   * exceeded budget, with its notice. An answer given on a fallback (answeredOn keeps the tier
   * it was routed to) came from the tier below, a fallback's one step down: "one tier up" from
   * the answer read is the tier it was routed to.
   */
  planAboveAnswer(answered: { tier: Tier; model: string; fellBack?: boolean }, stepType: StepType): RoutePlan {
    const config = this.routingConfig();
    const tier = (answered.fellBack && tierBelow(answered.tier)) || answered.tier;
    const gave = { ...planRoute({ stepType, tier, estimatedInputTokens: 0, estimatedOutputTokens: 0 }, config), tier, model: answered.model };
    return planEscalation(gave, { kind: 'askedAbove', detail: answered.model }, config);
  }

  /** Classification and route plan for a request, and the prompt it would send. Sends nothing (count_tokens aside). */
  async estimate<T>(spec: RequestSpec<T>, options: { countTokens: boolean; override?: Tier; classification?: Classification; reservation?: Reservation; budgetElsewhere?: boolean }): Promise<RouteEstimate> {
    const selection = spec.selection;
    const input: ClassifyInput = {
      command: spec.command,
      text: spec.question,
      context: {
        ...(selection ? { selectedLines: selection.endLine - selection.startLine + 1, languageId: selection.languageId, code: selection.text } : {}),
        files: spec.contextStats?.files ?? (selection ? 1 : 0),
        paths: spec.contextStats?.paths ?? (selection ? [selection.path] : []),
      },
      ...(spec.finding ? { finding: spec.finding } : {}),
    };
    const classification = withFloor(options.classification ?? classifyRequest(input), spec.floor);
    const task: PromptTask = spec.task ?? classification.stepType;
    const segments = await this.c.workspace.segments();
    const built = new Map<string, PromptPlan>();
    const build = (model: string): PromptPlan => built.get(model) ?? built.set(model, buildRequest({
      task,
      model,
      context: segments.context,
      pinned: segments.pinned,
      selection: selection ? selectionInput(selection) : undefined,
      ...(spec.material ? { material: selectionInput(spec.material) } : {}),
      question: spec.question,
      ...(spec.earlier ? { earlier: spec.earlier } : {}),
      ttl: resolveTtl(this.c.config.get('cache.ttl'), this.c.workspace.cacheHealth.ttlStats()),
      maxTokens: spec.maxTokens,
    })).get(model)!;

    const tier = spec.tier ?? classification.tier;
    const reasons = spec.tier ? spec.tierReasons ?? [] : classification.reasons;
    // The user's verdicts move only the classifier's own route: not a tier Ladder or the user forced.
    const verdicts = spec.tier === undefined && options.override === undefined ? this.verdictsOn(classification.stepType, tier) : {};
    const draftConfig = this.routingConfig();
    const draftPlan = planRoute({ stepType: classification.stepType, tier, reasons, ...verdicts, ...(options.override ? { override: options.override } : {}), estimatedInputTokens: 0, estimatedOutputTokens: 0 }, draftConfig);
    let prompt = build(draftPlan.model);
    let promptTokens = localPromptTokens(prompt);
    let tokenSource: RouteEstimate['tokenSource'] = 'local estimate';
    // An exact count costs a round trip before the request; it is worth it only when a
    // decision hangs on it: a budget to respect, or a prompt near the context window.
    const budgeted = this.c.config.get('budget.session') > 0 || this.c.config.get('budget.daily') > 0;
    const nearWindow = promptTokens > 0.5 * (findModel(draftPlan.model)?.contextWindow ?? 200_000);
    if (options.countTokens && (budgeted || nearWindow) && (await this.c.apiKey.get())) {
      try {
        promptTokens = await this.c.gateway().countTokens(prompt.body);
        tokenSource = 'count_tokens';
      } catch (err) {
        // Over the context window the endpoint refuses, but its message carries the count.
        const tooLong = err instanceof ModelCallError ? /prompt is too long: (\d+) tokens/.exec(err.message) : null;
        if (tooLong?.[1]) {
          promptTokens = Number(tooLong[1]);
          tokenSource = 'count_tokens';
        } else {
          // Near the window the size check now rests on the estimate: worth a line in the log.
          this.c.log[nearWindow ? 'warn' : 'debug'](`count_tokens unavailable, using the local estimate: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    const outputTokens = Math.min(spec.maxTokens, Math.max(300, Math.round(promptTokens * 0.15), spec.expectedOutputTokens ?? 0));
    // Today's spend is in the ledger's newest file, read last: a budget is judged on all of it.
    if (budgeted) await this.c.cost.ready;
    const planCost = this.planCost(draftPlan.model, build);
    const estimatedMicros = Math.round(planCost(draftPlan.model, promptTokens, outputTokens) * MICROS_PER_USD);
    // The others' reservations, and this request's own in the same step (no await between): two
    // requests started together cannot both pass on the room only one of them has.
    const reservation = options.reservation;
    // A batch part is judged by its caller, once, at the batch's price.
    const preflight = options.budgetElsewhere ? { exceeded: false as const } : this.c.cost.budget.wouldExceed(estimatedMicros, this.reservedMicros - (reservation?.micros ?? 0));
    if (reservation) {
      this.reservedMicros += estimatedMicros - reservation.micros;
      reservation.micros = estimatedMicros;
    }
    // The notice says what would be crossed; how the prompt was counted is for the reason chain.
    const config = this.routingConfig(preflight.exceeded ? preflight.message : undefined, planCost);
    const plan = planRoute({
      stepType: classification.stepType,
      tier,
      reasons: preflight.exceeded ? [...reasons, `pre-flight (${tokenSource}): ${preflight.message}`] : reasons,
      ...verdicts,
      ...(options.override ? { override: options.override } : {}),
      ...(spec.noDowngrade ? { noDowngrade: true } : {}),
      ...(spec.floor ? { floor: spec.floor.tier } : {}),
      ...(spec.avoidModels ? { avoidModels: spec.avoidModels } : {}),
      estimatedInputTokens: promptTokens,
      estimatedOutputTokens: outputTokens,
    }, config);
    if (plan.model !== draftPlan.model) {
      prompt = build(plan.model);
      if (tokenSource === 'local estimate') promptTokens = localPromptTokens(prompt);
    }
    const tooLarge = (window = findModel(plan.model)?.contextWindow): string | undefined => {
      if (window === undefined || promptTokens + spec.maxTokens <= window) return undefined;
      const advice = spec.earlier?.length ? 'The conversation has grown too long: start a new Ask.' : 'Select less and try again.';
      return `this request is about ${promptTokens.toLocaleString('en-US')} tokens (${tokenSource}), more than ${plan.model}'s ${window.toLocaleString('en-US')}-token context. ${advice}`;
    };
    return { classification, plan, prompt, promptTokens, tokenSource, build, planCost, input, tooLarge };
  }

  /** Runs a request to completion; throws RequestStopped when there is no value (already reported). */
  async run<T>(spec: RequestSpec<T>): Promise<RequestOutcome<T>> {
    // Until it settles, this request's estimate counts against the budget for requests started
    // beside it: each pre-flight sees the others, so five at once cannot each pass alone.
    const reservation: Reservation = { micros: 0 };
    try {
      return await this.runReserved(spec, reservation);
    } finally {
      this.reservedMicros -= reservation.micros;
    }
  }

  private async runReserved<T>(spec: RequestSpec<T>, reservation: Reservation): Promise<RequestOutcome<T>> {
    if (refusedUntrusted()) throw new RequestStopped('untrusted workspace');
    if (!(await this.c.apiKey.ensure())) throw new RequestStopped('no API key');

    // The tier the user chose for the next request: this one's, unless Ladder forces the tier
    // (a review's judgment, a retry) or the caller took it already (a review, for all its parts).
    const taken = spec.tier || spec.override ? undefined : this.c.takeOverride();
    const override = spec.override ?? taken;
    // Nothing sent, nothing used: the choice waits for the next request.
    const giveBack = () => {
      if (taken && !this.c.pendingOverride) this.c.setOverride(taken);
    };
    const taskId = spec.taskId ?? randomUUID();
    // What the user is told when nothing is sent goes to the log too, under the task's id.
    const notSent = (text: string) => this.c.log.warn(`[${taskId.slice(0, 8)}] ${spec.title}: not sent: ${text}`);
    let estimate: RouteEstimate;
    try {
      estimate = await this.estimate(spec, { countTokens: true, reservation, ...(override ? { override } : {}) });
    } catch (err) {
      giveBack();
      if (err instanceof SecretLikeContentError) {
        notSent(err.message);
        void vscode.window.showErrorMessage(`Ladder: ${err.message}`);
        throw new RequestStopped('secret-like content');
      }
      throw err;
    }
    // The difficulty check's call is the task's too: its cost is in every total shown for the task.
    let checkRecords: readonly CallRecord[] = [];
    const tooLarge = (window?: number): void => {
      const text = estimate.tooLarge(window);
      if (text === undefined) return;
      notSent(text);
      giveBack();
      void vscode.window.showErrorMessage(`Ladder: ${text}`);
      throw new RequestStopped('too large', checkRecords);
    };
    // Before the difficulty check too, when no tier it could raise the request to has room
    // for the prompt: the check is a paid call. (Labour's model may have a smaller window
    // than execute's, so a check that raises the tier can make a prompt fit.)
    if (!estimate.plan.blocked) tooLarge(this.widestWindow());
    // A follow-up floored at the cap cannot move: the check could neither raise it nor lower it.
    const pinnedAtCap = spec.floor !== undefined && compareTiers(spec.floor.tier, effectiveCap(this.routingConfig())) >= 0;
    // Not for a request the budget blocks: the check is a paid call, and could cross the limit itself.
    if (!spec.tier && !override && vscode.workspace.isTrusted && !estimate.plan.blocked && !pinnedAtCap) {
      const checked = await this.checkDifficulty(spec, estimate, taskId);
      checkRecords = checked.records;
      if (checked.classification) estimate = await this.estimate(spec, { countTokens: true, reservation, classification: checked.classification });
    }
    const { plan, prompt, build } = estimate;
    if (plan.blocked) {
      const notice = plan.notice ?? 'the routing policy blocked this request.';
      notSent(notice);
      giveBack();
      warnOfBudget(`Ladder: ${notice}`, 'Budget Settings', 'Show Cost Report');
      throw new RequestStopped(notice, checkRecords);
    }
    tooLarge();
    if (plan.notice) void vscode.window.showInformationMessage(`Ladder: ${plan.notice}`);

    const docs = this.c.results;
    const resultUri = spec.showResult ? docs.create('ladder-result', resultViewName(spec.title, spec), '') : undefined;
    const asked = spec.quote ? `${spec.quote.split('\n').map((line) => `> ${line}`).join('\n')}\n\n` : '';
    const header = (route: RoutePlan, why: string) => `**${spec.title}** — ${why} **${route.model}** (${TIER_LABELS[route.tier]} tier)\n\n${asked}_Why:_ ${route.reasons.join(' → ') || 'default route'}\n\n---\n\n`;
    if (resultUri) {
      docs.set(resultUri, header(plan, 'routed to'));
      // The request goes out while the view opens; streamed text reaches the document either way.
      // A kept tab: in a preview tab the next answer (or a failed one) replaced a paid answer.
      // The focus stays where it is, unless the view covers what has it (a follow-up opens over
      // the answer it follows): the keyboard would be left on nothing.
      const viewColumn = spec.resultColumn ?? besideTheCode();
      const covers = viewColumn === vscode.ViewColumn.Active || vscode.window.activeTextEditor?.viewColumn === viewColumn;
      void vscode.window.showTextDocument(resultUri, { viewColumn, preview: false, preserveFocus: !covers });
    }

    const promptFor = (route: RoutePlan): PromptPlan => (route.model === plan.model ? prompt : build(route.model));
    let stopNotice: string | undefined;
    // The budget settings that stopped the last move, when the budget did: the limits the move would cross, or those already reached.
    let crossed: string[] = [];
    let budgetStop: string | undefined;
    // Each escalation or fallback is a new paid call: it sees the budget the calls before left,
    // and is checked before it goes, as this first call was (the pre-flight).
    const policy = stepPolicy(() => {
      crossed = [];
      return this.routingConfig(undefined, estimate.planCost);
    }, (final) => {
      stopNotice = final.notice;
      const reached = this.c.cost.budgetStatus().limits.filter((l) => l.state === 'exceeded').map((l) => l.scope);
      budgetStop = final.stoppedByBudget ? (crossed.length > 0 ? crossed : reached).map((scope) => `ladder.budget.${scope}`).join(' and ') || undefined : undefined;
    }, (candidate, spentMicros) => {
      const next = this.c.cost.budget.wouldExceed(spentMicros + Math.round(candidate.estimatedCostUsd * MICROS_PER_USD), this.reservedMicros - reservation.micros);
      crossed = next.scopes;
      return next.exceeded ? this.routingConfig(`${next.message} (estimate, with the attempt before it)`, estimate.planCost) : undefined;
    });

    const result = await this.onWire(spec.signal, (abort) => vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Ladder: ${spec.title}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        const now = () => Date.now();
        let previousModel = plan.model;
        let streaming = false;
        return runStep({
          taskId,
          command: spec.command,
          stepType: prompt.task,
          workspace: this.c.cost.workspaceTag,
          ...(override ? { override } : {}),
          route: plan,
          policy,
          buildBody: (route) => {
            const p = promptFor(route);
            this.c.workspace.cacheHealth.expectHit(p, now());
            return p.body as never;
          },
          check: (text) => spec.check(text),
          ...(spec.settledOutcome ? { settledOutcome: (value: T, route: RoutePlan) => spec.settledOutcome!(value, route.tier) } : {}),
          ...(spec.answerSizedByInput ? { answerSizedByInput: true } : {}),
          signal: abort.signal,
          onRetry: (route, cause, seconds) => {
            // The SDK waits before trying again (as the API asks, up to the gateway's limit): say so, or the toast looks stuck.
            const busy = cause === 'timeout' ? 'timed out' : cause === 'network' ? 'could not be reached' : cause === 429 ? 'is rate-limited' : cause === 529 ? 'is overloaded' : `answered HTTP ${cause}`;
            progress.report({ message: `${route.model} ${busy}; trying again${seconds !== undefined ? ` in ${seconds} s` : ''}…` });
          },
          onRoute: (route, why) => {
            const verb = why === 'start' ? 'asking' : why === 'escalated' ? 'escalated to' : 'fell back to';
            progress.report({ message: `${verb} ${route.model} (${TIER_LABELS[route.tier]})` });
            this.c.log.info(`[${taskId.slice(0, 8)}] ${spec.title}: ${verb} ${route.model} — ${route.reasons.join(' → ')}`);
            if (why !== 'start') {
              const switchNote = this.switchNote(previousModel, route.model, prompt);
              this.c.log.info(`[${taskId.slice(0, 8)}] cache: ${switchNote.text}`);
              // The toast names the cache only when the switch pays for a new write; the view and the log always do.
              if (route.notice) void vscode.window.showInformationMessage(`Ladder: ${route.notice}${switchNote.costs ? ` (${switchNote.text})` : ''}`);
              if (resultUri) docs.set(resultUri, `${header(route, why === 'escalated' ? 'escalated to' : 'fell back to')}_Cache:_ ${switchNote.text}\n\n`);
            }
            previousModel = route.model;
            streaming = false;
          },
          onText: (delta, route) => {
            if (!streaming) {
              // From the first byte on, this response's cache writes are readable by others.
              streaming = true;
              this.c.workspace.cacheHealth.streamStarted(promptFor(route), now());
            }
            if (resultUri) docs.append(resultUri, delta);
          },
          diagnoseCache: (route, usage) => this.observeCache(promptFor(route), usage),
          abandonCache: (route) => this.c.workspace.cacheHealth.abandon(promptFor(route)),
        }, this.stepDeps());
      },
    )).catch((err: unknown) => {
      // Not an answer a reload cut off: the next window must not say so of it.
      if (resultUri) docs.flush(resultUri);
      throw err;
    });

    const records = [...checkRecords, ...result.records];
    const micros = totalMicros(records);
    const callCount = callsSaid(records);
    const error = result.status === 'failed' ? result.error : undefined;
    const failure = result.status !== 'failed' ? undefined : error
      ? failureMessage(error instanceof ModelCallError ? error : new ModelCallError('network', String(error)), { model: result.route.model, baseUrl: this.c.config.get('api.baseUrl'), ...(stopNotice ? { fallbackNotice: stopNotice } : {}) })
      : { text: stopNotice ?? result.reason, actions: ['showLogs'] as FailureAction[] };
    if (resultUri) {
      docs.flush();
      // An answer that did not finish says so above the cost line (it passed a prose check).
      const stopped = result.status === 'ok' ? stopNote(result.response.stopReason) : undefined;
      const limit = result.status === 'ok' && result.response.stopReason === 'max_tokens' ? ` (${spec.maxTokens.toLocaleString('en-US')} tokens)` : '';
      const cut = stopped ? `_${stopped.charAt(0).toUpperCase()}${stopped.slice(1)}${limit}: ask a follow-up to go on._\n\n` : '';
      const footer = result.status === 'ok'
        ? `\n\n---\n${cut}_Answered by ${result.route.model} (${TIER_LABELS[result.route.tier]}). Task cost ${formatUsd(micros)} over ${callCount}._\n`
        : failure
        // The view says why, not only the toast that goes to the notification centre.
        ? `\n\n---\n**Failed:** ${this.c.log.clean(failure.text)}\n\n_Task cost ${formatUsd(micros)} over ${callCount}._\n`
        : `\n\n---\n_Cancelled. Task cost ${formatUsd(micros)} over ${callCount}._\n`;
      docs.append(resultUri, footer);
      docs.flush(resultUri);
    }
    if (resultUri && result.status !== 'ok') this.c.conversations.ended(resultUri, result.status);
    if (result.status === 'ok') {
      this.c.log.info(`[${taskId.slice(0, 8)}] done on ${result.route.model}; ${formatUsd(micros)} over ${callCount}`);
      if (resultUri) {
        this.c.conversations.remember(resultUri, {
          ...(spec.selection ? { selection: spec.selection } : {}),
          turns: [...(spec.earlier ?? []), { question: spec.question, answer: result.text }],
          ...answeredOn(result.route),
          ...(spec.task === 'ask' || spec.task === 'explain' ? { task: spec.task } : {}),
        });
      }
      return { value: result.value, text: result.text, plan: result.route, taskId, records, ...(resultUri ? { resultUri } : {}) };
    }
    if (result.status === 'cancelled') {
      // A step of a larger task (a review's part or judgment, a retry) says what the task has billed, as its report will.
      const task = spec.taskId ? this.c.cost.ledgerSummary.task(taskId)?.micros : undefined;
      void vscode.window.showInformationMessage(`Ladder: cancelled. ${task !== undefined && task > micros ? `${formatUsd(task)} was billed for this task` : `${formatUsd(micros)} was billed`} before the stop and is in the ledger.`);
      throw new RequestStopped('cancelled', records);
    }
    const message = failure!;
    this.c.log.error(`[${taskId.slice(0, 8)}] ${spec.title} failed: ${result.reason}`);
    // Without an error, the answer failed its check (see runStep).
    if (spec.checkFailed && !error) {
      const told = spec.checkFailed(budgetStop);
      void vscode.window.showWarningMessage(`Ladder: ${told}`);
      throw new RequestStopped(told, records);
    }
    // An answer in a view can be asked again as it was, when the trouble may pass (not a refused
    // key or request); an edit is asked again from its command, which shows the diff.
    const passing = error instanceof ModelCallError && TRANSIENT.has(error.kind);
    // The same question on the same terms: the tier chosen for it too (it was taken from the container).
    const again = { ...spec, ...(override ? { override } : {}) };
    this.showFailure(message.text, message.actions, resultUri && passing ? () => void this.run(again).catch(() => undefined) : undefined);
    throw new RequestStopped(message.text, records);
  }

  /** The largest context window among the ladder's models up to the access cap (undefined when one is unknown). */
  widestWindow(): number | undefined {
    const config = this.routingConfig();
    const cap = effectiveCap(config);
    const windows = TIERS.filter((t) => compareTiers(t, cap) <= 0).map((t) => findModel(config.ladder[t])?.contextWindow);
    return windows.some((w) => w === undefined) ? undefined : Math.max(...(windows as number[]));
  }

  /** How a step reaches the API, the ledger and the clock. */
  private stepDeps(): StepDeps {
    return {
      model: this.c.gateway(),
      record: (record) => this.c.cost.record(record),
      now: () => new Date(),
      newId: () => randomUUID(),
      log: (line) => this.c.log.warn(line),
      table: this.c.pricing.table,
    };
  }

  /**
   * The optional second opinion for low-confidence classifications: a short labour-tier
   * call whose JSON answer may move the tier one step within the policy's bounds. Its cost
   * is booked in the same task; a failed or invalid answer keeps the rules' result.
   */
  private async checkDifficulty<T>(spec: RequestSpec<T>, estimate: RouteEstimate, taskId: string): Promise<{ classification?: Classification; records: readonly CallRecord[] }> {
    const setting = difficultySettingOf(this.c.config.settings);
    if (!shouldCheckDifficulty(estimate.classification, setting)) return { records: [] };
    const config = this.routingConfig();
    // The selection has passed buildRequest's secret refusal by now (estimate runs it first).
    const request = buildDifficultyRequest(estimate.input, estimate.classification, spec.selection?.text);
    const route = planRoute({
      stepType: estimate.classification.stepType,
      tier: 'H',
      reasons: [`difficulty check: the classifier's confidence ${estimate.classification.confidence.toFixed(2)} is below ${setting.threshold}`],
      // Its instructions, the request and the head of the code: several hundred tokens, not a fixed guess.
      estimatedInputTokens: estimateTokens(JSON.stringify(difficultyBody(request, config.ladder.H)), config.ladder.H),
      estimatedOutputTokens: request.maxTokens,
    }, config);
    if (route.blocked) return { records: [] };
    // On the wire like any request: a window that closes stops it and records what it billed.
    // In a progress notification of its own, so the wait is seen and Cancel stops the request.
    let cancelled = false;
    const result = await this.onWire(spec.signal, (abort) => vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Ladder: ${spec.title}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => {
          cancelled = true;
          abort.abort();
        });
        progress.report({ message: `checking how hard this is (${route.model})…` });
        return runStep({
          taskId,
          command: spec.command,
          stepType: 'difficulty',
          workspace: this.c.cost.workspaceTag,
          route,
          // A second opinion is not worth escalating or falling back for.
          policy: { escalate: () => undefined, fallback: () => undefined },
          buildBody: (r) => difficultyBody(request, r.model),
          check: (text) => ({ ok: true, value: text }),
          // A second opinion is not worth waiting for: one attempt, a short deadline, then the rules' tier.
          maxRetries: 0,
          timeoutMs: Math.min(DIFFICULTY_TIMEOUT_MS, this.c.config.get('api.timeoutSeconds') * 1000),
          signal: abort.signal,
        }, this.stepDeps());
      },
    ));
    // Stopped by the user's Cancel, the caller's signal or the window closing (stopAll): the
    // request is not sent either. A timeout or a stall is 'failed', and the rules' tier stands.
    if (cancelled || result.status === 'cancelled') {
      const micros = totalMicros(result.records);
      if (cancelled) void vscode.window.showInformationMessage(`Ladder: cancelled before the request was sent. ${micros > 0 ? `The difficulty check billed ${formatUsd(micros)}; it is in the ledger.` : 'Nothing was billed.'}`);
      throw new RequestStopped('cancelled', result.records);
    }
    if (result.status !== 'ok') {
      this.c.log.warn(`[${taskId.slice(0, 8)}] difficulty check failed (${result.status}); kept the rules' tier`);
      return { records: result.records };
    }
    const outcome = applyDifficultyAnswer(estimate.classification, result.value, { cap: effectiveCap(config) });
    this.c.log.info(`[${taskId.slice(0, 8)}] ${outcome.log}`);
    return { classification: outcome.classification, records: result.records };
  }

  /** What moving this step to another model costs in cache writes (caches are per model), and whether it costs any. */
  private switchNote(fromModel: string, toModel: string, prompt: PromptPlan): { text: string; costs: boolean } {
    const price = (model: string, tokens: number, ttl: CacheTtl) => costOfUsage(model, {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: tokens,
      cache_creation: { ephemeral_5m_input_tokens: ttl === '5m' ? tokens : 0, ephemeral_1h_input_tokens: ttl === '1h' ? tokens : 0 },
    }, { table: this.c.pricing.table }).usd;
    const health = this.c.workspace.cacheHealth;
    const warmTokens = health.warmTokens(toModel, prompt, Date.now());
    const cost = cacheSwitchCost(fromModel, toModel, prompt.prefix, price, { ttl: prompt.ttl, warmTokens });
    return cost.usd > 0 ? { text: `${cost.reason}, about ${formatUsd(Math.round(cost.usd * MICROS_PER_USD))} (estimate)`, costs: true } : { text: cost.reason, costs: false };
  }

  /** Checks the cache read against what was expected; a miss goes to the log, the tooltip and the ledger record. */
  private observeCache(prompt: PromptPlan, usage: UsageLike): LedgerCacheMiss | undefined {
    const tokens = pricedTokens(usage);
    const observation = this.c.workspace.cacheHealth.observe(prompt, { input_tokens: tokens.input, cache_creation_input_tokens: tokens.cacheWrite5m + tokens.cacheWrite1h, cache_read_input_tokens: tokens.cacheRead }, Date.now());
    if (observation.miss) {
      const miss = observation.miss;
      const note = `miss on ${miss.segment} (${miss.cause}${miss.file ? `: ${miss.file}` : ''}) — ${miss.detail}`;
      this.c.log.warn(`cache ${note}`);
      this.c.cost.setCacheNote(note);
      return { segment: miss.segment, cause: miss.cause, detail: `${miss.file ? `${miss.file}: ` : ''}${miss.detail}`.slice(0, 500) };
    }
    if (observation.outcome === 'hit') {
      this.c.cost.setCacheNote(`last call read ${observation.readTokens.toLocaleString('en-US')} prompt tokens from cache`);
    }
    return undefined;
  }

  showFailure(text: string, actions: readonly FailureAction[], tryAgain?: () => void): void {
    const labels: Record<FailureAction, string> = { setApiKey: 'Set API Key', showLogs: 'Show Logs', openSettings: 'Open Settings' };
    const buttons = [...(tryAgain ? ['Try Again'] : []), ...actions.map((a) => labels[a])];
    void vscode.window.showErrorMessage(`Ladder: ${this.c.log.clean(text)}`, ...buttons).then((choice) => {
      if (choice === 'Try Again') tryAgain?.();
      else if (choice === labels.setApiKey) void vscode.commands.executeCommand(CommandIds.setApiKey);
      else if (choice === labels.showLogs) this.c.log.show();
      else if (choice === labels.openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', 'ladder');
    });
  }
}

/**
 * Where a result view opens: beside the code it is about, or where the user is when no
 * editor is open (an Ask from the palette), rather than beside an empty editor group.
 */
function besideTheCode(): vscode.ViewColumn {
  // The Output panel's editor is visible too, but in no column.
  return vscode.window.visibleTextEditors.some((e) => e.viewColumn !== undefined) ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
}

function localPromptTokens(prompt: PromptPlan): number {
  return prompt.segments.reduce((sum, s) => sum + s.tokens, 0) + prompt.requestTokens;
}

/** What a request reads of a selection: no editor objects. */
function selectionInput(selection: SelectionInput): SelectionInput {
  return { path: selection.path, ...(selection.origins ? { origins: selection.origins } : {}), ...(selection.leadsOut ? { leadsOut: selection.leadsOut } : {}), startLine: selection.startLine, endLine: selection.endLine, languageId: selection.languageId, text: selection.text };
}
