import * as assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { apiUsage, parseLedgerRecord } from '../../src/core/ledger/record';
import type { CallRecord, LedgerRecord } from '../../src/core/ledger/record';
import { costOfUsage } from '../../src/core/pricing/cost';
import type * as Extension from '../../src/extension';
import { faults } from '../support/standin/server';
import { openAndSelect, snapshotWorkspace, until } from './editor';
import { ladder } from './helpers';
import { api, setUpSuite, tearDownSuite } from './setup';

/** Every line of every ledger file in `dir`, parsed as the store would; throws on a line that does not parse. */
async function ledgerOnDisk(dir: string): Promise<LedgerRecord[]> {
  const records: LedgerRecord[] = [];
  for (const name of (await readdir(dir)).filter((n) => /^ledger-\d{4}-\d{2}\.jsonl$/.test(n)).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${name} ends with a whole line`);
    text.split('\n').slice(0, -1).forEach((line, i) => {
      const parsed = parseLedgerRecord(JSON.parse(line));
      if ('error' in parsed) assert.fail(`${name}:${i + 1} is not a valid record: ${parsed.error}`);
      records.push(parsed.record);
    });
  }
  return records;
}

// Required last by index.ts: deactivate disposes the container, and nothing activates Ladder again in this host.
describe('window close (deactivates Ladder for good)', function () {
  this.timeout(60_000);
  before(setUpSuite);
  before(snapshotWorkspace);
  after(tearDownSuite);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('deactivate stops a streaming request and returns only once what it was billed is in the ledger on disk', async () => {
    const extension = vscode.extensions.getExtension('ladder-dev.ladder')!;
    const { container } = await ladder();
    // The host loads the extension's main file with Node's require: the same module cache
    // gives this test the instance it activated (and whose deactivate it would call).
    const main = join(extension.extensionPath, (extension.packageJSON as { main: string }).main);
    const load = createRequire(main);
    assert.ok(load.cache[load.resolve(main)], 'the extension host loaded Ladder through this module cache');
    const { deactivate } = load(main) as typeof Extension;
    const dir = container.cost.store.dir;
    const table = container.pricing.table;
    const earlier = new Set((await ledgerOnDisk(dir)).map((r) => r.callId));

    await openAndSelect('src/orders.ts', 15, 19);
    api().script.fault(faults.hang(2));
    // Earlier suites' answers stay open as documents: this request's view is the new one.
    const views = () => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'ladder-result');
    const shown = new Set(views().map((d) => d.uri.toString()));
    const running = Promise.resolve(vscode.commands.executeCommand('ladder.explainSelection'));
    // Text in the view: the client has read message_start, and with it the usage billed so far.
    await until('the answer to stream into its view', () => views().some((d) => !shown.has(d.uri.toString()) && /\n---\n\n\S/.test(d.getText())) || undefined);
    const sent = api().log.filter((e) => e.path === '/v1/messages');
    assert.equal(sent.length, 1, 'one request on the wire');
    await until('the stand-in to hold the stream open', () => sent[0]!.outcome === 'hung' || undefined);

    await deactivate();
    // Read at once: deactivate's promise is all a closing window waits for. (A second copy of
    // the module would have had no container, stopped nothing, and left no record.)
    const added = (await ledgerOnDisk(dir)).filter((r): r is CallRecord => r.kind !== 'verdict' && !earlier.has(r.callId));
    assert.equal(added.length, 1, `exactly one record for the stopped request: ${JSON.stringify(added)}`);
    const record = added[0]!;
    const billed = sent[0]!.usage!;
    assert.equal(record.outcome, 'cancelled');
    assert.equal(record.model, sent[0]!.model);
    assert.equal(record.requestId, sent[0]!.requestId);
    assert.deepEqual(
      [record.usage.input_tokens, record.usage.cache_creation_input_tokens, record.usage.cache_read_input_tokens],
      [billed.input_tokens, billed.cache_creation_input_tokens ?? 0, billed.cache_read_input_tokens ?? 0],
      'the prompt as the stand-in billed it',
    );
    // The output is counted only at message_delta, which never came: estimated from the text received, never low.
    assert.ok(record.usage.output_tokens >= billed.output_tokens, `output ${record.usage.output_tokens} >= the ${billed.output_tokens} billed`);
    assert.ok(record.costMicros > 0);
    assert.equal(record.costMicros, costOfUsage(record.model, apiUsage(record.usage), { table, at: record.time }).micros, 'priced as the price table says');

    // The command ends as a stopped request does: nothing returned, the stream aborted.
    assert.equal(await running, undefined);
    await until('the stand-in to see the abort', () => api().log.find((e) => e.requestId === sent[0]!.requestId)?.outcome === 'aborted' || undefined);
  });
});
