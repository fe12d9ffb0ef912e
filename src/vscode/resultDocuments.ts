import * as vscode from 'vscode';
import { KEPT_VIEWS, newestWithin } from '../core/resultViews';

const RESULT_SCHEME = 'ladder-result';
/**
 * Closed documents kept, newest first, so Reopen Closed Editor still shows an answer; older
 * ones are dropped (a proposal holds a whole file, and a session can make hundreds).
 */
const CLOSED_KEPT = 50;
export const PROPOSAL_SCHEME = 'ladder-proposal';
/**
 * The workspaceState key of the result views kept across a window reload: the newest
 * KEPT_VIEWS within SAVED_BYTES (an answer is a few KB to a few dozen; a report or the
 * workspace context can be far more, and VS Code rewrites the extension's whole state on each
 * save). Proposals are not kept: each holds a whole file, and its Accept lives in memory.
 */
const SAVED_KEY = 'ladder.resultViews';
const SAVED_BYTES = 512 * 1024;
/** How long the views wait, after a change, to be saved: a streamed answer changes many times a second. */
const SAVE_DELAY_MS = 1000;

interface SavedViews {
  /** The last URI number given, so a new view never takes a number a restored tab has. */
  counter: number;
  /** URI and text, oldest first. */
  views: [string, string][];
}

/** What a restored tab shows when its view was not kept (older, or too large). */
const NOT_KEPT = `_Ladder no longer has this view: across a window reload it keeps its last ${KEPT_VIEWS} answers and reports. Run the command again._\n`;

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
  private readonly fileChanges = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  /** Each view's last change, as its modified time: VS Code rereads a file whose time moved. */
  private readonly changedAt = new Map<string, number>();
  private changes = 0;
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  readonly onDidChange = this.emitter.event;
  private readonly registrations: vscode.Disposable[];
  private counter: number;

  constructor(private readonly state: vscode.Memento) {
    const saved = state.get<SavedViews>(SAVED_KEY);
    this.counter = saved?.counter ?? 0;
    for (const [key, text] of saved?.views ?? []) this.contents.set(key, text);
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
   * preview still reads it.
   */
  create(scheme: string, name: string, initial = '', keep = false): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme, path: `/${this.counter}/${name}` });
    this.contents.set(uri.toString(), initial);
    if (keep) this.kept.add(uri.toString());
    this.trim();
    this.saveSoon();
    return uri;
  }

  /** Forgets the oldest documents no editor has open, beyond the newest CLOSED_KEPT of them. */
  private trim(): void {
    if (this.contents.size <= CLOSED_KEPT) return;
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const closed = [...this.contents.keys()].filter((key) => !open.has(key) && !this.pending.has(key) && !this.kept.has(key));
    for (const key of closed.slice(0, Math.max(0, closed.length - CLOSED_KEPT))) this.contents.delete(key);
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

  /** Streaming fires many small changes; the editor is refreshed at most every 50 ms. */
  private changed(uri: vscode.Uri): void {
    this.changedAt.set(uri.toString(), ++this.changes);
    this.pending.add(uri.toString());
    this.timer ??= setTimeout(() => this.flush(), 50);
    if (uri.scheme === RESULT_SCHEME) this.saveSoon();
  }

  private saveSoon(): void {
    this.saveTimer ??= setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Writes the newest result views to workspaceState (see SAVED_KEY). */
  save(): Thenable<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const views = newestWithin([...this.contents].filter(([key]) => key.startsWith(`${RESULT_SCHEME}:`)), KEPT_VIEWS, SAVED_BYTES, ([, text]) => Buffer.byteLength(text));
    return this.state.update(SAVED_KEY, { counter: this.counter, views } satisfies SavedViews);
  }

  flush(): void {
    this.timer = undefined;
    const uris = [...this.pending].map((key) => vscode.Uri.parse(key));
    this.pending.clear();
    for (const uri of uris.filter((u) => u.scheme !== RESULT_SCHEME)) this.emitter.fire(uri);
    const files = uris.filter((u) => u.scheme === RESULT_SCHEME);
    if (files.length > 0) this.fileChanges.fire(files.map((uri) => ({ type: vscode.FileChangeType.Changed, uri })));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    // A window reload disposes the extension: what changed since the last save is saved now.
    if (this.saveTimer) void this.save();
    for (const r of this.registrations) r.dispose();
    this.emitter.dispose();
    this.fileChanges.dispose();
  }
}
