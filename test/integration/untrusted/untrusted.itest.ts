import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { captureMessages, openAndSelect } from '../editor';
import { ladder } from '../helpers';
import { api, setUpSuite, tearDownSuite } from '../setup';

type Container = Awaited<ReturnType<typeof ladder>>['container'];

/** Counts the folder reads (digests) made until `restore`. */
function countReads(container: Container): { readonly count: number; restore(): void } {
  const digest = container.workspace.digest.bind(container.workspace);
  const reads = { count: 0, restore: () => { container.workspace.digest = digest; } };
  container.workspace.digest = (...args: Parameters<typeof digest>) => {
    reads.count++;
    return digest(...args);
  };
  return reads;
}

describe('untrusted workspace', function () {
  this.timeout(60_000);
  before(setUpSuite);
  after(tearDownSuite);

  it('is really untrusted here', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('the cost meter says Ladder sends nothing until the workspace is trusted, with the way to trust it', async () => {
    const { container } = await ladder();
    const shown = container.cost.shown;
    assert.match(shown.tooltip, /^\*\*Restricted Mode:\*\* Ladder sends nothing from this workspace until you trust it\. \[Manage Workspace Trust\]\(command:workbench\.trust\.manage\)$/m);
    assert.match(shown.accessibleName, /^Ladder session cost \$[\d.]+; nothing is sent until you trust this workspace$/);
    assert.match(shown.text, /^\$\(pulse\) Ladder \$[\d.]+$/, 'the status-bar text stays short: VS Code shows Restricted Mode beside it');
  });

  it('commands send nothing, and no workspace content is rendered for a prompt', async () => {
    const { container } = await ladder();
    await openAndSelect('src/orders.ts', 10, 13);
    const { messages: warnings } = await captureMessages('showWarningMessage', async () => {
      assert.equal(await vscode.commands.executeCommand('ladder.explainSelection'), undefined);
      assert.equal(await vscode.commands.executeCommand('ladder.reviewSelection'), undefined);
      assert.equal(await vscode.commands.executeCommand('ladder.ask', 'what does this do?'), undefined);
    });
    assert.ok(warnings.some((w) => /untrusted workspace/.test(w)), `the user is told why: ${warnings.join(' | ')}`);
    assert.deepEqual(api().log.map((e) => e.path), [], 'no request reached the API, not even count_tokens');
    assert.deepEqual(await container.workspace.segments(), {}, 'no workspace segments are rendered');
    const shown = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.showContext'));
    assert.equal(shown.result, undefined, 'Show Workspace Context opens nothing');
    assert.ok(shown.messages.some((m) => /sends nothing from an untrusted workspace/.test(m)), shown.messages.join(' | '));
  });

  it('Ask, Ask a Follow-up and Refactor Selection refuse before asking for words that would be thrown away', async () => {
    await openAndSelect('src/orders.ts', 10, 13);
    const window = vscode.window as unknown as Record<'showInputBox' | 'showQuickPick', unknown>;
    const original = { showInputBox: window.showInputBox, showQuickPick: window.showQuickPick };
    const asked: string[] = [];
    window.showInputBox = (options?: vscode.InputBoxOptions) => {
      asked.push(options?.title ?? 'an input box');
      return Promise.resolve('what does this do?');
    };
    window.showQuickPick = (_items: unknown, options?: vscode.QuickPickOptions) => {
      asked.push(options?.title ?? 'a quick pick');
      return Promise.resolve(undefined);
    };
    try {
      for (const command of ['ladder.ask', 'ladder.followUp', 'ladder.refactorSelection']) {
        const { messages } = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand(command));
        assert.ok(messages.some((w) => /untrusted workspace/.test(w)), `${command} says why: ${messages.join(' | ')}`);
      }
    } finally {
      Object.assign(window, original);
    }
    assert.deepEqual(asked, [], 'nothing was asked of the user');
    assert.deepEqual(api().log.map((e) => e.path), []);
  });

  it('Review Folder at Batch Price refuses before a folder is read or a batch is sent', async () => {
    const { container } = await ladder();
    const reads = countReads(container);
    try {
      for (const args of [[vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src')], []]) {
        const { result, messages } = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.batchReviewFolder', ...args));
        assert.equal(result, undefined);
        assert.ok(messages.some((w) => /untrusted workspace/.test(w)), messages.join(' | '));
      }
      assert.equal(reads.count, 0, 'the folder was not read');
    } finally {
      reads.restore();
    }
    assert.deepEqual(container.reviews.batches.pending, []);
    assert.deepEqual(api().log.map((e) => e.path), [], 'nothing reached the API');
  });

  it('a folder review stops before reading the folder; Preview Route and Pin File say nothing is sent until trust', async () => {
    const { container } = await ladder();
    const folder = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src');
    const reads = countReads(container);
    try {
      const review = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.reviewSelection', folder));
      assert.equal(review.result, undefined);
      assert.ok(review.messages.some((w) => /untrusted workspace/.test(w)), review.messages.join(' | '));
      assert.equal(reads.count, 0, 'the folder was not read');
    } finally {
      reads.restore();
    }
    const preview = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.previewRoute', 'explain this'));
    assert.ok(preview.messages.some((m) => /This workspace is untrusted: Ladder sends nothing from it/.test(m)), preview.messages.join(' | '));
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'orders.ts');
    const pinned = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.pinFile', file));
    assert.ok(pinned.messages.some((m) => /pinned to every request's cached context once you trust this workspace/.test(m)), pinned.messages.join(' | '));
    await vscode.commands.executeCommand('ladder.unpinFile', file);
    assert.deepEqual(api().log.map((e) => e.path), [], 'nothing reached the API');
  });
});
