import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { captureMessages } from '../editor';
import { ladder, setLadder } from '../helpers';
import { api, resetApi, setUpSuite, tearDownSuite } from '../setup';

type ReviewResult = { findings: { file: string; startLine: number; category: string }[]; reportUri: vscode.Uri };

function folder(name: string): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  if (!found) throw new Error(`no workspace folder named ${name}`);
  return found;
}

function fileIn(name: string, rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder(name).uri, rel);
}

async function openAll(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  const last = editor.document.lineCount - 1;
  editor.selection = new vscode.Selection(0, 0, last, editor.document.lineAt(last).text.length);
  return editor;
}

const messageBodies = (): string[] => api().log.filter((e) => e.path === '/v1/messages').map((e) => JSON.stringify(e.body));

describe('multi-root workspace', function () {
  this.timeout(60_000);
  before(setUpSuite);
  after(tearDownSuite);
  beforeEach(resetApi);

  it('opens both folders of the .code-workspace file', () => {
    assert.deepEqual(vscode.workspace.workspaceFolders?.map((f) => f.name), ['api', 'web']);
  });

  it("the cached context holds both folders under their names, and neither folder's secret or ignored files", async () => {
    const { container } = await ladder();
    const text = (await container.workspace.segments()).context?.text ?? '';
    assert.match(text, /It has 2 folders \(api, web\); each path starts with its folder's name\./);
    for (const name of ['api', 'web']) assert.match(text, new RegExp(`^${name}/$`, 'm'), `${name} is a top-level directory of the tree`);
    assert.match(text, /shop-api/, "api's package.json");
    assert.match(text, /shop-web/, "web's package.json");
    assert.match(text, /the API lives in the other folder/, "web's README (api has none)");
    assert.doesNotMatch(text, /multiroot-password-do-not-send|MULTIROOT_BUILD_MARKER/);
    assert.equal(container.workspace.relativePath(fileIn('web', 'src/cart.ts')), 'web/src/cart.ts');
    // Show Workspace Context says which folder each name in the text is.
    const page = (await vscode.workspace.openTextDocument(await vscode.commands.executeCommand<vscode.Uri>('ladder.showContext'))).getText();
    for (const name of ['api', 'web']) assert.ok(page.includes(`- \`${name}\`: \`${folder(name).uri.fsPath.replace(/\\/g, '/')}\``), page.slice(0, 800));
  });

  it("Review with Escalation of a file in the second folder sends its folder's path and marks that file", async () => {
    const cart = fileIn('web', 'src/cart.ts');
    await openAll(cart);
    const result = await vscode.commands.executeCommand<ReviewResult>('ladder.reviewSelection');
    assert.ok(result, 'the review ran');
    const bodies = messageBodies();
    assert.ok(bodies.length >= 1);
    assert.match(bodies[0]!, /web\/src\/cart\.ts/, 'the request names the file with its folder');
    assert.match(bodies[0]!, /It has 2 folders \(api, web\)/, 'and carries the multi-root context');
    const sink = result.findings.find((f) => f.category === 'security');
    assert.ok(sink, JSON.stringify(result.findings));
    assert.ok(vscode.languages.getDiagnostics(cart).some((d) => d.source === 'Ladder' && d.range.start.line === sink.startLine - 1), 'the diagnostic is on web/src/cart.ts');
  });

  it('a review of one folder reads only that folder, never its .env or ignored build, and maps findings back to its files', async () => {
    const result = await vscode.commands.executeCommand<ReviewResult>('ladder.reviewSelection', folder('api').uri);
    assert.ok(result, 'the folder review ran');
    const bodies = messageBodies();
    assert.match(bodies[0]!, /===== api\/src\/orders\.ts =====/);
    assert.ok(bodies.every((b) => !/===== web\//.test(b)), 'nothing from the other folder');
    assert.ok(bodies.every((b) => !/multiroot-password-do-not-send|MULTIROOT_BUILD_MARKER/.test(b)), 'never the secret or the ignored file');
    const sql = result.findings.find((f) => f.file === 'api/src/orders.ts' && f.category === 'security');
    assert.ok(sql, JSON.stringify(result.findings));
    assert.ok(vscode.languages.getDiagnostics(fileIn('api', 'src/orders.ts')).some((d) => d.range.start.line === sql.startLine - 1), 'the diagnostic lands on the file in the api folder');
    assert.match((await vscode.workspace.openTextDocument(result.reportUri)).getText(), /^# Review with Escalation: api \(4 files\)$/m);
  });

  it('a file in the second folder can be pinned and unpinned; its .env cannot be pinned or reviewed', async () => {
    const { container } = await ladder();
    const cart = fileIn('web', 'src/cart.ts');
    assert.equal(await vscode.commands.executeCommand('ladder.pinFile', cart), 'web/src/cart.ts');
    assert.deepEqual(container.workspace.pinnedPaths(), ['web/src/cart.ts']);
    assert.match((await container.workspace.segments()).pinned?.text ?? '', /renderCart/, "the pinned segment carries the file's text");
    assert.equal(await vscode.commands.executeCommand('ladder.unpinFile', cart), 'web/src/cart.ts');
    assert.deepEqual(container.workspace.pinnedPaths(), []);

    const env = fileIn('api', '.env');
    const { messages } = await captureMessages('showWarningMessage', async () => {
      assert.equal(await vscode.commands.executeCommand('ladder.pinFile', env), undefined);
    });
    assert.ok(messages.some((m) => /api\/\.env is not pinned/.test(m)), messages.join(' | '));
    await openAll(env);
    const reviewed = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.reviewSelection'));
    assert.equal(reviewed.result, undefined);
    assert.equal(api().log.length, 0, 'nothing reached the API, not even count_tokens');
  });

  it("one folder's own settings can lower the access cap, as every settings level can", async () => {
    // No editor: the route previewed is the words' alone (the test before leaves .env open, which is never read).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const dotVscode = fileIn('web', '.vscode');
    const had = await vscode.workspace.fs.stat(dotVscode).then(() => true, () => false);
    const { container } = await ladder();
    try {
      await setLadder('routing.accessCap', 'S', vscode.ConfigurationTarget.WorkspaceFolder, folder('web').uri);
      const capped = async () => (await vscode.commands.executeCommand<{ tier: string }>('ladder.previewRoute', 'audit the session token comparison for timing attacks'))?.tier;
      assert.equal(container.config.get('routing.accessCap'), 'S');
      assert.equal(await capped(), 'S');
    } finally {
      await setLadder('routing.accessCap', undefined, vscode.ConfigurationTarget.WorkspaceFolder, folder('web').uri);
      if (!had) await vscode.workspace.fs.delete(dotVscode, { recursive: true }).then(undefined, () => undefined);
    }
    assert.equal(container.config.get('routing.accessCap'), 'O', 'and the cap is lifted again with it');
  });

  it("one folder's access cap holds the whole window, and the route says which folder set it", async () => {
    await setLadder('routing.accessCap', 'H', vscode.ConfigurationTarget.WorkspaceFolder, folder('web').uri);
    try {
      const { container } = await ladder();
      assert.equal(container.config.accessCapLevel, 'folder "web"');
      const plan = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'redesign the order service for multi-region consistency');
      assert.equal(plan?.tier, 'H');
      assert.ok(plan?.reasons.some((r) => r.includes('access cap (ladder.routing.accessCap, in folder "web" settings) is labour')), plan?.reasons.join(' | '));
    } finally {
      await setLadder('routing.accessCap', undefined, vscode.ConfigurationTarget.WorkspaceFolder, folder('web').uri);
    }
  });

  it('a folder added to the workspace joins the context on the next request, and leaves it when removed', async () => {
    const { container } = await ladder();
    const extra = vscode.Uri.joinPath(folder('web').uri, '..', 'docs');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(extra, 'guide.md'), new TextEncoder().encode('# Guide\n'));
    // The three folders sit in one repository whose .gitignore leaves out Markdown and logs.
    const top = vscode.Uri.joinPath(folder('web').uri, '..');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(top, '.git'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(top, '.gitignore'), new TextEncoder().encode('*.md\n'));
    // Its info/exclude leaves out a scratch file, as git would.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(top, '.git', 'info', 'exclude'), new TextEncoder().encode('*.scratch\n'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder('web').uri, 'todo.scratch'), new TextEncoder().encode('MULTIROOT_SCRATCH_MARKER\n'));
    const changed = () => new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeWorkspaceFolders(() => {
        listener.dispose();
        resolve();
      });
    });
    // At the end, not the start: changing the first folder restarts every extension.
    let done = changed();
    assert.ok(vscode.workspace.updateWorkspaceFolders(2, 0, { uri: extra, name: 'docs' }));
    await done;
    const text = (await container.workspace.segments()).context?.text ?? '';
    assert.match(text, /It has 3 folders \(api, web, docs\)/);
    assert.doesNotMatch(text, /the API lives in the other folder/, "web's README is left out by the repository's .gitignore above it");
    assert.match(text, /^web\/$/m);
    const scratch = (await container.workspace.leftOut()).exclusions.find((e) => e.path === 'web/todo.scratch');
    assert.equal(scratch?.detail, '../.git/info/exclude: *.scratch', "the repository's info/exclude, named as the folder sees it");
    assert.equal(container.workspace.relativePath(vscode.Uri.joinPath(extra, 'guide.md')), 'docs/guide.md');
    // An edit to that .gitignore, outside every folder of the workspace, is followed too.
    // Saved again each second until seen: a file watcher outside the workspace takes a moment to start.
    const readmeBack = async () => /the API lives in the other folder/.test((await container.workspace.segments()).context?.text ?? '');
    for (let save = 0; save < 10 && !(await readmeBack()); save++) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(top, '.gitignore'), new TextEncoder().encode(`*.log\n# saved ${save + 1}\n`));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.ok(await readmeBack(), "web's README is back once the .gitignore above stops leaving it out");

    done = changed();
    assert.ok(vscode.workspace.updateWorkspaceFolders(2, 1));
    await done;
    assert.match((await container.workspace.segments()).context?.text ?? '', /It has 2 folders \(api, web\)/);
    assert.equal(container.workspace.relativePath(vscode.Uri.joinPath(extra, 'guide.md')), undefined);
  });

  it('a folder inside another is named as not reviewed by a review of the outer one; findings go with a removed folder, unless another folder still holds the file', async () => {
    const nested = fileIn('api', 'src');
    const tools = vscode.Uri.joinPath(folder('web').uri, '..', 'tools');
    const toolsOrders = vscode.Uri.joinPath(tools, 'orders.ts');
    // A folder of its own inside tools: removing tools leaves it, and its files, open.
    const inner = vscode.Uri.joinPath(tools, 'inner');
    const innerOrders = vscode.Uri.joinPath(inner, 'orders.ts');
    for (const uri of [toolsOrders, innerOrders]) await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(fileIn('api', 'src/orders.ts')));
    const changed = () => new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeWorkspaceFolders(() => {
        listener.dispose();
        resolve();
      });
    });
    let done = changed();
    assert.ok(vscode.workspace.updateWorkspaceFolders(2, 0, { uri: nested, name: 'api-src' }, { uri: tools, name: 'tools' }, { uri: inner, name: 'inner' }));
    await done;
    try {
      const result = await vscode.commands.executeCommand<ReviewResult>('ladder.reviewSelection', folder('api').uri);
      assert.match((await vscode.workspace.openTextDocument(result.reportUri)).getText(), /api\/src\/[^\n]*it is a workspace folder of its own \("api-src"\): review it there/);
      const ladderDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Ladder');
      for (const uri of [toolsOrders, innerOrders, fileIn('api', 'src/orders.ts')]) {
        await openAll(uri);
        await vscode.commands.executeCommand('ladder.reviewSelection');
        assert.ok(ladderDiagnostics(uri).length > 0, `findings in ${uri.path}`);
      }
      done = changed();
      assert.ok(vscode.workspace.updateWorkspaceFolders(2, 2));
      await done;
      assert.deepEqual(vscode.workspace.workspaceFolders?.map((f) => f.name), ['api', 'web', 'inner']);
      assert.deepEqual(ladderDiagnostics(toolsOrders), [], 'the removed folder\'s findings went with it');
      assert.ok(ladderDiagnostics(innerOrders).length > 0, 'inner is still open: the findings of its files stay');
      assert.ok(ladderDiagnostics(fileIn('api', 'src/orders.ts')).length > 0, 'the file is still in the api folder: its findings stay');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if ((vscode.workspace.workspaceFolders?.length ?? 0) > 2) {
        done = changed();
        vscode.workspace.updateWorkspaceFolders(2, (vscode.workspace.workspaceFolders?.length ?? 2) - 2);
        await done;
      }
      await vscode.workspace.fs.delete(tools, { recursive: true });
    }
  });
});
