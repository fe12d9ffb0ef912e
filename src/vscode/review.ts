import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { z } from 'zod';
import { Finding as FindingShape, FindingsAnswer, JudgeAnswer, Verdict, extractAnswer } from '../core/protocol';
import { totalMicros } from '../core/ledger/record';
import type { CallOutcome, CallRecord } from '../core/ledger/record';
import { callsSaid, countOf, formatUsd, formatUsdAlike } from '../core/ledger/format';
import type { Finding } from '../core/protocol';
import { DIGEST_LOCATIONS, buildDigest, chunkLines, clampTo, digestChunks, escalationReason, judgmentReason, judgmentTally, locateInDigest, mergeVerdicts, provenance, reviewFindingsText, reviewReport, toldAsSentence, triage } from '../core/review';
import { fileKeys } from '../core/batch';
import type { Digest, DigestPart, FoundFinding, ReviewReport } from '../core/review';
import { findCodeRisks, sayCodeRisks } from '../core/routing/codeRisks';
import type { ReviewedFinding } from '../core/review';
import type { RequestCommand } from '../core/steps';
import { newestWithin, readSaved, SAVED_VERSION, whereOf } from '../core/resultViews';
import type { CheckResult } from '../core/task/runStep';
import { TIER_LABELS, TIERS, compareTiers, tierAbove } from '../core/tiers';
import type { Tier } from '../core/tiers';
import { BatchReviews } from './batchReview';
import { CommandIds } from './commandIds';
import { answeredOn } from './conversations';
import type { Container } from './container';
import { RequestStopped, refusedUntrusted } from './requestRunner';
import type { EditorSelection, RequestSpec } from './requestRunner';
import type { RoutePlan } from '../core/routing/policy';

export interface ReviewResult {
  findings: ReviewedFinding[];
  rejected: ReviewedFinding[];
  summary: string;
  taskId: string;
  costMicros: number;
  reportUri: vscode.Uri;
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
  // Not Hint: hints are faint dots that the Problems view leaves out, and the report says each finding is there.
  info: vscode.DiagnosticSeverity.Information,
};

/** Which review made a finding: a review replaces its own kind's earlier findings, not another's. */
const REVIEW_KINDS = ['review', 'securityReview', 'architecture'] as const;
type ReviewKind = (typeof REVIEW_KINDS)[number];

/**
 * The workspaceState key of the findings kept across a window reload: in a file (not an
 * untitled buffer or a notebook cell, which a reload renames), with the code they are about
 * when it is short, the newest within SAVED_FINDINGS_CHARS as stored. What is left of the
 * 512 KiB VS Code warns at once answers and conversations are kept (resultViews.ts).
 */
const FINDINGS_KEY = 'ladder.findings';
const SAVED_FINDINGS_CHARS = 48 * 1024;
const SAVED_CODE_CHARS = 2_000;
const tier = z.enum(TIERS as [Tier, ...Tier[]]);
const savedFinding = z.object({
  uri: z.string(),
  kind: z.enum(REVIEW_KINDS),
  code: z.string(),
  finding: FindingShape.extend({
    foundBy: tier,
    foundByModel: z.string(),
    confirmedBy: tier.optional(),
    confirmedByModel: z.string().optional(),
    verdict: Verdict.shape.verdict.optional(),
    escalated: z.string().optional(),
  }),
});

/** A finding shown as a diagnostic, with the code its lines held when the review ran. */
export interface ShownFinding {
  readonly id: number;
  readonly uri: vscode.Uri;
  readonly kind: ReviewKind;
  readonly finding: ReviewedFinding;
  readonly diagnostic: vscode.Diagnostic;
  /** Lines startLine..endLine as the review read them; undefined when the text was not at hand. */
  readonly code: string | undefined;
}

/** Lines `start`..`end` (1-based, inclusive) of a text split at its newlines. */
function linesOf(lines: readonly string[], start: number, end: number): string {
  return lines.slice(start - 1, end).join('\n');
}

/**
 * Where `code` (lines `start`..`end` when a review read them) starts now in `lines`: the same
 * line if it is still there, else the one place it moved to (lines added or removed above
 * it); undefined when it changed or appears more than once.
 */
function codeAt(lines: readonly string[], start: number, end: number, code: string): number | undefined {
  if (linesOf(lines, start, end) === code) return start;
  const height = end - start + 1;
  const matches: number[] = [];
  for (let i = 0; i + height <= lines.length && matches.length < 2; i++) {
    if (linesOf(lines, i + 1, i + height) === code) matches.push(i + 1);
  }
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * A finding moved by edits (applied in turn, as VS Code reports them): lines added or removed
 * above it shift it; an edit inside its lines stretches or shrinks its end.
 */
function followEdits(shown: ShownFinding, changes: readonly vscode.TextDocumentContentChangeEvent[]): ShownFinding {
  let start = shown.finding.startLine - 1;
  let end = shown.finding.endLine - 1;
  for (const { range, text } of changes) {
    const delta = (text.match(/\n/g)?.length ?? 0) - (range.end.line - range.start.line);
    if (delta === 0 || range.start.line > end) continue;
    // Ending where its first line starts (Enter at the start of it) is above it too.
    if (range.end.line < start || (range.end.line === start && range.end.character === 0)) start += delta;
    end = Math.max(start, end + delta);
  }
  if (start === shown.finding.startLine - 1 && end === shown.finding.endLine - 1) return shown;
  const finding = { ...shown.finding, startLine: start + 1, endLine: end + 1 };
  return { ...shown, finding, diagnostic: diagnosticOf(finding, new vscode.Range(start, 0, end, shown.diagnostic.range.end.character)) };
}

/** The diagnostic that shows a finding on `range`. */
function diagnosticOf(f: ReviewedFinding, range: vscode.Range): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(range, `${f.message} (${f.category}, confidence ${f.confidence.toFixed(2)}; ${provenance(f)})`, SEVERITY[f.severity]);
  diagnostic.source = 'Ladder';
  diagnostic.code = f.category;
  return diagnostic;
}

