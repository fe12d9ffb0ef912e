import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** A file outside the workspace with `content` (a name unique to this run), for tests that need odd bytes or line endings. */
export function tempFile(name: string, content: string | Uint8Array): vscode.Uri {
  const file = join(tmpdir(), `ladder-${process.pid}-${name}`);
  writeFileSync(file, content);
  return vscode.Uri.file(file);
}

/** Opens a workspace file and selects the given 1-based inclusive lines. */
export async function openAndSelect(relPath: string, fromLine?: number, toLine?: number): Promise<vscode.TextEditor> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) throw new Error('no workspace folder');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, relPath));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  if (fromLine !== undefined) {
    const end = toLine ?? fromLine;
    editor.selection = new vscode.Selection(fromLine - 1, 0, end - 1, document.lineAt(end - 1).text.length);
  }
  return editor;
}

/**
 * Opens an untitled document holding `content` and puts it in front. Closing an untitled editor
 * frees its name ("Untitled-1"); the next untitled document may take that name before the
 * extension host has heard the first one is gone, and `openTextDocument` then hands back the old
 * document (a review "of the 4,000-line document" read the previous test's 900 lines). So this
 * waits for the document with this content under the new URI, and when it does not come (the
 * old document stayed under that name), opens another, which takes the next name.
 */
export async function openUntitled(content: string, language = 'typescript'): Promise<vscode.TextEditor> {
  let document: vscode.TextDocument | undefined;
  for (let attempt = 1; !document; attempt++) {
    const { uri } = await vscode.workspace.openTextDocument({ content, language });
    const found = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && !d.isClosed && d.getText() === content);
    document = attempt < 3 ? await until('the new untitled document', found, 5_000).catch(() => undefined) : await until('the new untitled document', found);
  }
  const editor = await vscode.window.showTextDocument(document);
  await until('the new document in front', () => (vscode.window.activeTextEditor?.document === document ? true : undefined));
  return editor;
}

/** Polls until `predicate` holds (VS Code updates some state asynchronously). */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type MessageKind = 'showWarningMessage' | 'showErrorMessage' | 'showInformationMessage';

/**
 * Records the messages Ladder shows of one kind (instead of popping them) while `body`
 * runs; notifications cannot be read back from the extension host otherwise.
 */
export async function captureMessages<T>(kind: MessageKind, body: () => PromiseLike<T>, reply?: (message: string) => string | undefined): Promise<{ result: T; messages: string[] }> {
  const messages: string[] = [];
  const target = vscode.window as unknown as Record<MessageKind, unknown>;
  const original = target[kind];
  // `reply` picks the button the user would have clicked; by default none (dismissed).
  target[kind] = (message: string) => {
    messages.push(message);
    return Promise.resolve(reply?.(message));
  };
  try {
    return { result: await body(), messages };
  } finally {
    target[kind] = original;
  }
}

let pristine: Map<string, Uint8Array> | undefined;

/** Remembers every workspace file's bytes, for {@link revertAll} to put back (the first time; after that, puts them back). */
export async function snapshotWorkspace(): Promise<void> {
  // The first suite to ask takes the fixture as it is; later suites start from that, not from
  // whatever an earlier suite left on disk (a stripped line there would look pristine).
  if (pristine) {
    await revertAll();
    return;
  }
  pristine = new Map();
  for (const uri of await vscode.workspace.findFiles('**/*')) pristine.set(uri.toString(), await vscode.workspace.fs.readFile(uri));
}

/**
 * Reverts every modified workspace file, so each test starts from the fixture as it was at
 * {@link snapshotWorkspace}. Reverting open editors was not enough: about one run in five, an
 * accepted docs edit was on disk in the next test, with its editor clean. Neither Ladder nor
 * the tests save files; the likely writer is the save prompt of a still-dirty editor being
 * closed. So the files on disk are compared and restored too.
 */
export async function revertAll(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (document.isDirty && document.uri.scheme === 'file') {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  for (const [key, bytes] of pristine ?? []) {
    const uri = vscode.Uri.parse(key);
    const text = new TextDecoder().decode(bytes);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    // A document that still differs (dirty, or clean but holding an accepted edit the revert
    // missed) would hand the next test shifted lines: put the text back and save it.
    if (open && open.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(0, 0, open.lineCount, 0), text);
      await vscode.workspace.applyEdit(edit);
      await open.save();
    }
    const now = await vscode.workspace.fs.readFile(uri).then((b) => b, () => undefined);
    if (now !== undefined && Buffer.from(now).equals(Buffer.from(bytes))) continue;
    await vscode.workspace.fs.writeFile(uri, bytes);
    if (open) await until(`${uri.path} to reload from disk`, () => open.getText() === text || undefined);
  }
}

/**
 * Waits for a proposal diff to open while `command` runs; fails at once with the
 * command's own result if it finished without proposing anything.
 */
export async function waitForDiff(command: Thenable<unknown>): Promise<void> {
  let settled: { value: unknown } | undefined;
  void Promise.resolve(command).then((value) => {
    settled = { value };
  });
  await until('the proposal diff', () => {
    if (vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff)) return true;
    if (settled) {
      // Name what was selected, so a failure shows whether the test's lines held what it meant.
      const editor = vscode.window.activeTextEditor;
      const selected = editor ? `${editor.document.uri.path.split('/').pop()} ${JSON.stringify(editor.document.getText(editor.selection))}` : 'no active editor';
      throw new Error(`the command finished without a diff: ${JSON.stringify(settled.value)}; selected: ${selected}`);
    }
    return undefined;
  });
}

/** Runs an edit command on the active editor's selection, accepts its proposal and checks it was accepted. */
export async function acceptProposal(command: string): Promise<void> {
  const pending = vscode.commands.executeCommand<string>(command);
  await waitForDiff(pending);
  await vscode.commands.executeCommand('ladder.acceptEdit');
  if ((await pending) !== 'accepted') throw new Error(`${command} ended ${String(await pending)}, not accepted`);
}
