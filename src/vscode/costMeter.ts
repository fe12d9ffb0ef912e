import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fnv1a } from '../core/hash';
import { Budget, limitBesideShown } from '../core/ledger/budget';
import type { BudgetStatus } from '../core/ledger/budget';
import { countOf, formatUsd } from '../core/ledger/format';
import type { CallRecord, LedgerRecord, VerdictRecord } from '../core/ledger/record';
import { LedgerSummary, localDay } from '../core/ledger/summary';
import type { Aggregate, RouteVerdicts } from '../core/ledger/summary';
import type { Tier } from '../core/tiers';
import { TIER_LABELS, minTier, tierRank } from '../core/tiers';
import { MODEL_KEYS } from '../core/settings/schema';
import { VERDICT_WINDOW_DAYS, effectiveCap } from '../core/routing/policy';
import { costTooltip } from '../core/ledger/tooltip';
import { UnreadLines } from '../core/ledger/unread';
import type { UnreadLine } from '../core/ledger/unread';
import { DEFAULT_OPUS_BASELINE_MODEL } from '../core/pricing/priceTable';
import { LedgerBook } from '../llm/ledgerBook';
import type { LedgerStore } from '../llm/ledgerStore';
import { CommandIds } from './commandIds';
import type { Config } from './config';
import type { Log } from './log';
import type { Pricing } from './pricing';

const MICROS_PER_USD = 1_000_000;
/** At most this many failed writes are kept to retry (a day of heavy use); more are counted but not kept. */
const MAX_UNSAVED = 10_000;
/**
 * The workspaceState key of the meter's session: when it began, and when a window last showed
 * it alive (every SESSION_HEARTBEAT_MS). A window reload (a browser refresh in code-server) goes
 * on with the session and its budget, as a person expects of a reload; a window opened after
 * SESSION_GAP_MS without one starts a new session.
 */
const SESSION_KEY = 'ladder.session';
const SESSION_HEARTBEAT_MS = 60_000;
const SESSION_GAP_MS = 3 * 60_000;
/** The globalState key of the unread ledger lines the user was told of: each file's last such line. */
const UNREAD_TOLD_KEY = 'ladder.unreadToldOf';

/**
 * The cost ledger as the editor sees it: the JSONL store in global storage, the running
 * summary, the budget, and the status-bar meter that shows them. Every figure the meter
 * shows is read from the same summary the ledger feeds, so they cannot disagree.
 */
