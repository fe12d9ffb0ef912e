import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { ruleInputsOf } from '../core/context/workspaceIndex';
import type { Container } from './container';
import { realOr, toSlashes } from './workspaceScan';
import type { EditorSelection } from './requestRunner';

/** The document and selection a command reads when it is run without a file named. */
export interface EditorState {
  readonly document: vscode.TextDocument;
  readonly selection: vscode.Selection;
  /** Selections besides the primary one that hold text (Alt+click, Ctrl+D): they are not sent. */
  readonly others: number;
}

function stateOf(editor: vscode.TextEditor): EditorState {
  // With a bare cursor as the primary and text selected elsewhere (a click, then Alt+drag), the text is what is meant.
  const selected = editor.selections.filter((s) => !s.isEmpty);
  const selection = editor.selection.isEmpty ? selected[0] ?? editor.selection : editor.selection;
  return { document: editor.document, selection, others: selected.filter((s) => !s.isEqual(selection)).length };
}

/**
 * The text editor a person last worked in. A button on the walkthrough, a webview such as
 * the cost report or the settings page takes the focus, and VS Code then has no active
 * text editor: "select some code, then Preview Route" would read nothing. So while no text
 * editor is active, a command reads the last one, as long as a tab still shows it.
 */
export class RecentEditor implements vscode.Disposable {
  private last: EditorState | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.remember(vscode.window.activeTextEditor);
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => this.remember(editor)),
      // The active editor's, and the remembered document's in any editor (a reload from disk or a formatter moves it).
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor || e.textEditor.document === this.last?.document) this.remember(e.textEditor);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document === this.last?.document) this.last = undefined;
      }),
    ];
  }

  /** The active text editor's state, else the last one's while a tab still shows it. */
  current(): EditorState | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor) return stateOf(editor);
    const last = this.last;
    if (!last || last.document.isClosed || !hasTab(last.document.uri)) return undefined;
    const range = last.document.validateRange(last.selection);
    return { ...last, selection: new vscode.Selection(range.start, range.end) };
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (editor) this.last = stateOf(editor);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Whether an editor tab still shows `uri` (a document stays open for a while after its tab closes). */
export function hasTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => {
    const input = tab.input;
    return (input instanceof vscode.TabInputText && input.uri.toString() === key) || (input instanceof vscode.TabInputTextDiff && input.modified.toString() === key);
  }));
}

/**
 * The material a command works on: the selection in the current editor (see RecentEditor),
 * the whole file when nothing is selected (or when `wholeFile`), or a file named by a
 * context-menu URI.
 */
