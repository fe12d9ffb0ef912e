import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { captureMessages, openAndSelect } from '../editor';
import { ladder } from '../helpers';
import { api, setUpSuite, tearDownSuite } from '../setup';

describe('untrusted workspace', function () {
  this.timeout(60_000);
  before(setUpSuite);
  after(tearDownSuite);

  it('is really untrusted here', () => {
    assert.equal(vscode.workspace.isTrusted, false);
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
});