export class CostMeter implements vscode.Disposable {
  static readonly itemId = 'ladder.costMeter';
  private readonly book: LedgerBook;
  readonly budget: Budget;
  private readonly item = vscode.window.createStatusBarItem(CostMeter.itemId, vscode.StatusBarAlignment.Right, 100);
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after the summary took in new records (a call, a verdict, another window's writes). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private warnedAt: string | undefined;
  /** The last ledger write failed (so the user has been told). */
  private writeFailing = false;
  readonly ready: Promise<void>;
  readonly workspaceTag: string;
  /** When the meter's session began: this window's opening, its last Reset Session Cost, or the session a reload goes on with. */
  private sessionStart: string;
  private cacheNote: string | undefined;
  /** The tier the user chose for the next request (Choose Tier), until a request takes it. */
  private nextTier: Tier | undefined;
  /** Ledger lines no figure counts. */
  private readonly unread = new UnreadLines();
  /** Holds the unread lines the user was told of (UNREAD_TOLD_KEY). */
  private readonly globalState: vscode.Memento;
  /** Holds the session, so a window reload goes on with it (SESSION_KEY). */
  private readonly workspaceState: vscode.Memento;

  constructor(context: vscode.ExtensionContext, private readonly config: Config, private readonly log: Log, private readonly pricing: Pricing) {
    // A multi-root workspace is its .code-workspace file, as VS Code keys its state; one folder is
    // the folder. Windows without a folder are each their own: one shared tag made every empty
    // window count the others' calls as its session (and its session budget).
    // A window reloaded goes on with its session, and a window without a folder with its own tag.
    this.workspaceState = context.workspaceState;
    const going = goingOn(this.workspaceState.get(SESSION_KEY), Date.now());
    const folder = (vscode.workspace.workspaceFile ?? vscode.workspace.workspaceFolders?.[0]?.uri)?.toString();
    this.workspaceTag = folder ? workspaceTagOf(folder) : going?.tag ?? workspaceTagOf(`no-folder:${randomUUID()}`);
    this.sessionStart = going?.start ?? new Date().toISOString();
    this.keepSession();
    const alive = setInterval(() => this.keepSession(), SESSION_HEARTBEAT_MS);
    this.disposables.push({ dispose: () => clearInterval(alive) });
    this.book = new LedgerBook(path.join(context.globalStorageUri.fsPath, 'ledger'), () => this.newSummary(), MAX_UNSAVED);
    this.globalState = context.globalState;
    this.budget = new Budget(this.limits(), () => ({
      sessionMicros: this.ledgerSummary.session.micros,
      todayMicros: this.ledgerSummary.today(new Date()).micros,
    }));
    this.item.name = 'Ladder Cost Meter';
    this.item.command = CommandIds.showCostReport;
    this.render();
    this.item.show();
    this.disposables.push(
      this.item,
      this.emitter,
      config.onDidChange(() => {
        this.budget.setLimits(this.limits());
        // An open cost report shows the budget and the scope too.
        this.changed();
      }),
      // Savings and the all-Opus comparison are priced with the table in force: read the ledger
      // again with the new one, as a fresh window would. Recorded costs stay as recorded.
      pricing.onDidChange(() => void this.reprice()),
      // The meter says Ladder is off in Restricted Mode: trusting the window turns that off without a reload.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.render()),
    );
    // Loading reads the disk: it runs after activation, and the meter fills in when done.
    this.ready = this.load();
  }

  private newSummary(): LedgerSummary {
    return new LedgerSummary({ sessionStart: this.sessionStart, sessionWorkspace: this.workspaceTag, opusModel: DEFAULT_OPUS_BASELINE_MODEL, dayOf: localDay, table: this.pricing.table });
  }

  private limits() {
    return {
      sessionMicros: Math.round(this.config.get('budget.session') * MICROS_PER_USD),
      dailyMicros: Math.round(this.config.get('budget.daily') * MICROS_PER_USD),
    };
  }

  get store(): LedgerStore {
    return this.book.store;
  }

  private async load(): Promise<void> {
    try {
      const report = await this.book.load();
      this.takeUnread(report.problems, true);
      this.log.info(`ledger loaded: ${report.records} records from ${this.book.dir}`);
      this.book.watch((_records, read) => {
        this.takeUnread(read.problems, false);
        this.changed();
      });
      // "Today" turns over at local midnight without any call: the meter and report follow.
      let day = this.ledgerSummary.dayKeyOf(new Date());
      const midnight = setInterval(() => {
        const now = this.ledgerSummary.dayKeyOf(new Date());
        if (now === day) return;
        day = now;
        this.changed();
      }, 60_000);
      this.disposables.push({ dispose: () => clearInterval(midnight) });
    } catch (err) {
      this.log.error('could not load the cost ledger', err);
      this.log.warnUser(`Ladder: the cost ledger could not be read (${err instanceof Error ? err.message : String(err)}). Earlier costs are not counted: the meter, today's total and the daily budget start from this window's calls.`);
    }
    this.changed();
  }

  /**
   * Logs each line a read could not use once, and tells the user that figures may be low:
   * those lines drop out of the meter, the report and both budgets alike. Damage the user was
   * already told of (in any window, before any reload) is not said again; the report still says it.
   */
  private takeUnread(problems: readonly UnreadLine[], whole: boolean): void {
    for (const problem of this.unread.take(problems, whole)) this.log.warn(`ledger ${problem.file}:${problem.line} skipped (${problem.kind}): ${problem.message}`);
    const note = this.unread.note;
    if (note === undefined) return;
    // Ledger files only grow: the last line told of in each file covers every damaged line above it.
    const stored = this.globalState.get<unknown>(UNREAD_TOLD_KEY);
    const told: Record<string, unknown> = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...stored } : {};
    const lastTold = (file: string): number => (typeof told[file] === 'number' ? told[file] : 0);
    const unread = this.unread.all;
    if (unread.every((p) => lastTold(p.file) >= p.line)) return;
    for (const p of unread) told[p.file] = Math.max(lastTold(p.file), p.line);
    void this.globalState.update(UNREAD_TOLD_KEY, told);
    this.log.warnUser(`Ladder: ${note} The cost meter, the report and the budgets count only the lines read.`);
  }

  /** Ledger lines no figure counts, said as the report shows it; undefined when every line was read. */
  get unreadNote(): string | undefined {
    return this.unread.note;
  }

