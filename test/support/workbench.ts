/**
 * Drives the code-server workbench the way a person does: palette, status bar,
 * notifications, editor, context menu. Selectors are VS Code's own DOM.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from './codeServer';

export const resultsDir = join(repoRoot, 'test-results');

export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

/** Ladder's cost meter, found by its accessible name. */
export function costMeter(page: Page): Locator {
  return page.locator('.statusbar-item[aria-label^="Ladder "], .statusbar-item:has([aria-label^="Ladder "])').first();
}

/**
 * F1, type the command's title, Enter. Retries while the workbench is still registering
 * contributions (right after load the palette may not list them yet).
 */
export async function runCommand(page: Page, title: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    if (!(await input.isVisible())) await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** Waits for a notification toast whose text matches, and returns its text. */
export async function waitForNotification(page: Page, text: RegExp, timeout = 30_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return (await toast.innerText()).trim();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
