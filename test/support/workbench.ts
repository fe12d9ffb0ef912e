/**
 * Drives the code-server workbench the way a person does: palette, status bar,
 * notifications, explorer, editor, context menu, Problems view, webviews. Selectors are
 * VS Code's own DOM (1.139).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
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

/** The accessible name of the cost meter ("Ladder session cost $0.02"), whichever element carries it. */
export async function costMeterLabel(page: Page): Promise<string> {
  const meter = costMeter(page);
  await meter.waitFor({ state: 'visible', timeout: 30_000 });
  const own = await meter.getAttribute('aria-label');
  if (own) return own;
  return (await meter.locator('[aria-label^="Ladder "]').first().getAttribute('aria-label')) ?? '';
}

/** Polls the cost meter's text until it differs from `from`; returns the new text. */
export async function waitForCostChange(page: Page, from: string, timeout = 30_000): Promise<string> {
  const meter = costMeter(page);
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = (await meter.innerText()).trim();
    if (text !== from.trim()) return text;
    if (Date.now() > deadline) throw new Error(`the cost meter still shows "${text}" after ${timeout / 1000} s`);
    await page.waitForTimeout(100);
  }
}

/**
 * F1, type the command's title, Enter. Retries while the workbench is still registering
 * contributions (right after load the palette may not list them yet).
 */
export async function runCommand(page: Page, title: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  const input = quickInput(page);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    try {
      // F1 is lost when focus sits inside a webview (a preview, a report): retry from the top.
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 2_000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await screenshot(page, `failed-run-command-${title.replace(/\W+/g, '-')}`).catch(() => undefined);
        throw err;
      }
      // Take focus back to the workbench: an empty spot of the title bar.
      await page.mouse.click(250, 12);
    }
  }
  await page.keyboard.press('Enter');
}

/**
 * Waits out a quick input that is closing (it stays in the DOM, inert, while it animates
 * away) and closes one that is really open, so the next F1 opens a fresh palette.
 */
export async function closeQuickInput(page: Page): Promise<void> {
  const input = quickInput(page);
  try {
    await input.waitFor({ state: 'hidden', timeout: 1_000 });
  } catch {
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

/** The quick-input box (palette, input boxes, quick picks). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget input.input');
}

/** Waits until the quick input shows an input box or pick titled `title` (not the palette listing it). */
export async function waitForQuickInputTitle(page: Page, title: string | RegExp, timeout = 10_000): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout });
}

/** Waits for a notification toast whose text matches, and returns its text. */
export async function waitForNotification(page: Page, text: RegExp, timeout = 30_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  // The toast fades in; a screenshot taken before the transition ends shows it half transparent.
  await page.locator('.notification-toast.notification-fade-in-done', { hasText: text }).first().waitFor({ state: 'visible', timeout: 2_000 }).catch(() => undefined);
  return (await toast.innerText()).trim();
}

/** Clicks a button on the notification toast whose text matches, as a person would. */
export async function clickNotificationButton(page: Page, text: RegExp, button: string, timeout = 30_000): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  await toast.locator('.monaco-button', { hasText: button }).first().click({ timeout });
}

/** Closes every visible notification toast (so later screenshots show what the test is about). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
}

/**
 * Runs "Ladder: Set API Key" from the palette and types `key` into its input box, as a
 * person would. `beforeEnter` runs with the typed key still in the box (a screenshot
 * there shows what a person sees). Returns the input's type so callers can check that it
 * masks the key.
 */
export async function setApiKeyFromPalette(page: Page, key: string, beforeEnter?: () => Promise<void>): Promise<{ inputType: string; notification: string }> {
  await runCommand(page, 'Ladder: Set API Key');
  await waitForQuickInputTitle(page, 'API Key');
  const inputType = (await quickInput(page).getAttribute('type')) ?? '';
  await page.keyboard.type(key);
  await beforeEnter?.();
  await page.keyboard.press('Enter');
  const notification = await waitForNotification(page, /API key stored/);
  return { inputType, notification };
}

/** Opens a workspace file by clicking through the explorer tree ('src', 'orders.ts'). */
export async function openFromExplorer(page: Page, ...segments: string[]): Promise<void> {
  const tree = page.locator('.explorer-folders-view');
  await tree.waitFor({ state: 'visible', timeout: 30_000 });
  for (const [i, name] of segments.entries()) {
    const row = tree.locator(`.monaco-list-row[aria-label="${name}"]`).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    const last = i === segments.length - 1;
    if (!last && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
  }
  const file = segments[segments.length - 1] ?? '';
  // By its file name exactly: a result view's tab names the file it is about too ("Explain · orders.ts 15-19.md").
  await page.locator(`.tabs-container .tab.active[data-resource-name="${file}"]`).waitFor({ state: 'visible', timeout: 10_000 });
  await activeEditor(page).locator('.view-lines').waitFor({ state: 'visible' });
}

/** The editor of the active editor group. */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** Selects whole lines `from`..`to` (1-based, inclusive) in the active editor with the keyboard. */
export async function selectLines(page: Page, from: number, to: number): Promise<void> {
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+G');
  await quickInput(page).waitFor({ state: 'visible' });
  await page.keyboard.type(`${from}:1`);
  await page.keyboard.press('Enter');
  await quickInput(page).waitFor({ state: 'hidden' });
  await waitForCursorStatus(page, new RegExp(`^Ln ${from}, Col 1\\b`));
  // Extend one line at a time and read where the cursor is: under load a burst of key
  // presses can land before the editor has focus back, so none is assumed to have arrived.
  const item = page.locator('#status\\.editor\\.selection');
  const lineNow = async () => Number(/^Ln (\d+)/.exec((await item.innerText()).trim())?.[1] ?? 0);
  for (let presses = 0; presses < (to - from) * 3 + 10; presses++) {
    const line = await lineNow();
    if (line >= to) break;
    await page.keyboard.press('Shift+ArrowDown');
    // Wait for this press to show before deciding on the next one (at most a second).
    for (let i = 0; i < 20 && (await lineNow()) === line; i++) await page.waitForTimeout(50);
  }
  await page.keyboard.press('Shift+End');
  await waitForCursorStatus(page, new RegExp(`^Ln ${to}, Col \\d+ \\(\\d+ selected\\)$`));
}

/** Waits until the status bar's cursor item ("Ln 23, Col 2 (571 selected)") matches, and returns its text. */
export async function waitForCursorStatus(page: Page, pattern: RegExp, timeout = 10_000): Promise<string> {
  const item = page.locator('#status\\.editor\\.selection');
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = (await item.isVisible()) ? (await item.innerText()).trim() : '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the cursor status shows "${text}", not ${pattern}`);
    await page.waitForTimeout(100);
  }
}