  /** Saves of the price overrides while a read runs make one more read (see LedgerBook.load). */
  private async reprice(): Promise<void> {
    await this.ready;
    try {
      const report = await this.book.load();
      this.takeUnread(report.problems, true);
      this.log.info(`ledger read again with the new prices: ${report.records} records`);
    } catch (err) {
      this.log.error('could not read the cost ledger again with the new prices; savings and the all-Opus figure keep the old ones', err);
    }
    this.changed();
  }

  /** A task's calls for the report's details: those on disk, and those waiting to be written. */
  callsOfTask(taskId: string, from: string, to: string): Promise<CallRecord[]> {
    return this.book.callsOfTask(taskId, from, to);
  }

  /** Writes the records whose write failed, if the ledger takes them now; returns how many still wait. */
  saveWaiting(): number {
    try {
      this.book.saveUnsaved();
    } catch (err) {
      this.log.error(`ledger: ${countOf(this.book.waiting, 'record')} still cannot be written`, err);
    }
    return this.book.waiting;
  }

  /** Appends a call record (idempotent by call id) and updates the meter at once. */
  record(record: CallRecord): void {
    this.write(record);
  }

  /** Records the user's accept/reject of a task's edit. */
  verdict(taskId: string, verdict: VerdictRecord['verdict'], callId?: string): void {
    this.write({ v: 1, kind: 'verdict', taskId, verdict, time: new Date().toISOString(), ...(callId ? { callId } : {}) });
  }

  private write(record: LedgerRecord): void {
    try {
      const waiting = this.book.waiting;
      this.book.write(record);
      if (waiting > 0) this.log.info(`ledger: wrote ${countOf(waiting, 'record')} whose first write had failed`);
      this.writeFailing = false;
    } catch (err) {
      // The figure still counts in this window, and the record is written once the ledger takes writes again.
      this.log.error(`ledger append failed for ${record.kind === 'verdict' ? 'a verdict' : record.callId}; kept to write later (${this.book.waiting} waiting)`, err);
      // Once per run of failures: other windows, the daily budget and the report read the disk copy.
      if (!this.writeFailing) {
        this.writeFailing = true;
        this.log.warnUser(`Ladder: the cost ledger could not be saved (${err instanceof Error ? err.message : String(err)}). Costs count in this window only until it can; other windows and the daily budget do not see them.`);
      }
    }
    this.changed();
  }

  /** The total the meter shows (session or today, per the setting), in micro-dollars. */
  shownAggregate(): Aggregate {
    return this.scope === 'today' ? this.ledgerSummary.today(new Date()) : this.ledgerSummary.session;
  }

  get scope(): 'session' | 'today' {
    return this.config.get('statusBar.show');
  }

  /** This workspace's latest verdicts on a step's edits from one tier, within the policy's window. */
  recentVerdicts(stepType: string, tier: Tier): RouteVerdicts {
    const since = new Date(Date.now() - VERDICT_WINDOW_DAYS * 86_400_000).toISOString();
    return this.ledgerSummary.recentVerdicts(this.workspaceTag, stepType, tier, since);
  }

  get ledgerSummary(): LedgerSummary {
    return this.book.summary;
  }

  /** A short cache-health note for the tooltip (latest diagnosed miss). */
  setCacheNote(note: string | undefined): void {
    this.cacheNote = note;
    this.render();
  }

  /** Shows the tier chosen for the next request in the meter and its tooltip, until a request takes it. */
  setNextTier(tier: Tier | undefined): void {
    if (tier === this.nextTier) return;
    this.nextTier = tier;
    this.render();
  }

  /** What the status bar shows right now (text and tooltip Markdown), for tests and the report. */
  get shown(): { text: string; tooltip: string; accessibleName: string } {
    const tooltip = this.item.tooltip;
    return {
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '',
      accessibleName: this.item.accessibilityInformation?.label ?? '',
    };
  }

  /** Notes the session as alive now: a reload within SESSION_GAP_MS of this goes on with it. */
  private keepSession(): void {
    void this.workspaceState.update(SESSION_KEY, { start: this.sessionStart, seen: Date.now(), tag: this.workspaceTag });
  }

  resetSession(): void {
    this.sessionStart = new Date().toISOString();
    this.keepSession();
    this.book.resetSession(this.sessionStart);
    // An open cost report shows the session too.
    this.changed();
  }

  budgetStatus(): BudgetStatus {
    return this.budget.status();
  }

