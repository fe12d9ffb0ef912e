/**
 * Restricted Mode as a person meets it: a folder opened untrusted sends nothing, and
 * trusting it from VS Code's own Workspace Trust editor makes Ladder work without a reload,
 * with the workspace context it held back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../support/codeServer';
import type { Standin } from '../support/standin/server';
import { openUiSession } from '../support/uiSession';
import type { UiSession } from '../support/uiSession';
import {
  clickNotificationButton, costMeter, costMeterLabel, openFromExplorer, runCommand, screenshot, selectLines, setApiKeyFromPalette, waitForCostChange, waitForNotification,
} from '../support/workbench';

const UI_KEY = 'sk-ant-ui-trust-0123456789abcdefghijklmnop';
/** A value in the demo workspace's .env, which no prompt may carry. */
const SECRET = 'demo-password-do-not-send';
const runDir = join(repoRoot, '.run', 'ui-trust');

describe('Ladder in Restricted Mode', () => {
  let session: UiSession | undefined;
  let standin: Standin;
  let page: Page;

  const messageRequests = () => standin.log.filter((e) => e.path === '/v1/messages');

  before(async () => {
    session = await openUiSession(runDir, {
      workspaceTrust: true,
      userSettings: { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' },
    });
    ({ standin, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  test('an untrusted folder sends nothing; trusting it lets the same request through with its context', { timeout: 120_000 }, async () => {
    await costMeter(page).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await costMeterLabel(page), 'Ladder session cost $0.00; nothing is sent until you trust this workspace');
    // The key can be stored in Restricted Mode: it is the user's, not the workspace's.
    await setApiKeyFromPalette(page, UI_KEY);
    await openFromExplorer(page, 'src', 'orders.ts');
    await selectLines(page, 9, 23);
    await runCommand(page, 'Ladder: Explain Selection');
    await waitForNotification(page, /untrusted workspace/);
    await screenshot(page, 'ui-trust-1-restricted');
    assert.equal(standin.log.length, 0, `nothing reached the API: ${standin.log.map((e) => e.path).join(', ')}`);

    // The warning's own button leads to VS Code's Workspace Trust editor.
    await clickNotificationButton(page, /untrusted workspace/, 'Manage Workspace Trust');
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$|^Trust Folder$/ }).first();
    await trust.click({ timeout: 20_000 });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'hidden', timeout: 20_000 });
    // The meter follows the grant in the same window, as Ladder itself does.
    await page.locator('.statusbar-item[aria-label="Ladder session cost $0.00"], .statusbar-item:has([aria-label="Ladder session cost $0.00"])').first().waitFor({ state: 'visible', timeout: 10_000 });
    await runCommand(page, 'View: Close All Editors');

    // No reload: the same window, the same request.
    await openFromExplorer(page, 'src', 'orders.ts');
    await selectLines(page, 9, 23);
    const before = (await costMeter(page).innerText()).trim();
    await runCommand(page, 'Ladder: Explain Selection');
    await waitForCostChange(page, before, 60_000);
    await page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: 'Task cost' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'ui-trust-2-trusted');
    const bodies = messageRequests().map((e) => JSON.stringify(e.body));
    const explain = bodies.find((b) => b.includes('innerHTML'));
    assert.ok(explain, `the selection is sent once trusted: ${standin.log.map((e) => e.path).join(', ')}`);
    assert.match(explain, /<file_tree[^>]*>[^<]*db\.ts/, `the workspace context held back before trust is in the prompt: ${explain.slice(0, 1500)}`);
    assert.ok(bodies.every((b) => !b.includes(UI_KEY) && !b.includes(SECRET)), 'neither the key nor .env is in any prompt');
  });
});
