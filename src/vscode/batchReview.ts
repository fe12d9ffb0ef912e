import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BatchClaim, CLAIM_KEPT_MS, PendingBatch, batchAnswer, batchCallId, changedFiles, claimStanding, fileKeys, partCustomId, partKey, pollDelayMs } from '../core/batch';
import type { BatchAnswer } from '../core/batch';
import { countOf, formatUsd } from '../core/ledger/format';
import { buildCallRecord, totalMicros } from '../core/ledger/record';
import type { CallOutcome, CallRecord } from '../core/ledger/record';
import { normaliseUsage } from '../core/pricing/cost';
import { SAVED_VERSION, readSaved } from '../core/resultViews';
import { SecretLikeContentError } from '../core/prompt/request';
import { failureMessage } from '../core/task/failureMessage';
import { ModelCallError } from '../core/task/ports';
import type { BatchState } from '../llm/anthropic';
import { CommandIds } from './commandIds';
import type { Container } from './container';
import { THIS_WINDOW, running } from './windows';
import { refusedUntrusted } from './requestRunner';
import type { EditorSelection, RouteEstimate } from './requestRunner';
import { firstPassRequests, folderMaterial } from './review';
import type { FolderMaterial, ReviewResult, ReviewService } from './review';

/** The workspaceState key of the batches sent and not yet finished (see PendingBatch), kept as the answers are (readSaved). */
const PENDING_KEY = 'ladder.pendingBatches';
/** True while a batch is pending: Cancel Batch Review shows in the palette. */
const PENDING_CONTEXT = 'ladder.batchPending';
const TITLE = 'Review at Batch Price';
const MICROS_PER_USD = 1_000_000;

/**
 * Review Folder at Batch Price: the folder review's first pass sent as one Message Batch (half
 * price, answered within 24 h). Pending batches are kept in workspaceState and checked with
 * backoff while a window is open, this one or the next after a reload. When a batch ends its
 * answers are booked in the ledger once each, and the review finishes as an interactive one
 * does (judgment, diagnostics, report).
 */