/** Right-clicks the first visible editor line containing `lineText`; returns the context menu's item titles. */
export async function openEditorContextMenu(page: Page, lineText: string): Promise<string[]> {
  await activeEditor(page).locator('.view-line', { hasText: lineText }).first().click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
  return (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map((t) => t.trim());
}

/** Right-clicks a row of the Explorer by its name and returns the enabled menu entries. */
export async function openExplorerContextMenu(page: Page, name: string): Promise<string[]> {
  await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first().click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
  return (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map((t) => t.trim());
}

/** Hovers a submenu entry of the open context menu; returns the submenu's enabled entries. */
export async function openSubmenu(page: Page, title: string): Promise<string[]> {
  await page.locator('.context-view .action-item', { has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first().hover();
  const submenu = page.locator('.context-view .monaco-menu').nth(1);
  await submenu.waitFor({ state: 'visible', timeout: 10_000 });
  return (await submenu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map((t) => t.trim());
}

/**
 * Clicks a context-menu entry by its exact title. A menu can swallow a click that comes right
 * after it opened (it guards against the right-click's own release), and then stays open with
 * the entry highlighted: click again until it closes, which only an activated entry does.
 */
export async function clickMenuItem(page: Page, title: string): Promise<void> {
  const item = page.locator('.context-view .action-item', { has: page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first();
  const menu = page.locator('.context-view .monaco-menu');
  for (let attempt = 0; ; attempt++) {
    await item.click();
    try {
      await menu.waitFor({ state: 'hidden', timeout: 2_000 });
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}

export interface ProblemRow {
  /** The row's accessible name: severity, message, position and source. */
  label: string;
  text: string;
}

/**
 * Opens the Problems view from the status bar's problem counter, waits until a marker
 * whose accessible name matches `source` is listed, and returns the markers (file rows
 * left out).
 */
export async function problems(page: Page, source: RegExp, timeout = 15_000): Promise<ProblemRow[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) await page.locator('#status\\.problems').click();
  await panel.waitFor({ state: 'visible', timeout: 10_000 });
  await panel.locator('.monaco-list-row').filter({ hasText: source }).first().waitFor({ state: 'visible', timeout });
  const rows = await panel.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', text: (e as unknown as { innerText: string }).innerText })));
  return rows.filter((r) => !/ problems? in file /.test(r.label));
}

/**
 * The frame of a webview whose document title is `title` (VS Code nests each webview in
 * two iframes; the inner one holds the extension's HTML).
 */
export async function webviewFrame(page: Page, title: string, timeout = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const frameTitle = await frame.title().catch(() => '');
      if (frameTitle === title) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview titled "${title}" within ${timeout / 1000} s`);
    await page.waitForTimeout(100);
  }
}

/**
 * The rendered text of the first frame whose text matches `pattern`, waiting for it: for
 * webviews that carry no title of their own, such as the Markdown preview.
 */
export async function waitForFrameText(page: Page, pattern: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const text = await frame.evaluate<string>('document.body ? document.body.innerText : ""').catch(() => '');
      if (pattern.test(text)) return text;
    }
    if (Date.now() > deadline) throw new Error(`no frame shows ${pattern} within ${timeout / 1000} s`);
    await page.waitForTimeout(200);
  }
}

const VISIBLE_TEXT_SCRIPT = `(() => {
  const fields = Array.from(document.querySelectorAll('input, textarea')).filter((e) => e.type !== 'password').map((e) => e.value);
  return [document.body ? document.body.innerText : '', ...fields].join('\\n');
})()`;

/**
 * Everything a person could read on the page right now: the rendered text of every
 * frame plus the values of non-password inputs. Used to check that a secret never shows.
 */
export async function visibleText(page: Page): Promise<string> {
  const parts: string[] = [];
  for (const frame of page.frames()) {
    // A string, not a function: the tests compile without the DOM library.
    const text = await frame.evaluate<string>(VISIBLE_TEXT_SCRIPT).catch(() => '');
    parts.push(text);
  }
  return parts.join('\n');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
