import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { BatchClaim, PendingBatch } from '../../src/core/batch';
import type { CallRecord } from '../../src/core/ledger/record';
import { SAVED_VERSION } from '../../src/core/resultViews';
import { BatchReviews, batchClaimFile } from '../../src/vscode/batchReview';
import type { ReviewResult } from '../../src/vscode/review';
import { faults } from '../support/standin/faults';
import { captureMessages } from './editor';
import { ladder, setLadder } from './helpers';
import { api, standInSuite } from './setup';

const root = () => vscode.workspace.workspaceFolders![0]!.uri;
const folder = () => vscode.Uri.joinPath(root(), 'src');

/** $/MTok input of the ladder's default models: output is 5×, cache writes 1.25× (5m) and 2× (1h), reads 0.1×. */
const INPUT_PER_MTOK: Record<string, number> = { 'claude-haiku-4-5': 1, 'claude-sonnet-4-6': 3, 'claude-opus-4-8': 5 };

async function batchCalls(batchId: string): Promise<CallRecord[]> {
  const { container } = await ladder();
  const { records } = await container.cost.store.readAll();
  return records.filter((r): r is CallRecord => r.kind !== 'verdict' && r.callId.startsWith(`${batchId}/`));
}

/** How long (on the stand-in's clock) a batch stays in progress; reset() leaves it as set. */
async function batchLatency(ms: number): Promise<void> {
  const res = await fetch(`${api().url}/_standin/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batchLatencyMs: ms }) });
  assert.equal(res.status, 200, await res.text());
}

async function taskCalls(taskId: string): Promise<CallRecord[]> {
  const { container } = await ladder();
  return (await container.cost.store.readAll()).records.filter((r): r is CallRecord => r.kind !== 'verdict' && r.taskId === taskId);
}

/** Writes a batch's claim as another window would (see BatchClaims). */
async function claimAs(batchId: string, claim: BatchClaim): Promise<void> {
  const { container } = await ladder();
  await fs.writeFile(batchClaimFile(container.context, batchId), JSON.stringify(claim));
}

/** The interactive requests sent so far (judgment, as a batch's first pass is not one). */
const judgments = () => api().log.filter((e) => e.path === '/v1/messages').length;

async function submit(): Promise<{ batch: PendingBatch; messages: string[] }> {
  const { result, messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<PendingBatch>('ladder.batchReviewFolder', folder()));
  assert.ok(result, `a batch was sent: ${messages.join(' | ')}`);
  return { batch: result, messages };
}

describe('Review Folder at Batch Price', function () {
  this.timeout(60_000);
  standInSuite();
  afterEach(async () => {
    await batchLatency(0);
    await setLadder('budget.session', undefined);
    // A test that failed part-way leaves no batch for the next one to meet.
    await (await ladder()).container.context.workspaceState.update('ladder.pendingBatches', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sends the first pass as one batch; once it ends, books each answer once at half price and finishes as a folder review does', async () => {
    const { container } = await ladder();
    // What the interactive folder review sends for its first pass.
    await vscode.commands.executeCommand('ladder.reviewSelection', folder());
    const interactive = api().log.filter((e) => e.path === '/v1/messages').map((e) => e.body as Record<string, unknown>);
    api().reset();
    await batchLatency(60_000);
    const { batch, messages } = await submit();
    assert.match(messages[0] ?? '', /^Ladder: submitted (1 request|\d+ requests) reviewing src \(\d+ files\) as one batch, at half price \(about \$[\d.]+\)\. Results usually arrive within the hour, at most in 24 h; Ladder checks while VS Code is open, and picks up again after a reload\. To stop it, run Ladder: Cancel Batch Review\.$/);
    assert.deepEqual(api().log.map((e) => `${e.method} ${e.path}`).filter((l) => !l.includes('count_tokens')), ['POST /v1/messages/batches'], 'one batch, nothing interactive');
    const sent = api().log.find((e) => e.path === '/v1/messages/batches')?.body as { requests: { custom_id: string; params: Record<string, unknown> }[] };
    assert.deepEqual(sent.requests.map((r) => r.custom_id), batch.parts.map((_, i) => `part-${i + 1}`));
    // The interactive review sent its parts, then judgment.
    assert.equal(interactive.length, sent.requests.length + 1);
    for (const [i, request] of sent.requests.entries()) {
      const { stream: _stream, ...asked } = interactive[i]!;
      assert.deepEqual(request.params, asked, `part ${i + 1} is the interactive first pass's request: model, cached prefix, prompt`);
    }
    assert.ok(!/sk-ant-api03-DEMOFAKEKEY/.test(JSON.stringify(sent)), 'never the file that holds a key');
    assert.deepEqual(container.reviews.batches.pending.map((p) => p.id), [batch.id]);

    assert.equal(await container.reviews.batches.check(batch.id), undefined, 'still in progress');
    assert.deepEqual(container.reviews.batches.pending.map((p) => p.id), [batch.id], 'and still followed');
    api().clock.advance(60_000);
    const result = await container.reviews.batches.check(batch.id);
    assert.ok(result, 'the review finished');
    assert.deepEqual(container.reviews.batches.pending, [], 'no longer pending');

    const orders = vscode.Uri.joinPath(folder(), 'orders.ts');
    assert.ok(result.findings.some((f) => f.file === 'src/orders.ts' && f.category === 'security'), JSON.stringify(result.findings));
    assert.ok(vscode.languages.getDiagnostics(orders).some((d) => d.source === 'Ladder'), 'diagnostics on the file');
    assert.ok(result.reportUri.path.endsWith('/Review · src (batch).md'), result.reportUri.path);
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    assert.match(report, /^# Review at Batch Price: src \(\d+ files\)$/m);
    assert.match(report, /^_Batch calls \(half price\): \$[\d.]+ over (1 call|\d+ calls); interactive calls: \$[\d.]+ over 1 call\._$/m);
    assert.deepEqual(api().log.filter((e) => e.path === '/v1/messages').map((e) => e.model), ['claude-opus-4-8'], 'judgment runs interactively');

    const calls = await batchCalls(batch.id);
    assert.equal(calls.length, batch.parts.length, 'each batch answer booked once');
    for (const call of calls) {
      assert.equal(call.taskId, result.taskId, 'in the review\'s task');
      assert.equal(call.usage.service_tier, 'batch');
      const p = INPUT_PER_MTOK[call.model]!;
      const u = call.usage;
      // In hundredths of a micro-dollar: tokens × $/MTok is micro-dollars.
      const standard = u.input_tokens * 100 * p + u.output_tokens * 500 * p + u.cache_5m * 125 * p + u.cache_1h * 200 * p + u.cache_read_input_tokens * 10 * p;
      assert.ok(standard > 0);
      assert.equal(call.costMicros, Math.round(standard / 200), 'half the standard price');
    }
    const task = (await container.cost.store.readAll()).records.filter((r): r is CallRecord => r.kind !== 'verdict' && r.taskId === result.taskId);
    assert.deepEqual(task.map((r) => r.usage.service_tier ?? 'standard').sort(), [...calls.map(() => 'batch'), 'standard'], 'the batch answers and the interactive judgment, in one task');
    assert.equal(result.costMicros, task.reduce((sum, r) => sum + r.costMicros, 0));
  });

  it('after a window reload, a new service over the same state finishes the batch; one that still lists it after then lets it go, sending and booking nothing', async () => {
    const { container } = await ladder();
    const { batch } = await submit();
    const kept = container.context.workspaceState.get('ladder.pendingBatches');
    const reloaded = new BatchReviews(container, container.reviews);
    let first: ReviewResult | undefined;
    try {
      assert.deepEqual(reloaded.pending.map((p) => p.id), [batch.id], 'picked up from workspaceState');
      first = await reloaded.check(batch.id);
    } finally {
      reloaded.dispose();
    }
    assert.ok(first, 'the review finished');
    assert.equal(judgments(), 1);
    // The window closed after the batch was done, before it left the list.
    await container.context.workspaceState.update('ladder.pendingBatches', kept);
    const { result, messages } = await captureMessages('showWarningMessage', () => container.reviews.batches.check(batch.id));
    assert.equal(result, undefined);
    assert.deepEqual(messages, []);
    assert.equal(judgments(), 1, 'judgment is not sent again');
    assert.equal((await batchCalls(batch.id)).length, batch.parts.length, 'each answer is in the ledger once');
    assert.deepEqual(container.reviews.batches.pending, [], 'no longer followed');
  });

  it('two windows on the folder see the batch end: one finishes it and sends judgment once; the other sends nothing and lets it go', async () => {
    const { container } = await ladder();
    await batchLatency(60_000);
    const { batch } = await submit();
    const kept = container.context.workspaceState.get('ladder.pendingBatches');
    // A second window keeps its own copy of workspaceState: it lists the batch whatever this one does.
    const other = new BatchReviews(container, container.reviews);
    try {
      api().clock.advance(60_000);
      const both = await Promise.all([container.reviews.batches.check(batch.id), other.check(batch.id)]);
      assert.equal(both.filter((r) => r !== undefined).length, 1, 'one review');
      assert.equal(judgments(), 1, 'judgment sent once');
      assert.equal((await batchCalls(batch.id)).length, batch.parts.length, 'each answer is in the ledger once');
      const judged = (await taskCalls(batch.taskId)).filter((r) => r.usage.service_tier !== 'batch');
      assert.equal(judged.length, 1, 'judgment booked once');
      await container.context.workspaceState.update('ladder.pendingBatches', kept);
      const sent = api().log.length;
      assert.equal(await other.check(batch.id), undefined);
      assert.equal(api().log.length, sent, 'the window that finds it done asks nothing');
      assert.deepEqual(other.pending, [], 'and lets it go');
    } finally {
      other.dispose();
    }
  });

  it('a window reloaded while the review was finishing sends no judgment again: the paid first pass\'s findings land, not judged, and it says the review was interrupted', async () => {
    const { container } = await ladder();
    const { batch } = await submit();
    // What workspaceState and the batch's claim held while the first window was finishing the review.
    let during: unknown;
    let claim: BatchClaim | undefined;
    const review = container.reviews.review.bind(container.reviews);
    container.reviews.review = async (options) => {
      during = container.context.workspaceState.get('ladder.pendingBatches');
      claim = JSON.parse(await fs.readFile(batchClaimFile(container.context, batch.id), 'utf8')) as BatchClaim;
      return review(options);
    };
    let first: ReviewResult | undefined;
    try {
      first = await container.reviews.batches.check(batch.id);
    } finally {
      container.reviews.review = review;
    }
    assert.ok(first);
    assert.ok(claim && !claim.done, 'claimed while finishing');
    const judged = judgments();
    await container.context.workspaceState.update('ladder.pendingBatches', during);
    // Its extension host is gone: a process of this host that has ended.
    await claimAs(batch.id, { ...claim, pid: spawnSync(process.execPath, ['-e', '']).pid });
    const reloaded = new BatchReviews(container, container.reviews);
    let second: { result: ReviewResult | undefined; messages: string[] };
    try {
      second = await captureMessages('showWarningMessage', () => reloaded.check(batch.id));
    } finally {
      reloaded.dispose();
    }
    assert.equal(judgments(), judged, 'judgment is not sent again');
    assert.deepEqual(second.messages, [`Ladder: the batch review of ${batch.where} was interrupted while it was finishing (VS Code closed or reloaded). Its first pass's findings are shown; judgment, which may have run then, was not sent again.`]);
    const result = second.result;
    assert.ok(result, 'the first pass\'s findings land');
    assert.ok(result.findings.some((f) => f.file === 'src/orders.ts' && f.category === 'security'), JSON.stringify(result.findings));
    const orders = vscode.languages.getDiagnostics(vscode.Uri.joinPath(folder(), 'orders.ts')).filter((d) => d.source === 'Ladder');
    assert.ok(orders.length > 0 && orders.every((d) => d.message.includes('not judged')), JSON.stringify(orders.map((d) => d.message)));
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    assert.ok(report.includes('Judgment did not run. The review was interrupted while it was finishing (VS Code closed or reloaded), and judgment may have been sent then, so it was not sent again.'), report);
    assert.equal(result.costMicros, (await taskCalls(batch.taskId)).filter((r) => r.usage.service_tier === 'batch').reduce((sum, r) => sum + r.costMicros, 0), 'the report counts the batch answers');
    assert.equal((await batchCalls(batch.id)).length, batch.parts.length, 'each answer is in the ledger once');
    assert.deepEqual(container.reviews.batches.pending, []);
  });

  it('a pending batch kept damaged is named in a warning with Show Logs, once: it is no longer followed, so its cost will not reach the ledger', async () => {
    const { container } = await ladder();
    const { batch } = await submit();
    const [kept] = container.reviews.batches.pending;
    await container.context.workspaceState.update('ladder.pendingBatches', { version: SAVED_VERSION, entries: [kept, { id: 'msgbatch_01damaged', where: 3 }] });
    const shown: unknown[][] = [];
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = window.showWarningMessage;
    window.showWarningMessage = (...args: unknown[]) => {
      shown.push(args);
      return Promise.resolve(undefined);
    };
    const reloaded: BatchReviews[] = [];
    try {
      reloaded.push(new BatchReviews(container, container.reviews));
      assert.deepEqual(shown, [['Ladder: a pending batch review (msgbatch_01damaged) could not be read and is no longer followed, so what it bills will not reach the ledger.', 'Show Logs']]);
      assert.deepEqual(reloaded[0]!.pending.map((p) => p.id), [batch.id], 'the readable one is still followed');
      reloaded.push(new BatchReviews(container, container.reviews));
      assert.equal(shown.length, 1, 'told once');
    } finally {
      window.showWarningMessage = original;
      for (const r of reloaded) r.dispose();
    }
  });

  it('a file changed before the batch ended: it is named, and its part\'s billed answer is in the report\'s cost', async () => {
    const { container } = await ladder();
    await batchLatency(60_000);
    const { batch } = await submit();
    const orders = vscode.Uri.joinPath(folder(), 'orders.ts');
    await vscode.workspace.fs.writeFile(orders, Buffer.from(`${Buffer.from(await vscode.workspace.fs.readFile(orders)).toString()}\n// edited\n`));
    api().clock.advance(60_000);
    const result = await container.reviews.batches.check(batch.id);
    assert.ok(result);
    assert.equal((await batchCalls(batch.id)).length, batch.parts.length, 'every answer billed is booked');
    assert.equal(result.costMicros, (await taskCalls(batch.taskId)).reduce((sum, r) => sum + r.costMicros, 0), 'the report\'s cost is the ledger\'s');
    const report = (await vscode.workspace.openTextDocument(result.reportUri)).getText();
    // Its part holds the folder's other file too: the one that changed is named.
    for (const file of ['db.ts', 'orders.ts']) assert.ok(report.includes(`- \`src/${file}\`: its part changed since the batch was sent (src/orders.ts changed); review it again\n`), report);
  });

  it('the budget is judged once, at half price: a batch that fits at half price is sent', async () => {
    const { container } = await ladder();
    await batchLatency(3_600_000);
    await setLadder('budget.session', 1000);
    const { batch, messages } = await submit();
    const halfUsd = Number(/about \$([\d.]+)/.exec(messages[0]!)![1]);
    await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.cancelBatchReview', batch.id));
    const spent = container.cost.budgetStatus().limits.find((l) => l.scope === 'session')?.spentMicros ?? 0;
    // Room for the batch at half price, not at the standard price.
    await setLadder('budget.session', spent / 1e6 + halfUsd * 1.5);
    const again = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand<PendingBatch>('ladder.batchReviewFolder', folder()));
    assert.ok(again.result, `sent: ${again.messages.join(' | ')}`);
    assert.ok(again.result.parts.every((p) => !p.reasons.some((r) => r.startsWith('pre-flight'))), JSON.stringify(again.result.parts.map((p) => p.reasons)));
    await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.cancelBatchReview', again.result!.id));
  });

  it('a check the API refuses for the key is said once, and checking goes on', async () => {
    const { container } = await ladder();
    await batchLatency(3_600_000);
    const { batch } = await submit();
    api().script.fault({ type: 'status', status: 401 }, { times: 2, endpoint: 'batches' });
    const first = await captureMessages('showErrorMessage', () => container.reviews.batches.check(batch.id));
    assert.equal(first.messages.length, 1, JSON.stringify(first.messages));
    assert.match(first.messages[0]!, new RegExp(`^Ladder: the batch review of ${batch.where.replace(/[()]/g, '\\$&')} could not be checked: .+ Ladder keeps checking\\.$`));
    const second = await captureMessages('showErrorMessage', () => container.reviews.batches.check(batch.id));
    assert.deepEqual(second.messages, [], 'told once');
    assert.deepEqual(container.reviews.batches.pending.map((p) => p.id), [batch.id], 'still followed');
  });

  it('a batch whose every request failed says so, bills nothing and sends no judgment', async () => {
    const { container } = await ladder();
    await batchLatency(60_000);
    const { batch } = await submit();
    api().script.enqueue(...batch.parts.map(() => ({ fault: faults.overloaded() })));
    api().clock.advance(60_000);
    const { result, messages } = await captureMessages('showWarningMessage', () => container.reviews.batches.check(batch.id));
    assert.equal(result, undefined);
    assert.deepEqual(messages, [`Ladder: the batch for ${batch.where} ended with no answers (every request failed or expired); nothing was billed.`]);
    assert.deepEqual(await batchCalls(batch.id), []);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0);
    assert.deepEqual(container.reviews.batches.pending, []);
  });

  it('a claim that cannot be marked done (storage not writable) does not have the batch finished again at every check', async () => {
    const { container } = await ladder();
    await batchLatency(60_000);
    const { batch } = await submit();
    api().clock.advance(60_000);
    const claims = (container.reviews.batches as unknown as { claims: { finished(id: string): Promise<void> } }).claims;
    const finished = claims.finished.bind(claims);
    claims.finished = () => Promise.reject(new Error('EROFS: read-only file system'));
    try {
      const result = await container.reviews.batches.check(batch.id);
      assert.ok(result, 'the review is made');
      assert.deepEqual(container.reviews.batches.pending, [], 'and the batch no longer followed here');
      const sent = api().log.length;
      assert.equal(await container.reviews.batches.check(batch.id), undefined);
      assert.equal(api().log.length, sent, 'nothing asked or sent again');
    } finally {
      claims.finished = finished;
    }
  });

  it('a second batch of a folder whose batch is still waiting is asked for first: dismissed, nothing is sent', async () => {
    const { container } = await ladder();
    await batchLatency(3_600_000);
    const { batch } = await submit();
    const sent = api().log.length;
    const asked: string[] = [];
    const dismissed = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.batchReviewFolder', folder()), (message) => {
      asked.push(message);
      return undefined;
    });
    assert.equal(dismissed.result, undefined);
    assert.match(asked.join(' | '), /^Ladder: a batch review of src \(\d+ files\) sent .+ is still waiting for its results\. Send another, billed again\?$/);
    assert.equal(api().log.length, sent, 'nothing sent, not even a token count');
    const another = await captureMessages('showWarningMessage', () => captureMessages('showInformationMessage', () => vscode.commands.executeCommand<PendingBatch>('ladder.batchReviewFolder', folder())), () => 'Send Another');
    assert.ok(another.result.result, 'Send Another sends it');
    assert.deepEqual(container.reviews.batches.pending.map((p) => p.id), [batch.id, another.result.result.id]);
  });

  it('the workspace from the palette and its root folder from the Explorer are one folder: a second batch of either is asked for first', async () => {
    await batchLatency(3_600_000);
    const first = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand<PendingBatch>('ladder.batchReviewFolder'));
    assert.ok(first.result, `the workspace's batch was sent: ${first.messages.join(' | ')}`);
    const sent = api().log.length;
    for (const target of [root(), undefined]) {
      const asked: string[] = [];
      const again = await captureMessages('showWarningMessage', () => vscode.commands.executeCommand('ladder.batchReviewFolder', target), (message) => {
        asked.push(message);
        return undefined;
      });
      assert.equal(again.result, undefined);
      assert.match(asked.join(' | '), /is still waiting for its results\. Send another, billed again\?$/, `asked for ${target ? 'the root folder' : 'the workspace again'}`);
    }
    assert.equal(api().log.length, sent, 'nothing sent');
  });

  it('Cancel Batch Review on a batch that ended and is finishing in another window says how to stop its judgment, and cancels nothing', async () => {
    const { container } = await ladder();
    await batchLatency(3_600_000);
    const { batch } = await submit();
    // As another window running on this host claims it while judgment runs.
    await claimAs(batch.id, { owner: 'another window', pid: process.pid, host: os.hostname(), time: new Date().toISOString() });
    const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.cancelBatchReview', batch.id));
    assert.deepEqual(messages, [`Ladder: the batch review of ${batch.where} has its results and is finishing in another window; to stop its judgment, use Cancel on its progress notification there.`]);
    assert.ok(!api().log.some((e) => e.path.endsWith('/cancel')), 'no cancel sent');
    assert.deepEqual(container.reviews.batches.pending.map((p) => [p.id, p.canceled]), [[batch.id, undefined]]);
  });

  it('Cancel Batch Review cancels through the API and says what was billed', async () => {
    const { container } = await ladder();
    await batchLatency(3_600_000);
    const { batch } = await submit();
    const { messages } = await captureMessages('showInformationMessage', () => vscode.commands.executeCommand('ladder.cancelBatchReview'));
    assert.ok(api().log.some((e) => e.method === 'POST' && e.path === `/v1/messages/batches/${batch.id}/cancel`), 'cancelled through the API');
    assert.deepEqual(messages, [`Ladder: the batch review of ${batch.where} was cancelled. Nothing was billed.`]);
    assert.deepEqual(container.reviews.batches.pending, []);
    assert.deepEqual(await batchCalls(batch.id), []);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'no review followed');
  });

  it('a batch cancelled in another window is not finished here as if it had ended on its own: the cancel is said, and no review follows', async () => {
    const { container } = await ladder();
    await batchLatency(3_600_000);
    const { batch } = await submit();
    // The other window's Cancel goes through the API; this window's list still has the batch as waiting.
    await container.gateway().cancelBatch(batch.id);
    const { messages } = await captureMessages('showInformationMessage', () => container.reviews.batches.check(batch.id));
    assert.deepEqual(messages, [`Ladder: the batch review of ${batch.where} was cancelled. Nothing was billed.`]);
    assert.deepEqual(container.reviews.batches.pending, []);
    assert.equal(api().log.filter((e) => e.path === '/v1/messages').length, 0, 'no review followed');
  });
});