/** The open document whose URI is `key`, if there is one. */
function openDocument(key: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/** `text()` split into lines, once per key of `cache`. */
function splitOnce(cache: Map<string, string[]>, key: string, text: () => string): string[] {
  let lines = cache.get(key);
  if (!lines) cache.set(key, (lines = text().split('\n')));
  return lines;
}

/** `chunk`: the lines the material spans, to clamp findings to (a digest's are placed by locateInDigest instead). */
function checkFindings(text: string, chunk: { startLine: number; endLine: number } | undefined): CheckResult<Finding[]> {
  const answer = extractAnswer(text, FindingsAnswer);
  if (!answer) return { ok: false, reason: 'the findings do not match the review schema' };
  if (!chunk) return { ok: true, value: answer.findings };
  return { ok: true, value: answer.findings.map((f) => clampTo(f, chunk)) };
}

/** `chunk`: the selection's lines, to clamp the findings the judge adds to (as checkFindings does the first pass's). */
function checkJudge(text: string, count: number, chunk: { startLine: number; endLine: number } | undefined): CheckResult<JudgeAnswer> {
  const answer = extractAnswer(text, JudgeAnswer);
  if (!answer) return { ok: false, reason: 'the verdicts do not match the judge schema' };
  if (answer.verdicts.some((v) => v.index >= count)) return { ok: false, reason: 'a verdict names a finding that was not sent' };
  if (!chunk) return { ok: true, value: answer };
  return { ok: true, value: { ...answer, added: answer.added.map((f) => clampTo(f, chunk)) } };
}

/** A folder's reviewable files, their digest (the selection's text), and how the report names the folder. */
export interface FolderMaterial {
  files: readonly { path: string; text: string }[];
  digest: Digest;
  where: string;
  /** Files of the folder not read, or not read whole, and why (see WorkspaceContext.digest). */
  leftOut: readonly { path: string; why: string }[];
}

const FOLDER_LIMITS = { maxFiles: 40, maxChars: 120_000 };

/**
 * A digest as the selection a request reads: a read-only virtual document, `path` the folder.
 * Not an untitled document: VS Code shows those in an empty editor area, unsaved, and asks to
 * save them when the window closes.
 */
async function digestSelection(c: Container, text: string, path: string): Promise<EditorSelection> {
  const document = await vscode.workspace.openTextDocument(c.results.create('ladder-result', `${path} digest.txt`, text, false, { save: false }));
  const lastLine = document.lineCount - 1;
  return { document, range: new vscode.Range(0, 0, lastLine, document.lineAt(lastLine).text.length), text, path, startLine: 1, endLine: lastLine + 1, languageId: 'plaintext' };
}

/** What a review is asked to do. */
export interface ReviewOptions {
  command: RequestCommand;
  title: string;
  selection: EditorSelection;
  security?: boolean;
  architecture?: boolean;
  folder?: FolderMaterial;
  /** The first pass, answered already (a Message Batch): none of it is sent again. */
  arrived?: ArrivedPass;
  /** The task every call is booked under (a batch's, chosen when it was sent); a new one by default. */
  taskId?: string;
  /** The report's name says so: "Review · src (batch).md". */
  batch?: boolean;
  /** Why judgment is not sent (it may have run already): the findings land as not judged, and the report says this. */
  noJudgment?: string;
}

/**
 * A first pass that ran elsewhere: for a part (by its text, as sent), its answer, the route it
 * ran on and `record`, which books its call with the outcome the review gives it and returns
 * the record; or why it has no answer (the part's files are then named as not reviewed).
 */
export interface ArrivedPass {
  part(chunk: { text: string; parts?: readonly DigestPart[] }): { text: string; plan: Pick<RoutePlan, 'tier' | 'baseTier' | 'model' | 'reasons'>; record(outcome: CallOutcome): CallRecord } | string;
  /** Books the answers no part used (their text changed since), billed all the same: the report counts them. */
  unused(): CallRecord[];
}

/** A part of the first pass: lines of the selection, or a digest of whole files of a folder. */
interface Chunk {
  text: string;
  startLine: number;
  endLine: number;
  parts?: readonly DigestPart[];
}

function kindOf(options: Pick<ReviewOptions, 'security' | 'architecture'>): ReviewKind {
  return options.architecture ? 'architecture' : options.security ? 'securityReview' : 'review';
}

/** The tier the first pass reads on: execute for a security review or long material, else labour. */
function firstTierOf(options: Pick<ReviewOptions, 'security' | 'selection'>): Tier {
  return options.security || options.selection.endLine - options.selection.startLine > 60 ? 'S' : 'H';
}

function firstReasonsOf(tier: Tier): string[] {
  return [`review pass 1: the ${TIER_LABELS[tier]} tier reads the material and lists findings; judgment checks what matters`];
}

/**
 * Parts of a selection or file a review reads without asking (3,200 lines). A folder is bounded
 * by its digest; a file has no bound of its own, and a generated one can be hundreds of parts.
 */
const LONG_REVIEW_PARTS = 8;

/**
 * Asks before a review of more than LONG_REVIEW_PARTS parts, with their number and the first
 * pass's estimated cost: all of it, the first parts only, or nothing (undefined).
 */
async function longReview(selection: EditorSelection, chunks: readonly Chunk[], partUsd: number | undefined): Promise<'all' | 'first' | undefined> {
  const lines = selection.endLine - selection.startLine + 1;
  const cost = partUsd === undefined ? '' : `, about ${formatUsd(Math.round(partUsd * chunks.length * 1_000_000))} for them before judgment (estimate)`;
  const all = `Review All ${chunks.length.toLocaleString('en-US')} Parts`;
  const first = `Review the First ${LONG_REVIEW_PARTS}`;
  const choice = await vscode.window.showWarningMessage(
    `Ladder: ${selection.path} is ${lines.toLocaleString('en-US')} lines. A review reads it in ${chunks.length.toLocaleString('en-US')} parts of ${chunks[0]!.endLine - chunks[0]!.startLine + 1} lines, each a paid call${cost}.`,
    { modal: true, detail: `The first ${LONG_REVIEW_PARTS} parts are lines ${selection.startLine}-${chunks[LONG_REVIEW_PARTS - 1]!.endLine}; the report names the lines left unread.` },
    all, first,
  );
  return choice === all ? 'all' : choice === first ? 'first' : undefined;
}

/** Architecture sees a folder whole in one pass; a review reads it a digest of whole files at a time. */
function chunksOf(options: ReviewOptions): Chunk[] {
  const { folder, selection } = options;
  return folder
    ? (options.architecture ? [folder.digest] : digestChunks(folder.files)).map((d) => ({ text: d.text, startLine: 1, endLine: d.lines, parts: d.parts }))
    : chunkLines(selection.text, selection.startLine);
}

/** The request for part `i` of the first pass, without its route. */
function firstPassSpec(options: ReviewOptions, chunks: readonly Chunk[], i: number): RequestSpec<Finding[]> {
  const { folder, selection } = options;
  const chunk = chunks[i]!;
  return {
    command: options.command,
    title: chunks.length > 1 ? `${options.title} (part ${i + 1}/${chunks.length})` : options.title,
    task: kindOf(options),
    question: (options.architecture
      ? 'Review the architecture of this code: module boundaries, dependencies, data flow, error handling strategy, and risks. Report each finding.'
      : options.security
      ? 'Review this code for security problems (injection, escaping, auth, secrets, unsafe deserialisation, path traversal, races). Report each finding.'
      : 'Review this code: correctness, security, concurrency, reliability and maintainability. Report each finding.') + (folder ? ` ${DIGEST_LOCATIONS}` : ''),
    selection: { ...selection, text: chunk.text, startLine: chunk.startLine, endLine: chunk.endLine },
    // A key in a later part stops the review before any part is sent.
    ...(folder ? {} : { material: selection }),
    maxTokens: 4096,
    ...(options.architecture ? { contextStats: { files: folder?.files.length ?? 1, paths: folder?.files.slice(0, 20).map((f) => f.path) ?? [selection.path] } } : {}),
    check: (text) => checkFindings(text, chunk.parts ? undefined : chunk),
  };
}

/**
 * The first pass of a review (not an architecture review) as its requests, each with its
 * part's text and the keys of its files' lines: what a Message Batch sends, routed as review() routes its parts.
 */
export function firstPassRequests(options: ReviewOptions, chosen: Tier | undefined): { text: string; files: Record<string, string>; spec: RequestSpec<Finding[]> }[] {
  const chunks = chunksOf(options);
  const tier = firstTierOf(options);
  return chunks.map((chunk, i) => ({
    text: chunk.text,
    files: fileKeys(chunk.text, chunk.parts ?? []),
    spec: { ...firstPassSpec(options, chunks, i), ...(chosen ? { override: chosen } : { tier, tierReasons: firstReasonsOf(tier) }) },
  }));
}

/** A part's findings as the review keeps them: back in the files they are about, each with the tier that found it. */
function foundIn(chunk: Chunk, found: readonly Finding[], plan: { tier: Tier; model: string }): FoundFinding[] {
  const parts = chunk.parts;
  return (parts ? found.map((f) => locateInDigest(f, parts)) : found).map((f) => ({ ...f, foundBy: plan.tier, foundByModel: plan.model }));
}

/** Under the report's task cost, when some calls ran in a Message Batch: what they cost, and the rest. */
function batchSplit(calls: readonly CallRecord[]): string {
  const batch = calls.filter((c) => c.usage.service_tier === 'batch');
  if (batch.length === 0) return '';
  const interactive = calls.filter((c) => c.usage.service_tier !== 'batch');
  const [batchText, interactiveText] = formatUsdAlike([totalMicros(batch), totalMicros(interactive)]);
  return `\n_Batch calls (half price): ${batchText} over ${callsSaid(batch)}; interactive calls: ${interactiveText} over ${callsSaid(interactive)}._\n`;
}

/** What the summary says when judgment did not run and was not needed: findings a part found on judgment's tier (or above) are not sent to it. */
function ownWords(ownJudgment: readonly FoundFinding[]): string {
  const weighty = ownJudgment.filter((f) => escalationReason(f));
  if (weighty.length === 0) return 'none needed judgment.';
  const on = [...new Set(weighty.map((f) => `the ${TIER_LABELS[f.foundBy]} tier (${f.foundByModel})`))].join(' and ');
  return `${weighty.length === 1 ? 'the one that needed judgment was' : `the ${weighty.length} that needed judgment were`} found on ${on}, so ${weighty.length === 1 ? 'it was' : 'they were'} not sent to judgment.`;
}

/** The request's outcome, or the RequestStopped it ended with; anything else still throws. */
async function orStopped<T>(running: Promise<T>): Promise<T | RequestStopped> {
  try {
    return await running;
  } catch (err) {
    if (err instanceof RequestStopped) return err;
    throw err;
  }
}

/**
 * A folder (or the workspace, for no folder) as review material: the files the context index
 * includes (never secret, ignored, binary or huge ones), bounded in count and size. Tells the
 * user and returns undefined when there is nothing to review.
 */
export async function folderMaterial(c: Container, folderUri: vscode.Uri | undefined): Promise<{ selection: EditorSelection; folder: FolderMaterial } | undefined> {
  // Before the folder is scanned and read for nothing.
  if (refusedUntrusted()) return undefined;
  if (!c.workspace.hasFolder) {
    void vscode.window.showInformationMessage('Ladder: open a folder to review it.');
    return undefined;
  }
  const rel = folderUri ? c.workspace.folderPath(folderUri) : '';
  if (rel === undefined) {
    void vscode.window.showInformationMessage(`Ladder: ${folderUri?.fsPath} is outside the workspace's folders (${c.workspace.folderNames}); add it to the workspace to review it.`);
    return undefined;
  }
  const { files, leftOut } = await c.workspace.digest(rel, FOLDER_LIMITS);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`Ladder: nothing reviewable in ${rel || 'the workspace'} (secret, ignored and binary files are never sent).`);
    return undefined;
  }
  const where = `${rel || 'the workspace'} (${countOf(files.length, 'file')})`;
  const digest = buildDigest(files);
  return { selection: await digestSelection(c, digest.text, rel || '.'), folder: { files, digest, where, leftOut } };
}

