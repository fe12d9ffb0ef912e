import * as vscode from 'vscode';
import { z } from 'zod';
import { KEPT_VIEWS, newestWithin, readSaved, restoredViews, SAVED_VERSION } from '../core/resultViews';
import { THIS_WINDOW, otherWindowOpen } from './windows';
import type { WindowId } from './windows';

const RESULT_SCHEME = 'ladder-result';
/**
 * Closed documents kept, newest first, so Reopen Closed Editor still shows an answer; older
 * ones are dropped (a proposal holds a whole file, and a session can make hundreds).
 */
const CLOSED_KEPT = 50;
export const PROPOSAL_SCHEME = 'ladder-proposal';
/**
 * The workspaceState key of the result views kept across a window reload: the newest
 * KEPT_VIEWS within SAVED_CHARS, counted as stored (JSON). VS Code keeps an extension's whole
 * state as one JSON string, rewrites it on each save and warns above 512 KiB; the conversations
 * share it (Conversations). An answer is a few KB to a few dozen; a report or the workspace
 * context can be far more. Proposals are not kept: each holds a whole file, and its Accept
 * lives in memory (OpenProposals keeps only what the next window says of one left open).
 */
const SAVED_KEY = 'ladder.resultViews';
const SAVED_CHARS = 192 * 1024;
/**
 * How long a change waits to be saved: the runner's last flushes make one save, and a view that
 * streams is saved at most this often (each save rewrites the whole state).
 */
const SAVE_DELAY_MS = 1000;

/**
 * What is saved: each view's URI and text, oldest first; the last URI number given, so a new view
 * never takes a number a restored tab has; and the views still streaming (absent in what earlier
 * builds saved), which the next window shows as cut off.
 */
interface SavedViews {
  version: typeof SAVED_VERSION;
  counter: number;
  entries: [string, string][];
  streaming: string[];
  /** The window that saved them: one still open is streaming them still, not cut off. */
  owner: WindowId;
}

/** What a restored tab shows when its view was not kept (older, or too large). */
const NOT_KEPT = `_Ladder no longer has this view: across a window reload it keeps its last ${KEPT_VIEWS} answers and reports, not route previews or the workspace context. Run the command again._\n`;

/**
 * Read-only virtual documents: streamed answers and reports (`ladder-result:`) and
 * proposed edits shown in a diff (`ladder-proposal:`). The newest answers and reports are
 * kept in workspaceState too, and served by a read-only file system rather than a content
 * provider: VS Code restores a file system's tabs after a window reload (and Reopen Closed
 * Editor finds them), and drops a content provider's. Proposals live in memory only.
 */
