import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CallRecord } from '../../src/core/ledger/record';
import type { CostReportMessage } from '../../src/core/ledger/report';
import { LedgerSummary, localDay } from '../../src/core/ledger/summary';
import { CostMeter } from '../../src/vscode/costMeter';
import { callRecord } from '../support/fixtures/usage/records';
import { faults } from '../support/standin/server';
import { captureMessages, openAndSelect, openUntitled, snapshotWorkspace, until } from './editor';
import { ladder, setLadder } from './helpers';
import { api, resetApi, setUpSuite, tearDownSuite, TEST_KEY } from './setup';

/** Captures the error messages the runner shows instead of popping notifications. */
async function captureFailures(): Promise<{ messages: string[]; restore(): void }> {
  const { container } = await ladder();
  const original = container.runner.showFailure.bind(container.runner);
  const messages: string[] = [];
  container.runner.showFailure = (text, actions) => {
    messages.push(`${text} [${actions.join(',')}]`);
  };
  return { messages, restore: () => { container.runner.showFailure = original; } };
}

/**
 * Until a streamed answer's text reaches its view: by then the client has read the stream's
 * message_start and its usage (the stand-in's log says only that the server sent it).
 */
async function answerStreaming(running: () => Promise<unknown>): Promise<void> {
  const views = () => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'ladder-result');
  const before = new Set(views().map((d) => d.uri.toString()));
  void running();
  await until('the answer to stream into its view', () => views().some((d) => !before.has(d.uri.toString()) && /\n---\n\n\S/.test(d.getText())) || undefined);
}

/**
 * A 900-line untitled document, selected whole (a review reads it in 3 parts): SQL built
 * from strings at line 2 (part 1), `eval` at line 850 (part 3) unless left out, plain constants between.
 */
async function longDocument(withEval = true): Promise<vscode.Uri> {
  const line = (n: number) => (n === 1 ? 'export async function findOrders(customer: string) {'
    : n === 2 ? '  return db.query("SELECT * FROM orders WHERE customer = \'" + customer + "\'");'
    : n === 3 ? '}'
    : n === 850 && withEval ? 'export function run(code: string) { return eval(code); }'
    : `export const v${n} = ${n};`);
  // Its URI is given to the review, and openUntitled waits for this document, not an earlier
  // test's that had the same untitled name.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const editor = await openUntitled(Array.from({ length: 900 }, (_, i) => line(i + 1)).join('\n'));
  editor.selection = new vscode.Selection(0, 0, 899, 0);
  return editor.document.uri;
}

/** The warnings shown while `action` runs and until the first one comes (Ladder reads settings a moment after they change). */
async function warningsWhile(action: () => Promise<unknown>, timeout = 10_000): Promise<string[]> {
  const seen: string[] = [];
  await captureMessages('showWarningMessage', async () => {
    await action();
    await until('the warning', () => seen.length > 0 || undefined, timeout);
  }, (message) => {
    seen.push(message);
    return undefined;
  });
  return seen;
}

async function callsSince(time: string): Promise<CallRecord[]> {
  const { container } = await ladder();
  const { records } = await container.cost.store.readAll();
  return records.filter((r): r is CallRecord => r.kind !== 'verdict' && r.time >= time);
}

/**
 * Runs `body` with the workspace's settings to write `keys` in, then unsets them there (and
 * `userKeys` in user settings) and removes the `.vscode` folder writing them created, so later
 * tests see the fixture as it was.
 */
async function withWorkspaceSettings(keys: readonly string[], body: (config: vscode.WorkspaceConfiguration) => Promise<void>, userKeys: readonly string[] = []): Promise<void> {
  const config = vscode.workspace.getConfiguration('ladder');
  const dotVscode = vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/'), '.vscode');
  const had = await vscode.workspace.fs.stat(dotVscode).then(() => true, () => false);
  try {
    await body(config);
  } finally {
    for (const key of keys) await setLadder(key, undefined, vscode.ConfigurationTarget.Workspace);
    for (const key of userKeys) await setLadder(key, undefined, vscode.ConfigurationTarget.Global);
    if (!had) await vscode.workspace.fs.delete(dotVscode, { recursive: true }).then(undefined, () => undefined);
  }
}