  /** The meter shows what changed, and an open cost report hears of it. */
  private changed(): void {
    this.render();
    this.emitter.fire();
  }

  private render(): void {
    const scope = this.scope;
    const aggregate = this.shownAggregate();
    const budget = this.budget.status();
    const hasBudget = budget.limits.length > 0;
    // The chosen tier as the access cap leaves it now: "next: judgment" when exception was chosen but is not allowed.
    const nextTier = this.nextTier && minTier(this.nextTier, effectiveCap({ accessCap: this.config.get('routing.accessCap'), allowExceptionTier: this.config.get('routing.allowExceptionTier') }));
    const next = nextTier && { tier: nextTier, model: this.config.get(MODEL_KEYS[tierRank(nextTier)] ?? 'models.judgment') };
    const trusted = vscode.workspace.isTrusted;
    let tooltip = costTooltip({ scope, trusted, aggregate, opusModel: DEFAULT_OPUS_BASELINE_MODEL, ...(hasBudget ? { budget } : {}), ...(this.cacheNote ? { cacheNote: this.cacheNote } : {}), ...(next ? { next } : {}) });
    tooltip += `\n\n[Open cost report](command:${CommandIds.showCostReport})`;
    if (next) tooltip += ` · [Route the next request automatically](command:${CommandIds.chooseTier}?${encodeURIComponent(JSON.stringify(['auto']))})`;
    const markdown = new vscode.MarkdownString(tooltip);
    markdown.isTrusted = { enabledCommands: [CommandIds.showCostReport, CommandIds.chooseTier, ...(trusted ? [] : ['workbench.trust.manage'])] };
    const shown = formatUsd(aggregate.micros);
    const nextText = nextTier ? ` · next: ${TIER_LABELS[nextTier]}` : '';
    const limit = limitBesideShown(budget, scope);
    this.item.text = `$(pulse) Ladder ${shown}${scope === 'today' ? ' today' : ''}${limit ? ` · ${limit}` : ''}${nextText}`;
    this.item.tooltip = markdown;
    // What the colour says, said in words too: a screen reader hears no background.
    const standing = budget.state === 'ok' ? '' : `; ${budget.message}`;
    const nextWords = nextTier ? `; next request on the ${TIER_LABELS[nextTier]} tier` : '';
    const trustWords = trusted ? '' : '; nothing is sent until you trust this workspace';
    this.item.accessibilityInformation = { label: `Ladder ${scope === 'today' ? "today's" : 'session'} cost ${shown}${standing}${nextWords}${trustWords}`, role: 'button' };
    this.item.backgroundColor = budget.state === 'exceeded'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : budget.state === 'warn' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (budget.state !== 'ok' && this.warnedAt !== budget.state) {
      this.warnedAt = budget.state;
      warnOfBudget(`Ladder: ${budget.message}.`, 'Show Cost Report', 'Budget Settings');
    } else if (budget.state === 'ok') {
      this.warnedAt = undefined;
    }
  }

  dispose(): void {
    try {
      this.book.saveUnsaved();
    } catch (err) {
      this.log.error(`ledger: ${countOf(this.book.waiting, 'record')} could not be written before the window closed`, err);
    }
    this.book.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A budget warning whose buttons (in the order given) open the cost report or the budget settings. */
export function warnOfBudget(text: string, ...buttons: ('Show Cost Report' | 'Budget Settings')[]): void {
  void vscode.window.showWarningMessage(text, ...buttons).then((choice) => {
    if (choice === 'Show Cost Report') void vscode.commands.executeCommand(CommandIds.showCostReport);
    else if (choice === 'Budget Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'ladder.budget');
  });
}

/** A short, stable tag for a workspace: never its path. */
function workspaceTagOf(uri: string): string {
  return `ws-${(fnv1a(uri) >>> 0).toString(16).padStart(8, '0')}`;
}

/** The saved session if a window showed it within SESSION_GAP_MS of `now`; else undefined (a new session). */
function goingOn(saved: unknown, now: number): { start: string; tag?: string } | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const { start, seen, tag } = saved as { start?: unknown; seen?: unknown; tag?: unknown };
  if (typeof start !== 'string' || Number.isNaN(Date.parse(start)) || typeof seen !== 'number') return undefined;
  if (!(now - seen >= 0 && now - seen < SESSION_GAP_MS)) return undefined;
  return { start, ...(typeof tag === 'string' ? { tag } : {}) };
}