export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly pending = new Set<string>();
  private readonly kept = new Set<string>();
  /** Views never saved (see create): a folder review's digest is material, not an answer, and can be 120K characters. */
  private readonly unsaved = new Set<string>();
  /** Views created empty whose request has not finished (see flush). */
  private readonly streaming = new Set<string>();
  /** The restored views whose request a window reload cut off: still streaming when last saved. */
  readonly cutOff: readonly vscode.Uri[];
  private readonly fileChanges = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  /** Each view's last change, as its modified time: VS Code rereads a file whose time moved. */
  private readonly changedAt = new Map<string, number>();
  private changes = 0;
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  readonly onDidChange = this.emitter.event;
  private readonly registrations: vscode.Disposable[];
  private counter: number;

  constructor(private readonly state: vscode.Memento, log: { warn(message: string): void }) {
    const stored = state.get<unknown>(SAVED_KEY);
    const { entries, damaged } = readSaved(stored, z.tuple([z.string(), z.string()]));
    const counter = z.object({ counter: z.number().int().nonnegative() }).safeParse(stored);
    this.counter = counter.success ? counter.data.counter : 0;
    const streaming = z.object({ streaming: z.array(z.string()), owner: z.unknown() }).safeParse(stored);
    const { views, cutOff } = restoredViews(entries, streaming.success && !otherWindowOpen(streaming.data.owner) ? streaming.data.streaming : []);
    for (const [key, text] of views) this.contents.set(key, text);
    this.cutOff = cutOff.map((key) => vscode.Uri.parse(key));
    // Saved with the note, so the next window does not take them for streaming again.
    if (cutOff.length > 0) this.saveSoon();
    if (damaged) log.warn('Dropped result views saved in a form this version cannot read.');
    this.registrations = [
      vscode.workspace.registerFileSystemProvider(RESULT_SCHEME, this.files(), { isReadonly: true, isCaseSensitive: true }),
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this),
      // VS Code reads a virtual document's content when it opens it, but drops change events
      // that come before the extension host knows the document is open. A request that ends
      // within that window (a quick failure, a short answer) would stay on what was read
      // first, without its answer or footer: once the document is open, send what changed.
      vscode.workspace.onDidOpenTextDocument((document) => {
        const key = document.uri.toString();
        const text = this.contents.get(key);
        if (text !== undefined && document.getText() !== text) this.changed(document.uri);
      }),
    ];
  }

  /**
   * A fresh URI; `name` becomes the tab title. `keep`: never dropped, for a document shown
   * in a Markdown preview (a review's report), whose text VS Code may close while the
   * preview still reads it. `save: false`: never kept across a reload (a review's digest, or a
   * view built afresh on request: the workspace context, a route preview), so it takes none of
   * the slots kept for answers and reports.
   * A view created with its text is saved soon; one created empty is streamed into: it is saved
   * as it streams, marked unfinished until its request ends (flush), so that a window reload
   * meanwhile restores what had come, said to be cut off. VS Code saves the state on its way
   * down before the extension hears of it, so what is not saved by then is lost.
   */
  create(scheme: string, name: string, initial = '', keep = false, { save = true } = {}): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme, path: `/${this.counter}/${name}` });
    this.contents.set(uri.toString(), initial);
    if (keep) this.kept.add(uri.toString());
    if (!save) this.unsaved.add(uri.toString());
    else if (!initial && scheme === RESULT_SCHEME) this.streaming.add(uri.toString());
    this.trim();
    if (initial && save) this.saveSoon();
    return uri;
  }

  /** Forgets the oldest documents no editor has open, beyond the newest CLOSED_KEPT of them. */
  private trim(): void {
    if (this.contents.size <= CLOSED_KEPT) return;
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const closed = [...this.contents.keys()].filter((key) => !open.has(key) && !this.pending.has(key) && !this.kept.has(key));
    for (const key of closed.slice(0, Math.max(0, closed.length - CLOSED_KEPT))) {
      this.contents.delete(key);
      this.unsaved.delete(key);
      this.streaming.delete(key);
    }
  }

  /** How many documents are held (for tests). */
  get size(): number {
    return this.contents.size;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? (uri.scheme === RESULT_SCHEME ? NOT_KEPT : '');
  }

  /** The result views as a read-only file system: one file per view, its text as it stands. */
  private files(): vscode.FileSystemProvider {
    const refuse = (uri: vscode.Uri): never => {
      throw vscode.FileSystemError.NoPermissions(uri);
    };
    return {
      onDidChangeFile: this.fileChanges.event,
      watch: () => new vscode.Disposable(() => undefined),
      stat: (uri) => ({
        type: vscode.FileType.File,
        ctime: 0,
        mtime: this.changedAt.get(uri.toString()) ?? 0,
        size: Buffer.byteLength(this.provideTextDocumentContent(uri)),
        permissions: vscode.FilePermission.Readonly,
      }),
      readFile: (uri) => Buffer.from(this.provideTextDocumentContent(uri)),
      readDirectory: () => [],
      createDirectory: refuse,
      writeFile: refuse,
      delete: refuse,
      rename: refuse,
    };
  }

  get(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
    this.changed(uri);
  }

  append(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), this.get(uri) + text);
    this.changed(uri);
  }

  /**
   * Streaming fires many small changes; the editor is refreshed at most every 50 ms, and a
   * streaming view saved at most every SAVE_DELAY_MS: each save rewrites the whole state (see
   * SAVED_KEY).
   */
  private changed(uri: vscode.Uri): void {
    this.changedAt.set(uri.toString(), ++this.changes);
    this.pending.add(uri.toString());
    this.timer ??= setTimeout(() => this.refresh(), 50);
    if (this.streaming.has(uri.toString())) this.saveSoon();
  }

  private saveSoon(): void {
    this.saveTimer ??= setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Writes the newest result views to workspaceState (see SAVED_KEY). */
  save(): Thenable<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const entries = newestWithin([...this.contents].filter(([key]) => key.startsWith(`${RESULT_SCHEME}:`) && !this.unsaved.has(key)), KEPT_VIEWS, SAVED_CHARS, (view) => JSON.stringify(view).length);
    const streaming = entries.map(([key]) => key).filter((key) => this.streaming.has(key));
    return this.state.update(SAVED_KEY, { version: SAVED_VERSION, counter: this.counter, entries, streaming, owner: THIS_WINDOW } satisfies SavedViews);
  }

  /**
   * The views are finished for now (a request's last text is in): editors are refreshed at once,
   * and the views saved soon. `finished`: the view whose request ended, no longer streaming.
   */
  flush(finished?: vscode.Uri): void {
    if (finished) this.streaming.delete(finished.toString());
    this.refresh();
    this.saveSoon();
  }

  private refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const uris = [...this.pending].map((key) => vscode.Uri.parse(key));
    this.pending.clear();
    for (const uri of uris.filter((u) => u.scheme !== RESULT_SCHEME)) this.emitter.fire(uri);
    const files = uris.filter((u) => u.scheme === RESULT_SCHEME);
    if (files.length > 0) this.fileChanges.fire(files.map((uri) => ({ type: vscode.FileChangeType.Changed, uri })));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    // What changed since the last save; on a window reload this comes after VS Code saved the
    // state and is lost, which is why a streaming view is saved as it streams.
    void this.save();
    for (const r of this.registrations) r.dispose();
    this.emitter.dispose();
    this.fileChanges.dispose();
  }
}