describe('errors a user will meet', function () {
  this.timeout(60_000);
  let capture: Awaited<ReturnType<typeof captureFailures>>;
  let started: string;
  before(setUpSuite);
  // Each suite starts from the fixture as the first one found it.
  before(snapshotWorkspace);
  after(tearDownSuite);
  beforeEach(async () => {
    resetApi();
    capture = await captureFailures();
    started = new Date().toISOString();
    await openAndSelect('src/orders.ts', 15, 19);
  });
  afterEach(async () => {
    capture.restore();
    const { container } = await ladder();
    await container.apiKey.set(TEST_KEY);
    await setLadder('api.baseUrl', api().url);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('401: "key rejected" with Set API Key, a zero-cost failed record, and no key in the message', async () => {
    api().script.fault({ type: 'status', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' });
    const result = await vscode.commands.executeCommand('ladder.explainSelection');
    assert.equal(result, undefined);
    assert.equal(capture.messages.length, 1);
    assert.match(capture.messages[0]!, /API key was rejected \(401\).*\[setApiKey\]/);
    assert.ok(!capture.messages[0]!.includes(TEST_KEY));
    const calls = await callsSince(started);
    assert.deepEqual(calls.map((c) => [c.outcome, c.costMicros]), [['failed', 0]]);
  });

  it('a review whose judgment pass fails keeps the first pass: findings marked not judged, every billed call in its cost', async () => {
    await openAndSelect('src/orders.ts', 9, 23);
    api().script.fault({ type: 'status', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' }, { match: { model: 'claude-opus-4-8' } });
    const result = await vscode.commands.executeCommand<{ findings: { message: string }[]; summary: string; taskId: string; costMicros: number; reportUri: vscode.Uri }>('ladder.reviewSelection');
    assert.ok(result, 'the review still reports');
    assert.deepEqual(api().log.filter((e) => e.path === '/v1/messages').map((e) => [e.model, e.status]), [['claude-haiku-4-5', 200], ['claude-opus-4-8', 401]]);
    assert.equal(capture.messages.length, 1, 'the failure is said once');
    assert.match(result.summary, /^Judgment did not run\. .*API key was rejected \(401\).*[.!?] The \d+ findings? sent to it are the first pass's, not confirmed\.$/);
    assert.ok(result.findings.length >= 2, 'the SQL and innerHTML findings are kept');
    const diagnostics = vscode.languages.getDiagnostics(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'orders.ts')).filter((d) => d.source?.startsWith('Ladder'));
    assert.ok(diagnostics.some((d) => /found by claude-haiku-4-5, not judged/.test(d.message)), diagnostics.map((d) => d.message).join(' | '));
    const calls = (await callsSince(started)).filter((c) => c.taskId === result.taskId);
    assert.deepEqual(calls.map((c) => [c.model, c.outcome]), [['claude-haiku-4-5', 'escalated'], ['claude-opus-4-8', 'failed']]);
    assert.equal(result.costMicros, calls.reduce((n, c) => n + c.costMicros, 0), 'the review\'s cost is the ledger\'s for the task');
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    // The refused judgment is an attempt the API did not bill: counted, not listed at $0.
    assert.match(report, /Task cost: \$[\d.]+\*\* over 1 call; 1 attempt not billed \(claude-haiku-4-5 \$[\d.]+\)\./);
  });

  it('a security review whose judgment the access cap holds on the first pass\'s tier sends no second pass to the same model', async () => {
    await withWorkspaceSettings(['routing.accessCap'], async () => {
      await setLadder('routing.accessCap', 'S', vscode.ConfigurationTarget.Workspace);
      await openAndSelect('src/orders.ts', 9, 13);
      const started = new Date().toISOString();
      const result = await vscode.commands.executeCommand<{ summary: string; findings: { message: string }[]; taskId: string }>('ladder.securityReview');
      assert.ok(result, 'the review reports');
      assert.deepEqual(api().log.filter((e) => e.path === '/v1/messages').map((e) => e.model), ['claude-sonnet-4-6'], 'one pass on Sonnet; no Sonnet paid to confirm its own findings');
      const calls = (await callsSince(started)).filter((c) => c.taskId === result.taskId);
      assert.deepEqual(calls.map((c) => [c.model, c.outcome]), [['claude-sonnet-4-6', 'ok']], 'the pass is not booked as escalated: nothing was handed on');
      assert.match(result.summary, /^Judgment did not run\. Judgment would run on execute \(claude-sonnet-4-6\), no higher than the first pass, so it was not sent: capped at execute/);
      assert.ok(result.findings.length >= 1, 'the first pass\'s findings are kept, not judged');
    });
  });

  it('a long review that stops in its second part keeps the first part and says what was not read', async () => {
    const text = Array.from({ length: 900 }, (_, i) => `export const v${i + 1} = ${i + 1};`).join('\n');
    const editor = await openUntitled(text);
    editor.selection = new vscode.Selection(0, 0, 899, 0);
    api().script.fault({ type: 'status', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' }, { match: { lastUser: /export const v401 = 401;/ } });
    const result = await vscode.commands.executeCommand<{ summary: string; taskId: string; costMicros: number }>('ladder.reviewSelection');
    assert.ok(result, 'the review still reports');
    assert.match(result.summary, /^Parts 2-3 of 3 were not reviewed, and judgment did not run\. .*\(401\).*[.!?] \d+ findings? from the parts before, not judged\.$/);
    const calls = (await callsSince(started)).filter((c) => c.taskId === result.taskId);
    assert.deepEqual(calls.map((c) => c.outcome), ['ok', 'failed'], 'part 1, then the failed part 2; nothing after');
    assert.equal(result.costMicros, calls.reduce((n, c) => n + c.costMicros, 0));
  });

  it('a review of more than 8 parts asks first, with their number and cost: Cancel sends nothing, the first 8 leave the rest named as not reviewed', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openUntitled(Array.from({ length: 4000 }, (_, i) => `export const v${i + 1} = ${i + 1};`).join('\n'));
    const asked: string[] = [];
    const cancelled = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.reviewFile', editor.document.uri), (message) => {
      asked.push(message);
      return undefined;
    });
    assert.equal(cancelled.result, undefined);
    assert.match(asked[0] ?? '', /^Ladder: Untitled-\d+ is 4,000 lines\. A review reads it in 10 parts of 400 lines, each a paid call, about \$\d+\.\d+ for them before judgment \(estimate\)\.$/, asked.join(' | '));
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'nothing was sent');
    const first = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand<{ taskId: string; reportUri: vscode.Uri }>('ladder.reviewFile', editor.document.uri), (message) => (/10 parts/.test(message) ? 'Review the First 8' : undefined));
    assert.ok(first.result, 'the review reports');
    const calls = (await callsSince(started)).filter((c) => c.taskId === first.result.taskId);
    assert.equal(calls.filter((c) => c.stepType === 'review').length, 8, `8 parts read: ${JSON.stringify(calls.map((c) => [c.stepType, c.model]))}`);
    const report = (await vscode.workspace.openTextDocument(first.result.reportUri)).getText();
    assert.match(report, /## Not reviewed[\s\S]*lines 3201-4000: you chose to review the first 8 parts \(lines 1-3200\)/, report);
  });

  it('a long review whose first part escalated to judgment\'s tier: each finding names its own finder, and judgment reads only the parts below it', async () => {
    const long = await longDocument();
    // Part 1 answers unreadably once on Sonnet, and escalates to Opus; parts 2-3 stay on Sonnet.
    api().script.when({ model: 'claude-sonnet-4-6', lastUser: /findOrders/ }, { text: 'no json here' }, { times: 1 });
    const result = await vscode.commands.executeCommand<{ summary: string; taskId: string; reportUri: vscode.Uri; findings: { message: string; foundByModel: string; confirmedByModel?: string; category: string; startLine: number }[] }>('ladder.reviewSelection', long);
    assert.ok(result, 'the review reports');
    const by = (line: number) => result.findings.filter((f) => f.startLine === line && f.category === 'security').map((f) => [f.foundByModel, f.confirmedByModel]);
    assert.deepEqual(by(2), [['claude-opus-4-8', undefined]], `part 1's SQL finding is Opus's, which is judgment's tier: not sent again. Summary: ${result.summary} || ${JSON.stringify(result.findings.map((f) => [f.startLine, f.category, f.foundByModel]))} || ${JSON.stringify(api().log.map((e) => [e.path, e.model, e.status, e.outcome, JSON.stringify(e.body).slice(0, 0)]))} || ${JSON.stringify((await callsSince(started)).map((c) => [c.model, c.outcome, c.reason]))}`);
    assert.deepEqual(by(850), [['claude-sonnet-4-6', 'claude-opus-4-8']], 'part 3\'s eval is Sonnet\'s, judged by Opus');
    assert.match(result.summary, /^Judgment read \d+ findings? from the first pass: 1 confirmed, .*; it added 0\./, 'judgment ran; Opus\'s own findings, read again, are not added twice');
    const calls = (await callsSince(started)).filter((c) => c.taskId === result.taskId);
    // Part 2 has nothing for judgment: it is not booked as escalated.
    assert.deepEqual(calls.map((c) => [c.model, c.outcome]), [['claude-sonnet-4-6', 'escalated'], ['claude-opus-4-8', 'ok'], ['claude-sonnet-4-6', 'ok'], ['claude-sonnet-4-6', 'escalated'], ['claude-opus-4-8', 'ok']]);
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    assert.match(report, /\n- part 1: claude-opus-4-8 \(judgment\): [^\n]*escalated[^\n]*\n- parts 2-3: claude-sonnet-4-6 \(execute\): [^\n]*\n- claude-opus-4-8 \(judgment\): review pass 2/, report);
  });

  it('a long review whose only findings for judgment came from a part escalated to judgment\'s tier sends no judgment, and says why', async () => {
    const long = await longDocument(false);
    api().script.when({ model: 'claude-sonnet-4-6', lastUser: /findOrders/ }, { text: 'no json here' }, { times: 1 });
    const result = await vscode.commands.executeCommand<{ summary: string; taskId: string }>('ladder.reviewSelection', long);
    assert.ok(result, 'the review reports');
    assert.match(result.summary, /^2 findings; the 2 that needed judgment were found on the judgment tier \(claude-opus-4-8\), so they were not sent to judgment\.$/);
    const calls = (await callsSince(started)).filter((c) => c.taskId === result.taskId);
    assert.deepEqual(calls.map((c) => [c.model, c.outcome]), [['claude-sonnet-4-6', 'escalated'], ['claude-opus-4-8', 'ok'], ['claude-sonnet-4-6', 'ok'], ['claude-sonnet-4-6', 'ok']], 'no part is booked as escalated to a judgment that did not run');
  });

  it('a review whose judgment answers unreadably says the first pass\'s findings are shown, not confirmed', async () => {
    await openAndSelect('src/orders.ts', 9, 23);
    api().script.when({ model: 'claude-opus-4-8' }, { text: 'I confirm all. {"verdicts": "yes"}' }, { times: 1 });
    const { result, messages } = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand<{ summary: string; findings: unknown[] }>('ladder.reviewSelection'));
    assert.ok(result, 'the review reports');
    const told = /^Judgment's answer could not be read, so the first pass's \d+ findings? sent to it (is|are) shown, not confirmed\. Run the review again to retry\.$/;
    assert.deepEqual(capture.messages, [], 'no error toast');
    assert.equal(messages.length, 1, messages.join(' | '));
    assert.match(messages[0]!.replace(/^Ladder: /, ''), told);
    assert.match(result.summary, told);
  });

  it('a review whose judgment answers unreadably, when the budget stops a higher tier retrying, names the budget', async () => {
    const { container } = await ladder();
    await openAndSelect('src/orders.ts', 9, 23);
    container.cost.resetSession();
    await setLadder('routing.allowExceptionTier', true);
    try {
      // Judgment's answer is held back until a budget with no room for Fable is set.
      api().script.when({ model: 'claude-opus-4-8' }, { text: 'I confirm all. {"verdicts": "yes"}' }, { times: 1 });
      api().script.fault(faults.slowFirstByte(8_000), { times: 1, match: { model: 'claude-opus-4-8' } });
      const { result, messages } = await captureMessages('showWarningMessage', async () => {
        const review = vscode.commands.executeCommand<{ summary: string }>('ladder.reviewSelection');
        await until('judgment sent', () => api().log.some((e) => e.path === '/v1/messages' && e.model === 'claude-opus-4-8') || undefined);
        await setLadder('budget.session', Math.ceil(container.cost.ledgerSummary.session.micros * 1.01 + 1) / 1_000_000);
        return review;
      });
      assert.ok(result, 'the review reports');
      const told = /^Judgment's answer could not be read, so the first pass's \d+ findings? sent to it (is|are) shown, not confirmed\. The budget \(ladder\.budget\.session\) stopped Ladder from asking a higher tier; raise it, then run the review again\.$/;
      assert.ok(messages.some((m) => told.test(m.replace(/^Ladder: /, ''))), messages.join(' | '));
      assert.match(result.summary, told);
      assert.ok(!api().log.some((e) => e.model === 'claude-fable-5'), 'Fable was not asked');
    } finally {
      await setLadder('budget.session', undefined);
      await setLadder('routing.allowExceptionTier', undefined);
    }
  });

  it('cancelling a later part of a review says what the whole review billed, as its report does', async () => {
    const long = await longDocument();
    // Part 2's answer is held back (a review's parts are not streamed, so a slow stream would not
    // hold them): the review is cancelled while it waits, after part 1 was billed.
    api().script.fault(faults.slowFirstByte(20_000), { match: { lastUser: /v401 = 401;/ } });
    const { container } = await ladder();
    const { result, messages } = await captureMessages('showInformationMessage', async () => {
      const review = vscode.commands.executeCommand<{ summary: string; costMicros: number }>('ladder.reviewSelection', long);
      await until('part 2 sent', () => api().log.some((e) => e.path === '/v1/messages' && JSON.stringify(e.body).includes('v401 = 401;')) || undefined);
      await container.runner.stopAll();
      return review;
    });
    assert.ok(result && result.costMicros > 0, 'part 1 was billed');
    const { formatUsd } = await import('../../src/core/ledger/format');
    assert.ok(messages.includes(`Ladder: cancelled. ${formatUsd(result.costMicros)} was billed for this task before the stop and is in the ledger.`), `the cancel toast gives the review's total; shown: ${messages.join(' | ')} || ${result.summary} || ${JSON.stringify(api().log.map((e) => [e.model, e.status, e.outcome, e.fault, e.durationMs]))}`);
  });

  it('529 after the SDK retry: falls back visibly to another model and records every attempt', async () => {
    // maxRetries is 1 in the suite: both attempts on the first model are overloaded.
    api().script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 2 });
    const { container } = await ladder();
    container.cost.resetSession();
    const { result: outcome, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ plan: { model: string; notice?: string; reasons: string[] } }>('ladder.explainSelection'));
    assert.ok(outcome, 'the fallback answered');
    const toast = messages.find((m) => /overloaded/.test(m));
    assert.ok(toast && toast === `Ladder: ${outcome.plan.notice}`, `the fallback is told in a toast, without the cache's details when the switch writes nothing new: ${messages.join(' | ')}`);
    const models = api().log.filter((e) => e.path === '/v1/messages').map((e) => [e.model, e.status]);
    assert.equal(models.length, 3);
    assert.equal(models[0]?.[1], 529);
    assert.equal(models[1]?.[1], 529);
    assert.notEqual(models[2]?.[0], models[0]?.[0], 'the third call went to another model');
    assert.match(outcome.plan.notice ?? '', /overloaded/);
    assert.ok(outcome.plan.reasons.some((r) => /fell back/.test(r)));
    const calls = await callsSince(started);
    assert.deepEqual(calls.map((c) => c.outcome), ['failed', 'fellBack', 'ok'], 'the retried attempt, the fallback and the answer');
    // The meter and the report count the one billed call apart from the two attempts that were not billed.
    assert.match(container.cost.shown.tooltip, /over 1 call; 2 attempts not billed\)/, container.cost.shown.tooltip);
    const report = await vscode.commands.executeCommand<CostReportMessage>('ladder.showCostReport');
    assert.deepEqual([report.totals.calls, report.totals.unbilled], [1, 2]);
  });

  it('a stream that keeps breaking: the result view ends with the failed task\'s cost, as the ledger has it', async () => {
    api().script.fault(faults.midStreamError(2), { times: 20 });
    const result = await vscode.commands.executeCommand('ladder.explainSelection');
    assert.equal(result, undefined, 'no answer');
    assert.match(capture.messages.at(-1) ?? '', /broke off|overloaded/);
    const calls = await callsSince(started);
    assert.ok(calls.length >= 2, `the broken attempts are billed: ${calls.map((c) => c.outcome).join(', ')}`);
    const micros = calls.reduce((sum, c) => sum + c.costMicros, 0);
    const { formatUsd } = await import('../../src/core/ledger/format');
    const results = () => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'ladder-result' && /\/Explain · /.test(d.uri.path));
    const view = await until('the failed result view', () => results().find((d) => d.getText().includes('**Failed:**') && d.getText().includes('fell back')))
      .catch(() => assert.fail(`no result view says it failed: ${results().map((d) => `${d.uri.path}: …${d.getText().slice(-120)}`).join('\n')}`));
    // Why it failed is in the view, not only in the toast; billed calls and unbilled attempts are counted apart.
    assert.match(view.getText(), /\n\*\*Failed:\*\* claude-[\w.-]+ (is overloaded|broke off)[^\n]*\n/, view.getText());
    const billed = calls.filter((c) => c.costMicros > 0).length;
    const unbilled = calls.length - billed;
    const said = `${billed} call${billed === 1 ? '' : 's'}${unbilled > 0 ? `; ${unbilled} attempt${unbilled === 1 ? '' : 's'} not billed` : ''}`;
    assert.match(view.getText(), new RegExp(`_Task cost ${formatUsd(micros).replace('$', '\\$')} over ${said}\\._\\n$`), view.getText());
  });

  it('unreachable API: a clear offline message and nothing billed', async () => {
    await setLadder('api.baseUrl', 'http://127.0.0.1:9');
    const result = await vscode.commands.executeCommand('ladder.explainSelection');
    assert.equal(result, undefined);
    assert.match(capture.messages[0] ?? '', /Could not reach 127\.0\.0\.1:9/);
    const calls = await callsSince(started);
    assert.ok(calls.every((c) => c.costMicros === 0));
  });

  it('cancel mid-stream: the request is aborted and the partial usage is billed in the ledger', async () => {
    api().script.fault(faults.hang(2));
    const { container } = await ladder();
    const abort = new AbortController();
    const selection = await (await import('../../src/vscode/editorSelection')).selectionFor(container);
    let running: Promise<string> | undefined;
    await answerStreaming(() => (running = container.runner.run({
      command: 'explain', title: 'Explain', task: 'explain', question: 'Explain', selection: selection!, maxTokens: 1000, showResult: true, signal: abort.signal,
      check: (t) => ({ ok: true, value: t }),
    }).then(() => 'finished', (err: Error) => err.name === 'Error' ? err.message : err.name)));
    abort.abort();
    assert.equal(await running, 'cancelled');
    await until('the stand-in to see the abort', () => api().log.find((e) => e.path === '/v1/messages')?.outcome === 'aborted' || undefined);
    const calls = await callsSince(started);
    const cancelled = calls.find((c) => c.outcome === 'cancelled');
    assert.ok(cancelled, 'a cancelled record');
    assert.ok(cancelled.usage.input_tokens > 0 && cancelled.costMicros > 0, `the partial usage is billed: ${JSON.stringify(calls)}`);
  });

  it('a window reload or close stops a streaming request and records what it was billed (deactivate waits for it)', async () => {
    api().script.fault(faults.hang(2));
    const { container } = await ladder();
    const started = new Date().toISOString();
    const selection = await (await import('../../src/vscode/editorSelection')).selectionFor(container);
    let running: Promise<string> | undefined;
    await answerStreaming(() => (running = container.runner.run({
      command: 'explain', title: 'Explain', task: 'explain', question: 'Explain', selection: selection!, maxTokens: 1000, showResult: true,
      check: (t) => ({ ok: true, value: t }),
    }).then(() => 'finished', (err: Error) => err.name === 'Error' ? err.message : err.name)));
    // What deactivate() runs: nothing else stops a request when the host goes.
    await container.runner.stopAll();
    const cancelled = (await callsSince(started)).find((c) => c.outcome === 'cancelled');
    assert.ok(cancelled, 'the cut-off call is in the ledger when stopAll returns');
    assert.ok(cancelled.usage.input_tokens > 0 && cancelled.costMicros > 0, 'with the prompt it was billed for');
    assert.equal(await running, 'cancelled');
  });

  it('malformed settings: each is named once with the default used; a workspace can lower, not lift, the user\'s access cap and budgets', async () => {
    await withWorkspaceSettings(['routing.accessCap', 'budget.session', 'budget.daily', 'cache.ttl'], async (config) => {
      await config.update('routing.accessCap', 'S', vscode.ConfigurationTarget.Global);
      const seen: string[] = [];
      const { messages } = await captureMessages('showWarningMessage', async () => {
        await config.update('routing.accessCap', 'Z', vscode.ConfigurationTarget.Workspace);
        await until('the access cap warning', () => seen.length >= 1 || undefined, 10_000);
        await config.update('budget.session', 'five dollars', vscode.ConfigurationTarget.Workspace);
        await until('the budget warning', () => seen.length >= 2 || undefined, 10_000);
        // Another change elsewhere does not repeat the warnings already shown.
        await setLadder('cache.ttl', '5m', vscode.ConfigurationTarget.Workspace);
      }, (message) => {
        seen.push(message);
        return undefined;
      });
      assert.deepEqual(messages, [
        'Ladder: Setting "ladder.routing.accessCap" in workspace settings is invalid ("Z" is not one of "H"|"S"|"O"|"F"); ignored, so the user value, "S", applies.',
        'Ladder: Setting "ladder.budget.session" in workspace settings is invalid ("five dollars" is not an amount of US dollars, 0 or more); ignored, so the default, 0 (no limit), applies.',
      ]);
      const preview = await vscode.commands.executeCommand<{ tier: string }>('ladder.previewRoute', 'audit the session token comparison for timing attacks');
      assert.equal(preview?.tier, 'S', 'the user\'s cap of execute still holds');
      // Nor can a workspace remove the user's budget by setting none (0).
      const { container } = await ladder();
      await config.update('budget.daily', 4, vscode.ConfigurationTarget.Global);
      await config.update('budget.daily', 0, vscode.ConfigurationTarget.Workspace);
      await until('the user\'s daily budget', () => container.config.get('budget.daily') === 4 || undefined, 10_000);
      await config.update('budget.daily', 1.5, vscode.ConfigurationTarget.Workspace);
      await until('the workspace\'s lower daily budget', () => container.config.get('budget.daily') === 1.5 || undefined, 10_000);
    }, ['routing.accessCap', 'budget.daily']);
  });

  it('an invalid meter scope in the workspace is named with its level, and the user\'s valid one applies', async () => {
    const { container } = await ladder();
    await withWorkspaceSettings(['statusBar.show'], async (config) => {
      await config.update('statusBar.show', 'today', vscode.ConfigurationTarget.Global);
      const seen = await warningsWhile(async () => {
        await config.update('statusBar.show', 'weekly', vscode.ConfigurationTarget.Workspace);
      });
      assert.deepEqual(seen, ['Ladder: Setting "ladder.statusBar.show" in workspace settings is invalid ("weekly" is not "session" or "today"); ignored, so the user value, "today", applies.']);
      assert.equal(container.cost.scope, 'today');
      // Open Settings shows the Workspace tab, where the bad value is, filtered to it.
      const opened: unknown[][] = [];
      const commands = vscode.commands as { executeCommand: (id: string, ...args: unknown[]) => Thenable<unknown> };
      const execute = commands.executeCommand;
      commands.executeCommand = (id, ...args) => (/^workbench\.action\.open\w*Settings$/.test(id) ? Promise.resolve(opened.push([id, ...args])) : execute(id, ...args));
      try {
        await captureMessages('showWarningMessage', async () => {
          await config.update('statusBar.show', 'monthly', vscode.ConfigurationTarget.Workspace);
          await until('Open Settings', () => opened.length > 0 || undefined, 10_000);
        }, () => 'Open Settings');
      } finally {
        commands.executeCommand = execute;
      }
      assert.deepEqual(opened, [['workbench.action.openWorkspaceSettings', 'ladder.statusBar.show']]);
    }, ['statusBar.show']);
  });

  it('a repository\'s settings cannot move a tier onto a pricier model; a cheaper one is used', async () => {
    await withWorkspaceSettings(['models.labour', 'models.execute'], async (config) => {
      const seen = await warningsWhile(async () => {
        await config.update('models.labour', 'claude-fable-5', vscode.ConfigurationTarget.Workspace);
      });
      assert.deepEqual(seen, ['Ladder: Setting "ladder.models.labour" in workspace settings asks for a model for the H tier, but claude-fable-5 costs more than claude-haiku-4-5 (its input price, counting the same text as more tokens); ignored, so the default, "claude-haiku-4-5", applies. Set it in your user settings to use it.']);
      assert.equal((await vscode.commands.executeCommand<{ model: string }>('ladder.previewRoute', 'format this'))?.model, 'claude-haiku-4-5');
      await config.update('models.execute', 'claude-haiku-4-5', vscode.ConfigurationTarget.Workspace);
      const { container } = await ladder();
      await until('the cheaper execute model', () => container.config.get('models.execute') === 'claude-haiku-4-5' || undefined, 10_000);
    });
  });

  it('a model on your ladder without a price is said once: it is priced at the dearest rates until you price it', async () => {
    await withWorkspaceSettings([], async (config) => {
      const seen: string[] = [];
      await captureMessages('showWarningMessage', async () => {
        await config.update('models.execute', 'claude-sonnet-9', vscode.ConfigurationTarget.Global);
        await until('the warning', () => seen.some((m) => /claude-sonnet-9/.test(m)) || undefined, 10_000);
        // Another change does not repeat it.
        await setLadder('statusBar.show', 'today');
      }, (message) => {
        seen.push(message);
        return undefined;
      });
      assert.deepEqual(seen.filter((m) => /claude-sonnet-9/.test(m)), ['Ladder pricing: unknown model "claude-sonnet-9": priced at the most expensive known rates ($10/$50 per MTok) until a price is configured in ladder.pricing.overrides.']);
    }, ['models.execute', 'statusBar.show']);
  });

  it('a workspace may lower the context bounds but not grow them, and a change reads the context again', async () => {
    const { container } = await ladder();
    const tree = async () => (await container.workspace.segments()).context?.text ?? '';
    assert.doesNotMatch(await tree(), /… \d+ more/, 'the fixture\'s tree fits the default bound');
    await withWorkspaceSettings(['context.maxTreeEntries'], async (config) => {
      const seen = await warningsWhile(async () => {
        await config.update('context.maxTreeEntries', 20_000, vscode.ConfigurationTarget.Workspace);
      });
      assert.deepEqual(seen, ['Ladder: Setting "ladder.context.maxTreeEntries" in workspace settings asks for 20000, above the default (400), which would grow what every request sends; ignored, so the default, 400, applies. Set it in your user settings to use it.']);
      assert.equal(container.config.get('context.maxTreeEntries'), 400);
      await config.update('context.maxTreeEntries', 2, vscode.ConfigurationTarget.Workspace);
      await until('the lower bound', () => container.config.get('context.maxTreeEntries') === 2 || undefined, 10_000);
      assert.match(await tree(), /… \d+ more/, 'the next request\'s context shows two entries and says how many more there are');
    });
    await until('the default bound again', () => container.config.get('context.maxTreeEntries') === 400 || undefined, 10_000);
    assert.doesNotMatch(await tree(), /… \d+ more/);
  });

  it('a ledger that cannot be written: the cost still counts in the window, and the user is told once', async () => {
    const { container } = await ladder();
    const append = container.cost.store.append.bind(container.cost.store);
    container.cost.store.append = () => {
      throw new Error('ENOSPC: no space left on device, write');
    };
    const before = container.cost.shownAggregate().micros;
    let refused: { taskId: string }[] = [];
    try {
      const { messages } = await captureMessages('showWarningMessage', async () => {
        refused = [
          await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection'),
          await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection'),
        ];
      });
      assert.deepEqual(messages.filter((m) => /cost ledger/.test(m)), ['Ladder: the cost ledger could not be saved (ENOSPC: no space left on device, write). Costs count in this window only until it can; other windows and the daily budget do not see them.']);
      assert.ok(container.cost.shownAggregate().micros > before, 'the meter still counts what was billed');
      // The report's details of a task whose calls wait to be written agree with its row.
      const row = container.cost.ledgerSummary.task(refused[0]!.taskId)!;
      const details = await container.costReport.taskCalls(row.taskId);
      assert.equal(details?.calls.length, row.calls, 'the waiting calls are in the details too');
      assert.equal(details?.total, container.costReport.data().tasks.find((t) => t.taskId === row.taskId)?.cost, 'the details add up to the row');
    } finally {
      container.cost.store.append = append;
    }
    // Once the ledger takes writes again, the calls it refused are written before the next one: nothing is lost.
    const next = await vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection');
    const onDisk = await callsSince(started);
    for (const task of [...refused, next]) assert.equal(onDisk.filter((r) => r.taskId === task.taskId).length, 1, `task ${task.taskId} is in the ledger once`);
  });

  it('ledger lines that cannot be read are said once, a newer Ladder\'s record as such, and the report says totals may be low', async () => {
    const { container } = await ladder();
    // An old month's file, so this window's appends (to this month's) never reach it.
    const file = join(container.cost.store.dir, 'ledger-2001-01.jsonl');
    const newer = { ...callRecord({ time: '2001-01-15T12:00:00.000Z' }), v: 2, costMicros: 5_000_000 };
    const seen: string[] = [];
    try {
      await captureMessages('showWarningMessage', async () => {
        await writeFile(file, `garbage\n${JSON.stringify(newer)}\n{"v":1,"callId":"tor`);
        await until('the warning', () => seen.length > 0 || undefined, 20_000);
      }, (message) => {
        seen.push(message);
        return undefined;
      });
      assert.deepEqual(seen, ['Ladder: 3 ledger lines could not be read (1 written by a newer version of Ladder), so totals may be low. The cost meter, the report and the budgets count only the lines read.']);
      assert.equal(container.costReport.data().chart.unread, '3 ledger lines could not be read (1 written by a newer version of Ladder), so totals may be low.');
      // A window reload reads the same damage: it is not said again (the report still says it).
      const again = await captureMessages('showWarningMessage', async () => {
        const reloaded = new CostMeter(container.context, container.config, container.log, container.pricing);
        try {
          await reloaded.ready;
          assert.equal(reloaded.unreadNote, '3 ledger lines could not be read (1 written by a newer version of Ladder), so totals may be low.');
        } finally {
          reloaded.dispose();
        }
      });
      assert.deepEqual(again.messages, []);
      // New damage is said; after a reload it is not, however many lines (a downgraded Ladder leaves thousands).
      const more: string[] = [];
      await captureMessages('showWarningMessage', async () => {
        await writeFile(file, `garbage\n${JSON.stringify(newer)}\n${'garbage\n'.repeat(1_500)}`);
        await until('the new warning', () => more.length > 0 || undefined, 20_000);
      }, (message) => {
        more.push(message);
        return undefined;
      });
      assert.match(more[0] ?? '', /^Ladder: 1,?502 ledger lines could not be read/);
      const reloaded = await captureMessages('showWarningMessage', async () => {
        const window = new CostMeter(container.context, container.config, container.log, container.pricing);
        await window.ready;
        window.dispose();
      });
      assert.deepEqual(reloaded.messages, []);
    } finally {
      await rm(file, { force: true });
    }
  });

  it('Export Cost Ledger while the ledger cannot be written says the calls it counts but could not save are not in the file', async () => {
    const { container } = await ladder();
    const append = container.cost.store.append.bind(container.cost.store);
    const folder = await mkdtemp(join(tmpdir(), 'ladder-export-'));
    const target = vscode.Uri.file(join(folder, 'costs.json'));
    const exported = async (): Promise<string> => (await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.exportLedger', 'json', target))).messages.join('\n');
    container.cost.store.append = () => {
      throw new Error('ENOSPC: no space left on device, write');
    };
    try {
      const { result } = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand<{ taskId: string }>('ladder.explainSelection'));
      assert.ok(result?.taskId);
      const inFile = async () => (await readFile(target.fsPath, 'utf8')).includes(result.taskId);
      assert.match(await exported(), /to costs\.json\. 1 record the cost meter counts is not in it: the ledger could not save it yet\.$/);
      assert.equal(await inFile(), false, 'as the message says, the waiting record is not in the file');
      // Once the ledger takes writes again, the export writes the waiting record first, and has it.
      container.cost.store.append = append;
      assert.match(await exported(), /to costs\.json\.$/);
      assert.equal(await inFile(), true, 'the exported file holds the record that was waiting');
    } finally {
      container.cost.store.append = append;
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('changing the price overrides re-prices savings and the all-Opus figure at once, as a fresh window would; recorded costs stay', async () => {
    const { container } = await ladder();
    await vscode.commands.executeCommand('ladder.explainSelection');
    const config = vscode.workspace.getConfiguration('ladder');
    const before = { ...container.cost.ledgerSummary.total };
    try {
      await config.update('pricing.overrides', { 'claude-opus-4-8': { input: 15, output: 75 } }, vscode.ConfigurationTarget.Global);
      await until('the re-priced summary', () => container.cost.ledgerSummary.total.opusMicros !== before.opusMicros || undefined, 10_000);
      const after = container.cost.ledgerSummary.total;
      assert.equal(after.micros, before.micros, 'recorded costs are summed as recorded');
      assert.ok(after.opusMicros > before.opusMicros * 2, `all-Opus on the new rates: ${before.opusMicros} → ${after.opusMicros}`);
      const fresh = new LedgerSummary({ sessionStart: '2000-01-01T00:00:00.000Z', table: container.pricing.table, dayOf: localDay });
      for (const record of (await container.cost.store.readAll()).records) fresh.add(record);
      assert.equal(after.opusMicros, fresh.total.opusMicros, 'what a window opened now would show');
      assert.equal(after.cacheSavingsMicros, fresh.total.cacheSavingsMicros);
      const report = await vscode.commands.executeCommand<{ totals: { opusMicros: number } }>('ladder.showCostReport');
      assert.equal(report?.totals.opusMicros, container.cost.shownAggregate().opusMicros, 'the report and the tooltip agree');
    } finally {
      await config.update('pricing.overrides', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('the built-in prices again', () => container.cost.ledgerSummary.total.opusMicros === before.opusMicros || undefined, 10_000);
  });

  it('no API key: asks once, and sends nothing when the user declines', async () => {
    const { container } = await ladder();
    // The log redacts the stored key by its value (one not shaped like an Anthropic key, as a
    // gateway's may be): cleared, it is no longer the key, as after setting another one.
    await container.apiKey.set('gateway-key-0123456789');
    assert.equal(container.log.clean('key gateway-key-0123456789'), 'key [redacted]');
    await container.apiKey.clear();
    assert.equal(container.log.clean('key gateway-key-0123456789'), 'key gateway-key-0123456789');
    const prompt = container.apiKey.prompt.bind(container.apiKey);
    let asked = 0;
    container.apiKey.prompt = async () => {
      asked++;
      return false;
    };
    try {
      assert.equal(await vscode.commands.executeCommand('ladder.explainSelection'), undefined);
    } finally {
      container.apiKey.prompt = prompt;
    }
    assert.equal(asked, 1);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0);
  });

  it('budget: a request that would cross the session budget is blocked before the call (count_tokens pre-flight), or downgraded', async () => {
    const { container } = await ladder();
    try {
      container.cost.resetSession();
      await setLadder('budget.session', 0.000001);
      const blocked = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.securityReview'));
      assert.equal(blocked.result, undefined);
      assert.ok(blocked.messages.some((w) => /This request \(about \$[\d.]+\) would exceed the session budget \(.*\): Ladder is not sending it\./.test(w) && !/count_tokens/.test(w)), `blocked, saying why: ${blocked.messages.join(' | ')}`);
      assert.ok(api().log.some((e) => e.path === '/v1/messages/count_tokens'), 'the estimate came from count_tokens');
      assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'nothing was sent');

      await setLadder('budget.onExceeded', 'downgrade');
      const preview = await vscode.commands.executeCommand<{ tier: string; reasons: string[] }>('ladder.previewRoute', 'Is this query safe against SQL injection?');
      assert.ok(preview);
      assert.equal(preview.tier, 'S', 'judgment work drops one tier, not below execute');
      assert.ok(preview.reasons.some((r) => /budget/i.test(r)), preview.reasons.join(' | '));
    } finally {
      await setLadder('budget.session', undefined);
      await setLadder('budget.onExceeded', undefined);
    }
  });

  it('budget: requests started together count each other\'s estimates, so they cannot each pass on the same room', async () => {
    const { container } = await ladder();
    try {
      container.cost.resetSession();
      await openAndSelect('src/orders.ts', 15, 19);
      const selection = (await (await import('../../src/vscode/editorSelection')).selectionFor(container))!;
      // Explain on labour: no difficulty check, so every request costs what this estimate says.
      const spec = { command: 'explain' as const, title: 'Explain', task: 'explain' as const, question: 'Explain', selection, maxTokens: 1000, check: (t: string) => ({ ok: true as const, value: t }) };
      const one = (await container.runner.estimate(spec, { countTokens: false })).plan.estimatedCostUsd;
      assert.ok(one > 0);
      // Room for two and a half of them.
      await setLadder('budget.session', Math.ceil(one * 2.5 * 1_000_000) / 1_000_000);
      const { result, messages } = await captureMessages('showWarningMessage', () => Promise.all(Array.from({ length: 5 }, () => container.runner.run(spec).then(() => 'sent', () => 'stopped'))));
      assert.deepEqual([...result].sort(), ['sent', 'sent', 'stopped', 'stopped', 'stopped'], messages.join(' | '));
      assert.ok(messages.some((m) => /for requests still running\) would exceed the session budget/.test(m)), messages.join(' | '));
    } finally {
      await setLadder('budget.session', undefined);
    }
  });

  it('budget: nearing the session budget warns once, and the warning opens the cost report with the budget', async () => {
    const { container } = await ladder();
    const config = vscode.workspace.getConfiguration('ladder');
    try {
      container.cost.resetSession();
      await openAndSelect('src/orders.ts', 15, 19);
      assert.ok(await vscode.commands.executeCommand('ladder.explainSelection'));
      const spent = container.cost.ledgerSummary.session.micros;
      assert.ok(spent > 0);
      // A budget the session has used 90% of.
      const { messages } = await captureMessages('showWarningMessage', async () => {
        await config.update('budget.session', Math.ceil(spent / 0.9) / 1_000_000, vscode.ConfigurationTarget.Global);
        await until('the budget warning', () => container.cost.budgetStatus().state === 'warn' || undefined);
      }, (m) => (/budget/.test(m) ? 'Show Cost Report' : undefined));
      assert.equal(messages.filter((m) => /(89|90)% of the session budget used/.test(m)).length, 1, messages.join(' | '));
      assert.match(container.cost.shown.accessibleName, /^Ladder session cost \$[\d.]+; (89|90)% of the session budget used/, 'the warning colour said in words too');
      const tab = await until('the cost report', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Ladder Cost Report'));
      assert.ok(tab);
      const report = await vscode.commands.executeCommand<{ totals: { budget?: { label: string } } }>('ladder.showCostReport');
      assert.match(report?.totals.budget?.label ?? '', /^Budget · this session (89|90)% used$/);
    } finally {
      await setLadder('budget.session', undefined);
    }
  });

  it('a file named like a credentials file is never sent, even when nothing in it looks like a key', async () => {
    // The fixture's .env holds a database password in a URL, which no key pattern matches.
    const env = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.env');
    for (const command of ['ladder.reviewFile', 'ladder.securityReview', 'ladder.explainSelection']) {
      if (command === 'ladder.explainSelection') await vscode.window.showTextDocument(env).then((e) => { e.selection = new vscode.Selection(0, 0, 1, 0); });
      const refused = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand(command, command === 'ladder.explainSelection' ? undefined : env));
      assert.equal(refused.result, undefined, command);
      assert.deepEqual(refused.messages, ['Ladder: .env is never sent to the model: its name marks it as a credentials file (environment file).'], command);
    }
    // Preview Route gives Ask's verdict as a verdict: a warning, not an error of its own with Show Logs.
    const errors = await captureMessages('showErrorMessage', () => captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.previewRoute', 'what is in here?')));
    assert.deepEqual(errors.result.messages, ['Ladder would not send this: .env is never sent to the model: its name marks it as a credentials file (environment file).']);
    assert.deepEqual(errors.messages, [], 'and no error of its own');
    assert.deepEqual(api().log.map((e) => e.path), [], 'nothing reached the API, not even a token count');
  });

  it('a notebook cell is named and judged by its notebook: a cell of secrets/rotate_keys.ipynb is a credentials file', async () => {
    const { container } = await ladder();
    const { pathsOf } = await import('../../src/vscode/editorSelection');
    const notebook = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'secrets', 'rotate_keys.ipynb');
    const cell = notebook.with({ scheme: 'vscode-notebook-cell', fragment: 'W0sZmlsZQ==' });
    const paths = pathsOf(container, cell);
    assert.equal(paths.path, 'secrets/rotate_keys.ipynb', 'the model is told the notebook, not a bare name');
    assert.ok(paths.origins.includes('secrets/rotate_keys.ipynb'), `the credentials-name rules read the notebook's path: ${paths.origins.join(', ')}`);
  });

  it('a key file outside the workspace is refused by where it is, and a key late in a long file stops its review before any part is sent', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ladder-outside-'));
    try {
      // ~/.kube/config: its name alone ("config") marks nothing, and nothing in it is a known key shape.
      const kube = join(home, '.kube', 'config');
      await mkdir(dirname(kube), { recursive: true });
      await writeFile(kube, 'apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-key-data: TFMwdExTMUNSVWRKVGlCU1UwRWdVRkpKVmtGVVJTQkxSVmt0TFMwdExRbz0=\n');
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(kube));
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      const refused = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.explainSelection'));
      assert.equal(refused.result, undefined);
      assert.deepEqual(refused.messages, ['Ladder: config is never sent to the model: its name marks it as a credentials file (Kubernetes credentials).']);
      // Rename Symbol named a file outside the workspace "untitled", which no rule matches.
      const secrets = join(home, 'secrets.ts');
      await writeFile(secrets, 'export const dbPassword = "correct horse battery staple";\n');
      const source = await vscode.window.showTextDocument(vscode.Uri.file(secrets));
      source.selection = new vscode.Selection(0, 15, 0, 15);
      const rename = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.renameSymbol', 'dbSecret'));
      assert.equal(rename.result, undefined);
      assert.deepEqual(rename.messages, ['Ladder: secrets.ts is never sent to the model: its name marks it as a credentials file (secrets file).']);
      assert.deepEqual(api().log.map((e) => e.path), [], 'nothing reached the API');

      const key = `${'sk-ant-'}api03-${'Zq8v'.repeat(12)}`;
      const long = vscode.Uri.file(join(home, 'long.ts'));
      await writeFile(long.fsPath, `${Array.from({ length: 419 }, (_, i) => `export const v${i} = ${i};`).join('\n')}\nexport const apiKey = '${key}';\n`);
      const review = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.reviewFile', long));
      assert.equal(review.result, undefined);
      assert.match(review.messages.join('\n'), /looks like it contains an Anthropic API key \(line 420\)/);
      assert.equal(api().log.length, 0, 'not even the first 400 lines, which hold no key');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await rm(home, { recursive: true, force: true });
    }
  });

  it('a selection larger than the model context is refused before sending, with the estimate', async () => {
    const big = 'const value = "some text that repeats to fill the context window";\n'.repeat(14_000);
    const editor = await openUntitled(big);
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount - 1, 0);
    const { container } = await ladder();
    await vscode.commands.executeCommand('ladder.chooseTier', 'H');
    // Explain: an edit this size is refused earlier, as more than an answer can hold.
    const refused = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.explainSelection')).finally(() => container.setOverride(undefined));
    assert.equal(refused.result, undefined);
    const shown = refused.messages;
    assert.match(shown.join('\n'), /about [\d,]+ tokens \(count_tokens\), more than claude-haiku-4-5's 200,000-token context/);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'nothing was sent to /v1/messages');
  });

  it('Preview Route gives the verdict Ask gives on a prompt over the context window, counted as Ask counts it', async () => {
    const big = 'const value = "some text that repeats to fill the context window";\n'.repeat(14_000);
    const editor = await openUntitled(big);
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount - 1, 0);
    const { container } = await ladder();
    await vscode.commands.executeCommand('ladder.chooseTier', 'H');
    try {
      const preview = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ blocked: boolean }>('ladder.previewRoute', 'what does this do?'));
      const ask = await captureMessages('showErrorMessage', () => vscode.commands.executeCommand('ladder.ask', 'what does this do?'));
      assert.equal(ask.result, undefined);
      const refusal = ask.messages.find((m) => /token context/.test(m))?.replace(/^Ladder: /, '');
      assert.match(refusal ?? '', /\(count_tokens\), more than claude-haiku-4-5's 200,000-token context/, ask.messages.join(' | '));
      assert.equal(preview.result?.blocked, true);
      assert.ok(preview.messages.some((m) => m.startsWith(`Ladder would not send this: ${refusal}`)), preview.messages.join(' | '));
    } finally {
      container.setOverride(undefined);
    }
    // Routed, not chosen: too large for labour's model only, so Ask's difficulty check runs and
    // may raise it to a tier with room. The preview says both, as Ask will do them.
    try {
      await setLadder('routing.difficultyThreshold', 1);
      const routed = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ tier: string; blocked: boolean }>('ladder.previewRoute', 'format this'));
      assert.deepEqual([routed.result?.tier, routed.result?.blocked], ['H', true]);
      assert.ok(routed.messages.some((m) => /^Ladder would not send this unless the difficulty check raises it to a tier with room: .*claude-haiku-4-5's 200,000-token context.* a short claude-haiku-4-5 difficulty check would run first/.test(m)), routed.messages.join(' | '));
    } finally {
      await setLadder('routing.difficultyThreshold', undefined);
    }
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'nothing was sent to /v1/messages');
  });

  it('Preview Route gives the verdict Ask gives under a budget: it counts the prompt as Ask\'s pre-flight does', async () => {
    const { container } = await ladder();
    // The tests before leave 14,000-line documents open: none of them may be what is read.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Symbols: the API counts each one a token, the local estimate four characters a token.
    const editor = await openUntitled('{[()]};{[()]};{[()]};\n'.repeat(2000));
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount - 1, 0);
    try {
      container.cost.resetSession();
      const local = await vscode.commands.executeCommand<{ estimatedCostUsd: number; tokenSource: string }>('ladder.previewRoute', 'what does this do?');
      assert.equal(local?.tokenSource, 'local estimate', 'without a budget nothing hangs on an exact count');
      // Words the router is unsure of: a request that is sent is checked first, and the preview says so.
      const unsure = 'can you take a look at this';
      const checked = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.previewRoute', unsure));
      assert.ok(checked.messages.some((m) => /difficulty check would run first/.test(m)), checked.messages.join(' | '));
      // Room for the local estimate and half again, not for the count.
      await setLadder('budget.session', Math.ceil(local.estimatedCostUsd * 1.5 * 1_000_000) / 1_000_000);
      const preview = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ blocked: boolean; tokenSource: string }>('ladder.previewRoute', 'what does this do?'));
      const ask = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.ask', 'what does this do?'));
      assert.equal(ask.result, undefined);
      const block = ask.messages.find((m) => /would exceed the session budget/.test(m))?.replace(/^Ladder: /, '');
      assert.ok(block, ask.messages.join(' | '));
      assert.deepEqual([preview.result?.blocked, preview.result?.tokenSource], [true, 'count_tokens']);
      assert.ok(preview.messages.some((m) => m.startsWith(`Ladder would not send this: ${block}`)), preview.messages.join(' | '));
      // One that is not sent is not checked either: no paid check is promised.
      const blocked = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<{ blocked: boolean }>('ladder.previewRoute', unsure));
      assert.equal(blocked.result?.blocked, true);
      assert.ok(blocked.messages.every((m) => !/difficulty check/.test(m)), blocked.messages.join(' | '));
    } finally {
      await setLadder('budget.session', undefined);
    }
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'nothing was sent to /v1/messages');
  });
});
