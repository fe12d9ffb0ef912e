import * as assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { captureMessages } from './editor';
import { ladder } from './helpers';
import { api, resetApi, setUpSuite, tearDownSuite } from './setup';

const root = () => vscode.workspace.workspaceFolders![0]!.uri;

describe('links out of the workspace', function () {
  this.timeout(60_000);
  let outside: string;
  let link: vscode.Uri;
  before(setUpSuite);
  after(tearDownSuite);
  beforeEach(async () => {
    resetApi();
    // ~/.m2/settings.xml: a password no name rule sees and no key pattern matches.
    outside = await mkdtemp(join(tmpdir(), 'ladder-m2-'));
    await writeFile(join(outside, 'settings.xml'), '<settings>\n  <server>\n    <id>corp</id>\n    <username>deploy</username>\n    <password>correct horse battery staple</password>\n  </server>\n</settings>\n');
    link = vscode.Uri.joinPath(root(), 'build-settings.xml');
    await symlink(join(outside, 'settings.xml'), link.fsPath);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(link.fsPath, { force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('Review File, Explain and Pin refuse a link out of the workspace folder, as the context leaves it out, and send nothing', async () => {
    const { container } = await ladder();
    const refusal = `Ladder: build-settings.xml is never sent to the model: it is a link out of its workspace folder (to ${join(outside, 'settings.xml')}), and what such a link leads to is never sent.`;
    const review = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.reviewFile', link));
    assert.equal(review.result, undefined);
    assert.deepEqual(review.messages, [refusal], 'Review File');
    const editor = await vscode.window.showTextDocument(link);
    editor.selection = new vscode.Selection(0, 0, 6, 0);
    const explain = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.explainSelection'));
    assert.equal(explain.result, undefined);
    assert.deepEqual(explain.messages, [refusal], 'Explain');
    const pin = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.pinFile', link));
    assert.deepEqual(pin.messages, ['Ladder: build-settings.xml is not pinned: it is a link to a file the context never sends, so it is never sent.']);
    const { exclusions } = await container.workspace.leftOut();
    assert.equal(exclusions.find((e) => e.path === 'build-settings.xml')?.detail, 'it leads out of its workspace folder');
    assert.deepEqual(api().log.map((e) => e.path), [], 'nothing reached the API, not even a token count');
  });
});
