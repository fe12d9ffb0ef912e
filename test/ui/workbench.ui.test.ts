import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { repoRoot } from '../support/codeServer';
import { startLadderServer } from '../support/ladderServer';
import type { LadderServer } from '../support/ladderServer';
import { costMeter, openWorkbench, runCommand, screenshot, waitForNotification } from '../support/workbench';

describe('Ladder in the workbench', () => {
  let server: LadderServer;
  let browser: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startLadderServer({ runDir: join(repoRoot, '.run', 'ui'), apiBaseUrl: 'http://127.0.0.1:9' });
    browser = await launchBrowser(join(repoRoot, '.run', 'ui', 'chromium'));
    page = browser.pages()[0] ?? (await browser.newPage());
    await openWorkbench(page, server.url, server.workspace);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a palette command runs and its notification is readable', async () => {
    await runCommand(page, 'Ladder: Clear API Key');
    const text = await waitForNotification(page, /API key removed/);
    assert.match(text, /Ladder: API key removed/);
    await screenshot(page, 'palette-command-notification');
  });

  test('the cost meter is in the status bar with its text', async () => {
    const meter = costMeter(page);
    await meter.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await meter.innerText(), /Ladder \$0\.0000/);
    await screenshot(page, 'status-bar-cost-meter');
  });
});
