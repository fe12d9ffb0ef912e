import * as assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import * as vscode from 'vscode';
import { captureMessages, openAndSelect, tempFile, until, waitForDiff } from './editor';
import { ladder } from './helpers';
import { api, standInSuite } from './setup';
import { faults } from '../support/standin/server';

const diffTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);
const proposalUris = () => diffTabs().map((t) => (t.input as vscode.TabInputTextDiff).modified);
const sent = () => api().log.filter((e) => e.path === '/v1/messages');
const verdicts = async () => {
  const { container } = await ladder();
  return (await container.cost.store.readAll()).records.filter((r) => r.kind === 'verdict');
};

/** Info and warning messages shown while `body` runs (notifications are not readable otherwise). */
async function messages<T>(body: () => PromiseLike<T>): Promise<{ result: T; messages: string[] }> {
  const shown: string[] = [];
  const warned = await captureMessages('showWarningMessage', async () => {
    const told = await captureMessages('showInformationMessage', body);
    shown.push(...told.messages);
    return told.result;
  });
  return { result: warned.result, messages: [...shown, ...warned.messages] };
}

/** Runs Tidy on the active editor's selection and settles its diff with `verdict`. */
function tidy(verdict: 'ladder.acceptEdit' | 'ladder.rejectEdit') {
  return messages(async () => {
    const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await waitForDiff(pending);
    await vscode.commands.executeCommand(verdict);
    return pending;
  });
}