/**
 * Review with escalation (the seeds' research pipeline applied to code): a cheap pass reads
 * the material in chunks and reports structured findings; security-related, high-severity
 * and low-confidence findings go to the judgment tier, which confirms, rejects or rewrites
 * them and writes the summary. Findings become diagnostics and a report ending with the
 * task's cost.
 */
export class ReviewService implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('Ladder');
  /** The findings behind the diagnostics, by file URI. */
  private readonly shown = new Map<string, ShownFinding[]>();
  private shownIds = 0;

  /** The light bulb's "Fix with Ladder" on each Ladder diagnostic. */
  private readonly fixes = vscode.languages.registerCodeActionsProvider(
    [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-notebook-cell' }],
    { provideCodeActions: (document, _range, context) => this.fixActions(document, context) },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );

  /** Findings follow their file when it is renamed or moved, and go with it when it is deleted. */
  private readonly fileEvents = [
    // Lines added or removed move each finding, as the editor moves its squiggle: set again
    // later (after a fix), a finding whose code cannot be found keeps the lines it moved to.
    vscode.workspace.onDidChangeTextDocument((e) => {
      const key = e.document.uri.toString();
      const list = this.shown.get(key);
      if (list && e.contentChanges.some((c) => c.range.start.line !== c.range.end.line || c.text.includes('\n'))) this.shown.set(key, list.map((s) => followEdits(s, e.contentChanges)));
    }),
    vscode.workspace.onDidRenameFiles((e) => {
      for (const { oldUri, newUri } of e.files) this.moveFindings(oldUri, newUri);
    }),
    vscode.workspace.onDidDeleteFiles((e) => {
      for (const uri of e.files) this.moveFindings(uri, undefined);
    }),
    // A folder taken out of the workspace takes its findings with it, as language servers' go:
    // each file's that no folder still holds (the folder sat inside another, or held one).
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = e.removed.map((folder) => folder.uri.toString());
      for (const key of [...this.shown.keys()]) {
        const uri = vscode.Uri.parse(key);
        if (removed.some((r) => key.startsWith(`${r}/`)) && !vscode.workspace.getWorkspaceFolder(uri)) this.moveFindings(uri, undefined);
      }
    }),
    // An untitled buffer closed is gone (saved, it is a file now, reviewed again there). A
    // language change closes and reopens the document: gone is only what stays closed.
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme !== 'untitled') return;
      const key = document.uri.toString();
      setTimeout(() => {
        if (!openDocument(key)) this.moveFindings(document.uri, undefined);
      }, 1000);
    }),
  ];

  /** Folder reviews sent as Message Batches, followed from activation on. */
  readonly batches: BatchReviews;

  constructor(private readonly c: Container) {
    this.batches = new BatchReviews(c, this);
    void this.restore().catch((err: unknown) => c.log.warn(`Review findings from the last window were not restored: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * The findings the last window showed, each where its code is now; one whose code changed
   * or went (the file edited or deleted since) is not shown again. A file a review has shown
   * findings in since activation keeps those.
   */
  private async restore(): Promise<void> {
    const { entries, damaged } = readSaved(this.c.context.workspaceState.get(FINDINGS_KEY), savedFinding);
    if (damaged) this.c.log.warn('Some review findings kept from the last window were damaged or from another version of Ladder, and are not shown again.');
    const byUri = new Map<string, typeof entries>();
    for (const entry of entries) byUri.set(entry.uri, [...(byUri.get(entry.uri) ?? []), entry]);
    const decoder = new TextDecoder();
    for (const [key, saved] of byUri) {
      const uri = vscode.Uri.parse(key);
      const open = openDocument(key);
      const text = open ? open.getText() : await vscode.workspace.fs.readFile(uri).then((bytes) => decoder.decode(bytes), () => undefined);
      if (text === undefined || this.shown.has(key)) continue;
      const lines = text.split('\n');
      const shown = saved.flatMap(({ kind, finding, code }): ShownFinding[] => {
        const at = codeAt(lines, finding.startLine, finding.endLine, code);
        if (at === undefined) return [];
        const end = at + finding.endLine - finding.startLine;
        const range = new vscode.Range(at - 1, 0, end - 1, (lines[end - 1] ?? '').replace(/\r$/, '').length);
        const placed = { ...finding, startLine: at, endLine: end };
        return [{ id: ++this.shownIds, uri, kind, finding: placed, diagnostic: diagnosticOf(placed, range), code }];
      });
      if (shown.length === 0) continue;
      this.shown.set(key, shown);
      this.diagnostics.set(uri, shown.map((s) => s.diagnostic));
    }
    this.changed();
  }

  /** After findings were shown, fixed, moved or dropped: the menus that offer a fix, and what the next window shows. */
  private changed(): void {
    this.publishFindingPaths();
    const kept = [...this.shown.values()].flat()
      .filter((s) => s.uri.scheme !== 'untitled' && s.uri.scheme !== 'vscode-notebook-cell' && s.code !== undefined && s.code.length <= SAVED_CODE_CHARS)
      .sort((a, b) => a.id - b.id)
      .map((s) => ({ uri: s.uri.toString(), kind: s.kind, code: s.code, finding: s.finding }));
    const entries = newestWithin(kept, Number.MAX_SAFE_INTEGER, SAVED_FINDINGS_CHARS, (e) => JSON.stringify(e).length);
    void Promise.resolve(this.c.context.workspaceState.update(FINDINGS_KEY, { version: SAVED_VERSION, entries })).catch((err: unknown) => this.c.log.warn(`Review findings could not be kept for the next window: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Moves the findings of `from` (a file, or every file under a folder) to `to`, or drops them. */
  private moveFindings(from: vscode.Uri, to: vscode.Uri | undefined): void {
    const prefix = from.toString();
    const moved = [...this.shown.entries()].filter(([key]) => key === prefix || key.startsWith(`${prefix}/`));
    for (const [key, list] of moved) {
      const oldUri = list[0]?.uri ?? vscode.Uri.parse(key);
      this.shown.delete(key);
      this.diagnostics.delete(oldUri);
      if (!to) continue;
      const newUri = vscode.Uri.parse(to.toString() + key.slice(prefix.length));
      this.show(newUri, list.map((s) => ({ ...s, uri: newUri })));
    }
    if (moved.length > 0) this.changed();
  }

  private fixActions(document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const shown = this.shown.get(document.uri.toString());
    if (!shown) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Ladder') continue;
      // The context holds copies: match on the message, and the line when two say the same.
      const same = shown.filter((s) => s.diagnostic.message === diagnostic.message);
      const match = same.find((s) => s.diagnostic.range.start.line === diagnostic.range.start.line) ?? same[0];
      if (!match) continue;
      const message = match.finding.message;
      const action = new vscode.CodeAction(`Fix with Ladder: ${message.length > 70 ? `${message.slice(0, 69)}…` : message}`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.command = { command: CommandIds.fixFinding, title: action.title, arguments: [match.id] };
      actions.push(action);
    }
    // Beside the single fixes, once: all the file's findings in one request and one diff.
    if (actions.length > 0 && shown.length > 1) {
      const all = new vscode.CodeAction(`Fix all ${shown.length} Ladder findings in this file`, vscode.CodeActionKind.QuickFix);
      all.diagnostics = actions.flatMap((a) => a.diagnostics ?? []);
      all.command = { command: CommandIds.fixAllFindings, title: all.title, arguments: [document.uri] };
      actions.push(all);
    }
    return actions;
  }

  /**
   * `architecture`: one pass routed by the classifier (judgment work from the start), no
   * second pass; otherwise the two-pass review with escalation. `folder`: the material is a
   * folder's files (`selection` is their digest); each pass reads a digest of whole files, and
   * findings go back to the files they name.
   */
  async review(options: ReviewOptions): Promise<ReviewResult> {
    const { selection, folder, arrived } = options;
    // The file as the review reads it, whole lines and line endings as the document has them:
    // each finding keeps its lines from this, for Fix to find again (see publish).
    const readText = selection.document.getText();
    const taskId = options.taskId ?? randomUUID();
    // A tier you chose for the next request is this review's: every part of its first pass
    // reads on it (judgment still judges, as the escalation it is). A pass that has arrived ran on its own.
    const chosen = arrived ? undefined : this.c.takeOverride();
    const outcomes: { plan: Pick<RoutePlan, 'tier' | 'baseTier' | 'model' | 'reasons'>; records: readonly CallRecord[] }[] = [];
    // The chunk each first-pass outcome read, and the parts whose answer did not arrive (and why).
    const passChunks: number[] = [];
    const unanswered = new Map<number, string>();
    const firstTier = firstTierOf(options);
    // Risky constructs in the code: the judgment pass reads it even if the cheap pass saw nothing.
    const risksIn = (texts: readonly string[]) => (options.architecture ? [] : findCodeRisks(texts.join('\n')));
    const firstReasons = firstReasonsOf(firstTier);

    const judgeBase = { command: options.command, title: `${options.title}: judgment`, task: 'reviewJudge' as const, question: '', maxTokens: 4096, tier: 'O' as const, taskId, check: (): CheckResult<never> => ({ ok: false, reason: 'not sent' }) };
    // Where judgment would run as the policy stands before the first pass (cap, budget).
    // A selection the request refuses (a key in it) throws here too: the first part's run says so.
    const judgePlan = options.architecture ? undefined : (await this.c.runner.estimate({ ...judgeBase, selection }, { countTokens: false }).catch(() => undefined))?.plan;
    const judgeTier = judgePlan && !judgePlan.blocked ? judgePlan.tier : undefined;
    const findings: FoundFinding[] = [];
    // Billed answers to parts that could not be read: counted in the task, no findings.
    const stray: CallRecord[] = [];
    let firstTierUsed: Tier = firstTier;
    let chunks = chunksOf(options);
    // Lines of a long selection or file you chose not to have read (see longReview).
    let leftUnread: { path: string; why: string } | undefined;
    if (!folder && !arrived && chunks.length > LONG_REVIEW_PARTS) {
      const cost = (await this.c.runner.estimate({ ...firstPassSpec(options, chunks, 0), tier: firstTier, tierReasons: firstReasons, taskId }, { countTokens: false }).catch(() => undefined))?.plan.estimatedCostUsd;
      const choice = await longReview(selection, chunks, cost);
      if (choice === undefined) throw new RequestStopped('a long review not confirmed');
      if (choice === 'first') {
        const last = chunks[LONG_REVIEW_PARTS - 1]!.endLine;
        leftUnread = { path: selection.path, why: `lines ${last + 1}-${selection.endLine}: you chose to review the first ${LONG_REVIEW_PARTS} parts (lines ${selection.startLine}-${last})` };
        chunks = chunks.slice(0, LONG_REVIEW_PARTS);
      }
    }
    const locations = folder ? ` ${DIGEST_LOCATIONS}` : '';
    // A part that cannot run (budget, failure, cancel) ends the pass; the parts before it are
    // paid for, so their findings are kept and the review says what was not read.
    let partStopped: { part: number; err: RequestStopped } | undefined;
    for (const [i, chunk] of chunks.entries()) {
      // One pass, one tier: later parts read where the first part was routed.
      const route: { override?: Tier; tier?: Tier; tierReasons?: string[] } = chosen ? { override: chosen }
        : !options.architecture ? { tier: firstTier, tierReasons: firstReasons }
        : i === 0 ? {}
        : { tier: firstTierUsed, tierReasons: [`as part 1 of this architecture review (${TIER_LABELS[firstTierUsed]})`] };
      const spec: RequestSpec<Finding[]> = {
        ...firstPassSpec(options, chunks, i),
        ...route,
        taskId,
        // A pass whose findings go to judgment is an escalation in the ledger and the report;
        // not when judgment has no tier above the one that answered (it is not sent then).
        ...(judgeTier ? { settledOutcome: (found: Finding[], tier: Tier) => (compareTiers(judgeTier, tier) > 0 && judgmentReason(triage(found).escalate, options.security === true, risksIn([chunk.text])) ? 'escalated' as const : 'ok' as const) } : {}),
      };
      if (arrived) {
        // Answered already: checked and recorded as a part run here would be; a part without a
        // usable answer is named as not reviewed, and the others go on.
        const got = arrived.part(chunk);
        if (typeof got === 'string') {
          unanswered.set(i, got);
          continue;
        }
        const checked = spec.check(got.text);
        const record = got.record(checked.ok ? spec.settledOutcome?.(checked.value, got.plan.tier) ?? 'ok' : 'failed');
        if (!checked.ok) {
          unanswered.set(i, `its answer could not be read (${checked.reason})`);
          stray.push(record);
          continue;
        }
        outcomes.push({ plan: got.plan, records: [record] });
        passChunks.push(i);
        findings.push(...foundIn(chunk, checked.value, got.plan));
        continue;
      }
      const running = this.c.runner.run(spec);
      // The first part stopping ends the review; when nothing was sent, your chosen tier waits for the next request.
      const outcome = i === 0 ? await running.catch((err: unknown) => {
        if (chosen && err instanceof RequestStopped && err.records.length === 0 && !this.c.pendingOverride) this.c.setOverride(chosen);
        throw err;
      }) : await orStopped(running);
      if (outcome instanceof RequestStopped) {
        partStopped = { part: i + 1, err: outcome };
        break;
      }
      outcomes.push(outcome);
      passChunks.push(i);
      findings.push(...foundIn(chunk, outcome.value, outcome.plan));
      if (i === 0) firstTierUsed = outcome.plan.tier;
    }
    if (arrived) stray.push(...arrived.unused());
    // The first pass's parts, each named in the report's route when there are several; judgment's outcome follows them.
    const routes = outcomes.map((o, i) => ({ model: o.plan.model, tier: TIER_LABELS[o.plan.tier], reasons: o.plan.reasons, ...(chunks.length > 1 ? { part: passChunks[i]! + 1 } : {}) }));
    // Parts whose answer did not arrive: their files are named as not reviewed, as files over the bounds are.
    const notReviewed = [...(folder?.leftOut ?? []), ...(leftUnread ? [leftUnread] : []), ...[...unanswered].flatMap(([i, why]) => (chunks[i]!.parts ?? []).map((p) => ({ path: p.path, why: chunks.length > 1 ? `part ${i + 1}: ${why}` : why })))];

    // A part that answered on judgment's tier or above (it escalated or fell back there) is its
    // own judgment: judging it would pay a tier no higher to confirm it. Judgment reads the
    // parts below it, as their ledger records say (settledOutcome), or, when there are none,
    // every part (and is not sent when it cannot go above them: see sameTier).
    const below = outcomes.flatMap((o, i) => (judgeTier && compareTiers(judgeTier, o.plan.tier) > 0 ? [i] : []));
    const judgedParts = below.length > 0 ? below : outcomes.map((_, i) => i);
    const judgedTiers = new Set(judgedParts.map((i) => outcomes[i]!.plan.tier));
    const judgedModels = [...new Set(judgedParts.map((i) => outcomes[i]!.plan.model))];
    const topJudged = TIERS.filter((t) => judgedTiers.has(t)).at(-1) ?? firstTier;
    const ownJudgment = findings.filter((f) => !judgedTiers.has(f.foundBy));
    const codeRisks = risksIn(judgedParts.map((i) => chunks[passChunks[i]!]!.text));
    const { escalate, keep } = options.architecture ? { escalate: [], keep: findings } : triage(findings.filter((f) => judgedTiers.has(f.foundBy)));
    keep.push(...ownJudgment);
    let judge: { tier: Tier; model: string; answer: JudgeAnswer; reasons: readonly string[] } | undefined;
    // Where judgment was routed, for the report's follow-ups: a fallback below it does not lower them.
    let judgeRoute: ReturnType<typeof answeredOn> | undefined;
    let judgeStopped: RequestStopped | undefined;
    // An answer that fails its check on the highest tier allowed: the toast and the summary say this.
    // When the budget kept a higher tier from retrying, running the review again meets the same budget: it is named.
    const unreadable = (budget: string | undefined) => `Judgment's answer could not be read, so ${escalate.length > 0 ? `the first pass's ${countOf(escalate.length, 'finding')} sent to it ${escalate.length === 1 ? 'is' : 'are'} shown, not confirmed` : 'the findings are the first pass\'s'}. ${budget ? `The budget (${budget}) stopped Ladder from asking a higher tier; raise it, then run the review again.` : 'Run the review again to retry.'}`;
    let unreadableTold: string | undefined;
    const whyJudge = options.architecture || partStopped ? undefined : judgmentReason(escalate, options.security === true, codeRisks);
    if (whyJudge && options.noJudgment !== undefined) {
      judgeStopped = new RequestStopped(options.noJudgment);
    } else if (whyJudge) {
      const listed = escalate.map(({ finding: { foundBy: _tier, foundByModel: _model, ...finding }, reason }, index) => ({ index, reason, ...finding }));
      const unflagged = escalate.length === 0 && codeRisks.length > 0
        ? `\nThe code has constructs where security, concurrency or data-loss problems often hide (${sayCodeRisks(codeRisks, codeRisks.length)}); the first pass raised nothing about them, so check them.`
        : '';
      // Of a folder, judgment reads only the files its findings (or its risky constructs) are in.
      const judged = folder ? await this.judgeMaterial(folder, selection, escalate.length > 0 ? new Set(escalate.map((e) => e.finding.file)) : undefined) : undefined;
      const judgeSpec = {
        ...judgeBase,
        question: `A first review pass (${judgedModels.join(', ')}) reported these findings, which need judgment:\n\`\`\`json\n${JSON.stringify({ findings: listed }, null, 2)}\n\`\`\`\nConfirm, reject or rewrite each by index, add any important finding it missed, and write the summary.${unflagged}${locations}`,
        selection: judged?.selection ?? selection,
        tierReasons: [whyJudge],
        // A fallback for an overloaded judge never lands on the tier of the parts it judges: that model would confirm its own findings.
        ...(tierAbove(topJudged) ? { floor: { tier: tierAbove(topJudged)!, why: `judgment reads above the first pass (${TIER_LABELS[topJudged]})` } } : {}),
        // Nor on their model when two tiers share it.
        avoidModels: judgedModels,
        check: (text: string) => checkJudge(text, escalate.length, folder ? undefined : selection),
        checkFailed: (budget: string | undefined) => (unreadableTold = unreadable(budget)),
      };
      // The access cap (or a budget downgrade) can leave judgment no tier above the first
      // pass's: the same model would be paid to confirm its own findings. Not sent, and said.
      const planned = (await this.c.runner.estimate(judgeSpec, { countTokens: false })).plan;
      const sameTier = !planned.blocked && compareTiers(planned.tier, topJudged) <= 0;
      const sameModel = !planned.blocked && !sameTier && judgeSpec.avoidModels.includes(planned.model);
      // The first pass is paid for: when judgment cannot run (budget, overload, cancel), its
      // findings still land, marked as not judged, and the report counts every billed call.
      const outcome = sameTier
        ? new RequestStopped(`Judgment would run on ${TIER_LABELS[planned.tier]} (${planned.model}), no higher than the first pass, so it was not sent: ${planned.reasons.find((r) => r.startsWith('capped at') || r.startsWith('budget exceeded')) ?? 'the routing policy allows nothing higher'}.`)
        : sameModel
        ? new RequestStopped(`Judgment would run on ${planned.model}, the model that wrote the first pass (two tiers of your ladder share it), so it was not sent.`)
        : await orStopped(this.c.runner.run(judgeSpec));
      if (outcome instanceof RequestStopped) {
        judgeStopped = outcome;
      } else {
        outcomes.push(outcome);
        const answer = judged ? { ...outcome.value, added: outcome.value.added.map((f) => locateInDigest(f, judged.parts)) } : outcome.value;
        judge = { tier: outcome.plan.tier, model: outcome.plan.model, answer, reasons: outcome.plan.reasons };
        judgeRoute = answeredOn(outcome.plan);
      }
    }

    const merged = mergeVerdicts(keep, escalate, judge);
    const unread = partStopped && (partStopped.part === chunks.length ? `Part ${chunks.length} of ${chunks.length} was` : `Parts ${partStopped.part}-${chunks.length} of ${chunks.length} were`);
    const summary = judge ? `${judgmentTally(merged, options.security === true)} In judgment's words: ${judge.answer.summary}` : (partStopped ? `${unread} not reviewed, and judgment did not run. ${toldAsSentence(partStopped.err.message)} ${countOf(findings.length, 'finding')} from the parts before, not judged.`
      : judgeStopped && judgeStopped.message === unreadableTold ? unreadableTold
      : judgeStopped ? `Judgment did not run. ${toldAsSentence(judgeStopped.message)} ${escalate.length > 0 ? `The ${countOf(escalate.length, 'finding')} sent to it are the first pass's, not confirmed.` : 'The findings are the first pass\'s.'}`
      : outcomes.length === 0 && unanswered.size > 0 ? 'Nothing was reviewed: no part of the first pass has an answer (see Not reviewed).'
      : findings.length === 0 ? 'No findings.'
      : options.architecture ? `${countOf(findings.length, 'finding')} in ${countOf(new Set(findings.map((f) => f.file)).size, 'file')}.`
      : `${countOf(findings.length, 'finding')}; ${ownWords(ownJudgment)}`);
    // A review that stopped part-way replaces earlier findings only where it read.
    const read = partStopped ? chunks.slice(0, partStopped.part - 1) : chunks.filter((_, i) => !unanswered.has(i));
    const readFiles = new Set(read.flatMap((chunk) => chunk.parts?.map((p) => p.path) ?? []));
    const readTo = read.at(-1)?.endLine ?? selection.startLine - 1;
    this.publish(kindOf(options), { ...selection, endLine: Math.min(selection.endLine, readTo) }, merged.kept, (folder?.files ?? []).filter((f) => read.length === chunks.length || readFiles.has(f.path)), readText);
    const calls = [...outcomes.flatMap((o) => o.records), ...stray, ...(partStopped?.err.records ?? []), ...(judgeStopped?.records ?? [])];
    const costMicros = totalMicros(calls);
    const where = folder?.where ?? `${selection.path}:${selection.startLine}-${selection.endLine}`;
    const subject = `${folder ? selection.path.split('/').pop()?.replace(/^\.$/, 'workspace') ?? '' : whereOf(selection, true)}${options.batch ? ' (batch)' : ''}`;
    const report = { title: options.title, where, summary, kept: merged.kept, rejected: merged.rejected, routes: [...routes, ...(judge ? [{ model: judge.model, tier: TIER_LABELS[judge.tier], reasons: judge.reasons }] : [])], calls, notReviewed };
    const reportUri = this.report(report, subject);
    if (outcomes.length > 0) {
      await this.rememberConversation(reportUri, `${options.title} of ${where}`, reviewFindingsText(report), judgeRoute ?? answeredOn(outcomes.reduce((top, o) => (compareTiers(o.plan.tier, top.plan.tier) > 0 ? o : top)).plan), folder ? folder.files.filter((f) => merged.kept.some((k) => k.file === f.path)) : selection);
    }
    // The walkthrough's step is done: a review that could not start is not.
    void vscode.commands.executeCommand('setContext', 'ladder.reviewed', true);
    return { findings: merged.kept, rejected: merged.rejected, summary, taskId, costMicros, reportUri };
  }

  /**
   * A report can be followed up ("why is the second finding a problem?", "is the fix safe?"):
   * the conversation starts with the review and its findings, and carries the code they are
   * about (of a folder, only the files with findings). The follow-up stays on the tier that
   * judged them, or the first pass's when judgment did not run.
   */
  private async rememberConversation(reportUri: vscode.Uri, what: string, findings: string, answeredBy: ReturnType<typeof answeredOn>, material: EditorSelection | readonly { path: string; text: string }[]): Promise<void> {
    const selection = !Array.isArray(material) ? material as EditorSelection
      : material.length > 0 ? await digestSelection(this.c, buildDigest(material).text, what) : undefined;
    this.c.conversations.remember(reportUri, {
      ...(selection ? { selection } : {}),
      turns: [{ question: `${what}: report each finding.`, answer: findings }],
      ...answeredBy,
      task: 'review',
    });
  }

  /**
   * The judgment pass's material for a folder: a digest of the files that hold findings needing
   * judgment, or else of the files with risky constructs; the whole folder when neither narrows it.
   */
  private async judgeMaterial(folder: FolderMaterial, whole: EditorSelection, files: ReadonlySet<string> | undefined): Promise<{ selection: EditorSelection; parts: readonly DigestPart[] }> {
    const picked = folder.files.filter((f) => (files ? files.has(f.path) : findCodeRisks(f.text).length > 0));
    if (picked.length === 0 || picked.length === folder.files.length) return { selection: whole, parts: folder.digest.parts };
    const { text, parts } = buildDigest(picked);
    return { selection: await digestSelection(this.c, text, whole.path), parts };
  }

  /**
   * Diagnostics for the findings of a `kind` of review. Earlier findings of the same kind in
   * what it read (the selection's lines, or every file in `reviewed`) go, and so does any
   * earlier finding the new ones repeat (same file, the same lines, same category): the
   * newest wins. The others (another lens's, or outside the selection) stay, where their code
   * is now. Each finding is kept with the code its lines held, so Fix Review Finding can find
   * it again after edits above it.
   */
  private publish(kind: ReviewKind, selection: EditorSelection, findings: readonly ReviewedFinding[], reviewed: readonly { path: string; text: string }[], readText: string): void {
    // `read`: the review read this file (as opposed to a file a finding names that it did not).
    const byUri = new Map<string, { uri: vscode.Uri; read: boolean; shown: ShownFinding[] }>();
    for (const uri of [selection.document.uri, ...reviewed.map((file) => this.uriOf(file.path, selection))]) byUri.set(uri.toString(), { uri, read: true, shown: [] });
    // The code each finding is kept with is the code the review read (the selection's file
    // when the review began, or a folder file as read from disk), never the buffer as it is
    // now: edits made while the review ran, or unsaved changes a folder review did not see,
    // would pair the finding with other lines, and Fix would send those. Whole lines, split as
    // locate() splits a document (a CRLF line keeps its \r). Each diagnostic then goes where
    // that code is now.
    const reviewedLines = new Map<string, string[]>();
    const readLines = (f: ReviewedFinding) => {
      if (reviewed.length === 0) return splitOnce(reviewedLines, '', () => readText);
      const file = reviewed.find((r) => r.path === f.file);
      return file ? splitOnce(reviewedLines, file.path, () => file.text) : undefined;
    };
    const currentLines = new Map<string, string[]>();
    for (const f of findings) {
      // A selection's review read one file: every finding is on it, whatever file it names.
      const uri = reviewed.length === 0 ? selection.document.uri : this.uriOf(f.file, selection);
      const document = uri.toString() === selection.document.uri.toString() ? selection.document : openDocument(uri.toString());
      const endLine = Math.max(0, f.endLine - 1);
      const range = new vscode.Range(Math.max(0, f.startLine - 1), 0, endLine, document ? document.lineAt(Math.min(endLine, document.lineCount - 1)).text.length : 200);
      const diagnostic = diagnosticOf(f, range);
      const entry = byUri.get(uri.toString()) ?? { uri, read: false, shown: [] };
      const read = readLines(f);
      const code = read === undefined ? undefined : linesOf(read, f.startLine, f.endLine);
      let shown: ShownFinding = { id: ++this.shownIds, uri, kind, finding: f, diagnostic, code };
      if (document) {
        const lines = splitOnce(currentLines, uri.toString(), () => document.getText());
        shown = this.placed(shown, document, lines);
      }
      entry.shown.push(shown);
      byUri.set(uri.toString(), entry);
    }
    for (const { uri, read, shown } of byUri.values()) {
      const key = uri.toString();
      const document = openDocument(key);
      const lines = document && splitOnce(currentLines, key, () => document.getText());
      const kept = (this.shown.get(key) ?? []).map((s) => (document ? this.placed(s, document, lines) : s)).filter((earlier) => {
        const at = earlier.diagnostic.range;
        const onRead = read && (reviewed.length > 0 || (at.end.line + 1 >= selection.startLine && at.start.line + 1 <= selection.endLine));
        if (earlier.kind === kind && onRead) return false;
        // A repeat is the same category on the same lines: a wide finding overlapping narrow ones is another problem.
        return !shown.some((s) => s.finding.category === earlier.finding.category && s.diagnostic.range.start.line === at.start.line && s.diagnostic.range.end.line === at.end.line);
      });
      this.show(uri, [...kept, ...shown]);
    }
    this.changed();
  }

  /** The findings shown in `document`; with `line` (0-based), only those whose lines (where they are now) hold it. */
  findingsIn(document: vscode.TextDocument, line?: number): readonly ShownFinding[] {
    const shown = this.shown.get(document.uri.toString()) ?? [];
    if (line === undefined) return shown;
    // The document is split once for all its findings.
    const lines = document.getText().split('\n');
    return shown.filter((s) => {
      const range = this.locate(s, document, lines) ?? s.diagnostic.range;
      return range.start.line <= line && line <= range.end.line;
    });
  }

  /** A shown finding by id (undefined once its file was reviewed again or it was fixed). */
  finding(id: number): ShownFinding | undefined {
    for (const shown of this.shown.values()) {
      const found = shown.find((s) => s.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The whole lines a shown finding is about in `document` now: where the review saw them
   * if they hold the same code, else the one place that code moved to (lines added or
   * removed above it). Undefined when the code changed or appears more than once. `lines`:
   * the document split at its newlines, when the caller has it already.
   */
  locate(shown: ShownFinding, document: vscode.TextDocument, lines = document.getText().split('\n')): vscode.Range | undefined {
    const { startLine, endLine } = shown.finding;
    const wholeLines = (start: number, end: number) => (end <= document.lineCount ? new vscode.Range(start - 1, 0, end - 1, document.lineAt(end - 1).text.length) : undefined);
    if (shown.code === undefined) return wholeLines(startLine, Math.min(endLine, document.lineCount));
    const at = codeAt(lines, startLine, endLine, shown.code);
    return at === undefined ? undefined : wholeLines(at, at + endLine - startLine);
  }

  /** A shown finding with its diagnostic where its code is now in `document` (itself when it has not moved, or cannot be found). */
  private placed(shown: ShownFinding, document: vscode.TextDocument, lines?: string[]): ShownFinding {
    const now = this.locate(shown, document, lines);
    if (!now || now.isEqual(shown.diagnostic.range)) return shown;
    const finding = { ...shown.finding, startLine: now.start.line + 1, endLine: now.end.line + 1 };
    return { ...shown, diagnostic: diagnosticOf(finding, now), finding };
  }

  /** A finding was fixed: its diagnostic goes. */
  fixed(shown: ShownFinding): void {
    const key = shown.uri.toString();
    const document = openDocument(key);
    const lines = document?.getText().split('\n');
    // Setting the collection again places each diagnostic at the range it was made with; the
    // fix may have added or removed lines above the others, so they go where their code is now.
    const left = (this.shown.get(key) ?? []).filter((s) => s.id !== shown.id).map((s) => (document ? this.placed(s, document, lines) : s));
    this.show(shown.uri, left);
    this.changed();
  }

  /** `list` as the findings shown in `uri`: its diagnostics, and the findings behind them (none: the file is forgotten). */
  private show(uri: vscode.Uri, list: ShownFinding[]): void {
    this.diagnostics.set(uri, list.map((s) => s.diagnostic));
    if (list.length > 0) this.shown.set(uri.toString(), list);
    else this.shown.delete(uri.toString());
  }

  /** `ladder.findingPaths`: the files with findings, for menus that offer a fix. */
  private publishFindingPaths(): void {
    const paths = [...this.shown.values()].map((shown) => shown[0]?.uri.fsPath).filter((p): p is string => p !== undefined);
    void vscode.commands.executeCommand('setContext', 'ladder.findingPaths', paths);
  }

  private uriOf(file: string, selection: EditorSelection): vscode.Uri {
    if (file === selection.path || selection.document.uri.path.endsWith(`/${file}`)) return selection.document.uri;
    return this.c.workspace.uriOf(file) ?? selection.document.uri;
  }

  private report(report: ReviewReport & { calls: readonly CallRecord[] }, subject: string): vscode.Uri {
    const markdown = reviewReport(report) + batchSplit(report.calls);
    // Named after what was reviewed, as answers are: two reports open side by side differ in their tabs.
    const uri = this.c.results.create('ladder-result', `${report.title.replace(/ (with Escalation|at Batch Price)$/, '')} · ${subject}.md`, markdown, true);
    // Rendered Markdown reads better than its source; the source is the fallback. Locked: an
    // unlocked preview follows the active Markdown document, so the next answer replaced the
    // report. The report is what was asked for, so it has the focus, as an answer's view does
    // (a screen reader reads it out): the preview takes it when its page loads, which no API
    // reports, so handing it back to the code lost that race anyway. Ctrl+1 returns to the code.
    void Promise.resolve(vscode.commands.executeCommand('markdown.showLockedPreviewToSide', uri)).then(
      undefined,
      () => vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true }),
    );
    return uri;
  }

  dispose(): void {
    this.batches.dispose();
    this.fixes.dispose();
    for (const d of this.fileEvents) d.dispose();
    this.diagnostics.dispose();
  }
}
