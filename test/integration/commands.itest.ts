import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { formatUsd } from '../../src/core/ledger/format';
import type { CallRecord } from '../../src/core/ledger/record';
import { faults } from '../support/standin/server';
import { captureMessages, openAndSelect, openUntitled, snapshotWorkspace, tempFile, until, waitForDiff } from './editor';
import { ladder } from './helpers';
import { api, resetApi, setUpSuite, tearDownSuite, TEST_KEY } from './setup';

async function ledgerCalls(): Promise<CallRecord[]> {
  const { container } = await ladder();
  const { records } = await container.cost.store.readAll();
  return records.filter((r): r is CallRecord => r.kind !== 'verdict');
}

function messageRequests() {
  return api().log.filter((e) => e.path === '/v1/messages');
}

describe('commands against the local API stand-in', function () {
  this.timeout(60_000);
  before(setUpSuite);
  // Each suite starts from the fixture as the first one found it.
  before(snapshotWorkspace);
  after(tearDownSuite);
  beforeEach(resetApi);
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Preview Route shows tier, model and reasons and sends no message', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    const preview = await vscode.commands.executeCommand<{ tier: string; model: string; reasons: string[]; estimatedCostUsd: number; blocked: boolean }>('ladder.previewRoute', 'Is this query safe against SQL injection?');
    assert.ok(preview, 'the command returns its plan');
    assert.equal(preview.tier, 'O', 'a security question routes to judgment');
    assert.equal(preview.model, 'claude-opus-4-8');
    assert.ok(preview.reasons.some((r) => /injection|security/i.test(r)), `reasons mention security: ${preview.reasons.join(' | ')}`);
    assert.ok(preview.estimatedCostUsd > 0);
    assert.equal(messageRequests().length, 0, 'nothing was sent to /v1/messages');
  });

  it('Preview Route reads the selected code: "review this" over a query built from strings is judgment work', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    const risky = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'review this');
    assert.equal(risky?.tier, 'O', `routed on the code, not the words: ${risky?.reasons.join(' | ')}`);
    assert.ok(risky.reasons.some((r) => /^the selected code builds SQL from strings \(`SELECT \* FROM orders/.test(r)), risky.reasons.join(' | '));
    await openAndSelect('src/orders.ts', 15, 19);
    const plain = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'review this');
    assert.equal(plain?.tier, 'S', `arithmetic is execute work: ${plain?.reasons.join(' | ')}`);
    // With nothing selected, Ask sends no code, so the preview reads none: not the whole file's query.
    const editor = await openAndSelect('src/orders.ts', 10, 13);
    editor.selection = new vscode.Selection(11, 0, 11, 0);
    const bare = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'review this');
    assert.equal(bare?.tier, 'S', `no selection, no code read: ${bare?.reasons.join(' | ')}`);
    assert.ok(bare.reasons.every((r) => !/^the selected code /.test(r)), bare.reasons.join(' | '));
    assert.equal(messageRequests().length, 0, 'nothing was sent');
  });

  it('with a webview in front (the walkthrough, the cost report), a command reads the editor you last worked in', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    await vscode.commands.executeCommand('ladder.showCostReport');
    await until('the report in front', () => (vscode.window.activeTextEditor === undefined ? true : undefined));
    const risky = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'review this');
    assert.equal(risky?.tier, 'O', `the selection behind the report is read: ${risky?.reasons.join(' | ')}`);
    assert.ok(risky.reasons.some((r) => /^the selected code builds SQL from strings/.test(r)), risky.reasons.join(' | '));
    // Closed, it is not read: "open a file" again.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.reviewFile'));
    assert.deepEqual(messages, ['Ladder: open a file first, or right-click one in the Explorer.'], 'Review File needs no selection');
    assert.equal(messageRequests().length, 0, 'nothing was sent');
  });

  it('with several selections, the primary one is read and the others are said to be left out', async () => {
    const editor = await openAndSelect('src/orders.ts', 10, 13);
    const primary = editor.selection;
    editor.selections = [primary, new vscode.Selection(1, 0, 2, 0), new vscode.Selection(20, 0, 20, 5)];
    const { result, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ reasons: string[] }>('ladder.previewRoute', 'review these'));
    assert.ok(result?.reasons.some((r) => /^the selected code builds SQL from strings/.test(r)), `the primary selection is read: ${result?.reasons.join(' | ')}`);
    const leftOut = (said: string[]) => said.filter((m) => !m.startsWith('Ladder would route'));
    assert.deepEqual(leftOut(messages), ['Ladder: only one selection is read (lines 10–13); the 2 others are left out.']);
    // A bare cursor first, then text selected elsewhere: the text is read, not the whole file.
    editor.selections = [new vscode.Selection(10, 0, 10, 0), new vscode.Selection(2, 0, 7, 0)];
    const cursorFirst = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ reasons: string[] }>('ladder.previewRoute', 'review these'));
    assert.ok(cursorFirst.result && !cursorFirst.result.reasons.some((r) => /SQL/.test(r)), `the Order interface is read, not the whole file with its SQL: ${cursorFirst.result?.reasons.join(' | ')}`);
    assert.deepEqual(leftOut(cursorFirst.messages), [], 'one selection holds text: nothing is left out');
    editor.selections = [primary];
    const single = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.previewRoute', 'explain this'));
    assert.deepEqual(leftOut(single.messages), [], 'one selection, no notice');
  });

  it('answer documents no editor shows are not kept for ever: the newest closed ones are, and every open one', async () => {
    const { container } = await ladder();
    const open = container.results.create('ladder-result', 'Kept open.md', 'still shown');
    await vscode.window.showTextDocument(open, { preview: false });
    for (let i = 0; i < 120; i++) container.results.create('ladder-result', `Old ${i}.md`, 'x'.repeat(1000));
    assert.ok(container.results.size <= 50 + vscode.workspace.textDocuments.length, `${container.results.size} held`);
    assert.equal(container.results.get(open), 'still shown', 'an open answer keeps its text');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Review File on a binary file says it cannot be read as text, sends nothing and raises no error', async () => {
    const file = tempFile('binary.bin', Buffer.from([0, 1, 2, 0, 255, 0, 7, 0, 0, 0])).fsPath;
    const errors = await captureMessages('showErrorMessage', () => captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.reviewFile', vscode.Uri.file(file))));
    assert.deepEqual(errors.messages, []);
    assert.match(errors.result.messages.join(' | '), /ladder-\d+-binary\.bin cannot be opened as text \(a binary file, or too large\), so there is nothing to send/);
    assert.equal(messageRequests().length, 0, 'nothing was sent');
    // Several selected in the Explorer: it says that it reviews the one right-clicked.
    const other = vscode.Uri.file(`${file}.other`);
    const several = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.reviewFile', vscode.Uri.file(file), [vscode.Uri.file(file), other]));
    assert.match(several.messages[0] ?? '', /^Ladder reviews one file or folder at a time: the one you right-clicked, not the other 1 selected\./);
  });

  it('Explain Selection over blank lines or an empty file sends nothing and says so; Ask reads a blank selection as none', async () => {
    const blank = await openUntitled('\n  \n\t\n\n');
    blank.selection = new vscode.Selection(0, 0, 3, 0);
    const explained = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.explainSelection'));
    assert.deepEqual([explained.result, explained.messages], [undefined, ['Ladder: Nothing to explain: the selection is empty.']]);
    const askedWithBlank = await vscode.commands.executeCommand<{ resultUri: vscode.Uri }>('ladder.ask', 'what is a closure?');
    assert.ok(askedWithBlank, 'Ask is answered');
    const body = JSON.stringify(messageRequests().at(-1)?.body);
    assert.match(body, /Request: what is a closure\?/);
    assert.doesNotMatch(body, /Lines: \d+-\d+/, 'no empty code block');
    resetApi();
    await openUntitled('');
    const empty = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.explainSelection'));
    assert.deepEqual([empty.result, empty.messages], [undefined, ['Ladder: Nothing to explain: the selection is empty.']]);
    assert.equal(messageRequests().length, 0, 'nothing was sent');
  });

  it('Explain Selection streams into a result view, and the status bar moves to exactly the ledger sum', async () => {
    const { container } = await ladder();
    container.cost.resetSession();
    await openAndSelect('src/orders.ts', 15, 19);
    const outcome = await vscode.commands.executeCommand<{ text: string; plan: { model: string }; resultUri: vscode.Uri; taskId: string }>('ladder.explainSelection');
    assert.ok(outcome, 'the request completed');
    const doc = await vscode.workspace.openTextDocument(outcome.resultUri);
    await until('the footer in the result view', () => /Task cost/.test(doc.getText()) || undefined);
    assert.match(doc.getText(), new RegExp(`routed to \\*\\*${outcome.plan.model}`));
    assert.match(doc.getText(), /orderTotal/, 'the streamed answer is about the selection');

    const calls = (await ledgerCalls()).filter((r) => r.taskId === outcome.taskId);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.outcome, 'ok');
    const sent = messageRequests();
    assert.equal(sent.length, 1);
    assert.deepEqual(calls[0]?.usage.input_tokens, (sent[0]?.usage as { input_tokens: number }).input_tokens, 'the ledger has the usage the API billed');

    const sessionMicros = (await ledgerCalls()).filter((r) => r.time >= calls[0]!.time).reduce((s, r) => s + r.costMicros, 0);
    const shown = container.cost.shown;
    assert.equal(shown.text, `$(pulse) Ladder ${formatUsd(sessionMicros)}`);
    assert.ok(shown.tooltip.includes(formatUsd(sessionMicros)), 'the tooltip shows the same figure');
    assert.match(shown.accessibleName, /^Ladder session cost/);
  });

  it('Tidy Selection opens a diff; Accept applies one undoable edit and records the verdict', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const before = editor.document.getText();
    const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await waitForDiff(pending);
    assert.equal(await vscode.commands.executeCommand('ladder.acceptEdit'), true);
    assert.equal(await pending, 'accepted');
    const after = editor.document.getText();
    assert.notEqual(after, before);
    assert.ok(!/[ \t]+$/m.test(after.split('\n').slice(14, 19).join('\n')), 'trailing whitespace is gone in the tidied lines');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before, 'one undo restores the file');
    await editor.document.save();
    const { container } = await ladder();
    const { records } = await container.cost.store.readAll();
    assert.ok(records.some((r) => r.kind === 'verdict' && r.verdict === 'accepted'), 'the accept is in the ledger');
  });

  it('two proposals: Accept from the palette takes the diff in front of you; moving a diff keeps its proposal; typing in a selection while the model works proposes nothing', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const files = ['src/tidy-a.ts', 'src/tidy-b.ts', 'src/tidy-c.ts'].map((p) => vscode.Uri.joinPath(root, p));
    const messy = 'export function a( x:number ){   \n  return x+1;   \n}   \n';
    try {
      for (const f of files) await vscode.workspace.fs.writeFile(f, new TextEncoder().encode(messy));
      const proposal = async (file: vscode.Uri) => {
        const editor = await vscode.window.showTextDocument(file);
        editor.selection = new vscode.Selection(0, 0, 3, 0);
        const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
        const before = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff).length;
        await until('its diff', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff).length > before || undefined);
        return { pending, document: editor.document };
      };
      const a = await proposal(files[0]!);
      const b = await proposal(files[1]!);
      // With neither diff in front (a file is), the palette's Accept asks which; dismissed, it applies nothing.
      await vscode.window.showTextDocument(files[2]!);
      const window = vscode.window as unknown as { showQuickPick: (items: { label: string }[], options: { title?: string }) => Promise<undefined> };
      const original = window.showQuickPick;
      const asked: string[] = [];
      window.showQuickPick = async (items, options) => {
        asked.push(options.title ?? '', ...items.map((i) => i.label));
        return undefined;
      };
      try {
        assert.equal(await vscode.commands.executeCommand('ladder.acceptEdit'), false);
      } finally {
        window.showQuickPick = original;
      }
      assert.equal(asked[0], 'Ladder: Accept which proposed edit?');
      assert.equal(asked.length, 3, `both proposals offered: ${asked.join(' | ')}`);
      assert.equal(a.document.getText(), messy, 'nothing applied');
      // Back to A's diff, then the palette's Accept: A, not the latest (B).
      const aTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.label.includes('Tidy') && (t.input.original.path.endsWith('tidy-a.ts')));
      assert.ok(aTab, 'A\'s diff');
      await vscode.commands.executeCommand('vscode.diff', (aTab.input as vscode.TabInputTextDiff).original, (aTab.input as vscode.TabInputTextDiff).modified, aTab.label, { preview: false });
      assert.equal(await vscode.commands.executeCommand('ladder.acceptEdit'), true);
      assert.equal(await a.pending, 'accepted');
      assert.notEqual(a.document.getText(), messy);
      assert.equal(b.document.getText(), messy, 'B is untouched');
      // B's diff moved to another group is still B's proposal.
      const bTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && (t.input.original.path.endsWith('tidy-b.ts')));
      const bInput = bTab()!.input as vscode.TabInputTextDiff;
      await vscode.commands.executeCommand('vscode.diff', bInput.original, bInput.modified, bTab()!.label, { preview: false });
      await vscode.commands.executeCommand('workbench.action.moveEditorToNextGroup');
      await until('the moved diff', () => (bTab()?.group.viewColumn ?? 1) > 1 || undefined);
      assert.equal(await vscode.commands.executeCommand('ladder.acceptEdit', bInput.modified), true, 'still pending after the move');
      assert.equal(await b.pending, 'accepted');
      assert.notEqual(b.document.getText(), messy);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');

      // Typing in the selected code while the model works: the answer no longer fits it.
      // (Typing above it moves it, and the edit follows: see editPreview.itest.ts.)
      const editor = await vscode.window.showTextDocument(files[2]!);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      api().script.fault(faults.slowFirstByte(1_500));
      const { result, messages } = await captureMessages('showWarningMessage', async () => {
        const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
        await until('the request', () => api().log.some((e) => e.path === '/v1/messages') || undefined);
        await editor.edit((e) => e.insert(new vscode.Position(1, 0), '  // typed inside\n'));
        return pending;
      });
      assert.equal(result, 'stale');
      assert.match(messages.join('\n'), /the selected code changed while claude-[\w.-]+ worked on it, so its Tidy Selection edit was not proposed/);
      assert.equal(editor.document.getText(), messy.replace('\n', '\n  // typed inside\n'), 'nothing replaced');
      assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff), 'no diff opened');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const f of files) {
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.toString());
        if (open?.isDirty) await open.save();
        await vscode.workspace.fs.delete(f).then(undefined, () => undefined);
      }
    }
  });

  it('an edit command on a read-only view (a Ladder answer) says so and sends nothing', async () => {
    await openAndSelect('src/orders.ts', 15, 19);
    const explained = await vscode.commands.executeCommand<{ resultUri?: vscode.Uri }>('ladder.explainSelection');
    const answer = await until('the answer view', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'ladder-result')?.document);
    assert.ok(explained && answer);
    const editor = await vscode.window.showTextDocument(answer);
    editor.selection = new vscode.Selection(0, 0, Math.min(3, answer.lineCount - 1), 0);
    resetApi();
    for (const command of ['ladder.tidySelection', 'ladder.generateDocs', 'ladder.refactorSelection', 'ladder.writeTests']) {
      const { result, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand(command));
      assert.equal(result, undefined, command);
      assert.match(messages.join('\n'), /is read-only, so [\w ]+ cannot change it; nothing was sent/, command);
    }
    assert.equal(api().log.length, 0, 'nothing was paid for');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Review with Escalation: a cheap pass finds, judgment confirms, diagnostics appear with who found and who confirmed', async () => {
    await openAndSelect('src/orders.ts', 9, 23);
    const result = await vscode.commands.executeCommand<{ findings: { category: string; foundByModel: string; confirmedByModel?: string }[]; costMicros: number; taskId: string; reportUri: vscode.Uri }>('ladder.reviewSelection');
    assert.ok(result, 'the review completed');
    const models = messageRequests().map((e) => e.model);
    assert.equal(models[0], 'claude-haiku-4-5', 'the first pass runs on the labour tier');
    assert.ok(models.includes('claude-opus-4-8'), 'escalated findings go to the judgment tier');
    const security = result.findings.filter((f) => f.category === 'security');
    assert.ok(security.length > 0, 'the SQL concatenation / innerHTML are security findings');
    assert.ok(security.every((f) => f.confirmedByModel === 'claude-opus-4-8'), `security findings are judged: ${JSON.stringify(result.findings)}`);

    // The reviewed file by name: the report opening beside may or may not have taken the focus yet.
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src/orders.ts');
    const diagnostics = await until('Ladder diagnostics', () => {
      const all = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Ladder');
      return all.length > 0 ? all : undefined;
    });
    assert.ok(diagnostics.some((d) => /confirmed by claude-opus-4-8/.test(d.message)));

    const report = await vscode.workspace.openTextDocument(result.reportUri);
    // Below ten cents the total shows four decimals, like the calls beside it.
    const shown = /\*\*Task cost: \$([\d.]+)\*\*/.exec(report.getText())?.[1];
    assert.equal(shown, (Math.round(result.costMicros / 100) / 10_000).toFixed(4), report.getText());
    const taskCalls = (await ledgerCalls()).filter((r) => r.taskId === result.taskId);
    assert.deepEqual(taskCalls.map((r) => [r.model, r.outcome]), [['claude-haiku-4-5', 'escalated'], ['claude-opus-4-8', 'ok']], 'the first pass is recorded as escalated to judgment');
    assert.equal(taskCalls.reduce((s, r) => s + r.costMicros, 0), result.costMicros, 'the report total is the ledger total for the task');
  });

  it('Review with Escalation: risky code goes to judgment even when the cheap pass flags nothing', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const file = vscode.Uri.joinPath(root, 'src/counter.ts');
    const code = '// Counts hits across worker threads.\nconst shared = new Int32Array(new SharedArrayBuffer(4));\n\nexport function hit(): number {\n  return Atomics.add(shared, 0, 1) + 1;\n}\n';
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
    try {
      await openAndSelect('src/counter.ts', 1, 6);
      const result = await vscode.commands.executeCommand<{ findings: { category: string }[]; taskId: string; reportUri: vscode.Uri }>('ladder.reviewSelection');
      assert.ok(result, 'the review completed');
      assert.deepEqual(messageRequests().map((e) => e.model), ['claude-haiku-4-5', 'claude-opus-4-8'], 'a labour pass, then judgment');
      const judgeBody = JSON.stringify(messageRequests()[1]?.body);
      assert.match(judgeBody, /synchronises threads \(`SharedArrayBuffer`\)/, 'the judge is told what to look at');
      const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
      assert.match(report, /review pass 2: the code synchronises threads \(`SharedArrayBuffer`\), and the first pass raised nothing that needs judgment/);
      const taskCalls = (await ledgerCalls()).filter((r) => r.taskId === result.taskId);
      assert.deepEqual(taskCalls.map((r) => [r.model, r.outcome]), [['claude-haiku-4-5', 'escalated'], ['claude-opus-4-8', 'ok']]);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file);
    }
  });

  it('a vague Ask runs the difficulty check on the labour tier first, booked in the same task', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const outcome = await vscode.commands.executeCommand<{ taskId: string; plan: { reasons: string[] }; records: { callId: string }[]; resultUri: vscode.Uri }>('ladder.ask', 'can you take a look at this');
    assert.ok(outcome, 'the request completed');
    const sent = messageRequests();
    assert.equal(sent.length, 2, 'the check, then the answer');
    assert.equal(sent[0]?.model, 'claude-haiku-4-5');
    assert.match(JSON.stringify(sent[0]?.body), /Ladder task: difficulty/);
    const calls = (await ledgerCalls()).filter((r) => r.taskId === outcome.taskId);
    assert.deepEqual(calls.map((r) => r.stepType), ['difficulty', 'ask']);
    // Every figure shown for the task counts the check too, as the ledger does.
    assert.deepEqual(outcome.records.map((r) => r.callId), calls.map((r) => r.callId));
    const { formatUsd } = await import('../../src/core/ledger/format');
    const total = formatUsd(calls.reduce((sum, r) => sum + r.costMicros, 0));
    const view = (await vscode.workspace.openTextDocument(outcome.resultUri)).getText();
    assert.ok(view.endsWith(`Task cost ${total} over 2 calls._\n`), `the answer's footer is the ledger's task total: …${view.slice(-90)}`);
    assert.ok(outcome.plan.reasons.some((r) => /difficulty check/.test(r)), `the reason chain says what the check did: ${outcome.plan.reasons.join(' | ')}`);
  });

  it('an Ask worded as a security review is routed as one but answered in prose, as its result view shows', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    const outcome = await vscode.commands.executeCommand<{ text: string; plan: { tier: string }; taskId: string }>('ladder.ask', 'is this query safe from injection?');
    assert.ok(outcome, 'the request completed');
    assert.equal(outcome.plan.tier, 'O', 'security work goes to judgment');
    const answer = messageRequests().at(-1);
    assert.equal(answer?.model, 'claude-opus-4-8');
    assert.match(JSON.stringify(answer?.body), /Ladder task: ask/, 'the prose instructions, not the findings schema');
    assert.doesNotMatch(outcome.text, /^\s*(?:```json|\{)/, `a prose answer: ${outcome.text.slice(0, 80)}`);
    const calls = (await ledgerCalls()).filter((r) => r.taskId === outcome.taskId);
    assert.equal(calls.at(-1)?.stepType, 'ask');
  });

  it('Ask a Follow-up continues an answer with the conversation so far, never below the tier that answered', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    type Outcome = { text: string; plan: { tier: string; model: string; reasons: string[] }; resultUri: vscode.Uri };
    const first = await vscode.commands.executeCommand<Outcome>('ladder.ask', 'is this query safe from injection?');
    assert.equal(first.plan.tier, 'O');
    assert.match((await vscode.workspace.openTextDocument(first.resultUri)).getText(), /^> is this query safe from injection\?$/m, 'the answer quotes the question');

    const sent = messageRequests().length;
    // Worded alone, this is labour; after a judgment answer it stays on judgment.
    const second = await vscode.commands.executeCommand<Outcome>('ladder.followUp', first.resultUri, 'rename the variable rows to orderRows');
    assert.equal(second.plan.tier, 'O');
    assert.ok(second.plan.reasons.some((r) => r.startsWith('a follow-up stays on the tier that gave the answer it follows (judgment, claude-opus-4-8)')), second.plan.reasons.join(' | '));
    const request = messageRequests().slice(sent).at(-1)?.body as { messages: { role: string; content: { text: string }[] }[] };
    assert.deepEqual(request.messages.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.match(request.messages[0]?.content[0]?.text ?? '', /^File: src\/orders\.ts\nLines: 10-13[\s\S]*Request: is this query safe from injection\?$/);
    assert.equal(request.messages[1]?.content[0]?.text, first.text, 'the answer it follows, as given');
    assert.equal(request.messages[2]?.content[0]?.text, 'Request: rename the variable rows to orderRows');
    assert.match(second.text, /src\/orders\.ts/, 'answered about the code the conversation is about');
    const view = await vscode.workspace.openTextDocument(second.resultUri);
    assert.match(view.getText(), /^\*\*Follow-up\*\* — routed to \*\*claude-opus-4-8\*\*[\s\S]*^> rename the variable rows to orderRows$/m);

    // A follow-up of the follow-up carries both answers.
    await vscode.commands.executeCommand<Outcome>('ladder.followUp', second.resultUri, 'and the types?');
    const third = messageRequests().at(-1)?.body as { messages: { role: string }[] };
    assert.deepEqual(third.messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user']);

    // Given anything but an answer, it says what it is for and sends nothing.
    const { document } = await openAndSelect('src/orders.ts', 10, 13);
    const before = messageRequests().length;
    const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.followUp', document.uri, 'and then?'));
    assert.match(messages.join('\n'), /a follow-up continues an answer from Ask, Explain Selection or a review/);
    assert.equal(messageRequests().length, before);
  });

  it('a review report can be followed up: from the palette, pick it; the review and its findings come first, on the tier that judged them', async () => {
    await openAndSelect('src/orders.ts', 9, 23);
    const review = await vscode.commands.executeCommand<{ findings: { message: string }[]; reportUri: vscode.Uri }>('ladder.reviewSelection');
    assert.ok(review.findings.length > 0, 'the demo code has findings');
    // The report shows as a Markdown preview, so the active editor is the code: the palette asks which answer.
    await openAndSelect('src/orders.ts', 9, 23);
    const window = vscode.window as unknown as { showQuickPick: (items: { label: string; description?: string; uri?: vscode.Uri }[], options: { title?: string }) => Promise<unknown> };
    const original = window.showQuickPick;
    const offered: { label: string; description?: string; uri?: vscode.Uri }[] = [];
    let title = '';
    window.showQuickPick = async (items, options) => {
      title = options.title ?? '';
      offered.push(...items);
      return items[0];
    };
    const sent = messageRequests().length;
    type Outcome = { text: string; plan: { tier: string; reasons: string[] }; resultUri: vscode.Uri };
    let answer: Outcome;
    try {
      answer = await vscode.commands.executeCommand<Outcome>('ladder.followUp', undefined, 'reword the first finding in plain words');
    } finally {
      window.showQuickPick = original;
    }
    assert.equal(title, 'Ladder: Follow up which answer?');
    assert.equal(offered[0]?.uri?.toString(), review.reportUri.toString(), 'the newest answer, the report, first');
    assert.match(offered[0]?.label ?? '', /^Review with Escalation of src\/orders\.ts:9-23: report each finding\.$/);
    assert.equal(answer.plan.tier, 'O', 'worded alone this is labour; judgment confirmed the findings, so a follow-up stays there');
    assert.ok(answer.plan.reasons.some((r) => r.startsWith('a follow-up stays on the tier that gave the answer it follows (judgment')), answer.plan.reasons.join(' | '));
    const request = messageRequests().slice(sent).at(-1)?.body as { messages: { role: string; content: { text: string }[] }[] };
    assert.deepEqual(request.messages.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.match(request.messages[0]?.content[0]?.text ?? '', /^File: src\/orders\.ts\nLines: 9-23[\s\S]*Request: Review with Escalation of src\/orders\.ts:9-23: report each finding\.$/);
    const findings = request.messages[1]?.content[0]?.text ?? '';
    assert.match(findings, /^\*\*Summary\.\*\* /, 'the review\'s answer: its summary and findings');
    for (const f of review.findings) assert.ok(findings.includes(f.message.replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;')), `finding sent: ${f.message}`);
    assert.doesNotMatch(findings, /Task cost|## Route/, 'not the report\'s cost or route');
    assert.equal(request.messages[2]?.content[0]?.text, 'Request: reword the first finding in plain words');

    // A report is not one answer to ask again: its review is run again instead.
    const before = messageRequests().length;
    const again = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.answerAbove', review.reportUri));
    assert.equal(again.result, undefined);
    assert.deepEqual(again.messages, ['Ladder: a review report is not one answer to ask again: run the review again, with Choose Tier for a higher tier.']);
    assert.equal(messageRequests().length, before);
  });

  it('follow-ups cache the conversation: the second reads from cache what the first wrote', async () => {
    await openAndSelect('src/orders.ts', 15, 19);
    type Outcome = { plan: { tier: string; model: string }; resultUri: vscode.Uri };
    // A long first answer, so the conversation passes Sonnet's minimum cacheable prompt (2,048 tokens).
    const long = Array.from({ length: 110 }, (_, i) => `${i + 1}. orderTotal adds each line's price times its quantity, then the tax, in that order.`).join('\n');
    api().script.when({ system: /Ladder task: ask/, lastUser: /walk me through what orderTotal adds up/ }, { text: long }, { times: 1 });
    const first = await vscode.commands.executeCommand<Outcome>('ladder.ask', 'walk me through what orderTotal adds up');
    assert.equal(first.plan.model, 'claude-sonnet-4-6');
    const second = await vscode.commands.executeCommand<Outcome>('ladder.followUp', first.resultUri, 'what about rounding?');
    await vscode.commands.executeCommand<Outcome>('ladder.followUp', second.resultUri, 'and negative quantities?');
    type Body = { messages: { content: { cache_control?: unknown }[] }[] };
    // The follow-ups themselves, not a difficulty check between them.
    const [one, two] = messageRequests().filter((e) => (e.body as Body).messages.length > 1).slice(-2);
    const marks = (body: unknown) => (body as Body).messages.map((m) => (m.content[0]?.cache_control ? 1 : 0));
    // The first question alone is under the minimum, so only the follow-up's own question is marked.
    assert.deepEqual(marks(one?.body), [0, 0, 1], 'the first follow-up marks its own question');
    assert.deepEqual(marks(two?.body), [0, 0, 1, 0, 1], 'the second marks the question the first ended with, and its own');
    type Usage = { cache_read_input_tokens: number; cache_creation_input_tokens: number };
    const [u1, u2] = [one?.usage as Usage, two?.usage as Usage];
    assert.ok(u1.cache_creation_input_tokens > 0, `the first follow-up wrote the conversation: ${JSON.stringify(u1)}`);
    assert.ok(u2.cache_read_input_tokens > u1.cache_read_input_tokens + 1000, `the second read it back: ${u1.cache_read_input_tokens} → ${u2.cache_read_input_tokens}`);
  });

  it('an answer cut at its output limit says so under the answer and in the ledger, and can be followed up', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    api().script.when({ system: /Ladder task: ask/, lastUser: /walk me through this query/ }, { text: 'The query selects every order of one customer, and then', stopReason: 'max_tokens' }, { times: 1 });
    const outcome = await vscode.commands.executeCommand<{ taskId: string; resultUri: vscode.Uri }>('ladder.ask', 'walk me through this query');
    const view = (await vscode.workspace.openTextDocument(outcome.resultUri)).getText();
    assert.match(view, /and then\n\n---\n_The answer was cut short at its output limit \(4,096 tokens\): ask a follow-up to go on\._\n\n_Answered by /);
    const calls = (await ledgerCalls()).filter((r) => r.taskId === outcome.taskId);
    assert.match(calls.at(-1)?.reason ?? '', /; the answer was cut short at its output limit$/);
  });

  it('a follow-up already on the access cap skips the difficulty check: it could not move the tier', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    type Outcome = { plan: { tier: string }; resultUri: vscode.Uri };
    const first = await vscode.commands.executeCommand<Outcome>('ladder.ask', 'is this query safe from injection?');
    assert.equal(first.plan.tier, 'O');
    const sent = messageRequests().length;
    // "why?" alone is unsure (below the check's threshold) but floored at judgment, the cap.
    const second = await vscode.commands.executeCommand<Outcome>('ladder.followUp', first.resultUri, 'why?');
    assert.equal(second.plan.tier, 'O');
    assert.deepEqual(messageRequests().slice(sent).map((e) => e.model), ['claude-opus-4-8'], 'one call: no Haiku difficulty check');
  });

  it('Answer Again One Tier Up asks the answer\'s last question again on the next tier, beside it, as a new task; at the cap it sends nothing', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    type Outcome = { text: string; taskId: string; plan: { tier: string; baseTier: string; model: string; reasons: string[] }; resultUri: vscode.Uri };
    await vscode.commands.executeCommand('ladder.chooseTier', 'H');
    const first = await vscode.commands.executeCommand<Outcome>('ladder.ask', 'what does this query return?');
    assert.equal(first.plan.model, 'claude-haiku-4-5');
    await vscode.commands.executeCommand('ladder.chooseTier', 'H');
    const followed = await vscode.commands.executeCommand<Outcome>('ladder.followUp', first.resultUri, 'and for an unknown customer?');
    assert.equal(followed.plan.tier, 'H', followed.plan.reasons.join(' | '));
    await until('the follow-up\'s answer in view', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === followed.resultUri.toString()));
    const asked = messageRequests().at(-1)?.body as { messages: { role: string; content: { text: string }[] }[] };

    const sent = messageRequests().length;
    const again = await vscode.commands.executeCommand<Outcome>('ladder.answerAbove', followed.resultUri);
    assert.ok(again, 'answered again');
    const calls = messageRequests().slice(sent);
    assert.deepEqual(calls.map((e) => e.model), ['claude-sonnet-4-6']);
    assert.equal(again.plan.tier, 'S');
    assert.ok(again.plan.reasons.includes('asked again: claude-haiku-4-5 gave the answer'), again.plan.reasons.join(' | '));
    assert.ok(again.plan.reasons.some((r) => /^escalated from labour to execute \(claude-sonnet-4-6\): you asked for the answer again one tier up \(claude-haiku-4-5\)$/.test(r)), again.plan.reasons.join(' | '));
    // The same conversation, the same last question: only the model differs.
    const body = calls.at(-1)?.body as { messages: { role: string; content: { text: string }[] }[] };
    assert.deepEqual(body.messages.map((m) => [m.role, m.content[0]?.text]), asked.messages.map((m) => [m.role, m.content[0]?.text]));
    assert.notEqual(again.taskId, followed.taskId, 'a new task');
    const view = await vscode.workspace.openTextDocument(again.resultUri);
    assert.match(view.getText(), /^\*\*Answer Again\*\* — routed to \*\*claude-sonnet-4-6\*\* \(execute tier\)\n\n> and for an unknown customer\?$/m);
    const columns = (uri: vscode.Uri) => vscode.window.tabGroups.all.filter((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString())).map((g) => g.viewColumn);
    await until('the new answer beside the old one', () => (columns(again.resultUri).length > 0 && columns(again.resultUri)[0] !== columns(followed.resultUri)[0] ? true : undefined));

    // Opus is overloaded: the fallback may not answer on Sonnet, below the tier it was sent to.
    api().script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2, match: { model: 'claude-opus-4-8' } });
    const busy = messageRequests().length;
    const failed = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand<Outcome>('ladder.answerAbove', again.resultUri));
    assert.equal(failed.result, undefined);
    assert.deepEqual(messageRequests().slice(busy).map((e) => e.model), ['claude-opus-4-8', 'claude-opus-4-8'], 'never back on Sonnet');
    assert.match(failed.messages.join(' | '), /claude-opus-4-8 is overloaded .*no fallback is allowed or left/);

    const judged = await vscode.commands.executeCommand<Outcome>('ladder.answerAbove', again.resultUri);
    assert.equal(judged.plan.model, 'claude-opus-4-8', 'once Opus is back');
    // Opus is the cap: again, one tier up, is refused before anything is sent.
    const before = messageRequests().length;
    const { result, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.answerAbove', judged.resultUri));
    assert.equal(result, undefined);
    assert.match(messages.join(' | '), /^Ladder: You asked for the answer again one tier up \(claude-opus-4-8\); escalating to exception is not allowed: the exception tier needs the explicit opt-in \(ladder\.routing\.allowExceptionTier\)\. Nothing was sent\.$/);
    assert.equal(messageRequests().length, before, 'nothing was sent above the cap');
  });

  it('Answer Again from the palette, off an answer, asks which: only answers it can ask again are offered, the newest first', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    type Outcome = { plan: { tier: string; model: string }; resultUri: vscode.Uri };
    await vscode.commands.executeCommand('ladder.chooseTier', 'H');
    const asked = await vscode.commands.executeCommand<Outcome>('ladder.ask', 'what does this query return?');
    const review = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.reviewSelection');
    assert.ok(asked && review, 'an answer, then a review report');
    await openAndSelect('src/orders.ts', 10, 13);
    const window = vscode.window as unknown as { showQuickPick: (items: { label: string; uri?: vscode.Uri }[], options: { title?: string }) => Promise<unknown> };
    const original = window.showQuickPick;
    const offered: { label: string; uri?: vscode.Uri }[] = [];
    let title = '';
    window.showQuickPick = async (items, options) => {
      title = options.title ?? '';
      offered.push(...items);
      return items[0];
    };
    let again: Outcome;
    try {
      again = await vscode.commands.executeCommand<Outcome>('ladder.answerAbove');
    } finally {
      window.showQuickPick = original;
    }
    assert.equal(title, 'Ladder: Answer which again one tier up?');
    assert.ok(!offered.some((o) => o.uri?.toString() === review.reportUri.toString()), 'not the review report');
    assert.equal(offered[0]?.uri?.toString(), asked.resultUri.toString(), offered.map((o) => o.label).join(' | '));
    assert.equal(again.plan.model, 'claude-sonnet-4-6', 'Haiku\'s answer, asked again one tier up');
  });

  it('with the cost report in front of an answer, Answer Again asks which answer; with a review report in front, it says why not, and a follow-up continues the review', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    await vscode.commands.executeCommand('ladder.chooseTier', 'H');
    const asked = await vscode.commands.executeCommand<{ resultUri: vscode.Uri }>('ladder.ask', 'what does this query return?');
    // Read last: the editor the other commands would fall back to.
    await vscode.window.showTextDocument(asked.resultUri);
    await vscode.commands.executeCommand('ladder.showCostReport');
    await until('the cost report in front', () => (vscode.window.activeTextEditor === undefined ? true : undefined));
    const window = vscode.window as unknown as { showQuickPick: (items: unknown[], options: { title?: string }) => Promise<unknown> };
    const original = window.showQuickPick;
    const titles: string[] = [];
    window.showQuickPick = async (_items, options) => {
      titles.push(options.title ?? '');
      return undefined;
    };
    const sent = messageRequests().length;
    try {
      // The answer behind the report is out of sight: asked which, and dismissed, nothing is bought.
      await vscode.commands.executeCommand('ladder.answerAbove');
      assert.deepEqual(titles, ['Ladder: Answer which again one tier up?']);
      assert.equal(messageRequests().length, sent, 'nothing was sent');
      await openAndSelect('src/orders.ts', 11, 14);
      const review = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.reviewSelection');
      const name = review.reportUri.path.split('/').pop() ?? '';
      await until('the report\'s preview in front', () => (vscode.window.tabGroups.activeTabGroup.activeTab?.label.endsWith(name) && !vscode.window.activeTextEditor ? true : undefined));
      const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.answerAbove'));
      assert.deepEqual(messages, ['Ladder: a review report is not one answer to ask again: run the review again, with Choose Tier for a higher tier.']);
      assert.equal(messageRequests().length, sent + 2, 'only the review was sent');
      const followed = await vscode.commands.executeCommand<{ resultUri: vscode.Uri }>('ladder.followUp', undefined, 'which finding matters most?');
      assert.ok(followed, 'a follow-up of the report in front, without a list to pick from');
      assert.equal(titles.length, 1, 'no list was offered');
      const request = messageRequests().at(-1)?.body as { messages: { content: { text: string }[] }[] };
      assert.match(request.messages[0]?.content[0]?.text ?? '', /Request: Review with Escalation of src\/orders\.ts:11-1\d/);
      // A second review of the same code has the same name: which of the two is in front, the tab
      // does not say, so the follow-up asks rather than continue the wrong one (and Answer Again
      // still says why a review is not for it).
      await openAndSelect('src/orders.ts', 11, 14);
      const second = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.reviewSelection');
      assert.equal(second.reportUri.path.split('/').pop(), name);
      await until('the second report\'s preview in front', () => (vscode.window.tabGroups.activeTabGroup.activeTab?.label.endsWith(name) && !vscode.window.activeTextEditor ? true : undefined));
      const asked = messageRequests().length;
      await vscode.commands.executeCommand('ladder.followUp', undefined, 'and the second finding?');
      assert.deepEqual(titles, ['Ladder: Answer which again one tier up?', 'Ladder: Follow up which answer?']);
      assert.deepEqual((await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.answerAbove'))).messages, messages);
      assert.equal(messageRequests().length, asked, 'dismissed: nothing was sent');
    } finally {
      window.showQuickPick = original;
    }
  });

  it('Answer Again on an answer that came from a fallback asks the tier it was routed to; one an earlier version kept is named as such', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    type Outcome = { plan: { tier: string; model: string; reasons: string[] }; resultUri: vscode.Uri };
    // Judgment work; Opus is overloaded, so Sonnet answers on a fallback.
    api().script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2, match: { model: 'claude-opus-4-8' } });
    const first = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<Outcome>('ladder.ask', 'is this query safe from injection?'));
    assert.equal(first.result.plan.model, 'claude-sonnet-4-6', first.result.plan.reasons.join(' | '));
    const again = await vscode.commands.executeCommand<Outcome>('ladder.answerAbove', first.result.resultUri);
    assert.equal(again.plan.model, 'claude-opus-4-8', again.plan.reasons.join(' | '));
    assert.ok(again.plan.reasons.includes('asked again: claude-sonnet-4-6 gave the answer on a fallback from judgment'), again.plan.reasons.join(' | '));

    const { container } = await ladder();
    const old = vscode.Uri.parse('ladder-result:/990001/Ask · old.md');
    container.conversations.remember(old, { turns: [{ question: 'what is this?', answer: 'A query.' }], tier: 'H', model: 'claude-haiku-4-5' });
    const before = messageRequests().length;
    const told = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.answerAbove', old));
    assert.deepEqual(told.messages, ['Ladder: this answer was kept by an earlier version of Ladder, which did not note how it was asked. Ask it again with Ask, and Choose Tier for a higher tier.']);
    assert.equal(messageRequests().length, before);
  });

  it('the difficulty check sees the head of the selected code, so a vague ask is judged on what it is about', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    const outcome = await vscode.commands.executeCommand<{ taskId: string }>('ladder.ask', 'can you take a look at this');
    assert.ok(outcome, 'the request completed');
    const check = messageRequests()[0];
    assert.equal(check?.model, 'claude-haiku-4-5');
    const body = JSON.stringify(check?.body);
    assert.match(body, /Ladder task: difficulty/);
    assert.match(body, /Code:/, 'the check is shown the code');
    assert.match(body, /SELECT \* FROM orders/, 'the selected query is in the excerpt');
    assert.ok(!body.includes('orderTotal'), 'only the selection, not the rest of the file');
  });

  it('the API key never appears in the ledger, an export, or what the stand-in logged', async () => {
    const { container } = await ladder();
    const { records } = await container.cost.store.readAll();
    assert.ok(records.length > 0);
    assert.ok(!JSON.stringify(records).includes(TEST_KEY));
    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'ledger-export.csv');
    const { result: exported, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ records: number }>('ladder.exportLedger', 'csv', target), () => 'Open');
    assert.equal(exported?.records, records.length);
    assert.ok(messages.some((m) => /exported \d+ calls?( \(your verdicts in their rows\))? to ledger-export\.csv/.test(m)), messages.join(' | '));
    await until('the export opened on Open', () => vscode.window.activeTextEditor?.document.uri.toString() === target.toString() || undefined);
    const csv = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.ok(csv.startsWith('time,') || csv.split('\n')[0]!.includes('taskId'), 'a CSV header');
    assert.ok(!csv.includes(TEST_KEY));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(target);
  });

  it('the JSON export, written piece by piece, is the whole ledger as one JSON document', async () => {
    const { container } = await ladder();
    const { records } = await container.cost.store.readAll();
    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'ledger-export.json');
    const { result: exported } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ records: number }>('ladder.exportLedger', 'json', target));
    assert.equal(exported?.records, records.length);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    const parsed = JSON.parse(text) as { calls: unknown[]; verdicts: unknown[]; totalMicros: number };
    assert.equal(parsed.calls.length + parsed.verdicts.length, records.length);
    assert.equal(parsed.totalMicros, records.reduce((sum, r) => sum + (r.kind === 'verdict' ? 0 : r.costMicros), 0));
    assert.ok(text.endsWith('}\n'));
    await vscode.workspace.fs.delete(target);
  });
});