describe('Edit previews', function () {
  this.timeout(60_000);
  standInSuite();

  it('a proposal that changes only leading or trailing whitespace says the diff hides it, and where to show it', async () => {
    const editor = await vscode.window.showTextDocument(tempFile('spaces.ts', 'export function a(x: number) {   \n      return x + 1;\n}\n'));
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    api().script.when({ system: /Ladder task: format/ }, { text: '```ts\nexport function a(x: number) {\n  return x + 1;\n}\n```' }, { times: 1 });
    const { result, messages: shown } = await tidy('ladder.rejectEdit');
    assert.equal(result, 'rejected');
    assert.ok(shown.some((m) => m.includes('apply this edit? It changes only leading or trailing whitespace, on 2 lines, which the diff hides: turn on "Show Leading/Trailing Whitespace Differences"')), shown.join('\n'));
  });

  it('a second proposal in the same file still applies after the first is accepted, where its code now is, and its diff shows its own change only', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const first = vscode.commands.executeCommand<string>('ladder.generateDocs');
    await waitForDiff(first);
    const [firstUri] = proposalUris();
    await openAndSelect('src/orders.ts', 21, 23);
    const second = vscode.commands.executeCommand<string>('ladder.generateDocs');
    const secondUri = await until('the second diff', () => proposalUris().find((u) => u.toString() !== firstUri?.toString()));
    const before = (await verdicts()).length;
    await vscode.commands.executeCommand('ladder.acceptEdit', firstUri);
    assert.equal(await first, 'accepted');
    const proposal = await vscode.workspace.openTextDocument(secondUri);
    // The second diff's proposed side follows the file: the first edit is on both sides now.
    await until('the second proposal to hold the first edit', () => /\*\/\s*export function orderTotal/.test(proposal.getText()) || undefined);
    const { result, messages: shown } = await messages(() => vscode.commands.executeCommand('ladder.acceptEdit', secondUri));
    assert.equal(result, true, shown.join('\n'));
    assert.equal(await second, 'accepted');
    const text = editor.document.getText();
    assert.match(text, /\*\/\s*export function orderTotal/);
    assert.match(text, /\*\/\s*export function renderOrder/);
    assert.equal(text.match(/export function renderOrder/g)?.length, 1, 'the second edit replaced its own lines, not lines next to them');
    assert.deepEqual((await verdicts()).slice(before).map((v) => v.kind === 'verdict' && v.verdict), ['accepted', 'accepted']);
  });

  it('typing elsewhere in the file while the diff is open keeps the proposal; typing in the code it replaces refuses Accept and records no verdict', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const uri = editor.document.uri;
    let pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await waitForDiff(pending);
    const above = new vscode.WorkspaceEdit();
    above.insert(uri, new vscode.Position(0, 0), '// a note above\n');
    assert.ok(await vscode.workspace.applyEdit(above));
    let accepted = await messages(() => vscode.commands.executeCommand('ladder.acceptEdit'));
    assert.equal(await pending, 'accepted', accepted.messages.join('\n'));
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[0], '// a note above', 'the typing stays');
    assert.deepEqual(lines.slice(15, 20), ['export function orderTotal(items: { price: number; qty: number }[]) {', '    let t = 0', '    for (const i of items) { t += i.price * i.qty }', '    return t', '}'], 'tidied where the code moved to');

    await openAndSelect('src/orders.ts', 22, 24);
    api().script.when({ system: /Ladder task: format/ }, { text: '```ts\nexport function renderOrder(el: HTMLElement, order: Order): void {\n  el.textContent = order.customer;\n}\n```' }, { times: 1 });
    pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await waitForDiff(pending);
    const inside = new vscode.WorkspaceEdit();
    inside.insert(uri, new vscode.Position(22, 2), '/* mine */ ');
    assert.ok(await vscode.workspace.applyEdit(inside));
    const before = (await verdicts()).length;
    const text = editor.document.getText();
    accepted = await messages(() => vscode.commands.executeCommand('ladder.acceptEdit'));
    assert.equal(accepted.result, false);
    assert.equal(await pending, 'stale');
    assert.deepEqual(accepted.messages.filter((m) => !m.includes('apply this edit?')), ['Ladder: the code the edit replaces changed after it was proposed, so it was not applied. Run the command again.']);
    assert.equal(editor.document.getText(), text);
    assert.equal((await verdicts()).length, before, 'an edit that was never applied is no verdict on the model');
  });

  it('typing above the selection while the model works: the edit is proposed where the code moved to, and applies there', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const uri = editor.document.uri;
    api().script.fault(faults.slowFirstByte(1_500));
    const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await until('the request', () => sent().length > 0 || undefined);
    const above = new vscode.WorkspaceEdit();
    above.insert(uri, new vscode.Position(0, 0), '// typed while the model worked\n// and a second line\n');
    assert.ok(await vscode.workspace.applyEdit(above));
    const { messages: told } = await messages(async () => {
      await waitForDiff(pending);
      await vscode.commands.executeCommand('ladder.acceptEdit');
      return pending;
    });
    assert.equal(await pending, 'accepted', told.join('\n'));
    const lines = editor.document.getText().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['// typed while the model worked', '// and a second line'], 'the typing stays');
    assert.deepEqual(lines.slice(16, 21), ['export function orderTotal(items: { price: number; qty: number }[]) {', '    let t = 0', '    for (const i of items) { t += i.price * i.qty }', '    return t', '}'], 'tidied two lines further down, where the code is now');
    assert.equal(sent().length, 1, 'one request, not run again');
  });

  it('typing above the code while its diff is open: Reject\'s retry one tier up reads the code where it moved to, with its lines shifted', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const uri = editor.document.uri;
    const start = sent().length;
    const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await waitForDiff(pending);
    const rejectedModel = sent().slice(start).at(-1)?.model;
    const above = new vscode.WorkspaceEdit();
    above.insert(uri, new vscode.Position(0, 0), '// typed while reading the diff\n');
    assert.ok(await vscode.workspace.applyEdit(above));
    await captureMessages('showInformationMessage', async () => {
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal(await pending, 'rejected');
    });
    const before = sent().length;
    const { result, messages: told } = await messages(async () => {
      const retry = vscode.commands.executeCommand<string>('ladder.retryAbove');
      await waitForDiff(retry);
      await vscode.commands.executeCommand('ladder.acceptEdit');
      return retry;
    });
    assert.equal(result, 'accepted', told.join('\n'));
    const request = sent().slice(before)[0];
    // One tier up from the rejected edit's (where Tidy starts depends on verdicts earlier in the suite).
    const tierAbove: Record<string, string> = { 'claude-haiku-4-5': 'claude-sonnet-4-6', 'claude-sonnet-4-6': 'claude-opus-4-8' };
    assert.equal(request?.model, tierAbove[rejectedModel ?? ''], 'one tier up');
    assert.match(JSON.stringify(request?.body), /Lines: 16-20/, 'the lines where the code is now');
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[0], '// typed while reading the diff');
    assert.deepEqual(lines.slice(15, 20), ['export function orderTotal(items: { price: number; qty: number }[]) {', '    let t = 0', '    for (const i of items) { t += i.price * i.qty }', '    return t', '}'], 'tidied where the code moved to');
  });

  it('a CRLF file: an answer in CRLF is applied in the file\'s line endings, with no blank line added', async () => {
    const editor = await vscode.window.showTextDocument(tempFile('crlf-tidy.ts', 'export function a( x:number ){   \r\n  return x+1;   \r\n}   \r\n'));
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    api().script.when({ system: /Ladder task: format/ }, { text: 'Tidied:\r\n\r\n```ts\r\nexport function a(x: number) {\r\n  return x + 1;\r\n}\r\n```\r\n' }, { times: 1 });
    const { result, messages: shown } = await tidy('ladder.acceptEdit');
    assert.equal(result, 'accepted', shown.join('\n'));
    assert.equal(editor.document.getText(), 'export function a(x: number) {\r\n  return x + 1;\r\n}\r\n');
  });

  it('a file made read-only by files.readonlyInclude or by its permissions is refused before anything is sent', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('readonlyInclude', { '**/src/db.ts': true }, vscode.ConfigurationTarget.Global);
    try {
      const editor = await openAndSelect('src/db.ts', 1, 3);
      const { result, messages: shown } = await messages(() => vscode.commands.executeCommand('ladder.tidySelection'));
      assert.equal(result, undefined);
      assert.deepEqual(shown, ['Ladder: db.ts is read-only (files.readonlyInclude), so Tidy Selection cannot change it; nothing was sent.']);
      assert.equal(editor.document.isDirty, false);
    } finally {
      await files.update('readonlyInclude', undefined, vscode.ConfigurationTarget.Global);
    }

    await files.update('readonlyFromPermissions', true, vscode.ConfigurationTarget.Global);
    const locked = tempFile('locked.ts', 'export function  a( x:number ){   \n  return x+1;   \n}   \n');
    chmodSync(locked.fsPath, 0o444);
    try {
      const editor = await vscode.window.showTextDocument(locked);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      const { result, messages: shown } = await messages(() => vscode.commands.executeCommand('ladder.tidySelection'));
      assert.equal(result, undefined);
      assert.deepEqual(shown, [`Ladder: ${locked.path.split('/').pop()} is read-only on disk (files.readonlyFromPermissions), so Tidy Selection cannot change it; nothing was sent.`]);
    } finally {
      chmodSync(locked.fsPath, 0o644);
      await files.update('readonlyFromPermissions', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.deepEqual(sent(), [], 'nothing was paid for');

    // Included and excluded both: VS Code makes it writable, whatever its permissions say.
    await files.update('readonlyFromPermissions', true, vscode.ConfigurationTarget.Global);
    await files.update('readonlyInclude', { '**/*-locked.ts': true }, vscode.ConfigurationTarget.Global);
    await files.update('readonlyExclude', { '**/*-locked.ts': true }, vscode.ConfigurationTarget.Global);
    chmodSync(locked.fsPath, 0o444);
    try {
      const editor = await vscode.window.showTextDocument(locked);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(pending);
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal(await pending, 'rejected', 'the edit was proposed');
    } finally {
      chmodSync(locked.fsPath, 0o644);
      for (const key of ['readonlyFromPermissions', 'readonlyInclude', 'readonlyExclude']) await files.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Rename Symbol in a read-only file is refused before names are paid for, and a rename reaching a read-only file changes nothing', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('readonlyInclude', { '**/src/orders.ts': true }, vscode.ConfigurationTarget.Global);
    try {
      const editor = await openAndSelect('src/orders.ts');
      const line = editor.document.getText().split('\n').findIndex((l) => l.includes('let t = 0'));
      editor.selection = new vscode.Selection(line, 8, line, 8);
      const { result, messages: shown } = await messages(() => vscode.commands.executeCommand('ladder.renameSymbol', 'runningTotal'));
      assert.equal(result, undefined);
      assert.deepEqual(shown, ['Ladder: orders.ts is read-only (files.readonlyInclude), so Rename Symbol cannot change it; nothing was sent.']);
      assert.deepEqual(sent(), [], 'no names were paid for');
      assert.match(editor.document.getText(), /let t = 0/);
    } finally {
      await files.update('readonlyInclude', undefined, vscode.ConfigurationTarget.Global);
    }
    // The symbol's own file is writable; a file that imports it is not.
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const uses = vscode.Uri.joinPath(root, 'src', 'uses-total.ts');
    await vscode.workspace.fs.writeFile(uses, new TextEncoder().encode("import { orderTotal } from './orders';\nexport const none = orderTotal([]);\n"));
    await files.update('readonlyInclude', { '**/src/uses-total.ts': true }, vscode.ConfigurationTarget.Global);
    try {
      await vscode.workspace.openTextDocument(uses);
      const editor = await openAndSelect('src/orders.ts');
      const line = editor.document.getText().split('\n').findIndex((l) => l.includes('function orderTotal'));
      editor.selection = new vscode.Selection(line, editor.document.lineAt(line).text.indexOf('orderTotal') + 2, line, editor.document.lineAt(line).text.indexOf('orderTotal') + 2);
      // TypeScript has to know the importer before it renames across files.
      await until('the importer as a reference', async () => ((await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', editor.document.uri, editor.selection.active)) ?? []).some((l) => l.uri.toString() === uses.toString()) || undefined);
      const { result, messages: shown } = await messages(() => vscode.commands.executeCommand('ladder.renameSymbol', 'sumOfOrder'));
      assert.equal(result, undefined);
      assert.deepEqual(shown, ['Ladder: renaming `orderTotal` would change src/uses-total.ts, which is read-only (files.readonlyInclude), so nothing was renamed.']);
      assert.match(editor.document.getText(), /function orderTotal/);
      assert.equal(editor.document.isDirty, false);
    } finally {
      await files.update('readonlyInclude', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uses);
    }
  });

  it('Refactor Selection says a selection is too large before it asks what the refactoring should achieve', async () => {
    const editor = await vscode.window.showTextDocument(tempFile('huge-refactor.ts', Array.from({ length: 1500 }, (_, i) => `export const value${i} = computeSomethingLong(${i}, 'a string to make it longer');`).join('\n')));
    editor.selection = new vscode.Selection(0, 0, 1499, 0);
    const asked: string[] = [];
    const input = vscode.window.showInputBox;
    (vscode.window as { showInputBox: typeof input }).showInputBox = async (options) => { asked.push(options?.title ?? ''); return 'split it up'; };
    try {
      const { result, messages: shown } = await messages(() => vscode.commands.executeCommand('ladder.refactorSelection'));
      assert.equal(result, undefined);
      assert.match(shown.join('\n'), /the selection is about [\d,]+ tokens, and Refactor Selection answers with all of it/);
      assert.deepEqual(asked, [], 'no goal was asked for');
      assert.deepEqual(sent(), []);
    } finally {
      (vscode.window as { showInputBox: typeof input }).showInputBox = input;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('a cell of a notebook that files.readonlyInclude makes read-only is refused too, and a cell of a writable notebook is not', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const ipynb = (source: string) => new TextEncoder().encode(JSON.stringify({ cells: [{ cell_type: 'code', source: [source], metadata: {}, outputs: [], execution_count: null }], metadata: { language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 }));
    const locked = vscode.Uri.joinPath(root, 'locked-cells.ipynb');
    const open = vscode.Uri.joinPath(root, 'open-cells.ipynb');
    await vscode.workspace.fs.writeFile(locked, ipynb('def  add( a,b ):\n    return a+b\n'));
    await vscode.workspace.fs.writeFile(open, ipynb('def  add( a,b ):\n    return a+b\n'));
    const files = vscode.workspace.getConfiguration('files');
    await files.update('readonlyInclude', { '**/locked-cells.ipynb': true }, vscode.ConfigurationTarget.Global);
    const tidyCell = async (uri: vscode.Uri) => {
      const notebook = await vscode.workspace.openNotebookDocument(uri);
      await vscode.window.showNotebookDocument(notebook);
      const editor = await vscode.window.showTextDocument(notebook.cellAt(0).document);
      editor.selection = new vscode.Selection(0, 0, 2, 0);
      return await messages(() => vscode.commands.executeCommand('ladder.tidySelection'));
    };
    try {
      const { result, messages: shown } = await tidyCell(locked);
      assert.equal(result, undefined);
      assert.deepEqual(shown, ['Ladder: locked-cells.ipynb is read-only (files.readonlyInclude), so Tidy Selection cannot change it; nothing was sent.']);
      assert.deepEqual(sent(), [], 'nothing was paid for');
    } finally {
      await files.update('readonlyInclude', undefined, vscode.ConfigurationTarget.Global);
    }
    try {
      api().script.when({ system: /Ladder task: format/ }, { text: '```python\ndef add(a, b):\n    return a + b\n```\n' }, { times: 1 });
      const pending = tidyCell(open);
      await waitForDiff(pending.then((r) => r.result));
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal((await pending).result, 'rejected', 'the edit was proposed');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const uri of [locked, open]) await vscode.workspace.fs.delete(uri);
    }
  });

  it('the notification\'s Accept or Reject clicked after the diff\'s own button decided does nothing but say so: no second verdict, no edit after a reject, no second retry offer', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const original = editor.document.getText();
    // VS Code cannot withdraw a notification: it stays in the Notification Center, its buttons
    // still live. Each "apply this edit?" is held open here, to be clicked after the verdict.
    const shown: string[] = [];
    const clicks: ((choice: string) => void)[] = [];
    const window = vscode.window as unknown as Record<'showInformationMessage', unknown>;
    const real = window.showInformationMessage;
    window.showInformationMessage = (message: string) => {
      shown.push(message);
      return message.includes('apply this edit?') ? new Promise<string>((click) => clicks.push(click)) : Promise.resolve(undefined);
    };
    const late = async (choice: string) => {
      const before = { verdicts: (await verdicts()).length, requests: sent().length, messages: shown.length, text: editor.document.getText() };
      clicks.shift()?.(choice);
      const told = await until('the late click\'s answer', () => shown.slice(before.messages).find((m) => m.includes('already')));
      assert.equal(told, 'Ladder: that edit was already accepted, rejected or closed.');
      assert.deepEqual(shown.slice(before.messages), [told], 'no retry offer, no other message');
      assert.equal((await verdicts()).length, before.verdicts, 'no second verdict');
      assert.equal(editor.document.getText(), before.text, 'the file is as the verdict left it');
      assert.equal(sent().length, before.requests, 'nothing sent');
      assert.equal(proposalUris().length, 0, 'no diff opened');
    };
    try {
      let pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(pending);
      const start = (await verdicts()).length;
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal(await pending, 'rejected');
      assert.equal(shown.filter((m) => m.startsWith('Ladder: you rejected')).length, 1, shown.join('\n'));
      await late('Accept');
      assert.equal(editor.document.getText(), original, 'the rejected edit was not applied');

      await openAndSelect('src/orders.ts', 15, 19);
      pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(pending);
      await vscode.commands.executeCommand('ladder.acceptEdit', proposalUris()[0]);
      assert.equal(await pending, 'accepted');
      await late('Reject');
      assert.deepEqual((await verdicts()).slice(start).map((v) => v.kind === 'verdict' && v.verdict), ['rejected', 'accepted']);
      assert.equal(shown.filter((m) => m.startsWith('Ladder: you rejected')).length, 1, 'the one retry offer, from the real reject');
      assert.notEqual(editor.document.getText(), original, 'the accepted edit stays');
    } finally {
      window.showInformationMessage = real;
    }
  });

  it('Accept and Reject have keys while a proposal diff has the focus, in the same context as its title-bar buttons', async () => {
    await ladder();
    const contributes = vscode.extensions.getExtension('ladder-dev.ladder')?.packageJSON.contributes as { keybindings?: { command: string; key: string; when: string }[]; menus: Record<string, { command?: string; when?: string }[]> };
    // VS Code hands the manifest over with its when clauses normalised (values quoted, terms sorted).
    const unquoted = (when: string | undefined) => when?.replace(/'/g, '');
    const button = unquoted(contributes.menus['editor/title']?.find((m) => m.command === 'ladder.acceptEdit')?.when);
    assert.equal(button, 'resourceScheme == ladder-proposal');
    const keys = (contributes.keybindings ?? []).filter((k) => k.command.endsWith('Edit')).map((k) => [k.command, k.key, unquoted(k.when)?.split(' && ').includes(button)]);
    assert.deepEqual(keys, [['ladder.acceptEdit', 'ctrl+enter', true], ['ladder.rejectEdit', 'ctrl+backspace', true]]);
  });
});
