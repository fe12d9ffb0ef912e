import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CallRecord } from '../../src/core/ledger/record';
import type { RequestLogEntry } from '../support/standin/log';
import { captureMessages, openAndSelect, until, waitForDiff } from './editor';
import { ladder } from './helpers';
import { api, standInSuite } from './setup';

const root = () => vscode.workspace.workspaceFolders![0]!.uri;
const ladderDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Ladder');

/** The fix requests the stand-in received since `from` (not a difficulty check or a review). */
function fixRequests(from: number): RequestLogEntry[] {
  return api().log.slice(from).filter((e) => e.path === '/v1/messages' && /Ladder task: fix\b/.test(JSON.stringify((e.body as { system?: unknown }).system)));
}

const sentText = (e: RequestLogEntry | undefined) => JSON.stringify((e?.body as { messages: unknown[] } | undefined)?.messages);

describe('Fix All Review Findings in File', function () {
  this.timeout(60_000);
  standInSuite();

  it('the light bulb offers all of a file\'s findings at once: one request on the strongest finding\'s tier, one diff; Accept applies it and every finding goes', async () => {
    const editor = await openAndSelect('src/orders.ts', 9, 23);
    const uri = editor.document.uri;
    const review = await vscode.commands.executeCommand<{ findings: { category: string; message: string }[] }>('ladder.reviewSelection');
    // Earlier tests' Security and Architecture Reviews of this file keep their findings beside these: Fix All takes them all.
    const before = await until('Ladder diagnostics', () => (ladderDiagnostics(uri).length >= review.findings.length ? ladderDiagnostics(uri) : undefined));
    assert.ok(before.length >= 2, `two findings or more: ${JSON.stringify(review.findings)}`);
    const places = before.map((d) => `${d.range.start.line}:${String(d.code)}`);
    assert.equal(new Set(places).size, places.length, `no finding shows twice on its lines: ${places.join(', ')}`);
    const html = before.find((d) => d.range.start.line === 21);
    assert.ok(html, `the innerHTML finding is on line 22: ${before.map((d) => d.range.start.line + 1).join(', ')}`);
    // The light bulb's request is cancelled when the editors move (the review's report opening beside): ask again.
    const actions = await until('the quick fixes', () => Promise.resolve(vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, html.range, vscode.CodeActionKind.QuickFix.value)).catch(() => undefined));
    const all = actions.find((a) => a.title === `Fix all ${before.length} Ladder findings in this file`);
    assert.ok(all?.command, `offered beside the single fix: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => a.title.startsWith('Fix with Ladder: ')), 'the single fix is still there');

    const sent = api().log.length;
    const pending = vscode.commands.executeCommand<string>(all.command.command, ...(all.command.arguments ?? []));
    await waitForDiff(pending);
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await pending, 'accepted');
    const text = editor.document.getText();
    assert.match(text, /el\.textContent = /, 'the innerHTML finding is fixed');
    assert.match(text, /db\.query\("SELECT \* FROM orders WHERE customer = \$1", \[customer\]\)/, 'and the SQL finding, in the same edit');
    const requests = fixRequests(sent);
    assert.equal(requests.length, 1, 'one request for all the findings');
    assert.equal(requests[0]?.model, 'claude-opus-4-8', 'a security finding among them makes the fix judgment work');
    for (const f of review.findings) assert.ok(sentText(requests[0]).includes(JSON.stringify(f.message).slice(1, 40)), `the question lists "${f.message}"`);
    await until('every finding leaves the Problems list', () => (ladderDiagnostics(uri).length === 0 ? true : undefined));
    const { container } = await ladder();
    const records = (await container.cost.store.readAll()).records;
    const call = records.filter((r): r is CallRecord => r.kind !== 'verdict').at(-1);
    assert.deepEqual([call?.command, call?.stepType, call?.model], ['fix', 'fix', 'claude-opus-4-8']);
    assert.ok(records.some((r) => r.kind === 'verdict' && r.verdict === 'accepted' && r.taskId === call?.taskId), 'the verdict is booked on the fix');
  });

  it('findings too far apart for one answer: the largest run that fits is fixed, and the user is told what was left out and why', async () => {
    const file = vscode.Uri.joinPath(root(), 'src', 'spread.ts');
    // 300 long lines between the first findings and the last: more than one answer holds.
    const filler = Array.from({ length: 300 }, (_, i) => `export const filler${i} = '${'x'.repeat(80)}';`);
    const code = ['// spread', 'export const a = (x: number) => x == 1;', '', 'export const b = (x: number) => x == 2;', '', 'export const c = (x: number) => x == 3;', ...filler, 'export const farAway = (x: number) => x == 4;', ''].join('\n');
    const farLine = code.split('\n').findIndex((l) => l.includes('farAway')) + 1;
    const at = (line: number, message: string) => ({ file: 'src/spread.ts', startLine: line, endLine: line, severity: 'medium', category: 'correctness', confidence: 0.9, message });
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      const editor = await vscode.window.showTextDocument(file, { preview: false });
      api().script.when({ system: /Ladder task: review/ }, { json: { findings: [
        at(2, 'loose equality in a'), at(4, 'loose equality in b'), at(6, 'loose equality in c'), at(farLine, 'loose equality far away'),
      ] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      await until('four findings', () => (ladderDiagnostics(file).length === 4 ? true : undefined));
      // The third finding's code changes after the review: Ladder cannot tell what to fix there.
      const changed = new vscode.WorkspaceEdit();
      changed.insert(file, new vscode.Position(5, 0), '/* edited */ ');
      assert.ok(await vscode.workspace.applyEdit(changed));
      await vscode.window.showTextDocument(editor.document, { preview: false });

      const sent = api().log.length;
      const { result, messages } = await captureMessages('showInformationMessage', async () => {
        const pending = vscode.commands.executeCommand<string>('ladder.fixAllFindings');
        await waitForDiff(pending);
        await vscode.commands.executeCommand('ladder.acceptEdit');
        return pending;
      });
      assert.equal(result, 'accepted');
      assert.ok(messages.includes('Ladder: fixing 2 of 4 findings; left out: 1 finding whose code changed since the review (run the review again for it), and 1 finding too far from the others for one answer (Fix All again once these are done).'), messages.join('\n'));
      const requests = fixRequests(sent);
      assert.equal(requests.length, 1);
      assert.equal(requests[0]?.model, 'claude-sonnet-4-6', 'correctness findings alone: a fix on the execute tier');
      assert.match(sentText(requests[0]), /loose equality in a[\s\S]*loose equality in b/);
      assert.doesNotMatch(sentText(requests[0]), /farAway|filler/, 'neither the far finding\'s code nor the lines between are sent');
      const lines = editor.document.getText().split('\n');
      assert.deepEqual([lines[1], lines[3]], ['export const a = (x: number) => x === 1;', 'export const b = (x: number) => x === 2;']);
      assert.equal(lines[farLine - 1], 'export const farAway = (x: number) => x == 4;', 'the far line is untouched');
      const left = await until('the fixed findings gone', () => (ladderDiagnostics(file).length === 2 ? ladderDiagnostics(file) : undefined));
      assert.deepEqual(left.map((d) => d.range.start.line + 1).sort((x, y) => x - y), [6, farLine], 'the changed and the far finding stay');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('a finding left out because its code changed stays on the lines it moved to after the others are fixed', async () => {
    const file = vscode.Uri.joinPath(root(), 'src', 'moved.ts');
    const code = ['// moved', 'export const a = (x: number) => x == 1;', '', 'export const b = (x: number) => x == 2;', '', 'export const c = (x: number) => x == 3;', ''].join('\n');
    const at = (line: number, message: string) => ({ file: 'src/moved.ts', startLine: line, endLine: line, severity: 'medium', category: 'correctness', confidence: 0.9, message });
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      const editor = await vscode.window.showTextDocument(file, { preview: false });
      api().script.when({ system: /Ladder task: review/ }, { json: { findings: [at(2, 'loose equality in a'), at(4, 'loose equality in b'), at(6, 'loose equality in c')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      await until('three findings', () => (ladderDiagnostics(file).length === 3 ? true : undefined));
      // Two lines above everything, then c's code changed: c is now on line 8, and cannot be fixed.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(file, new vscode.Position(0, 0), '// one\n// two\n');
      edit.insert(file, new vscode.Position(5, 0), '/* edited */ ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(editor.document.lineAt(7).text, '/* edited */ export const c = (x: number) => x == 3;');
      await vscode.window.showTextDocument(editor.document, { preview: false });
      const { result, messages } = await captureMessages('showInformationMessage', async () => {
        const pending = vscode.commands.executeCommand<string>('ladder.fixAllFindings');
        await waitForDiff(pending);
        await vscode.commands.executeCommand('ladder.acceptEdit');
        return pending;
      });
      assert.equal(result, 'accepted', messages.join('\n'));
      const left = await until('the fixed findings gone', () => (ladderDiagnostics(file).length === 1 ? ladderDiagnostics(file) : undefined));
      assert.equal(left[0]?.range.start.line, 7, `c's finding is where its code went, not on the line the review saw: line ${String((left[0]?.range.start.line ?? -1) + 1)}`);
      assert.match(left[0]?.message ?? '', /loose equality in c/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('a first finding too large for one answer is left out, and the small one after it is still fixed', async () => {
    const file = vscode.Uri.joinPath(root(), 'src', 'bigfirst.ts');
    const filler = Array.from({ length: 300 }, (_, i) => `export const filler${i} = '${'x'.repeat(80)}';`);
    const code = ['// big first', ...filler, '', 'export const small = (x: number) => x == 4;', ''].join('\n');
    const smallLine = code.split('\n').findIndex((l) => l.includes('small =')) + 1;
    const finding = (startLine: number, endLine: number, message: string) => ({ file: 'src/bigfirst.ts', startLine, endLine, severity: 'medium', category: 'correctness', confidence: 0.9, message });
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      const editor = await vscode.window.showTextDocument(file, { preview: false });
      api().script.when({ system: /Ladder task: review/ }, { json: { findings: [finding(2, 301, 'the fillers repeat one value'), finding(smallLine, smallLine, 'loose equality in small')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      await until('two findings', () => (ladderDiagnostics(file).length === 2 ? true : undefined));
      const sent = api().log.length;
      const { result, messages } = await captureMessages('showInformationMessage', async () => {
        const pending = vscode.commands.executeCommand<string>('ladder.fixAllFindings', file);
        await waitForDiff(pending);
        await vscode.commands.executeCommand('ladder.acceptEdit');
        return pending;
      });
      assert.equal(result, 'accepted');
      assert.ok(messages.includes('Ladder: fixing 1 of 2 findings; left out: 1 finding whose code alone is more than one answer holds.'), messages.join('\n'));
      assert.doesNotMatch(sentText(fixRequests(sent)[0]), /filler/, 'only the small finding\'s line is sent');
      assert.equal(editor.document.getText().split('\n')[smallLine - 1], 'export const small = (x: number) => x === 4;');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('the strongest finding routes the request: a concurrency finding among them, of the lowest severity, makes the fix judgment', async () => {
    const file = vscode.Uri.joinPath(root(), 'src', 'counter.ts');
    const code = 'let total = 0;\n\nexport function add(n: number): number {\n  if (n == 0) return total;\n  total = total + n;\n  return total;\n}\n';
    const at = (line: number, severity: string, category: string, message: string) => ({ file: 'src/counter.ts', startLine: line, endLine: line, severity, category, confidence: 0.9, message });
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      await vscode.window.showTextDocument(file, { preview: false });
      api().script.when({ system: /Ladder task: review/ }, { json: { findings: [
        at(1, 'high', 'correctness', 'the total starts from a fixed value'), at(5, 'low', 'concurrency', 'the total is updated by every caller'),
      ] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      await until('two findings', () => (ladderDiagnostics(file).length === 2 ? true : undefined));
      const sent = api().log.length;
      const pending = vscode.commands.executeCommand<string>('ladder.fixAllFindings', file);
      await waitForDiff(pending);
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal(await pending, 'rejected');
      assert.equal(fixRequests(sent)[0]?.model, 'claude-opus-4-8');
      const { container } = await ladder();
      const call = (await container.cost.store.readAll()).records.filter((r): r is CallRecord => r.kind !== 'verdict').at(-1);
      assert.match(call?.reason ?? '', /fixing a concurrency finding/, 'routed by the concurrency finding, not the first or the most severe');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });
});