export async function selectionFor(c: Container, options: { uri?: unknown; wholeFile?: boolean } = {}): Promise<EditorSelection | undefined> {
  let document: vscode.TextDocument | undefined | null;
  let range: vscode.Range | undefined;
  const editor = c.editors.current();
  if (options.uri instanceof vscode.Uri && options.uri.toString() !== editor?.document.uri.toString()) {
    const uri = options.uri;
    document = await vscode.workspace.openTextDocument(uri).then(undefined, (err: unknown) => {
      // VS Code refuses a binary file ("seems to be binary") or one too large to open.
      c.log.warn(`could not open ${uri.toString()} as text: ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showInformationMessage(`Ladder: ${uri.path.split('/').pop() ?? 'the file'} cannot be opened as text (a binary file, or too large), so there is nothing to send.`);
      return null;
    });
    if (document === null) return undefined;
  } else if (editor) {
    document = editor.document;
    if (!options.wholeFile && !editor.selection.isEmpty) range = new vscode.Range(editor.selection.start, editor.selection.end);
  }
  if (!document) {
    void vscode.window.showInformationMessage(options.wholeFile
      ? 'Ladder: open a file first, or right-click one in the Explorer.'
      : 'Ladder: open a file first. Ladder works on its selection, or on the whole file when nothing is selected.');
    return undefined;
  }
  const selection = selectionOf(c, document, range ? fromLineStart(document, range) : new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)));
  // One range is sent: with several selections (Alt+click, Ctrl+D), the others would go unsaid.
  const others = range ? editor?.others ?? 0 : 0;
  if (others > 0) void vscode.window.showInformationMessage(`Ladder: only one selection is read (lines ${selection.startLine}–${selection.endLine}); ${others === 1 ? 'the other one is' : `the ${others} others are`} left out.`);
  return selection;
}

/**
 * A selection as an edit should replace it. Started after its line's indentation (Expand
 * Selection, or a drag from the first word), the first line would reach the model unindented
 * while the rest keep theirs, and the answer would come back at the wrong column: it starts
 * at the line's start. Started at the very end of a line (the cursor at a line's end, then
 * Shift+Down), it starts on the next line, or the answer's first line is glued to that one.
 */
export function fromLineStart(document: vscode.TextDocument, range: vscode.Range): vscode.Range {
  let start = range.start;
  if (!range.isSingleLine && start.character > 0 && start.character >= document.lineAt(start.line).text.length) start = new vscode.Position(start.line + 1, 0);
  if (start.character > 0 && document.lineAt(start.line).text.slice(0, start.character).trim() === '') start = new vscode.Position(start.line, 0);
  return start.isEqual(range.start) ? range : new vscode.Range(start, range.end);
}

/** The material `range` of `document` holds, as a request reads it. */
export function selectionOf(c: Container, document: vscode.TextDocument, range: vscode.Range): EditorSelection {
  // Whole lines read better in a prompt and make line numbers in findings exact. A selection
  // that ends at the start of a line (whole lines selected) ends on the line before.
  const last = !range.isSingleLine && range.end.character === 0 ? range.end.line - 1 : range.end.line;
  const lines = new vscode.Range(range.start.line, 0, last, document.lineAt(last).text.length);
  const text = document.getText(range);
  return {
    document,
    range,
    text,
    ...pathsOf(c, document.uri),
    startLine: lines.start.line + 1,
    endLine: lines.end.line + 1,
    languageId: document.languageId,
  };
}

/**
 * How a file is named to the model (its workspace path, or only its name outside the
 * workspace) and, for the credentials-name check alone, where it really is (see ruleInputsOf):
 * what the rules read, and where a link out of the workspace leads. Neither is sent.
 */
export function pathsOf(c: Container, cellOrFile: vscode.Uri): { path: string; origins: string[]; leadsOut?: string } {
  // A notebook cell is named, and judged, by its notebook: its own URI carries only the
  // notebook's name under another scheme, which would let `secrets/keys.ipynb` through.
  const uri = cellOrFile.scheme === 'vscode-notebook-cell' ? notebookOf(cellOrFile) : cellOrFile;
  const path = c.workspace.relativePath(uri) ?? uri.path.split('/').pop() ?? 'untitled';
  if (uri.scheme !== 'file') return { path, origins: [] };
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ path: toSlashes(f.uri.fsPath), real: realOr(f.uri.fsPath) }));
  return { path, ...ruleInputsOf(toSlashes(uri.fsPath), realOr(uri.fsPath), folders) };
}

/**
 * Why an edit cannot be applied to `document`, or undefined when it can: a file on a writable
 * file system, an untitled buffer, or a cell of a notebook that is one of those. Not a Ladder
 * answer, a proposal diff, a git view, nor a file (or a cell's notebook) the user made
 * read-only: paying for an edit there only ends in "could not apply", or in an edit to a file
 * the user protected. VS Code tells an extension neither setting (workspace.fs.stat reports no
 * permissions for either), so they are read here.
 */
function readOnlyBecause(document: vscode.TextDocument): string | undefined {
  const { uri } = document;
  if (uri.scheme === 'untitled') return undefined;
  // A cell is judged by its notebook's file, as VS Code locks the whole notebook.
  const notebook = uri.scheme === 'vscode-notebook-cell' ? vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document)) : undefined;
  if (uri.scheme === 'vscode-notebook-cell' && (!notebook || notebook.isUntitled)) return undefined;
  const file = notebook?.uri ?? uri;
  if (vscode.workspace.fs.isWritableFileSystem(file.scheme) !== true) return 'is read-only';
  const files = vscode.workspace.getConfiguration('files', file);
  const folder = vscode.workspace.getWorkspaceFolder(file);
  // With a notebook type, VS Code matches a cell's pattern against its notebook's path.
  const cellOf = notebook ? { notebookType: notebook.notebookType } : {};
  // As VS Code matches them: inside a folder against the path in it, else against the whole path.
  const matches = (globs: Record<string, boolean> | undefined) => Object.entries(globs ?? {}).some(([glob, on]) => on && vscode.languages.match([{ pattern: glob, ...cellOf }, ...(folder ? [{ pattern: new vscode.RelativePattern(folder, glob), ...cellOf }] : [])], document) > 0);
  // As VS Code decides: an included file is read-only unless excluded too, and then writable whatever its permissions.
  if (matches(files.get('readonlyInclude'))) return matches(files.get('readonlyExclude')) ? undefined : 'is read-only (files.readonlyInclude)';
  if (file.scheme === 'file' && files.get<boolean>('readonlyFromPermissions')) {
    try {
      // VS Code's own test: the owner's write bit (root may write a 444 file, but VS Code still locks it).
      if ((statSync(file.fsPath).mode & 0o200) === 0) return 'is read-only on disk (files.readonlyFromPermissions)';
    } catch {
      // Not on disk: nothing to lock it.
    }
  }
  return undefined;
}

/** Says why `title` cannot change `document`, and returns false; true when it can. */
export function editableOrSay(document: vscode.TextDocument, title: string): boolean {
  const because = readOnlyBecause(document);
  if (because === undefined) return true;
  const name = document.uri.path.split('/').pop() || 'this view';
  const where = because === 'is read-only' ? ' Open the file itself and run it there.' : '';
  void vscode.window.showInformationMessage(`Ladder: ${name} ${because}, so ${title} cannot change it; nothing was sent.${where}`);
  return false;
}

/** The first file `edit` changes that is read-only ("src/a.ts, which is read-only (…)"); undefined when every one can change. */
export async function readOnlyIn(edit: vscode.WorkspaceEdit): Promise<string | undefined> {
  for (const [uri] of edit.entries()) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? await vscode.workspace.openTextDocument(uri).then((d) => d, () => undefined);
    const because = document && readOnlyBecause(document);
    if (because) return `${vscode.workspace.asRelativePath(uri)}, which ${because}`;
  }
  return undefined;
}

/** The notebook a cell belongs to (an open notebook holding it, else the cell's path as a file). */
export function notebookOf(cell: vscode.Uri): vscode.Uri {
  const holder = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document.uri.toString() === cell.toString()));
  return holder?.uri ?? cell.with({ scheme: 'file', fragment: '' });
}
