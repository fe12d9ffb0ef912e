import * as vscode from 'vscode';

const RESULT_SCHEME = 'ladder-result';
/**
 * Closed documents kept, newest first, so Reopen Closed Editor still shows an answer; older
 * ones are dropped (a proposal holds a whole file, and a session can make hundreds).
 */
const CLOSED_KEPT = 50;
export const PROPOSAL_SCHEME = 'ladder-proposal';

/**
 * Read-only virtual documents: streamed answers and reports (`ladder-result:`) and
 * proposed edits shown in a diff (`ladder-proposal:`). Content lives in memory only.
 */
export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly pending = new Set<string>();
  private readonly kept = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  readonly onDidChange = this.emitter.event;
  private readonly registrations: vscode.Disposable[];
  private counter = 0;

  constructor() {
    this.registrations = [
      vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, this),
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
    return this.contents.get(uri.toString()) ?? '';
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
    this.pending.add(uri.toString());
    this.timer ??= setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    this.timer = undefined;
    for (const key of this.pending) this.emitter.fire(vscode.Uri.parse(key));
    this.pending.clear();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const r of this.registrations) r.dispose();
    this.emitter.dispose();
  }
}