export class BatchReviews implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Checks made of each batch since this window started it or found it: the backoff's count. */
  private readonly checks = new Map<string, number>();
  /** A check under way, per batch: a timer and a command never finish the same batch twice. */
  private readonly running = new Map<string, Promise<ReviewResult | undefined>>();
  /** Batches whose checks the API refused (key or permission): told once per window, checked on. */
  private readonly refused = new Set<string>();
  /** The folders (see folderKey) whose batch is being prepared or sent. */
  private readonly sending = new Set<string>();
  /** Which window finishes an ended batch: another window on the workspace may hold it too. */
  private readonly claims: BatchClaims;
  private disposed = false;

  constructor(private readonly c: Container, private readonly reviews: ReviewService) {
    this.claims = new BatchClaims(c.context);
    void this.claims.prune().catch((err: unknown) => c.log.warn(`batch claims: could not remove old ones (${err instanceof Error ? err.message : String(err)})`));
    const stored = c.context.workspaceState.get(PENDING_KEY);
    const { entries: pending, damaged } = readSaved(stored, PendingBatch);
    if (damaged) this.tellDamaged(stored, pending);
    void vscode.commands.executeCommand('setContext', PENDING_CONTEXT, pending.some((p) => !p.canceled));
    for (const batch of pending) this.schedule(batch.id);
  }

  /**
   * Says that kept batches could not be read (by id where it can), once: they are dropped from
   * the list. Not followed, what they bill never reaches the ledger, which the user should know.
   */
  private tellDamaged(stored: unknown, readable: readonly PendingBatch[]): void {
    const listed = (stored as { entries?: unknown } | null | undefined)?.entries;
    const idOf = (e: unknown): unknown => (e as { id?: unknown } | null)?.id;
    const lost = (Array.isArray(listed) ? listed as unknown[] : []).filter((e) => !readable.some((p) => p.id === idOf(e)));
    const ids = lost.map(idOf).filter((id): id is string => typeof id === 'string');
    this.c.log.warn(`pending batch reviews kept in workspaceState could not be read and are no longer followed: ${JSON.stringify(Array.isArray(listed) ? lost : stored)?.slice(0, 4000)}`);
    const what = ids.length === 1 ? `a pending batch review (${ids[0]}) could not be read and is no longer followed, so what it bills`
      : `pending batch reviews${ids.length > 0 ? ` (${ids.join(', ')})` : ''} could not be read and are no longer followed, so what they bill`;
    void vscode.window.showWarningMessage(`Ladder: ${what} will not reach the ledger.`, 'Show Logs').then((choice) => {
      if (choice) this.c.log.show();
    });
    void this.save(readable);
  }

  /**
   * The batches sent and not finished, as this window keeps them. Another window open on the
   * workspace keeps its own copy and does not see this one's changes: which window finishes a
   * batch is settled by its claim (BatchClaims), not by this list.
   */
  get pending(): PendingBatch[] {
    return readSaved(this.c.context.workspaceState.get(PENDING_KEY), PendingBatch).entries;
  }

  private async save(pending: readonly PendingBatch[]): Promise<void> {
    await this.c.context.workspaceState.update(PENDING_KEY, { version: SAVED_VERSION, entries: pending });
    void vscode.commands.executeCommand('setContext', PENDING_CONTEXT, pending.some((p) => !p.canceled));
  }

  /**
   * Sends a folder's first pass as one batch, routed and prompted as the interactive review's
   * parts are, after a budget check at the batch's price (half the standard estimate).
   */
  async submit(material: { selection: EditorSelection; folder: FolderMaterial }, folderUri: vscode.Uri | undefined): Promise<PendingBatch | undefined> {
    if (refusedUntrusted() || !(await this.c.apiKey.ensure())) return undefined;
    // A second batch of the same folder is billed in full again: asked, not assumed.
    const key = folderKey(folderUri?.toString());
    if (this.sending.has(key)) {
      void vscode.window.showInformationMessage(`Ladder: a batch review of ${material.folder.where} is being sent already.`);
      return undefined;
    }
    this.sending.add(key);
    try {
      const waiting = this.pending.find((p) => !p.canceled && folderKey(p.folder) === key);
      if (waiting) {
        const again = 'Send Another';
        const choice = await vscode.window.showWarningMessage(`Ladder: a batch review of ${waiting.where} sent ${new Date(waiting.submitted).toLocaleString()} is still waiting for its results. Send another, billed again?`, { modal: true }, again);
        if (choice !== again) return undefined;
      }
      return await this.send(material, folderUri);
    } finally {
      this.sending.delete(key);
    }
  }

  private async send(material: { selection: EditorSelection; folder: FolderMaterial }, folderUri: vscode.Uri | undefined): Promise<PendingBatch | undefined> {
    const chosen = this.c.takeOverride();
    const giveBack = () => {
      if (chosen && !this.c.pendingOverride) this.c.setOverride(chosen);
    };
    const requests = firstPassRequests({ command: 'review', title: TITLE, ...material }, chosen);
    const estimates: RouteEstimate[] = [];
    try {
      for (const r of requests) estimates.push(await this.c.runner.estimate(r.spec, { countTokens: true, budgetElsewhere: true, ...(chosen ? { override: chosen } : {}) }));
    } catch (err) {
      giveBack();
      if (!(err instanceof SecretLikeContentError)) throw err;
      void vscode.window.showErrorMessage(`Ladder: ${err.message}`);
      return undefined;
    }
    const refused = estimates.map((e) => (e.plan.blocked ? e.plan.notice ?? 'the routing policy blocked this request.' : e.tooLarge())).find((why) => why !== undefined);
    // Half the standard estimate, with the answer's size the runner's plan guessed.
    const micros = estimates.reduce((sum, e) => sum + Math.round((e.planCost(e.plan.model, e.promptTokens, e.plan.estimatedOutputTokens) * MICROS_PER_USD) / 2), 0);
    const budget = refused === undefined ? this.c.cost.budget.wouldExceed(micros) : undefined;
    if (refused !== undefined || budget?.exceeded) {
      giveBack();
      const why = refused ?? `${budget!.message.replace(/^this request/, 'this batch at half price')}.`;
      this.c.log.warn(`${TITLE} of ${material.folder.where}: not sent: ${why}`);
      void vscode.window.showWarningMessage(`Ladder: ${why}`, 'Budget Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'ladder.budget');
      });
      return undefined;
    }
    let state: BatchState;
    try {
      state = await this.c.gateway().createBatch(estimates.map((e, i) => ({ customId: partCustomId(i + 1), body: e.prompt.body })));
    } catch (err) {
      giveBack();
      if (!(err instanceof ModelCallError)) throw err;
      const told = failureMessage(err, { model: estimates[0]!.plan.model, baseUrl: this.c.config.get('api.baseUrl') });
      this.c.runner.showFailure(`the batch was not sent: ${told.text}`, told.actions);
      return undefined;
    }
    const batch: PendingBatch = {
      id: state.id,
      ...(folderUri ? { folder: folderUri.toString() } : {}),
      where: material.folder.where,
      taskId: randomUUID(),
      parts: requests.map((r, i) => {
        const { plan } = estimates[i]!;
        return { customId: partCustomId(i + 1), part: i + 1, key: partKey(r.text), files: r.files, tier: plan.tier, model: plan.model, reasons: plan.reasons };
      }),
      submitted: new Date().toISOString(),
    };
    await this.save([...this.pending, batch]);
    this.c.log.info(`${TITLE} of ${batch.where}: sent ${countOf(requests.length, 'request')} as batch ${batch.id}, about ${formatUsd(micros)}`);
    void vscode.window.showInformationMessage(`Ladder: submitted ${countOf(requests.length, 'request')} reviewing ${batch.where} as one batch, at half price (about ${formatUsd(micros)}). Results usually arrive within the hour, at most in 24 h; Ladder checks while VS Code is open, and picks up again after a reload. To stop it, run Ladder: Cancel Batch Review.`, 'Cancel Batch Review').then((choice) => {
      if (choice) void vscode.commands.executeCommand(CommandIds.cancelBatchReview, batch.id);
    });
    this.checks.set(batch.id, 0);
    this.schedule(batch.id);
    return batch;
  }

  private schedule(id: string): void {
    clearTimeout(this.timers.get(id));
    if (this.disposed) return;
    const checks = this.checks.get(id) ?? 0;
    this.checks.set(id, checks + 1);
    this.timers.set(id, setTimeout(() => void this.check(id).catch((err: unknown) => this.c.log.error(`batch ${id}: the check failed`, err)), pollDelayMs(checks)));
  }

  /**
   * Checks a pending batch now: when it has ended, books its results and finishes the review
   * (returned); otherwise the next check is scheduled, later than the last.
   */
  check(id: string): Promise<ReviewResult | undefined> {
    const running = this.running.get(id) ?? this.checkOnce(id).finally(() => this.running.delete(id));
    this.running.set(id, running);
    return running;
  }

  private async checkOnce(id: string): Promise<ReviewResult | undefined> {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const batch = this.pending.find((p) => p.id === id);
    // Finished (here or in another window), or the window is closing.
    if (!batch || this.disposed) return undefined;
    // Finishing reads the folder and sends judgment: not before the workspace is trusted.
    if (!vscode.workspace.isTrusted) {
      this.schedule(id);
      return undefined;
    }
    try {
      // Another window may be finishing it, or have finished it: nothing to ask the API then.
      const seen = await this.claims.standing(id);
      if (seen === 'done') return await this.forget(id);
      if (seen === 'held') {
        this.schedule(id);
        return undefined;
      }
      const state = await this.c.gateway().retrieveBatch(id);
      if (state.status !== 'ended') {
        this.schedule(id);
        return undefined;
      }
      const answers = new Map((await this.c.gateway().batchResults(id)).map((line) => {
        const answer = batchAnswer(line, (usage) => normaliseUsage(usage).usage);
        return [answer.customId, answer] as const;
      }));
      // Claimed once its answers are in hand: a claim is never left by a failed download.
      const claim = await this.claims.take(id);
      if (claim === 'done') return await this.forget(id);
      if (claim === 'held') {
        this.schedule(id);
        return undefined;
      }
      // Its own claim: an earlier try in this window stopped (logged as a failed check).
      const interrupted = claim === 'claimed' ? undefined : claim === 'mine' ? 'an error, in the logs' : 'VS Code closed or reloaded';
      // Cancelled in another window, which marked it so only in its own state: no judgment either.
      return await this.finish(state.cancelled ? { ...batch, canceled: true } : batch, answers, state.endedAt ?? batch.submitted, interrupted);
    } catch (err) {
      if (err instanceof ModelCallError && err.kind === 'notFound') {
        await this.save(this.pending.filter((p) => p.id !== id));
        void vscode.window.showWarningMessage(`Ladder: the batch review of ${batch.where} (${id}) is no longer known to the API (deleted, or sent with another key); it is not followed any more.`);
        return undefined;
      }
      if (err instanceof ModelCallError && (err.kind === 'auth' || err.kind === 'permission') && !this.refused.has(id)) {
        this.refused.add(id);
        const told = failureMessage(err, { model: batch.parts[0]?.model ?? '', baseUrl: this.c.config.get('api.baseUrl') });
        this.c.runner.showFailure(`the batch review of ${batch.where} could not be checked: ${told.text} Ladder keeps checking.`, told.actions);
      }
      this.c.log.warn(`batch ${id}: could not check it (${err instanceof Error ? err.message : String(err)}); trying again later`);
      this.schedule(id);
      return undefined;
    }
  }

  /** Stops following a batch another window finished. */
  private async forget(id: string): Promise<undefined> {
    await this.save(this.pending.filter((p) => p.id !== id));
    this.c.log.info(`batch ${id}: finished in another window; no longer followed here`);
    return undefined;
  }

  /**
   * Books each answer once (its call id is the batch's and the request's, so a window reloaded
   * part-way books nothing twice), then finishes the review, unless it was cancelled.
   * `interrupted`: what stopped a window that started this review (and may have sent judgment)
   * before it ended; its findings land, not judged, and judgment is not sent again.
   */
  private async finish(batch: PendingBatch, answers: ReadonlyMap<string, BatchAnswer>, endedAt: string, interrupted: string | undefined): Promise<ReviewResult | undefined> {
    const booked = new Map<string, CallRecord>();
    const book = (part: PendingBatch['parts'][number], usage: Extract<BatchAnswer, { text: string }>['usage'], outcome: CallOutcome): CallRecord => {
      const { record } = buildCallRecord({
        taskId: batch.taskId, callId: batchCallId(batch.id, part.customId), time: endedAt, command: 'review', stepType: 'review',
        tier: part.tier, model: part.model, reason: `${part.reasons.join(' → ')} → sent in Message Batch ${batch.id}`.slice(0, 500), attempt: 1,
        usage, outcome, workspace: this.c.cost.workspaceTag,
      }, { table: this.c.pricing.table });
      this.c.cost.record(record);
      booked.set(part.customId, record);
      return record;
    };
    // Answers the review could not use (cancelled, or their files changed) were billed all the same.
    const bookRest = (outcome: CallOutcome): CallRecord[] => batch.parts.flatMap((part) => {
      const answer = answers.get(part.customId);
      return !booked.has(part.customId) && answer && 'text' in answer ? [book(part, answer.usage, outcome)] : [];
    });
    const answered = [...answers.values()].some((a) => 'text' in a);
    const material = batch.canceled || !answered ? undefined : await folderMaterial(this.c, batch.folder ? vscode.Uri.parse(batch.folder) : undefined);
    let result: ReviewResult | undefined;
    if (material) {
      const parts = new Map(batch.parts.map((p) => [p.key, p]));
      result = await this.reviews.review({
        command: 'review', title: TITLE, ...material, taskId: batch.taskId, batch: true,
        // The first pass is paid for: its findings land, not judged.
        ...(interrupted ? { noJudgment: `The review was interrupted while it was finishing (${interrupted}), and judgment may have been sent then, so it was not sent again.` } : {}),
        arrived: {
          part: (chunk) => {
            const part = parts.get(partKey(chunk.text));
            const answer = part && answers.get(part.customId);
            if (!part) {
              const changed = changedFiles(fileKeys(chunk.text, chunk.parts ?? []), batch.parts);
              return `its part changed since the batch was sent${changed.length > 0 ? ` (${changed.join(', ')} changed)` : ''}; review it again`;
            }
            if (!answer) return 'the batch returned no result for it';
            if ('unanswered' in answer) return answer.unanswered;
            return {
              text: answer.text,
              plan: { tier: part.tier, baseTier: part.tier, model: part.model, reasons: [...part.reasons, `sent in Message Batch ${batch.id} at half price`] },
              record: (outcome) => book(part, answer.usage, outcome),
            };
          },
          unused: () => bookRest('ok'),
        },
      });
    }
    bookRest(batch.canceled ? 'cancelled' : 'ok');
    // Done before it leaves the list: a window that still lists it then only lets it go. A claim
    // that cannot be marked done would have this window finish it again at every check.
    await this.claims.finished(batch.id).catch((err: unknown) => this.c.log.warn(`batch ${batch.id}: could not mark its claim done (${err instanceof Error ? err.message : String(err)})`));
    await this.save(this.pending.filter((p) => p.id !== batch.id));
    const billed = totalMicros([...booked.values()]);
    if (batch.canceled) {
      void vscode.window.showInformationMessage(`Ladder: the batch review of ${batch.where} was cancelled. ${booked.size > 0 ? `${countOf(booked.size, 'request')} answered before the cancel ${booked.size === 1 ? 'was' : 'were'} billed ${formatUsd(billed)} at batch price (in the ledger); the rest were not run or billed.` : 'Nothing was billed.'}`);
    } else if (!answered) {
      void vscode.window.showWarningMessage(`Ladder: the batch for ${batch.where} ended with no answers (every request failed or expired); nothing was billed.`);
    } else if (!material) {
      void vscode.window.showWarningMessage(`Ladder: the batch for ${batch.where} ended, but the folder could not be read again, so no review was made. ${formatUsd(billed)} was billed for it and is in the ledger.`);
    } else if (interrupted) {
      void vscode.window.showWarningMessage(`Ladder: the batch review of ${batch.where} was interrupted while it was finishing (${interrupted}). Its first pass's findings are shown; judgment, which may have run then, was not sent again.`);
    }
    return result;
  }

  /** Cancels a pending batch (asks which when there are several) and says what was billed. */
  async cancel(id?: string): Promise<void> {
    const pending = this.pending.filter((p) => !p.canceled);
    const batch = id !== undefined ? pending.find((p) => p.id === id) : pending.length > 1
      ? (await vscode.window.showQuickPick(pending.map((p) => ({ label: p.where, description: `sent ${new Date(p.submitted).toLocaleString()}`, batch: p })), { title: 'Cancel which batch review?' }))?.batch
      : pending[0];
    if (!batch) {
      if (pending.length === 0) void vscode.window.showInformationMessage('Ladder: no batch review is waiting.');
      return;
    }
    // Its batch has ended: what runs now is judgment, which its own progress notification cancels.
    const claim = await this.claims.standing(batch.id);
    if (claim === 'mine' || claim === 'held') {
      void vscode.window.showInformationMessage(`Ladder: the batch review of ${batch.where} has its results and is finishing${claim === 'held' ? ' in another window' : ''}; to stop its judgment, use Cancel on its progress notification${claim === 'held' ? ' there' : ''}.`);
      return;
    }
    if (claim === 'done') {
      await this.forget(batch.id);
      void vscode.window.showInformationMessage(`Ladder: the batch review of ${batch.where} was finished in another window.`);
      return;
    }
    try {
      await this.c.gateway().cancelBatch(batch.id);
    } catch (err) {
      if (!(err instanceof ModelCallError)) throw err;
      this.c.runner.showFailure(`the batch was not cancelled: ${err.message}`, ['showLogs']);
      return;
    }
    await this.save(this.pending.map((p) => (p.id === batch.id ? { ...p, canceled: true } : p)));
    this.checks.set(batch.id, 0);
    await this.check(batch.id);
    if (this.pending.some((p) => p.id === batch.id)) {
      void vscode.window.showInformationMessage(`Ladder: cancelling the batch review of ${batch.where}. Requests already answered are billed at batch price; Ladder books them when the batch ends.`);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Where the batches' claims are kept: this workspace's storage, which each window open on it shares. */
function claimsFolder(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): string {
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'batchClaims');
}

/** The file of a batch's claim (see BatchClaim). */
export function batchClaimFile(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>, id: string): string {
  return path.join(claimsFolder(context), `${id.replace(/[^\w-]/g, '_')}.json`);
}

/**
 * The claim files of the batches, one per batch id (see BatchClaim). Claiming is an exclusive
 * create (`wx`): of two windows, exactly one gets the batch; the other sends nothing and looks
 * again later, until the claim is done (it stops following the batch) or abandoned. A window
 * that died finishing leaves its claim behind: the next window sees that its process is gone
 * (same host) or that the claim is older than anything finishing takes, and takes it over.
 * Taking over is a plain overwrite, not exclusive, but it is safe: the window that takes over
 * sends no judgment, and the ledger books each batch answer once by its call id.
 */
class BatchClaims {
  /** This window's claims; a window reloaded is another owner (and another process). */
  private readonly owner = randomUUID();

  private readonly folder: string;

  constructor(private readonly context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>) {
    this.folder = claimsFolder(context);
  }

  private file(id: string): string {
    return batchClaimFile(this.context, id);
  }

  private claim(done = false): string {
    const claim: BatchClaim = { owner: this.owner, ...THIS_WINDOW, time: new Date().toISOString(), ...(done ? { done } : {}) };
    return JSON.stringify(claim);
  }

  /** The batch's claim as this window reads it; undefined when it has none. */
  async standing(id: string): Promise<ReturnType<typeof claimStanding> | undefined> {
    let text: string;
    let writtenAt: number;
    try {
      [text, { mtimeMs: writtenAt }] = await Promise.all([fs.readFile(this.file(id), 'utf8'), fs.stat(this.file(id))]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let claim: BatchClaim | undefined;
    try {
      const parsed = BatchClaim.safeParse(JSON.parse(text));
      claim = parsed.success ? parsed.data : undefined;
    } catch {
      // Being written by its window this instant, or damaged: claimStanding goes by the file's time.
    }
    return claimStanding(claim, writtenAt, { owner: this.owner, host: THIS_WINDOW.host, now: Date.now(), running });
  }

  /**
   * Claims an ended batch for this window: `claimed` when it is this window's alone; otherwise
   * the claim found, `abandoned` (and `mine`) meaning this window finishes it without judgment.
   */
  async take(id: string): Promise<'claimed' | ReturnType<typeof claimStanding>> {
    await fs.mkdir(this.folder, { recursive: true });
    try {
      await fs.writeFile(this.file(id), this.claim(), { flag: 'wx' });
      return 'claimed';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // Gone between the two (never, as claims are removed only long after they are done): look again later.
    const standing = (await this.standing(id)) ?? 'held';
    if (standing === 'abandoned') await fs.writeFile(this.file(id), this.claim());
    return standing;
  }

  /** The batch is finished: every window that still lists it lets it go. */
  async finished(id: string): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    await fs.writeFile(this.file(id), this.claim(true));
  }

  /** Removes claims older than CLAIM_KEPT_MS. */
  async prune(): Promise<void> {
    const names = await fs.readdir(this.folder).catch(() => []);
    const now = Date.now();
    for (const name of names) {
      const file = path.join(this.folder, name);
      // Another window may be pruning too.
      const written = (await fs.stat(file).catch(() => undefined))?.mtimeMs;
      if (written !== undefined && now - written > CLAIM_KEPT_MS) await fs.rm(file, { force: true });
    }
  }
}

/**
 * Which folder a batch reviews, as one string: the palette's "the workspace" (no folder) of a
 * one-folder window is its folder, as the Explorer's root folder is.
 */
function folderKey(folder: string | undefined): string {
  const roots = vscode.workspace.workspaceFolders ?? [];
  return folder ?? (roots.length === 1 ? roots[0]!.uri.toString() : '');
}
