import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../../src/core/ledger/format';
import { CostMeter } from '../../src/vscode/costMeter';
import { captureMessages, openAndSelect, until } from './editor';
import { ladder, setLadder } from './helpers';
import { TEST_KEY, standInSuite } from './setup';

const root = () => vscode.workspace.workspaceFolders![0]!.uri;

/** Runs `body` with the save dialog answered by `answer`; returns what each dialog offered. */
async function withSaveDialog<T>(answer: (options: vscode.SaveDialogOptions) => vscode.Uri | undefined, body: () => PromiseLike<T>): Promise<{ result: T; offered: (vscode.Uri | undefined)[] }> {
  const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
  const original = window.showSaveDialog;
  const offered: (vscode.Uri | undefined)[] = [];
  window.showSaveDialog = (options) => {
    offered.push(options?.defaultUri);
    return Promise.resolve(answer(options ?? {}));
  };
  try {
    return { result: await body(), offered };
  } finally {
    window.showSaveDialog = original;
  }
}

describe('a new user\'s first hour', function () {
  this.timeout(60_000);
  standInSuite();

  it('Export Cost Ledger offers a file outside the workspace (home, then the last folder exported to), and counts what the file holds', async () => {
    const { container } = await ladder();
    await container.context.globalState.update('ladder.exportFolder', undefined);
    const first = await withSaveDialog(() => undefined, () => vscode.commands.executeCommand('ladder.exportLedger', 'csv'));
    assert.equal(first.result, undefined, 'cancelled');
    assert.equal(first.offered[0]?.fsPath, join(homedir(), 'ladder-ledger.csv'), 'the ledger holds every workspace\'s calls: not a workspace file');

    const folder = mkdtempSync(join(tmpdir(), 'ladder-export-'));
    try {
      const { records } = await container.cost.store.readAll();
      const calls = records.filter((r) => r.kind !== 'verdict').length;
      const verdicts = records.length - calls;
      const csv = await captureMessages('showInformationMessage', () => withSaveDialog(() => vscode.Uri.file(join(folder, 'costs.csv')), () => vscode.commands.executeCommand('ladder.exportLedger', 'csv')));
      const counted = `${calls} call${calls === 1 ? '' : 's'}`;
      assert.deepEqual(csv.messages, [`Ladder: exported ${counted}${verdicts > 0 ? ' (your verdicts in their rows)' : ''} to costs.csv.`], 'a row per call, as the CSV has them');
      const json = await captureMessages('showInformationMessage', () => withSaveDialog(() => vscode.Uri.file(join(folder, 'costs.json')), () => vscode.commands.executeCommand('ladder.exportLedger', 'json')));
      assert.equal(json.result.offered[0]?.fsPath, join(folder, 'ladder-ledger.json'), 'the folder exported to last time');
      assert.deepEqual(json.messages, [`Ladder: exported ${counted} and ${verdicts} verdict${verdicts === 1 ? '' : 's'} to costs.json.`]);
    } finally {
      await container.context.globalState.update('ladder.exportFolder', undefined);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('with the meter on today\'s cost, Reset Session Cost says the meter keeps today\'s figure, and the meter says it is today\'s', async () => {
    const { container } = await ladder();
    await openAndSelect('src/orders.ts', 15, 19);
    await vscode.commands.executeCommand('ladder.explainSelection');
    try {
      await setLadder('statusBar.show', 'today');
      const today = formatUsd(container.cost.shownAggregate().micros);
      assert.notEqual(today, '$0.00', 'today has a call');
      const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.resetSessionCost'));
      assert.deepEqual(messages, [`Ladder: session cost reset. The status bar shows today's cost (${today}), which a reset does not change. The ledger keeps every call.`]);
      assert.equal(container.cost.shown.text, `$(pulse) Ladder ${today} today`);
    } finally {
      await setLadder('statusBar.show', undefined);
    }
    const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.resetSessionCost'));
    assert.deepEqual(messages, ['Ladder: session cost reset to $0.00. The ledger keeps every call.']);
    assert.equal(container.cost.shown.text, '$(pulse) Ladder $0.00');
  });

  it('a reached daily limit beside the session figure is named in the meter, not just coloured', async () => {
    const { container } = await ladder();
    const config = vscode.workspace.getConfiguration('ladder');
    await openAndSelect('src/orders.ts', 15, 19);
    await vscode.commands.executeCommand('ladder.explainSelection');
    try {
      await captureMessages('showWarningMessage', async () => {
        await vscode.commands.executeCommand('ladder.resetSessionCost');
        await config.update('budget.daily', 0.000001, vscode.ConfigurationTarget.Global);
        await until('the daily limit reached', () => container.cost.budgetStatus().state === 'exceeded' || undefined);
      });
      assert.equal(container.cost.shown.text, '$(pulse) Ladder $0.00 · daily limit', 'red "$0.00" says it is the daily limit');
    } finally {
      await setLadder('budget.daily', undefined);
    }
  });

  it('with a session budget, Reset Session Cost says the budget starts over too', async () => {
    try {
      await setLadder('budget.session', 0.05);
      const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.resetSessionCost'));
      assert.deepEqual(messages, ['Ladder: session cost reset to $0.00. The session budget ($0.05) starts over too. The ledger keeps every call.']);
    } finally {
      await setLadder('budget.session', undefined);
    }
  });

  it('a window reload goes on with the session and its budget; a window opened long after starts a new one', async () => {
    const { container } = await ladder();
    await openAndSelect('src/orders.ts', 10, 13);
    await vscode.commands.executeCommand('ladder.explainSelection');
    const session = container.cost.ledgerSummary.session.micros;
    assert.ok(session > 0, 'this window has paid for a call');
    const reopen = async (): Promise<number> => {
      const window = new CostMeter(container.context, container.config, container.log, container.pricing);
      try {
        await window.ready;
        return window.ledgerSummary.session.micros;
      } finally {
        window.dispose();
      }
    };
    assert.equal(await reopen(), session, 'reloaded: the same session, so the meter and the session budget go on');
    const saved = container.context.workspaceState.get<{ start: string; seen: number }>('ladder.session');
    assert.ok(saved);
    try {
      await container.context.workspaceState.update('ladder.session', { ...saved, seen: Date.now() - 10 * 60_000 });
      assert.equal(await reopen(), 0, 'a window opened ten minutes after the last one closed starts a new session');
    } finally {
      await container.context.workspaceState.update('ladder.session', { ...saved, seen: Date.now() });
    }
  });

  it('the walkthrough ticks Preview Route and Review once they did their work, not when cancelled or refused', async () => {
    const commands = vscode.commands as { executeCommand: typeof vscode.commands.executeCommand };
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const [execute, inputBox] = [commands.executeCommand, window.showInputBox];
    const set: string[] = [];
    commands.executeCommand = ((id: string, ...args: unknown[]) => {
      if (id === 'setContext') set.push(String(args[0]));
      return execute(id, ...args);
    }) as typeof execute;
    try {
      window.showInputBox = () => Promise.resolve(undefined);
      assert.equal(await vscode.commands.executeCommand('ladder.previewRoute'), undefined, 'Escape in its box');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.reviewFile'));
      assert.deepEqual(set.filter((key) => key === 'ladder.routePreviewed' || key === 'ladder.reviewed'), [], 'nothing done, nothing ticked');
      assert.ok(await vscode.commands.executeCommand('ladder.previewRoute', 'format this'));
      await openAndSelect('src/db.ts');
      assert.ok(await vscode.commands.executeCommand('ladder.reviewFile'));
      assert.ok(set.includes('ladder.routePreviewed') && set.includes('ladder.reviewed'), set.join(', '));
    } finally {
      commands.executeCommand = execute;
      window.showInputBox = inputBox;
    }
  });

  it('Set API Key stores a key pasted in quotes (as copied from a .env or JSON file) without them, and refuses a stray quote', async () => {
    const { container } = await ladder();
    const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
    const inputBox = window.showInputBox;
    let typed = '';
    const verdicts: (string | undefined)[] = [];
    // What VS Code does with the box: each value is validated, and Enter takes only a valid one.
    window.showInputBox = async (options) => {
      const verdict = await options?.validateInput?.(typed);
      verdicts.push(typeof verdict === 'string' || verdict === undefined || verdict === null ? verdict ?? undefined : verdict.message);
      return verdict ? undefined : typed;
    };
    try {
      for (const [quoted, how] of [[`"${TEST_KEY}"`, 'double quotes'], [`  '${TEST_KEY}'\n`, 'single quotes and spaces']] as const) {
        typed = quoted;
        await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.setApiKey'));
        assert.ok(await container.apiKey.get() === TEST_KEY, `stored without the ${how}`);
      }
      typed = `${TEST_KEY}"`;
      await vscode.commands.executeCommand('ladder.setApiKey');
      assert.equal(verdicts.at(-1), 'An API key has no quotes: this one has a quote in it or at one end only.');
      assert.equal(await container.apiKey.get(), TEST_KEY, 'the refused value was not stored');
      // One stored in quotes by an earlier version is read without them.
      const changed = new Promise<void>((resolve) => { const once = container.apiKey.onDidChange(() => { once.dispose(); resolve(); }); });
      await container.context.secrets.store('ladder.anthropicApiKey', `"${TEST_KEY}"`);
      await changed;
      assert.equal(await container.context.secrets.get('ladder.anthropicApiKey'), `"${TEST_KEY}"`, 'stored with its quotes');
      assert.ok(await container.apiKey.get() === TEST_KEY, 'read without them');
    } finally {
      window.showInputBox = inputBox;
      await container.apiKey.set(TEST_KEY);
    }
  });

  it('Clear API Key says when no key was set, rather than that one was removed', async () => {
    const { container } = await ladder();
    try {
      const removed = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.clearApiKey'));
      assert.deepEqual(removed.messages, ['Ladder: API key removed.']);
      const none = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.clearApiKey'));
      assert.deepEqual(none.messages, ['Ladder: no API key was set.']);
    } finally {
      await container.apiKey.set(TEST_KEY);
    }
  });

  it('a README or manifest the context already sends whole is not pinned (it would be sent twice); one the context cuts is', async () => {
    const { container } = await ladder();
    const { context } = await container.workspace.segments();
    assert.match(context?.text ?? '', /<readme path="README\.md">\n/, 'the README is in the context, whole');
    for (const rel of ['README.md', 'package.json']) {
      assert.deepEqual(await container.workspace.pin(vscode.Uri.joinPath(root(), rel)), { rel, refused: 'it is already sent in full with every request', inContext: true });
    }
    const { messages } = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.pinFile', vscode.Uri.joinPath(root(), 'README.md')));
    assert.deepEqual(messages, ['Ladder: README.md is not pinned: it is already sent in full with every request.']);
    assert.deepEqual(container.workspace.pinnedPaths(), []);
    const readme = vscode.Uri.joinPath(root(), 'README.md');
    await vscode.workspace.fs.writeFile(readme, new TextEncoder().encode(Array.from({ length: 100 }, (_, i) => `Line ${i} of a long README.`).join('\n')));
    await until('the context to cut the README', async () => /<readme path="README\.md" shown_lines=/.test((await container.workspace.segments()).context?.text ?? '') || undefined);
    try {
      assert.deepEqual(await container.workspace.pin(readme), { rel: 'README.md' }, 'a pin sends the rest');
    } finally {
      await container.workspace.unpin('README.md');
    }
  });
});
