import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { CallRecord, LedgerRecord, VerdictRecord } from '../../src/core/ledger/record';
import type { CostReportMessage } from '../../src/core/ledger/report';
import { acceptProposal, captureMessages, openAndSelect, openUntitled, tempFile, until, waitForDiff } from './editor';
import { formatUsd } from '../../src/core/ledger/format';
import { Conversations } from '../../src/vscode/conversations';
import { OpenProposals } from '../../src/vscode/openProposals';
import { ReviewService } from '../../src/vscode/review';
import { fromLineStart } from '../../src/vscode/editorSelection';
import { ladder, setLadder } from './helpers';
import { api, resetApi, standInSuite } from './setup';
import { faults } from '../support/standin/server';

async function ledger(): Promise<LedgerRecord[]> {
  const { container } = await ladder();
  return (await container.cost.store.readAll()).records;
}

const root = () => vscode.workspace.workspaceFolders![0]!.uri;

/** An Ask on orders.ts 15-19 whose answer hangs after its first text: its view, the request, and the abort that stops it. */
async function hangingAsk(question: string): Promise<{ abort: AbortController; running: Promise<unknown>; view: vscode.TextDocument }> {
  const { container } = await ladder();
  await openAndSelect('src/orders.ts', 15, 19);
  // The answer's call, not a difficulty check before it.
  api().script.fault(faults.hang(2), { match: { system: 'Ladder task: ask' } });
  const abort = new AbortController();
  const running = container.runner.run({
    command: 'ask', title: 'Ask', task: 'ask', question, quote: question, maxTokens: 1000, showResult: true, signal: abort.signal,
    check: (t) => ({ ok: true, value: t }),
  }).catch(() => undefined);
  const view = await until('the answer to stream into its view', () => vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith(`/Ask · ${question}.md`) && /\n---\n\n\S/.test(d.getText())));
  return { abort, running, view };
}

describe('every command on its happy path', function () {
  this.timeout(60_000);
  standInSuite();

  it('Rename Symbol applies a suggested name through the rename provider, every reference included', async () => {
    const editor = await openAndSelect('src/orders.ts');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('let t = 0'));
    editor.selection = new vscode.Selection(line, 8, line, 8);
    const suggestions = await vscode.commands.executeCommand<string | undefined>('ladder.renameSymbol', 'runningTotal');
    assert.equal(suggestions, 'runningTotal');
    const text = editor.document.getText();
    assert.match(text, /let runningTotal = 0/);
    assert.match(text, /runningTotal \+= i\.price/);
    assert.match(text, /return runningTotal/);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages')[0]?.model, 'claude-haiku-4-5', 'naming is labour');
  });

  it('Rename Symbol on a declaring keyword asks names for the symbol the language renames, not for the keyword', async () => {
    const editor = await openAndSelect('src/orders.ts');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('let t = 0'));
    const column = editor.document.lineAt(line).text.indexOf('let');
    editor.selection = new vscode.Selection(line, column, line, column);
    assert.equal(await vscode.commands.executeCommand<string | undefined>('ladder.renameSymbol', 'runningTotal'), 'runningTotal');
    const asked = api().log.filter((e) => e.path === '/v1/messages').map((e) => JSON.stringify(e.body));
    assert.equal(asked.length, 1);
    assert.match(asked[0] ?? '', /Suggest better names for `t` \(line \d+\)/, 'the names asked for are for the symbol that is renamed');
    assert.match(editor.document.getText(), /let runningTotal = 0;?\n\s*for \(const i of items\) \{ runningTotal \+= /);
  });

  it('Rename Symbol asks the language first: where nothing can rename, nothing is sent', async () => {
    const editor = await openUntitled('total = price * qty\n', 'plaintext');
    editor.selection = new vscode.Selection(0, 2, 0, 2);
    const { result, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.renameSymbol'));
    assert.equal(result, undefined);
    assert.equal(messages.length, 1);
    assert.deepEqual(messages, ["Ladder: `total` cannot be renamed here (no rename provider for this language), so nothing was sent."]);
    assert.deepEqual(api().log, [], 'no call, no token count');
  });

  it('Rename Symbol renames nothing when the symbol moved while the names were suggested', async () => {
    const editor = await openAndSelect('src/orders.ts');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('let t = 0'));
    editor.selection = new vscode.Selection(line, 8, line, 8);
    api().script.fault(faults.slowFirstByte(1_500));
    const verdicts = async () => (await ledger()).filter((r) => r.kind === 'verdict').length;
    const verdictsBefore = await verdicts();
    const { result, messages } = await captureMessages('showWarningMessage', async () => {
      const pending = vscode.commands.executeCommand<string | undefined>('ladder.renameSymbol', 'runningTotal');
      await until('the request', () => api().log.some((e) => e.path === '/v1/messages') || undefined);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// a new first line\n'));
      return await pending;
    });
    assert.equal(result, undefined);
    assert.deepEqual(messages, ['Ladder: `t` moved or changed while the names were suggested, so nothing was renamed. Put the cursor on it and run Rename Symbol again.']);
    assert.ok(!editor.document.getText().includes('runningTotal'), 'nothing renamed');
    assert.equal(await verdicts(), verdictsBefore, 'and no verdict');
  });

  it('Rename Symbol: Escape judges nothing; "None of these names" is the rejection, and offers the names of the tier above', async () => {
    const editor = await openAndSelect('src/orders.ts');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('let t = 0'));
    editor.selection = new vscode.Selection(line, 8, line, 8);
    const window = vscode.window as unknown as { showQuickPick: (items: readonly vscode.QuickPickItem[], options: vscode.QuickPickOptions) => Promise<vscode.QuickPickItem | undefined> };
    const original = window.showQuickPick;
    const shown: string[][] = [];
    const pickWith = async <T>(choose: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined, body: () => PromiseLike<T>): Promise<T> => {
      window.showQuickPick = async (items) => {
        shown.push(items.map((i) => i.label));
        return choose(items);
      };
      try {
        return await body();
      } finally {
        window.showQuickPick = original;
      }
    };
    const verdicts = async () => (await ledger()).filter((r): r is VerdictRecord => r.kind === 'verdict');
    const before = (await verdicts()).length;

    // Escape (or the list hidden by Quick Open): no verdict, so dismissing twice does not move Rename up a tier.
    for (let i = 0; i < 2; i++) assert.equal(await pickWith(() => undefined, () => vscode.commands.executeCommand('ladder.renameSymbol')), undefined);
    assert.equal((await verdicts()).length, before, 'a dismissed list is not a rejection');
    assert.deepEqual(shown[0]?.slice(-2), ['', '$(close) None of these names'], `the list ends with the explicit rejection: ${shown[0]?.join(' | ')}`);

    // None of these names: a rejection on the call that suggested them, and the tier above on offer.
    resetApi();
    const offers: string[] = [];
    await captureMessages('showInformationMessage', () => pickWith((items) => items.at(-1), () => vscode.commands.executeCommand('ladder.renameSymbol')), (m) => {
      offers.push(m);
      return undefined;
    });
    assert.deepEqual(offers, ["Ladder: you rejected claude-haiku-4-5's names. Try the same request on the execute tier (claude-sonnet-4-6)?"]);
    const calls = (await ledger()).filter((r): r is CallRecord => r.kind !== 'verdict');
    const haiku = calls.at(-1);
    const rejected = (await verdicts()).at(-1);
    assert.deepEqual([rejected?.verdict, rejected?.callId, haiku?.model], ['rejected', haiku?.callId, 'claude-haiku-4-5']);

    // The offer, taken: Sonnet's names in the same task; the first one picked is applied and accepted.
    const renamed = await pickWith((items) => items[0], () => vscode.commands.executeCommand<string | undefined>('ladder.retryAbove'));
    assert.ok(renamed && editor.document.getText().includes(`let ${renamed} = 0`), `renamed to ${renamed}`);
    const sonnet = (await ledger()).filter((r): r is CallRecord => r.kind !== 'verdict').at(-1);
    assert.deepEqual([sonnet?.model, sonnet?.taskId], ['claude-sonnet-4-6', haiku?.taskId]);
    const accepted = (await verdicts()).at(-1);
    assert.deepEqual([accepted?.verdict, accepted?.callId], ['accepted', sonnet?.callId]);
  });

  it('a rejection\'s offer of the tier above (an edit\'s, or Rename\'s names) is withdrawn when its file\'s last tab closes', async () => {
    const rejectTidy = async () => {
      await openAndSelect('src/orders.ts', 15, 19);
      const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(pending);
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal(await pending, 'rejected');
    };
    const rejectNames = async () => {
      const editor = await openAndSelect('src/orders.ts');
      const line = editor.document.getText().split('\n').findIndex((l) => l.includes('let t = 0'));
      editor.selection = new vscode.Selection(line, 8, line, 8);
      await vscode.commands.executeCommand('ladder.renameSymbol', false);
    };
    for (const reject of [rejectTidy, rejectNames]) {
      const { messages: offered } = await captureMessages('showInformationMessage', reject);
      assert.match(offered.join('\n'), /you rejected claude-haiku-4-5's (edit|names)\. Try the same request/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const sent = api().log.length;
      const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.retryAbove'));
      assert.deepEqual(messages, ['Ladder: there is no rejected edit to try on a higher tier.']);
      assert.equal(api().log.length, sent, 'nothing sent for a file no longer open');
    }
  });

  it('Write Tests beside an existing Python test file keeps a name pytest collects', async () => {
    const dir = vscode.Uri.joinPath(root(), 'py');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'app.py'), new TextEncoder().encode('def add(a, b):\n    return a + b\n'));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'test_app.py'), new TextEncoder().encode('def test_add():\n    pass\n'));
    try {
      const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'app.py'));
      editor.selection = new vscode.Selection(0, 0, 2, 0);
      const pending = vscode.commands.executeCommand<string>('ladder.writeTests');
      await waitForDiff(pending);
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff);
      assert.match(tab?.label ?? '', /Write Tests → py\/test_app_ladder\.py/, tab?.label);
      await vscode.commands.executeCommand('ladder.rejectEdit');
      await pending;
    } finally {
      await vscode.workspace.fs.delete(dir, { recursive: true });
    }
  });

  it('Generate Docs proposes doc comments in a diff; Accept applies them', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const pending = vscode.commands.executeCommand<string>('ladder.generateDocs');
    await waitForDiff(pending);
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await pending, 'accepted');
    assert.match(editor.document.getText(), /\/\*\*[\s\S]*\*\/\s*export function orderTotal/);
  });

  it('an edit reads whole first lines: a selection from the first word, or from the end of the line above, keeps its indentation', async () => {
    const editor = await vscode.window.showTextDocument(tempFile('indent.ts', 'class A {\n  run(x: number) {\n    return x;\n  }\n}\n'));
    const { document } = editor;
    // From `run` (Expand Selection, or a drag from the first word): from the line's start.
    assert.deepEqual(fromLineStart(document, new vscode.Range(1, 2, 3, 3)), new vscode.Range(1, 0, 3, 3));
    // From the end of `class A {` (Shift+Down from a line's end): from the next line's start.
    assert.deepEqual(fromLineStart(document, new vscode.Range(0, 9, 3, 3)), new vscode.Range(1, 0, 3, 3));
    // Inside a line's code, the selection stays as made.
    assert.deepEqual(fromLineStart(document, new vscode.Range(1, 6, 1, 7)), new vscode.Range(1, 6, 1, 7));
    editor.selection = new vscode.Selection(1, 2, 3, 3);
    const pending = vscode.commands.executeCommand<string>('ladder.generateDocs');
    await waitForDiff(pending);
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await pending, 'accepted');
    const lines = document.getText().split('\n');
    assert.match(lines[1] ?? '', /^ {2}\/\*\*/, `the doc comment at the method's column: ${JSON.stringify(lines.slice(0, 4))}`);
    assert.ok(lines.includes('  run(x: number) {'), `the method keeps its indentation: ${JSON.stringify(lines)}`);
  });

  it('an edit that cannot succeed is refused before it is paid for: only whitespace, or more code than an answer holds', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => `export const value${i} = computeSomething(${i}, 'a label for ${i}');`).join('\n');
    const editor = await vscode.window.showTextDocument(tempFile('refuse.ts', `\n\n   \n${big}\n`));
    editor.selection = new vscode.Selection(0, 0, 2, 3);
    const blank = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.tidySelection'));
    assert.deepEqual(blank.messages, ['Ladder: the selection is only whitespace, so Tidy Selection has nothing to work on; nothing was sent.']);
    editor.selection = new vscode.Selection(3, 0, 2003, 0);
    const large = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.tidySelection'));
    assert.match(large.messages[0] ?? '', /^Ladder: the selection is about [\d,]+ tokens, and Tidy Selection answers with all of it; an answer holds at most 8,192\. Select a smaller part/);
    assert.deepEqual(api().log.filter((e) => e.path === '/v1/messages'), [], 'nothing was sent');
  });

  it('a CRLF file: an answer that changes nothing is recognised as no change, not a diff of line endings', async () => {
    const editor = await vscode.window.showTextDocument(tempFile('crlf.ts', 'export function one(): number {\r\n  return 1;\r\n}\r\n'));
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    api().script.when({ system: /Ladder task: format/ }, { text: '```ts\nexport function one(): number {\n  return 1;\n}\n```' }, { times: 1 });
    const { result, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<string>('ladder.tidySelection'));
    assert.equal(result, 'unchanged', messages.join(' | '));
    assert.match(messages.join(' | '), /Tidy Selection proposed no change/);
  });

  it('Refactor Selection: Reject leaves the file untouched and records the rejection', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const before = editor.document.getText();
    const pending = vscode.commands.executeCommand<string>('ladder.refactorSelection', undefined, 'use reduce instead of the loop');
    await waitForDiff(pending);
    await vscode.commands.executeCommand('ladder.rejectEdit');
    assert.equal(await pending, 'rejected');
    assert.equal(editor.document.getText(), before);
    assert.ok((await ledger()).some((r) => r.kind === 'verdict' && r.verdict === 'rejected'));
  });

  it('a proposal whose diff is closed without Accept or Reject ends there: nothing applied, no verdict, and opening another file does not close it', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const before = editor.document.getText();
    const verdicts = (await ledger()).filter((r) => r.kind === 'verdict').length;
    const pending = vscode.commands.executeCommand<string>('ladder.refactorSelection', undefined, 'use reduce instead of the loop');
    await waitForDiff(pending);
    const diffTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);
    // Another file opened in a preview tab, as a click in the explorer opens it.
    await vscode.window.showTextDocument(vscode.Uri.joinPath(root(), 'src/db.ts'), { preview: true });
    assert.equal(diffTabs().length, 1, 'the diff is still open');
    await vscode.window.tabGroups.close(diffTabs());
    assert.equal(await pending, 'dismissed');
    assert.equal(editor.document.getText(), before);
    assert.equal((await ledger()).filter((r) => r.kind === 'verdict').length, verdicts, 'closing is not booked as a rejection');
    assert.equal(await vscode.commands.executeCommand('ladder.acceptEdit'), false, 'nothing is left to accept');
  });

  it('a proposal still open when the window reloads is named once by the next window, with its file and cost; one that ended is not', async () => {
    const { container } = await ladder();
    const state = container.context.workspaceState;
    const diffTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);
    const tidy = async () => {
      await openAndSelect('src/orders.ts', 15, 19);
      const pending = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(pending);
      const records = (await ledger()).filter((r): r is CallRecord => r.kind !== 'verdict');
      const taskId = records.at(-1)?.taskId;
      return { pending, micros: records.filter((r) => r.taskId === taskId).reduce((sum, r) => sum + r.costMicros, 0) };
    };
    // The next window's, over the same workspaceState (the diff itself is not restored).
    const announce = () => captureMessages('showInformationMessage', async () => new OpenProposals(state).announce());

    const first = await tidy();
    assert.deepEqual(state.get('ladder.openProposals'), { version: 1, entries: [{ command: 'Tidy Selection', file: 'src/orders.ts', micros: first.micros }], owner: { pid: process.pid, host: hostname() } });
    await vscode.window.tabGroups.close(diffTabs());
    assert.equal(await first.pending, 'dismissed');
    assert.equal(state.get('ladder.openProposals'), undefined, 'a proposal that ended is forgotten');
    assert.deepEqual((await announce()).messages, []);

    const second = await tidy();
    assert.deepEqual((await announce()).messages, [`Ladder: a Tidy Selection proposal for src/orders.ts (${formatUsd(second.micros)}) was open when the window closed or reloaded, and was not kept. Run Tidy Selection again to see it.`]);
    assert.deepEqual((await announce()).messages, [], 'said once');
    // Another window open on the workspace (two code-server tabs; its extension host still runs) left
    // it: that diff is open there, not lost, and its entry stays for that window to end.
    const elsewhere = { version: 1, entries: [{ command: 'Tidy Selection', file: 'src/orders.ts', micros: second.micros }], owner: { pid: process.ppid, host: hostname() } };
    await state.update('ladder.openProposals', elsewhere);
    try {
      assert.deepEqual((await announce()).messages, []);
      assert.deepEqual(state.get('ladder.openProposals'), elsewhere);
    } finally {
      await state.update('ladder.openProposals', undefined);
    }
    await vscode.window.tabGroups.close(diffTabs());
    assert.equal(await second.pending, 'dismissed');
  });

  it('After a Reject, the same request can be tried one tier up, in the same task', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    const before = editor.document.getText();
    const first = vscode.commands.executeCommand<string>('ladder.tidySelection');
    await waitForDiff(first);
    const rejected = await captureMessages('showInformationMessage', async () => {
      await vscode.commands.executeCommand('ladder.rejectEdit');
      return first;
    });
    assert.equal(rejected.result, 'rejected');
    assert.ok(rejected.messages.includes('Ladder: you rejected claude-haiku-4-5\'s edit. Try the same request on the execute tier (claude-sonnet-4-6)?'), rejected.messages.join('\n'));
    assert.equal(editor.document.getText(), before);

    const second = vscode.commands.executeCommand<string>('ladder.retryAbove');
    await waitForDiff(second);
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await second, 'accepted');
    assert.deepEqual(api().log.filter((e) => e.path === '/v1/messages').map((e) => e.model), ['claude-haiku-4-5', 'claude-sonnet-4-6']);

    const records = await ledger();
    const calls = records.filter((r): r is CallRecord => r.kind !== 'verdict' && r.model === 'claude-sonnet-4-6').slice(-1);
    const taskId = calls[0]?.taskId;
    const task = records.filter((r) => r.taskId === taskId);
    assert.deepEqual(task.map((r) => (r.kind === 'verdict' ? r.verdict : r.model)), ['claude-haiku-4-5', 'rejected', 'claude-sonnet-4-6', 'accepted'], 'both attempts and both verdicts are one task');
    const again = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.retryAbove'));
    assert.deepEqual(again.messages, ['Ladder: there is no rejected edit to try on a higher tier.'], 'the offer is used once');
  });

  it('After a Reject where the policy allows nothing higher, Ladder says why no retry is offered', async () => {
    await setLadder('routing.accessCap', 'H');
    try {
      await openAndSelect('src/orders.ts', 15, 19);
      const run = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(run);
      const rejected = await captureMessages('showInformationMessage', async () => {
        await vscode.commands.executeCommand('ladder.rejectEdit');
        return run;
      });
      assert.equal(rejected.result, 'rejected');
      assert.ok(rejected.messages.some((m) => /^Ladder: You rejected its answer \(claude-haiku-4-5\); escalating to execute is not allowed: this workspace's access cap \(ladder\.routing\.accessCap, in your user settings\) is labour\. No higher tier is offered\.$/.test(m)), rejected.messages.join('\n'));
    } finally {
      await setLadder('routing.accessCap', undefined);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('Once most of Haiku\'s tidy edits here are rejected, Tidy starts on Sonnet and says why; Choose Tier and the setting still win', async function () {
    this.timeout(120_000);
    const { container } = await ladder();
    await openAndSelect('src/orders.ts', 15, 19);
    const tidy = async (): Promise<string | undefined> => {
      const sent = api().log.length;
      const run = vscode.commands.executeCommand<string>('ladder.tidySelection');
      await waitForDiff(run);
      await vscode.commands.executeCommand('ladder.rejectEdit');
      assert.equal(await run, 'rejected');
      return api().log.slice(sent).find((e) => e.path === '/v1/messages')?.model;
    };
    // Earlier tests left their own tidy verdicts: reject until the evidence is enough, and
    // check that the tier moved exactly when the rule says it should.
    const share = () => container.cost.recentVerdicts('format', 'H');
    let before = share();
    let model = await tidy();
    for (let i = 0; i < 8 && model === 'claude-haiku-4-5'; i++) {
      before = share();
      model = await tidy();
    }
    assert.equal(model, 'claude-sonnet-4-6', 'Tidy moved up to Sonnet');
    const judged = before.accepted + before.rejected;
    assert.ok(judged >= 4 && before.rejected / judged >= 2 / 3, `the Haiku verdicts before the Sonnet tidy reach the rule: ${JSON.stringify(before)}`);
    try {
      const preview = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'format this');
      assert.equal(preview?.tier, 'S');
      assert.ok(preview.reasons.some((r) => /^execute \(claude-sonnet-4-6\) instead of labour: you rejected \d+ of the last \d+ format edits from claude-haiku-4-5 in this workspace/.test(r)), preview.reasons.join(' | '));
      const formatOnH = (report: CostReportMessage | undefined) => report?.routes.find((r) => r.stepType === 'format' && r.tier === 'H');
      assert.equal(formatOnH(await vscode.commands.executeCommand<CostReportMessage>('ladder.showCostReport'))?.startsOn, 'S', 'the cost report shows where format starts now');
      await vscode.commands.executeCommand('ladder.chooseTier', 'H');
      assert.equal((await vscode.commands.executeCommand<{ tier: string }>('ladder.previewRoute', 'format this'))?.tier, 'H', 'Choose Tier overrides it');
      await vscode.commands.executeCommand('ladder.chooseTier', 'auto');
      assert.equal((await vscode.commands.executeCommand<{ tier: string }>('ladder.previewRoute', 'format this'))?.tier, 'S');
      await setLadder('routing.accessCap', 'H');
      assert.equal((await vscode.commands.executeCommand<{ tier: string }>('ladder.previewRoute', 'format this'))?.tier, 'H', 'the access cap holds');
      assert.equal(formatOnH(await vscode.commands.executeCommand<CostReportMessage>('ladder.showCostReport'))?.startsOn, undefined, 'and the report does not claim a move the cap stops');
      await setLadder('routing.accessCap', undefined);
      await setLadder('routing.learnFromVerdicts', false);
      assert.equal((await vscode.commands.executeCommand<{ tier: string }>('ladder.previewRoute', 'format this'))?.tier, 'H', 'the setting turns it off');
      assert.equal(formatOnH(await vscode.commands.executeCommand<CostReportMessage>('ladder.showCostReport'))?.startsOn, undefined);
    } finally {
      await setLadder('routing.learnFromVerdicts', undefined);
      await setLadder('routing.accessCap', undefined);
    }
  });

  it('findings stay with their code: a review of other lines keeps them, a rename takes them along, a delete takes them away', async () => {
    const original = vscode.Uri.joinPath(root(), 'src', 'findings-a.ts');
    const renamed = vscode.Uri.joinPath(root(), 'src', 'findings-b.ts');
    const code = 'export function show(el: HTMLElement, name: string): void {\n  el.innerHTML = \'<b>\' + name + \'</b>\';\n}\n\nexport function run(code: string): unknown {\n  return eval(code);\n}\n';
    const ladderAt = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Ladder').map((d) => d.range.start.line + 1).sort();
    try {
      await vscode.workspace.fs.writeFile(original, new TextEncoder().encode(code));
      const editor = await vscode.window.showTextDocument(original);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      await vscode.commands.executeCommand('ladder.reviewSelection');
      await until('the innerHTML finding', () => (ladderAt(original).includes(2) ? true : undefined));
      // The report opens beside and focus comes back to the code: select once it has.
      const back = await until('the code in front again', async () => {
        const shown = await vscode.window.showTextDocument(original);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return vscode.window.activeTextEditor === shown ? shown : undefined;
      });
      back.selection = new vscode.Selection(4, 0, 7, 0);
      await vscode.commands.executeCommand('ladder.reviewSelection');
      await until('both findings', () => (ladderAt(original).includes(6) ? true : undefined));
      assert.ok(ladderAt(original).includes(2), `the first review's finding, outside the second's lines, stays: ${ladderAt(original).join(', ')}`);
      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(original, renamed);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await until('the findings on the renamed file', () => (ladderAt(renamed).length >= 2 ? true : undefined));
      assert.deepEqual(ladderAt(original), [], 'none left on the old path');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const removal = new vscode.WorkspaceEdit();
      removal.deleteFile(renamed);
      assert.ok(await vscode.workspace.applyEdit(removal));
      await until('no findings for a deleted file', () => (ladderAt(renamed).length === 0 ? true : undefined));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const f of [original, renamed]) await vscode.workspace.fs.delete(f).then(undefined, () => undefined);
    }
  });

  it('a review keeps each finding with the code it read: lines added above while it ran move the finding with its code', async () => {
    const file = vscode.Uri.joinPath(root(), 'src', 'findings-c.ts');
    const code = 'export function show(el: HTMLElement, name: string): void {\n  el.innerHTML = \'<b>\' + name + \'</b>\';\n}\n';
    const ladderAt = () => vscode.languages.getDiagnostics(file).filter((d) => d.source === 'Ladder');
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      const editor = await vscode.window.showTextDocument(file);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      api().script.fault(faults.slowFirstByte(1_500));
      const pending = vscode.commands.executeCommand('ladder.reviewSelection');
      await until('the first pass', () => api().log.some((e) => e.path === '/v1/messages') || undefined);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// one\n// two\n'));
      await pending;
      const found = await until('the innerHTML finding', () => ladderAt().find((d) => /innerHTML|HTML/i.test(d.message)));
      assert.equal(found.range.start.line + 1, 4, `on the innerHTML line, now line 4, not the line 2 the review read it at: ${ladderAt().map((d) => d.range.start.line + 1).join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('in a CRLF file, a finding from a selection that starts and ends mid-line is still found for Fix', async () => {
    const editor = await vscode.window.showTextDocument(tempFile('crlf-review.ts', 'export function show(el: HTMLElement, name: string): void {\r\n  el.innerHTML = \'<b>\' + name + \'</b>\';\r\n}\r\n'));
    editor.selection = new vscode.Selection(0, 7, 2, 1);
    await vscode.commands.executeCommand('ladder.reviewSelection');
    const { container } = await ladder();
    const shown = await until('the innerHTML finding', () => container.reviews.findingsIn(editor.document).find((s) => s.finding.startLine === 2));
    assert.ok(container.reviews.locate(shown, editor.document), `Fix finds the finding's code: ${JSON.stringify(shown.code)}`);
  });

  it('a selection review puts every finding on the file it read, whatever file the model names; an info finding is in the Problems view', async () => {
    const editor = await openAndSelect('src/orders.ts', 9, 13);
    const other = vscode.Uri.joinPath(root(), 'src', 'db.ts');
    const before = vscode.languages.getDiagnostics(other).filter((d) => d.source === 'Ladder').length;
    api().script.when({ system: /Ladder task: review/ }, { json: { findings: [
      { file: 'src/db.ts', startLine: 10, endLine: 10, severity: 'info', category: 'maintainability', confidence: 0.9, message: 'the helper in db.ts could be shared' },
    ] } }, { times: 1 });
    await vscode.commands.executeCommand('ladder.reviewSelection');
    const mine = await until('the finding on orders.ts', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'Ladder' && /helper in db\.ts/.test(d.message)));
    assert.equal(mine.severity, vscode.DiagnosticSeverity.Information, 'not a Hint, which the Problems view leaves out');
    assert.equal(vscode.languages.getDiagnostics(other).filter((d) => d.source === 'Ladder').length, before, 'db.ts, which the review did not read, is untouched');
  });

  it('a wide finding of one review does not replace narrow ones of the same category from another, nor they it', async () => {
    const dir = vscode.Uri.joinPath(root(), 'src', 'kinds');
    const file = vscode.Uri.joinPath(dir, 'a.ts');
    const code = 'export function total(prices: number[]): number {\n  let s = 0;\n  for (const p of prices) s += p;\n  return s;\n}\n\nexport function avg(prices: number[]): number {\n  return total(prices) / prices.length;\n}\n';
    const finding = (startLine: number, endLine: number, category: string, message: string) => ({ file: 'src/kinds/a.ts', startLine, endLine, severity: 'medium', category, confidence: 0.9, message });
    const shown = () => vscode.languages.getDiagnostics(file).filter((d) => d.source === 'Ladder').map((d) => `${d.range.start.line + 1}-${d.range.end.line + 1} ${d.message.split(' (')[0]}`).sort();
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      await vscode.workspace.openTextDocument(file);
      api().script.when({ system: /Ladder task: review\b/ }, { json: { findings: [finding(2, 2, 'maintainability', 'name s'), finding(8, 8, 'correctness', 'divides by zero on an empty list'), finding(7, 7, 'maintainability', 'avg is a vague name')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      await until('the review\'s findings', () => (shown().length === 3 ? true : undefined));
      // A folder review reads the files the workspace scan has seen: wait for the new one.
      const { container } = await ladder();
      await until('the new file in the tree', async () => /\bkinds\b/.test((await container.workspace.segments()).context?.text ?? '') || undefined, 10_000);
      api().script.when({ system: /Ladder task: architecture\b/ }, { json: { findings: [finding(1, 9, 'maintainability', 'the module mixes two concerns')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.architectureReview', dir);
      assert.deepEqual(shown(), ['1-9 the module mixes two concerns', '2-2 name s', '7-7 avg is a vague name', '8-8 divides by zero on an empty list'], 'the wide finding is another problem');
      api().script.when({ system: /Ladder task: review\b/ }, { json: { findings: [finding(2, 2, 'maintainability', 'name s better')] } }, { times: 1 });
      const editor = await vscode.window.showTextDocument(file);
      editor.selection = new vscode.Selection(1, 0, 2, 0);
      await vscode.commands.executeCommand('ladder.reviewSelection');
      assert.deepEqual(shown(), ['1-9 the module mixes two concerns', '2-2 name s better', '7-7 avg is a vague name', '8-8 divides by zero on an empty list'], 'a one-line review of line 2 replaces its own finding there, not the wide one');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(dir, { recursive: true }).then(undefined, () => undefined);
    }
  });

  it('a Security Review keeps a general review\'s other findings and replaces the one they share; a general review again replaces only its own', async () => {
    const { container } = await ladder();
    const file = vscode.Uri.joinPath(root(), 'src', 'lenses.ts');
    const code = 'export function total(prices: number[]): number {\n  let sum = 0;\n  for (let i = 0; i <= prices.length; i++) sum += prices[i] ?? 0;\n  return sum;\n}\n\nexport function greet(name: string): string {\n  return \'<p>Hello, \' + name + \'</p>\';\n}\n';
    const finding = (startLine: number, category: string, message: string) => ({ file: 'src/lenses.ts', startLine, endLine: startLine, severity: 'medium', category, confidence: 0.9, message });
    const shown = () => vscode.languages.getDiagnostics(file).filter((d) => d.source === 'Ladder').map((d) => `${d.range.start.line + 1}:${String(d.code)}:${d.message.split(' (')[0]}`).sort();
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(code));
      const document = await vscode.workspace.openTextDocument(file);
      api().script.when({ system: /Ladder task: review\b/ }, { json: { findings: [finding(3, 'correctness', 'the loop reads one past the end'), finding(8, 'security', 'the name is not escaped')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      assert.deepEqual(shown(), ['3:correctness:the loop reads one past the end', '8:security:the name is not escaped']);

      api().script.when({ system: /Ladder task: securityReview\b/ }, { json: { findings: [finding(8, 'security', 'HTML built from the caller\'s name')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.securityReview', file, [file]);
      const merged = ['3:correctness:the loop reads one past the end', '8:security:HTML built from the caller\'s name'];
      assert.deepEqual(shown(), merged, 'the correctness finding stays; line 8 has one security finding, the newest');
      assert.deepEqual(container.reviews.findingsIn(document).map((s) => `${s.finding.startLine}:${s.finding.category}`).sort(), ['3:correctness', '8:security'], 'Fix and Fix All see the same two');

      api().script.when({ system: /Ladder task: review\b/ }, { json: { findings: [finding(1, 'maintainability', 'name the sum')] } }, { times: 1 });
      await vscode.commands.executeCommand('ladder.reviewFile', file);
      assert.deepEqual(shown(), ['1:maintainability:name the sum', '8:security:HTML built from the caller\'s name'], 'the general review replaces its own findings, not the security review\'s');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('Fix Review Finding: the light bulb on a finding proposes a fix at the tier its category needs; Accept applies it and the finding goes', async () => {
    const editor = await openAndSelect('src/orders.ts', 9, 23);
    const review = await vscode.commands.executeCommand<{ findings: { category: string; message: string; startLine: number }[] }>('ladder.reviewSelection');
    const html = review.findings.find((f) => f.category === 'security' && f.startLine === 22);
    assert.ok(html, `the innerHTML write is a security finding: ${JSON.stringify(review.findings)}`);
    const uri = editor.document.uri;
    const ladderDiagnostics = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Ladder');
    const before = await until('Ladder diagnostics', () => (ladderDiagnostics().length > 0 ? ladderDiagnostics() : undefined));
    const target = before.find((d) => d.range.start.line === 21 && d.message.startsWith(html.message));
    assert.ok(target, 'the finding is a diagnostic on line 22');

    // A line added above the finding after the review: the fix still finds its code.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// orders\n'));
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    // The light bulb's request is cancelled when the editors move (the review's report opening beside): ask again.
    const actions = await until('the quick fixes', () => Promise.resolve(vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, target.range, vscode.CodeActionKind.QuickFix.value)).catch(() => undefined));
    const fix = actions.find((a) => a.title.startsWith(`Fix with Ladder: ${html.message.slice(0, 40)}`));
    assert.ok(fix?.command, `a quick fix is offered: ${actions.map((a) => a.title).join(' | ')}`);

    const sent = api().log.length;
    const pending = vscode.commands.executeCommand<string>(fix.command.command, ...(fix.command.arguments ?? []));
    await waitForDiff(pending);
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await pending, 'accepted');
    const text = editor.document.getText();
    assert.match(text, /el\.textContent = /, 'the fix is applied');
    assert.match(text, /^\/\/ orders\n/, 'the edit above is kept');
    assert.match(text, /"SELECT \* FROM orders WHERE customer = '" \+ customer/, 'only the finding\'s lines were rewritten');
    const request = api().log.slice(sent).find((e) => e.path === '/v1/messages');
    assert.equal(request?.model, 'claude-opus-4-8', 'a security finding\'s fix is judgment work');
    const user = JSON.stringify((request?.body as { messages: unknown[] }).messages);
    assert.match(user, /el\.innerHTML/, 'the finding\'s line is what is sent');
    assert.doesNotMatch(user, /SELECT \*/, 'and not the rest of the file');
    await until('the fixed finding leaves the Problems list', () => (ladderDiagnostics().length === before.length - 1 ? true : undefined));
    assert.ok(!ladderDiagnostics().some((d) => d.message === target.message));
    // The others stay on their code, which the line added above moved down one.
    const sqlNow = editor.document.getText().split('\n').findIndex((l) => l.includes('SELECT * FROM orders'));
    assert.ok(ladderDiagnostics().some((d) => d.range.start.line === sqlNow && /SQL/.test(d.message)), `the SQL finding on line ${sqlNow + 1}: ${ladderDiagnostics().map((d) => d.range.start.line + 1).join(', ')}`);
    const records = await ledger();
    const call = records.filter((r): r is CallRecord => r.kind !== 'verdict').at(-1);
    assert.deepEqual([call?.command, call?.stepType, call?.model], ['fix', 'fix', 'claude-opus-4-8']);
    assert.ok(records.some((r) => r.kind === 'verdict' && r.verdict === 'accepted' && r.taskId === call?.taskId), 'the verdict is booked on the fix');

    // From the palette: the finding at the cursor, found where its code is now.
    const active = await vscode.window.showTextDocument(editor.document);
    const sqlLine = active.document.getText().split('\n').findIndex((l) => l.includes('SELECT * FROM orders'));
    active.selection = new vscode.Selection(sqlLine, 4, sqlLine, 4);
    // The cost report takes the focus: no text editor is active, and the file's cursor still counts.
    await vscode.commands.executeCommand('ladder.showCostReport');
    await until('the cost report has the focus', () => (vscode.window.activeTextEditor === undefined ? true : undefined));
    const sentPalette = api().log.length;
    const palette = vscode.commands.executeCommand<string>('ladder.fixFinding');
    await waitForDiff(palette);
    await vscode.commands.executeCommand('ladder.rejectEdit');
    assert.equal(await palette, 'rejected');
    const sqlRequest = api().log.slice(sentPalette).find((e) => e.path === '/v1/messages');
    assert.match(JSON.stringify((sqlRequest?.body as { messages: unknown[] }).messages), /SELECT \* FROM orders/, 'the SQL finding, at the cursor, was the one sent');

    // Its line edited after the review: Ladder says so and sends nothing.
    const sql = review.findings.find((f) => f.startLine === 11);
    assert.ok(sql, 'the SQL line has a finding');
    const sqlDiagnostic = ladderDiagnostics().find((d) => d.message.startsWith(sql.message));
    assert.ok(sqlDiagnostic);
    const sqlActions = await until('the quick fixes', () => Promise.resolve(vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, sqlDiagnostic.range, vscode.CodeActionKind.QuickFix.value)).catch(() => undefined));
    const sqlFix = sqlActions.find((a) => a.title.startsWith(`Fix with Ladder: ${sql.message.slice(0, 40)}`));
    assert.ok(sqlFix?.command);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(sqlLine, 2), '/* x */ ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const sentBefore = api().log.length;
    const { messages } = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand(sqlFix.command!.command, ...(sqlFix.command!.arguments ?? [])));
    assert.match(messages.join('\n'), /changed since the review, so Ladder cannot tell what to fix\. Run the review again\./);
    assert.equal(api().log.length, sentBefore, 'nothing was sent');
  });

  it('Write Tests from a CRLF file writes the test file with CRLF line endings too', async () => {
    // Outside the workspace: files made and deleted in it would move the context under the tests that follow.
    const source = tempFile('crlf-total.ts', 'export function orderTotal(items: { price: number }[]) {\r\n  return items.reduce((t, i) => t + i.price, 0);\r\n}\r\n');
    const created = source.with({ path: source.path.replace(/\.ts$/, '.test.ts') });
    try {
      const editor = await vscode.window.showTextDocument(source);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      await acceptProposal('ladder.writeTests');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(created));
      assert.ok(text.includes('\r\n') && !/[^\r]\n/.test(text), `every line ends with CRLF: ${JSON.stringify(text.slice(0, 120))}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const uri of [source, created]) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    }
  });

  it('Write Tests proposes a new test file; Accept creates it', async () => {
    await openAndSelect('src/orders.ts', 15, 19);
    const pending = vscode.commands.executeCommand<string>('ladder.writeTests');
    await waitForDiff(pending);
    // The diff says where the file will go, and shows it in its own language.
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff);
    assert.match(tab?.label ?? '', /^Ladder: Write Tests → src\/orders\.test\.ts — claude-[\w.-]+ \(\w+\)$/);
    const sides = tab?.input as vscode.TabInputTextDiff;
    for (const side of [sides.original, sides.modified]) assert.equal((await vscode.workspace.openTextDocument(side)).languageId, 'typescript');
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await pending, 'accepted');
    const created = vscode.Uri.joinPath(root(), 'src', 'orders.test.ts');
    // The file is on disk with its tests, and open in front of the user: not an empty file
    // with the tests only in an unsaved model no editor shows.
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(created));
    assert.match(text, /orderTotal/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), created.toString());
    assert.equal(vscode.window.activeTextEditor?.document.isDirty, false);
    // Beside existing tests a new file is proposed, never one over them; each Accept creates it.
    const made = [created];
    try {
      for (const name of ['ladder-orders.test.ts', 'ladder-2-orders.test.ts']) {
        await openAndSelect('src/orders.ts', 15, 19);
        const again = vscode.commands.executeCommand<string>('ladder.writeTests');
        await waitForDiff(again);
        const label = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff)?.label ?? '';
        assert.ok(label.startsWith(`Ladder: Write Tests → src/${name} — `), label);
        await vscode.commands.executeCommand('ladder.acceptEdit');
        assert.equal(await again, 'accepted');
        const file = vscode.Uri.joinPath(root(), 'src', name);
        made.push(file);
        assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), /orderTotal/);
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const file of made) await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('two Write Tests proposals pending for one file get two names, and both can be accepted', async () => {
    const diffs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);
    let made: vscode.Uri[] = [];
    try {
      await openAndSelect('src/orders.ts', 15, 19);
      const first = vscode.commands.executeCommand<string>('ladder.writeTests');
      await waitForDiff(first);
      await openAndSelect('src/orders.ts', 15, 19);
      const second = vscode.commands.executeCommand<string>('ladder.writeTests');
      await until('the second diff', () => diffs().length >= 2 || undefined);
      // (Earlier tests' files may linger as documents, so the names are not fixed; they must differ.)
      const names = diffs().map((t) => /→ src\/([\w.-]+) —/.exec(t.label)?.[1] ?? '');
      assert.equal(new Set(names).size, 2, names.join(', '));
      made = names.map((name) => vscode.Uri.joinPath(root(), 'src', name));
      // Each accepted from its own diff's button (which passes the proposal).
      for (const tab of diffs()) await vscode.commands.executeCommand('ladder.acceptEdit', (tab.input as vscode.TabInputTextDiff).modified);
      assert.deepEqual([await first, await second], ['accepted', 'accepted']);
      for (const file of made) assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)), /orderTotal/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const file of made) await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    }
  });

  it('Write Tests from an untitled buffer: Accept opens the tests in a new untitled editor in its language', async () => {
    const editor = await openUntitled('export function double(n: number): number {\n  return n * 2;\n}\n');
    const source = editor.document;
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    await acceptProposal('ladder.writeTests');
    const tests = vscode.window.activeTextEditor?.document;
    assert.ok(tests && tests !== source);
    assert.equal(tests.isUntitled, true, 'nothing is written to disk: the code has no folder');
    assert.equal(tests.languageId, 'typescript');
    assert.match(tests.getText(), /double/);
    for (const doc of [tests, source]) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('Write Tests from a cell of an untitled notebook: the tests open untitled too, nothing is written at the file system\'s root', async () => {
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'def add(a, b):\n    return a + b\n', 'python')]));
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(0).document;
    const pending = vscode.commands.executeCommand<string>('ladder.writeTests', cell.uri);
    await waitForDiff(pending);
    await vscode.commands.executeCommand('ladder.acceptEdit');
    assert.equal(await pending, 'accepted');
    const tests = vscode.window.activeTextEditor?.document;
    assert.equal(tests?.uri.scheme, 'untitled', `the tests are an unsaved editor: ${tests?.uri.toString()}`);
    assert.equal(tests?.languageId, 'python');
    assert.equal(tests?.uri.query, '', 'the cell\'s query is not carried over');
    assert.equal(await vscode.workspace.fs.stat(vscode.Uri.file(`/test_${notebook.uri.path}.py`)).then(() => true, () => false), false, 'no file at the root');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showNotebookDocument(notebook);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Review File and Security Review run on the whole file from a URI, as the explorer calls them', async () => {
    const uri = vscode.Uri.joinPath(root(), 'src', 'orders.ts');
    const file = await vscode.commands.executeCommand<{ findings: unknown[]; reportUri: vscode.Uri }>('ladder.reviewFile', uri);
    assert.ok(file && file.findings.length > 0);
    const heading = (await vscode.workspace.openTextDocument(file.reportUri)).getText().split('\n')[0];
    assert.match(heading ?? '', /^# Review File with Escalation: src\/orders\.ts:1-\d+$/, 'the report is titled as the command the user chose');
    resetApi();
    const security = await vscode.commands.executeCommand<{ findings: { category: string; confirmedByModel?: string }[] }>('ladder.securityReview', uri);
    assert.ok(security);
    const models = api().log.filter((e) => e.path === '/v1/messages').map((e) => e.model);
    assert.equal(models[0], 'claude-sonnet-4-6', 'a security review reads on the execute tier');
    assert.equal(models.at(-1), 'claude-opus-4-8', 'and is always judged');
    // From the Explorer (which passes the selected files too) the file is reviewed whole, even
    // when it is the active editor with a selection; the editor's own menu reviews the selection.
    await openAndSelect('src/orders.ts', 15, 19);
    const explorer = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.securityReview', uri, [uri]);
    assert.match((await vscode.workspace.openTextDocument(explorer!.reportUri)).getText().split('\n')[0] ?? '', /^# Security Review: src\/orders\.ts:1-\d+$/);
    await openAndSelect('src/orders.ts', 15, 19);
    const editorMenu = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.securityReview', uri);
    assert.match((await vscode.workspace.openTextDocument(editorMenu!.reportUri)).getText().split('\n')[0] ?? '', /^# Security Review: src\/orders\.ts:15-19$/);
  });

  it('Review with Escalation and Security Review of a folder read its files, judge only what matters, and put each finding on its own file', async () => {
    const folder = vscode.Uri.joinPath(root(), 'src');
    const orders = vscode.Uri.joinPath(folder, 'orders.ts');
    const sqlLine = new TextDecoder().decode(await vscode.workspace.fs.readFile(orders)).split('\n').findIndex((l) => /SELECT/.test(l)) + 1;
    type Result = { findings: { file: string; startLine: number; category: string; foundByModel: string; confirmedByModel?: string }[]; reportUri: vscode.Uri };
    // From the Explorer with no editor open, as a user starts a folder review.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const result = await vscode.commands.executeCommand<Result>('ladder.reviewSelection', folder);
    assert.ok(result);
    const untitled = () => vscode.workspace.textDocuments.filter((d) => d.isUntitled || d.isDirty).map((d) => d.uri.toString());
    assert.deepEqual(untitled(), [], 'the folder\'s digest is not an unsaved document, which VS Code shows in an empty editor area and asks to save on closing');
    const sent = api().log.filter((e) => e.path === '/v1/messages');
    assert.deepEqual(sent.map((e) => e.model), ['claude-haiku-4-5', 'claude-opus-4-8'], 'a cheap pass over the small folder, then judgment');
    const bodies = sent.map((e) => JSON.stringify(e.body));
    assert.match(bodies[0]!, /===== src\/orders\.ts =====[\s\S]*===== src\/db\.ts =====|===== src\/db\.ts =====[\s\S]*===== src\/orders\.ts =====/, 'the first pass reads every file');
    assert.ok(bodies.every((b) => !/sk-ant-api03-DEMOFAKEKEY|src\/settings\.ts =====/.test(b)), 'never the file that holds a key');
    assert.match(bodies[1]!, /===== src\/orders\.ts =====/);
    if (!result.findings.some((f) => f.file === 'src/db.ts')) assert.doesNotMatch(bodies[1]!, /===== src\/db\.ts =====/, 'judgment reads only the files with findings to judge');
    const places = result.findings.map((f) => `${f.file}:${f.startLine}:${f.category}`);
    assert.equal(new Set(places).size, places.length, `no finding twice: ${places.join(' ')}`);
    const sql = result.findings.find((f) => f.category === 'security' && f.startLine === sqlLine);
    assert.equal(sql?.file, 'src/orders.ts', JSON.stringify(result.findings));
    assert.equal(sql?.confirmedByModel, 'claude-opus-4-8');
    assert.ok(vscode.languages.getDiagnostics(orders).some((d) => d.range.start.line === sqlLine - 1 && /confirmed by claude-opus-4-8/.test(d.message)));
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    assert.match(report, /^# Review with Escalation: src \(2 files\)$/m);
    // A reviewer must know what was not read: here the file a key was found in.
    assert.match(report, /^## Not reviewed\n\nNot sent to a model, or not whole; check these yourself\.\n\n- `src\/settings\.ts`: it looks like it holds an Anthropic API key \(line \d+\)$/m);
    assert.doesNotMatch(report, /sk-ant-api03-DEMOFAKEKEY/);

    resetApi();
    const outside = await vscode.commands.executeCommand<Result>('ladder.reviewSelection', vscode.Uri.joinPath(root(), '..'));
    assert.equal(outside, undefined, 'a folder outside the workspace is not reviewed (nor the workspace in its place)');
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0);
    const security = await vscode.commands.executeCommand<Result>('ladder.securityReview', folder);
    assert.deepEqual(api().log.filter((e) => e.path === '/v1/messages').map((e) => e.model), ['claude-sonnet-4-6', 'claude-opus-4-8'], 'a security review reads on execute and is always judged');
    assert.ok(security?.findings.some((f) => f.file === 'src/orders.ts' && f.startLine === sqlLine));
    assert.deepEqual(untitled(), [], 'nor is the judgment pass\'s digest');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    assert.ok(tabs.every((label) => !label.startsWith('=====')), `no digest is left open: ${tabs.join(', ')}`);
    // A digest is material (up to 120K characters), not an answer: kept across a reload, three
    // of them would push the user's answers out.
    const { container } = await ladder();
    await container.results.save();
    const kept = container.context.workspaceState.get<{ entries: [string, string][] }>('ladder.resultViews')?.entries.map(([key]) => key) ?? [];
    assert.ok(kept.includes(security!.reportUri.toString()), 'the report is kept');
    assert.deepEqual(kept.filter((key) => key.includes('digest.txt')), [], 'no digest is kept');
  });

  it('a folder over the review\'s bounds: the report names what was not read, and counts the rest', async () => {
    const { container } = await ladder();
    const folder = vscode.Uri.joinPath(root(), 'many');
    const names = Array.from({ length: 52 }, (_, i) => `m${String(i).padStart(2, '0')}.ts`);
    try {
      for (const name of names) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, name), new TextEncoder().encode(`export const ${name.slice(0, 3)} = ${name.length};\n`));
      await until('the new files in the context', async () => ((await container.workspace.digest('many', { maxFiles: 100, maxChars: 100_000 })).files.length === 52) || undefined, 15_000);
      const result = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.architectureReview', folder);
      const report = (await vscode.workspace.openTextDocument(result!.reportUri)).getText();
      assert.match(report, /^# Architecture Review: many \(40 files\)$/m);
      const section = report.slice(report.indexOf('## Not reviewed'), report.indexOf('## Route'));
      const named = section.split('\n').filter((l) => l.startsWith('- `many/'));
      assert.equal(named.length, 10, section);
      assert.match(named[0]!, /^- `many\/m40\.ts`: over the review's bounds of 40 files and 120,000 characters$/);
      assert.match(section, /^- 2 more files over the review's bounds of 40 files and 120,000 characters$/m);
    } finally {
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });

  it('a folder review names a file with a source name and binary bytes as not reviewed, with why', async () => {
    const { container } = await ladder();
    const folder = vscode.Uri.joinPath(root(), 'odd');
    try {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'ok.ts'), new TextEncoder().encode('export const ok = 1;\n'));
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'data.ts'), new Uint8Array([0x61, 0, 0x62, 0x0a]));
      await until('the new files in the tree', async () => /\bdata\.ts\b[\s\S]*\bok\.ts\b/.test((await container.workspace.segments()).context?.text ?? '') || undefined, 15_000);
      const result = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.architectureReview', folder);
      const report = (await vscode.workspace.openTextDocument(result!.reportUri)).getText();
      assert.match(report, /^- `odd\/data\.ts`: it is binary: contains NUL bytes$/m, report);
      assert.doesNotMatch(JSON.stringify(api().log.map((e) => e.body)), /odd\/data\.ts =====/);
    } finally {
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });

  it('a folder review sends no file that is not UTF-8, mangled, and names each as not reviewed', async () => {
    const { container } = await ladder();
    const folder = vscode.Uri.joinPath(root(), 'encodings');
    const code = "export const greeting = 'caf\u00e9';\n";
    try {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'ok.ts'), new TextEncoder().encode(code));
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'latin1.ts'), Uint8Array.from(code, (c) => c.charCodeAt(0)));
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'utf16.ts'), new Uint8Array([0xff, 0xfe, ...Buffer.from(code, 'utf16le')]));
      await until('the new files in the tree', async () => /\blatin1\.ts\b[\s\S]*\butf16\.ts\b/.test((await container.workspace.segments()).context?.text ?? '') || undefined, 15_000);
      const result = await vscode.commands.executeCommand<{ reportUri: vscode.Uri }>('ladder.architectureReview', folder);
      const report = (await vscode.workspace.openTextDocument(result!.reportUri)).getText();
      assert.match(report, /^- `encodings\/latin1\.ts`: it is not UTF-8 text: bytes that are not valid UTF-8 \(another encoding, such as Latin-1\?\)$/m, report);
      assert.match(report, /^- `encodings\/utf16\.ts`: it is not UTF-8 text: UTF-16, by its byte-order mark$/m, report);
      const sent = JSON.stringify(api().log.map((e) => e.body));
      assert.match(sent, /encodings\/ok\.ts =====/);
      assert.doesNotMatch(sent, /encodings\/(latin1|utf16)\.ts =====|\\ufffd|\ufffd/);
    } finally {
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });

  it('Architecture Review of a folder routes to judgment and never sends secret or ignored files', async () => {
    const result = await vscode.commands.executeCommand<{ findings: unknown[]; reportUri: vscode.Uri }>('ladder.architectureReview', vscode.Uri.joinPath(root(), 'src'));
    assert.ok(result);
    const sent = api().log.filter((e) => e.path === '/v1/messages');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.model, 'claude-opus-4-8');
    const body = JSON.stringify(sent[0]?.body);
    assert.match(body, /===== src\/orders\.ts =====/);
    assert.doesNotMatch(body, /sk-ant-api03-DEMOFAKEKEY|demo-password-do-not-send|DEMO_BUILD_ARTIFACT_MARKER/, 'no key-holding, secret or ignored file');
    assert.doesNotMatch(body, /src\/settings\.ts =====/);
    assert.match(body, /each after a line `===== path =====`/, 'the model is told how to name the files');
    // The stand-in answers in digest lines; each finding comes back to its own file and line,
    // as a diagnostic there and in the report.
    const orders = vscode.Uri.joinPath(root(), 'src', 'orders.ts');
    const sqlLine = new TextDecoder().decode(await vscode.workspace.fs.readFile(orders)).split('\n').findIndex((l) => /SELECT/.test(l)) + 1;
    assert.ok(sqlLine > 0);
    const findings = result.findings as { file: string; startLine: number; category: string }[];
    assert.ok(findings.some((f) => f.file === 'src/orders.ts' && f.startLine === sqlLine && f.category === 'security'), JSON.stringify(findings));
    assert.ok(vscode.languages.getDiagnostics(orders).some((d) => d.source === 'Ladder' && d.range.start.line === sqlLine - 1 && /SQL/.test(d.message)), 'a diagnostic on the SQL line of src/orders.ts');
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    assert.match(report, /^# Architecture Review: src \(\d+ files\)$/m);
    assert.match(report, /\*\*Summary\.\*\* \d+ findings? in \d+ files?\./);
    assert.match(report, new RegExp(`\`src/orders\\.ts:${sqlLine}\``));
  });

  it('Choose Tier overrides the next request only, and the ledger labels it', async () => {
    await openAndSelect('src/orders.ts', 15, 19);
    await vscode.commands.executeCommand('ladder.chooseTier', 'O');
    const first = await vscode.commands.executeCommand<{ taskId: string; plan: { model: string } }>('ladder.explainSelection');
    assert.equal(first?.plan.model, 'claude-opus-4-8');
    const second = await vscode.commands.executeCommand<{ plan: { model: string } }>('ladder.explainSelection');
    assert.notEqual(second?.plan.model, 'claude-opus-4-8', 'the override was one-off');
    const labelled = (await ledger()).filter((r): r is CallRecord => r.kind !== 'verdict' && r.taskId === first!.taskId);
    assert.ok(labelled.length > 0 && labelled.every((r) => r.override === 'O'));
    // Above the access cap (judgment by default), choosing a tier says at once where the request will go.
    const exception = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.chooseTier', 'F'));
    assert.deepEqual(exception.messages, ["Ladder: exception is not available here: the exception tier needs the explicit opt-in (ladder.routing.allowExceptionTier), so it goes to judgment (claude-opus-4-8)."]);
    // The meter says where it would go now ("next: judgment", not "next: exception"); the choice itself is kept, so the
    // cap is applied when the request runs: the ledger labels what you asked for beside the tier that answered.
    const { container } = await ladder();
    assert.equal(container.pendingOverride, 'F');
    assert.match(container.cost.shown.text, / · next: judgment$/, container.cost.shown.text);
    assert.match(container.cost.shown.accessibleName, /next request on the judgment tier$/, container.cost.shown.accessibleName);
    const capped = await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection');
    const calls = (await ledger()).filter((r): r is CallRecord => r.kind !== 'verdict' && r.taskId === capped!.taskId);
    assert.ok(calls.length > 0 && calls.every((r) => r.override === 'F' && r.tier === 'O' && r.reason.includes('capped at judgment')), JSON.stringify(calls.map((r) => [r.tier, r.override, r.reason])));
    await vscode.commands.executeCommand('ladder.chooseTier', 'auto');
  });

  it('Choose Tier before a review: its first pass reads on that tier and uses the choice up; a request that is not sent leaves it for the next', async () => {
    const { container } = await ladder();
    const uri = vscode.Uri.joinPath(root(), 'src', 'orders.ts');
    await vscode.commands.executeCommand('ladder.chooseTier', 'S');
    resetApi();
    const review = await vscode.commands.executeCommand<{ taskId: string }>('ladder.reviewFile', uri);
    assert.ok(review);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages')[0]?.model, 'claude-sonnet-4-6', 'the first pass on the tier you chose (a review of a short file starts on labour)');
    assert.ok((await ledger()).some((r) => r.kind !== 'verdict' && r.taskId === review.taskId && r.override === 'S'), 'labelled in the ledger');
    assert.equal(container.pendingOverride, undefined, 'the review used the choice: it does not carry over to a later request');
    // Not sent (the budget blocks it): the choice waits for the next request.
    try {
      await setLadder('budget.session', 0.000001);
      await openAndSelect('src/orders.ts', 15, 19);
      await vscode.commands.executeCommand('ladder.chooseTier', 'O');
      await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.explainSelection'));
      assert.equal(container.pendingOverride, 'O');
    } finally {
      await setLadder('budget.session', undefined);
      await vscode.commands.executeCommand('ladder.chooseTier', 'auto');
    }
  });

  it('Pin File adds the file to the cached context; Unpin removes it', async () => {
    const uri = vscode.Uri.joinPath(root(), 'src', 'db.ts');
    assert.equal(await vscode.commands.executeCommand('ladder.pinFile', uri), 'src/db.ts');
    await openAndSelect('src/orders.ts', 15, 19);
    await vscode.commands.executeCommand('ladder.explainSelection');
    const body = JSON.stringify(api().log.find((e) => e.path === '/v1/messages')?.body);
    assert.match(body, /A stand-in for a real driver/, 'the pinned file is in the prompt');
    assert.equal(await vscode.commands.executeCommand('ladder.unpinFile', uri), 'src/db.ts');
    resetApi();
    await vscode.commands.executeCommand('ladder.explainSelection');
    assert.doesNotMatch(JSON.stringify(api().log.find((e) => e.path === '/v1/messages')?.body), /A stand-in for a real driver/);
  });

  it('Pin File refuses a file the context never sends, and says why; Unpin says when a file was not pinned', async () => {
    const { container } = await ladder();
    const env = vscode.Uri.joinPath(root(), '.env');
    const refused = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.pinFile', env));
    assert.equal(refused.result, undefined);
    assert.deepEqual(refused.messages, ['Ladder: .env is not pinned: its name marks it as a credentials file, so it is never sent.']);
    const ignored = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.pinFile', vscode.Uri.joinPath(root(), 'build', 'bundle.js')));
    assert.deepEqual(ignored.messages, ['Ladder: build/bundle.js is not pinned: it is git-ignored, so it is never sent.']);
    assert.deepEqual(container.workspace.pinnedPaths(), [], 'nothing was pinned');
    const notPinned = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.unpinFile', vscode.Uri.joinPath(root(), 'src', 'db.ts')));
    assert.equal(notPinned.result, undefined);
    assert.deepEqual(notPinned.messages, ['Ladder: src/db.ts is not pinned.']);
  });

  it('Pin File refuses a link to a secret file, as the context leaves the link out', async () => {
    const { container } = await ladder();
    const { symlinkSync, rmSync } = await import('node:fs');
    const link = vscode.Uri.joinPath(root(), 'src', 'deploy-settings.txt');
    symlinkSync('../.env', link.fsPath);
    try {
      const refused = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.pinFile', link));
      assert.equal(refused.result, undefined);
      assert.deepEqual(refused.messages, ['Ladder: src/deploy-settings.txt is not pinned: it is a link to a file the context never sends, so it is never sent.']);
      assert.deepEqual(container.workspace.pinnedPaths(), []);
      const { exclusions } = await container.workspace.leftOut();
      assert.match(exclusions.find((e) => e.path === 'src/deploy-settings.txt')?.detail ?? '', /leads to \.env/);
    } finally {
      rmSync(link.fsPath, { force: true });
    }
  });

  it('a folder made on disk is read as the scan reads one; files under .git never show as left out', async () => {
    const { container } = await ladder();
    await container.workspace.segments();
    const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = vscode.Uri.joinPath(root(), 'src', 'made-later');
    mkdirSync(vscode.Uri.joinPath(dir, 'deep').fsPath, { recursive: true });
    writeFileSync(vscode.Uri.joinPath(dir, 'deep', 'late.ts').fsPath, 'export const late = 1;\n');
    try {
      await until('the new folder in the tree', async () => /late\.ts/.test((await container.workspace.segments()).context?.text ?? ''), 10_000);
      const { exclusions } = await container.workspace.leftOut();
      assert.ok(!exclusions.some((e) => e.path === 'src/made-later' || e.path.startsWith('.git/')), exclusions.map((e) => e.path).join(', '));
    } finally {
      rmSync(dir.fsPath, { recursive: true, force: true });
    }
    await until('the deleted folder gone from the tree', async () => !/made-later/.test((await container.workspace.segments()).context?.text ?? ''), 10_000);
  });

  it('a changed pinned file gives one diagnosed cache miss, named in the ledger record', async () => {
    const { container } = await ladder();
    const big = vscode.Uri.joinPath(root(), 'src', 'catalog.ts');
    const body = (n: number) => Array.from({ length: 400 }, (_, i) => `export const item${i} = { id: ${i}, name: 'Item ${i}', price: ${(i * 7) % 100}, revision: ${n} };`).join('\n');
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(body(1)));
    try {
      await vscode.commands.executeCommand('ladder.pinFile', big);
      await openAndSelect('src/orders.ts', 15, 19);
      const first = await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection');
      const second = await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection');
      const reads = api().log.filter((e) => e.path === '/v1/messages').map((e) => (e.usage as { cache_read_input_tokens: number }).cache_read_input_tokens);
      assert.equal(reads[0], 0, 'the first call writes the prefix');
      assert.ok((reads[1] ?? 0) > 0, 'the second reads it from cache');
      const before = (await container.workspace.segments()).pinned?.fingerprint;
      await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(body(2)));
      // Read whole: a write truncates first, and a watcher event then can read the file empty
      // (a pinned segment below the cacheable minimum, seen once under load).
      await until('the watcher to see the whole change', async () => {
        const pinned = (await container.workspace.segments()).pinned;
        return (pinned?.fingerprint !== before && pinned?.text.includes('item399 = { id: 399, name: \'Item 399\', price: 93, revision: 2 }')) || undefined;
      });
      const third = await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection');
      const records = (await ledger()).filter((r): r is CallRecord => r.kind !== 'verdict');
      const missOf = (taskId: string | undefined) => records.find((r) => r.taskId === taskId)?.cacheMiss;
      // The first call may be judged against caches earlier tests wrote (the stand-in is reset
      // between tests, the extension's memory of them is not); from the second on it is exact.
      assert.ok(first?.taskId);
      assert.equal(missOf(second?.taskId), undefined);
      const miss = missOf(third?.taskId);
      assert.ok(miss, 'the third call records a miss');
      assert.equal(miss.cause, 'segmentChanged');
      assert.match(miss.detail, /src\/catalog\.ts/);
      assert.match(container.cost.shown.tooltip, /catalog\.ts/, 'the tooltip names the file too');
    } finally {
      await vscode.commands.executeCommand('ladder.unpinFile', big);
      await vscode.workspace.fs.delete(big);
    }
  });

  it('Show Workspace Context shows the cached prefix exactly as sent and every file left out, and sends nothing', async () => {
    const { container } = await ladder();
    // The previous test's clean-up reverts files, and their watcher events can still move the
    // context between the page and the segments read here: compare once both agree, or fail.
    const { uri, text } = await until('the page and the segments to read the same context', async () => {
      const shown = await vscode.commands.executeCommand<vscode.Uri>('ladder.showContext');
      assert.ok(shown);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), shown.toString(), 'it opens');
      const page = (await vscode.workspace.openTextDocument(shown)).getText();
      const { context } = await container.workspace.segments();
      return context && page.includes(`\n${context.text}\n`) ? { uri: shown, text: page } : undefined;
    }, 10_000);
    assert.ok(uri, 'the context segment, byte for byte');
    assert.match(text, /^\| `\.env` \| its name marks it as a credentials file \|/m);
    assert.match(text, /Other files appear in it by name only/);
    assert.doesNotMatch(text, /sk-ant-api03-DEMOFAKEKEY|demo-password-do-not-send/, 'never what a left-out file holds');
    assert.equal(api().log.length, 0, 'nothing reached the API');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Show Cost Report opens the webview with per-task rows and per-route verdicts; Reset Session Cost zeroes the meter, not the ledger', async () => {
    const report = await vscode.commands.executeCommand<CostReportMessage>('ladder.showCostReport');
    assert.equal(report?.type, 'costReport');
    assert.ok((report?.tasks.length ?? 0) > 0);
    const records = await ledger();
    const calls = records.filter((r): r is CallRecord => r.kind !== 'verdict');
    const verdicts = records.filter((r) => r.kind === 'verdict');
    const routes = report.routes;
    const { container } = await ladder();
    assert.equal(routes.reduce((n, r) => n + r.calls, 0), calls.length, 'every call is on one route');
    assert.equal(routes.reduce((n, r) => n + r.micros, 0), container.cost.ledgerSummary.total.micros, 'the routes share out the total exactly');
    assert.equal(routes.reduce((n, r) => n + r.accepted + r.rejected, 0), verdicts.length, 'every verdict counts once');
    const format = (tier: string) => routes.find((r) => r.stepType === 'format' && r.tier === tier);
    assert.ok((format('H')?.rejected ?? 0) >= 1, 'the rejected Haiku tidy counts on the labour route');
    assert.ok((format('S')?.accepted ?? 0) >= 1, 'its accepted retry counts on the execute route');
    assert.equal(report.totals.budget, undefined, 'no budget card without a budget');
    // A task's details: each of its calls with the four usage fields, as the ledger has them.
    const busiest = [...report.tasks].sort((a, b) => b.calls - a.calls)[0]!;
    const details = await container.costReport.taskCalls(busiest.taskId);
    const ofTask = calls.filter((r) => r.taskId === busiest.taskId);
    assert.equal(details?.calls.length, busiest.calls);
    assert.deepEqual(details?.calls.map((c) => [c.model, c.outcome, c.input, c.cacheWrite, c.cacheRead, c.output]),
      ofTask.map((r) => [r.model, r.outcome, r.usage.input_tokens, r.usage.cache_creation_input_tokens, r.usage.cache_read_input_tokens, r.usage.output_tokens]));
    assert.equal(details?.total, busiest.cost, 'the details add up to the task row\'s figure');
    const before = (await ledger()).length;
    let told = 0;
    const listening = container.cost.onDidChange(() => { told += 1; });
    await vscode.commands.executeCommand('ladder.resetSessionCost');
    listening.dispose();
    assert.match(container.cost.shown.text, /Ladder \$0\.00$/);
    assert.ok(told > 0, 'an open cost report is told, so its session card shows $0.00 too');
    assert.equal((await ledger()).length, before);

    try {
      await setLadder('budget.session', 0.05);
      // Far above what the suite spends in a day (about $1.30), so only the session's limit counts.
      await setLadder('budget.daily', 100);
      const budgeted = await vscode.commands.executeCommand<CostReportMessage>('ladder.showCostReport');
      assert.deepEqual(budgeted?.totals.budget?.value, '$0.05 left', 'the reset session has all of its budget');
      assert.match(budgeted?.totals.budget?.note ?? '', /^\$0\.00 of \$0\.05 this session · \$[\d.]+ of \$100\.00 today$/);
    } finally {
      await setLadder('budget.session', undefined);
      await setLadder('budget.daily', undefined);
    }
  });

  it('an answer outlives a window reload: its view, its number and its conversation are kept in workspaceState, named after the question', async () => {
    const { container } = await ladder();
    await openAndSelect('src/orders.ts', 15, 19);
    type Outcome = { text: string; resultUri: vscode.Uri };
    const first = await vscode.commands.executeCommand<Outcome>('ladder.ask', 'what does orderTotal add up, and in which order?');
    assert.match(first.resultUri.path, /^\/\d+\/Ask · what does orderTotal add up, and in whi…\.md$/, 'the tab says what was asked');
    const shown = container.results.get(first.resultUri);
    assert.match(shown, /_Answered by /);
    // Views built afresh on request take none of the slots kept for answers (twenty of them
    // used to push this answer out of what a reload brings back).
    const context = await vscode.commands.executeCommand<vscode.Uri>('ladder.showContext');
    await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.previewRoute', 'where is the tax added?'), () => 'Details');
    const preview = await until('the route preview opens', () => vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/Route preview.md')));
    await container.results.save();
    // What the next window starts from: workspaceState, and the stores built anew over it (the
    // views' file system is registered once per window, so a test window cannot build a second).
    const state = container.context.workspaceState;
    const saved = state.get<{ version: number; counter: number; entries: [string, string][] }>('ladder.resultViews');
    assert.equal(saved?.version, 1);
    assert.equal(saved?.entries.find(([key]) => key === first.resultUri.toString())?.[1], shown, 'the restored tab shows its answer');
    assert.deepEqual(saved?.entries.filter(([key]) => key === context.toString() || key === preview.uri.toString()), [], 'the context and the route preview are not kept');
    assert.ok((saved?.counter ?? 0) >= Number(first.resultUri.path.split('/')[1]), 'a number is never given twice');
    assert.match(container.results.provideTextDocumentContent(vscode.Uri.parse('ladder-result:/999999/Gone.md')), /^_Ladder no longer has this view: across a window reload it keeps its last 20 answers and reports, not route previews or the workspace context\./);
    const conversation = new Conversations(state, container.log).get(first.resultUri);
    assert.deepEqual(conversation?.turns, [{ question: 'what does orderTotal add up, and in which order?', answer: first.text }]);
    assert.equal(conversation?.selection?.path, 'src/orders.ts');
    assert.ok(conversation?.selection && !('document' in conversation.selection), 'what was sent, not the editor\'s document');
    // Continued from what workspaceState holds: the first question's code and answer are sent again.
    const sent = api().log.filter((e) => e.path === '/v1/messages').length;
    await vscode.commands.executeCommand('ladder.followUp', first.resultUri, 'and where is the tax added?');
    const request = api().log.filter((e) => e.path === '/v1/messages').slice(sent).at(-1)?.body as { messages: { content: { text: string }[] }[] };
    assert.match(request.messages[0]?.content[0]?.text ?? '', /^File: src\/orders\.ts\nLines: 15-19/);
    assert.equal(request.messages[1]?.content[0]?.text, first.text);
  });

  it('review findings outlive a window reload: each comes back where its code is now, and one whose code changed does not', async () => {
    const { container } = await ladder();
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const orders = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'src/orders.ts')));
    const uri = vscode.Uri.joinPath(root, 'src/reloaded.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(orders));
    let fresh: ReviewService | undefined;
    try {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      editor.selection = new vscode.Selection(8, 0, 22, editor.document.lineAt(22).text.length);
      await vscode.commands.executeCommand('ladder.reviewSelection');
      const shown = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Ladder');
      const sql = shown.find((d) => d.range.start.line === 10);
      const html = shown.find((d) => d.range.start.line === 21);
      assert.ok(sql && html, `findings on the SQL (line 11) and the innerHTML write (line 22): ${shown.map((d) => d.range.start.line + 1).join(', ')}`);
      // Closed, then changed on disk as a person might before the next window: two lines above
      // everything, and the innerHTML line rewritten.
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      const lines = orders.split('\n');
      lines[21] = '  el.textContent = order.customer;';
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(['// moved', '// down', ...lines].join('\n')));
      await until('the document to close or reload', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText().startsWith('// moved') !== false || undefined);
      // The next window's review service, over the same workspaceState (see the answer test above).
      fresh = new ReviewService(container);
      const restored = await until('the findings restored', () => {
        const list = fresh!.diagnostics.get(uri) ?? [];
        return list.length > 0 ? list : undefined;
      });
      assert.ok(restored.some((d) => d.message === sql.message && d.range.start.line === 12), `the SQL finding two lines down: ${restored.map((d) => `${d.range.start.line + 1} ${d.message}`).join(' | ')}`);
      assert.ok(!restored.some((d) => d.message === html.message), 'the innerHTML finding, whose code changed, is not shown again');
      assert.equal(restored.length, shown.length - 1);
      // It can still be fixed: Fix finds it, with the code it is about, on its new line.
      const document = await vscode.workspace.openTextDocument(uri);
      const [found] = fresh.findingsIn(document, 12);
      assert.equal(found?.code, lines[10], 'the line the review read');
      assert.equal(found?.finding.startLine, 13);
    } finally {
      fresh?.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('what is kept across a reload stays well under the 512 KiB VS Code warns at, counted as stored; a damaged or old entry is dropped, not thrown', async () => {
    const { container } = await ladder();
    const state = container.context.workspaceState;
    const keys = ['ladder.resultViews', 'ladder.conversations', 'ladder.unfinishedViews'];
    const before = keys.map((key) => state.get(key));
    try {
      // Quotes and newlines are stored escaped: a view of 60K characters takes far more as JSON.
      for (let i = 0; i < 20; i++) container.results.create('ladder-result', `Big ${i}.md`, '"\n'.repeat(30_000));
      await container.results.save();
      const views = JSON.stringify(state.get('ladder.resultViews')).length;
      assert.ok(views <= 192 * 1024, `views take ${views} characters`);
      const conversations = new Conversations(state, container.log);
      for (let i = 0; i < 20; i++) conversations.remember(vscode.Uri.parse(`ladder-result:/${900_000 + i}/Big.md`), { turns: [{ question: 'q', answer: '"\n'.repeat(20_000) }], tier: 'S', model: 'claude-sonnet-4-6' });
      const kept = JSON.stringify(state.get('ladder.conversations')).length;
      assert.ok(kept <= 256 * 1024, `conversations take ${kept} characters`);
      assert.ok(conversations.recent().length > 0);

      // The form the first builds saved, and garbage: a store starts without them, and keeps what is whole.
      const whole = { uri: 'ladder-result:/1/Ask.md', at: 1, tier: 'S', model: 'claude-sonnet-4-6', turns: [{ question: 'q', answer: 'a' }] };
      await state.update('ladder.resultViews', { counter: 3, views: {} });
      await state.update('ladder.conversations', { version: 1, entries: [whole, { uri: 5 }, 'garbage', null] });
      await state.update('ladder.unfinishedViews', 'garbage');
      const restored = new Conversations(state, container.log);
      assert.deepEqual(restored.recent().map((c) => c.uri.toString()), ['ladder-result:/1/Ask.md']);
      assert.equal(restored.unfinished(vscode.Uri.parse('ladder-result:/1/Ask.md')), undefined);
      await state.update('ladder.conversations', [{ uri: 'ladder-result:/1/Ask.md' }]);
      assert.deepEqual(new Conversations(state, container.log).recent(), []);
    } finally {
      for (const [i, key] of keys.entries()) await state.update(key, before[i]);
    }
  });

  it('Follow up which answer? tells alike questions apart by their code (or none) and time', async () => {
    const editor = await openAndSelect('src/orders.ts', 15, 19);
    await vscode.commands.executeCommand('ladder.ask', 'rename t to total');
    editor.selection = new vscode.Selection(15, 0, 15, 0);
    await vscode.commands.executeCommand('ladder.ask', 'rename t to total');
    const window = vscode.window as unknown as { showQuickPick: (items: vscode.QuickPickItem[]) => Promise<unknown> };
    const original = window.showQuickPick;
    const offered: vscode.QuickPickItem[] = [];
    window.showQuickPick = async (items) => {
      offered.push(...items);
      return undefined;
    };
    try {
      await vscode.commands.executeCommand('ladder.followUp', undefined, 'and the tests?');
    } finally {
      window.showQuickPick = original;
    }
    assert.deepEqual(offered.slice(0, 2).map((item) => item.label), ['rename t to total', 'rename t to total']);
    assert.match(offered[0]?.description ?? '', /^no selection · \d\d:\d\d$/, 'the newest, asked with nothing selected');
    assert.match(offered[1]?.description ?? '', /^src\/orders\.ts 15-19 · \d\d:\d\d$/);
    assert.match(offered[0]?.detail ?? '', /^1 answer, the last from claude-/);
  });

  it('an answer is saved as it streams, marked unfinished until its request ends: a window reload meanwhile keeps what had come', async () => {
    const { container } = await ladder();
    const state = container.context.workspaceState;
    const { abort, running, view } = await hangingAsk('cut me off');
    const key = view.uri.toString();
    type Saved = { entries: [string, string][]; streaming?: string[] };
    // VS Code saves the state on its way down before the extension hears of the reload: only
    // what was saved while the answer streamed reaches the next window.
    const saved = await until('the streamed text saved, marked unfinished', () => {
      const views = state.get<Saved>('ladder.resultViews');
      const text = views?.entries.find(([k]) => k === key)?.[1];
      return text !== undefined && /\n---\n\n\S/.test(text) && views?.streaming?.includes(key) ? text : undefined;
    }, 10_000).catch((e: Error) => { throw new Error(`${e.message}: ${key} ${String(JSON.stringify(state.get('ladder.resultViews'))).slice(-1500)}`); });
    assert.equal(saved, container.results.get(view.uri));
    abort.abort();
    await running;
    await until('the ended answer saved, no longer unfinished', () => {
      const views = state.get<Saved>('ladder.resultViews');
      return /_Cancelled\. Task cost/.test(views?.entries.find(([k]) => k === key)?.[1] ?? '') && !views?.streaming?.includes(key) ? true : undefined;
    }, 10_000);
    // The next window notes each view restored as cut off (ResultDocuments.cutOff): neither a
    // follow-up nor Answer Again builds on half an answer.
    const cut = vscode.Uri.parse('ladder-result:/999998/Ask · cut off.md');
    container.conversations.ended(cut, 'reloaded');
    const sent = api().log.length;
    const followUp = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.followUp', cut, 'go on'));
    assert.deepEqual(followUp.messages, ['Ladder: this answer was cut off by a window reload before it finished, so it cannot be continued. Ask again.']);
    const again = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.answerAbove', cut));
    assert.deepEqual(again.messages, ['Ladder: this answer was cut off by a window reload before it finished; run the request again.']);
    assert.equal(api().log.length, sent, 'nothing was sent');
  });

  it('Ask a Follow-up on an answer that was cancelled says it cannot be continued, and sends nothing', async () => {
    const { abort, running, view } = await hangingAsk('walk me through it');
    abort.abort();
    await running;
    const sent = api().log.length;
    const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.followUp', view.uri, 'go on'));
    assert.deepEqual(messages, ['Ladder: this answer was cancelled before it finished, so it cannot be continued. Ask again.']);
    assert.equal(api().log.length, sent, 'nothing was sent');
  });
});
