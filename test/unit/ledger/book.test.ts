import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerBook } from '../../../src/llm/ledgerBook';
import { LedgerStore } from '../../../src/llm/ledgerStore';
import { LedgerSummary } from '../../../src/core/ledger/summary';
import type { Aggregate } from '../../../src/core/ledger/summary';
import type { LedgerRecord } from '../../../src/core/ledger/record';
import { applyPriceOverrides, parsePriceOverrides, PRICE_TABLE } from '../../../src/core/pricing/priceTable';
import type { PriceTable } from '../../../src/core/pricing/priceTable';
import { callRecord } from '../../support/fixtures/usage/records';
import { tempDir } from '../../support/tempDir';

const SESSION_START = '2026-11-01T00:00:00.000Z';

function withOverrides(raw: unknown): PriceTable {
  return applyPriceOverrides(PRICE_TABLE, parsePriceOverrides(raw).overrides).table;
}

/** What a window opened now would show: a fresh summary of everything on disk. */
async function freshLoad(dir: string, table: PriceTable): Promise<LedgerSummary> {
  const summary = new LedgerSummary({ sessionStart: SESSION_START, table });
  await new LedgerStore(dir).load((record) => summary.add(record));
  return summary;
}

function figures(aggregate: Aggregate): { calls: number; micros: number; opusMicros: number; cacheSavingsMicros: number } {
  const { calls, micros, opusMicros, cacheSavingsMicros } = aggregate;
  return { calls, micros, opusMicros, cacheSavingsMicros };
}

/** A book whose summaries are priced with `table()` at the time each is made, as the cost meter's are. */
function bookOf(dir: string, table: () => PriceTable): LedgerBook {
  return new LedgerBook(dir, () => new LedgerSummary({ sessionStart: SESSION_START, table: table() }));
}

describe('LedgerBook', () => {
  test('a load with a changed price table re-prices savings and all-Opus like a fresh window; recorded costs stay as recorded', async () => {
    const dir = tempDir('book');
    let table = PRICE_TABLE;
    const book = bookOf(dir, () => table);
    await book.load();
    for (let i = 0; i < 5; i++) book.write(callRecord({ taskId: `t${i}`, usage: { input: 2_000, cacheRead: 40_000, output: 800 } }));
    const before = figures(book.summary.total);
    const recorded = before.micros;

    table = withOverrides({ 'claude-opus-4-8': { input: 15, output: 75 }, 'claude-sonnet-4-6': { input: 6, output: 30 } });
    // Written while the ledger is read again: counted once, in the new summary.
    const loading = book.load();
    const during = callRecord({ taskId: 't5', usage: { input: 1_000, cacheRead: 10_000, output: 100 } });
    book.write(during);
    await loading;

    const after = figures(book.summary.total);
    const fresh = figures((await freshLoad(dir, table)).total);
    assert.deepEqual(after, fresh, 'the meter agrees with a window opened now');
    assert.equal(after.calls, 6);
    assert.ok(after.opusMicros > before.opusMicros * 2, `all-Opus priced on the new rates: ${before.opusMicros} → ${after.opusMicros}`);
    assert.ok(after.cacheSavingsMicros > before.cacheSavingsMicros, 'savings priced on the new Sonnet rates');
    assert.equal(after.micros, recorded + during.costMicros, 'recorded costs are summed as recorded');
    assert.deepEqual(figures(book.summary.session), after);
  });

  test('loads asked for while one reads are one more read, with the options in force then', async () => {
    const dir = tempDir('book-coalesce');
    let made = 0;
    let table = PRICE_TABLE;
    let later: Promise<unknown>[] = [];
    const book = new LedgerBook(dir, () => {
      made++;
      // Three saves of the price overrides while the first read runs.
      if (made === 2) {
        table = withOverrides({ 'claude-opus-4-8': { input: 15, output: 75 } });
        later = [book.load(), book.load(), book.load()];
      }
      return new LedgerSummary({ sessionStart: SESSION_START, table });
    });
    book.write(callRecord({ taskId: 't0', usage: { input: 2_000, cacheRead: 40_000, output: 800 } }));
    await book.load();
    assert.equal(later.length, 3);
    assert.equal(later[0], later[2], 'the asks while one reads share one load');
    await Promise.all(later);
    assert.equal(made, 3, 'one summary made at the start, then one read for the first ask and one for the three made during it');
    assert.deepEqual(figures(book.summary.total), figures((await freshLoad(dir, table)).total), 'the last read has the latest prices');
  });

  test('records counted while a load reads are carried over once, and a later reload does not count them again', async () => {
    const dir = tempDir('book');
    const book = bookOf(dir, () => PRICE_TABLE);
    book.write(callRecord({ callId: 'early' }));
    const loading = book.load();
    book.write(callRecord({ callId: 'during' }));
    await loading;
    assert.equal(book.summary.total.calls, 2);
    const other = new LedgerStore(dir);
    other.append(callRecord({ callId: 'other-window' }));
    other.close();
    const seen: LedgerRecord[] = [];
    await book.store.reload((record) => seen.push(record));
    assert.deepEqual(seen.map((r) => (r.kind === 'verdict' ? '' : r.callId)), ['other-window'], 'only the other window\'s record is new to the swapped-in store');
  });

  test('while writes fail: a load keeps the waiting records counted, they are still written later, and the task details include them', async () => {
    const dir = tempDir('book');
    let table = PRICE_TABLE;
    const book = bookOf(dir, () => table);
    await book.load();
    book.write(callRecord({ taskId: 'task', callId: 'saved', time: '2026-11-20T10:00:00.000Z' }));
    const append = book.store.append.bind(book.store);
    book.store.append = () => {
      throw new Error('ENOSPC: no space left on device, write');
    };
    const failing = [callRecord({ taskId: 'task', callId: 'waiting-1', time: '2026-11-20T10:01:00.000Z' }), callRecord({ taskId: 'task', callId: 'waiting-2', time: '2026-11-20T10:02:00.000Z' })];
    for (const record of failing) assert.throws(() => book.write(record), /ENOSPC/);
    assert.equal(book.waiting, 2);
    assert.equal(book.summary.task('task')?.calls, 3, 'the row counts what waits to be written');

    const details = await book.callsOfTask('task', '2026-11-20T10:00:00.000Z', '2026-11-20T10:02:00.000Z');
    assert.deepEqual(details.map((c) => c.callId), ['saved', 'waiting-1', 'waiting-2'], 'the details agree with the row');
    assert.equal(details.reduce((sum, c) => sum + c.costMicros, 0), book.summary.task('task')?.micros);

    book.store.append = append;
    table = withOverrides({ 'claude-opus-4-8': { input: 15, output: 75 } });
    await book.load();
    assert.equal(book.summary.task('task')?.calls, 3, 'a load with new prices keeps the waiting records counted, once');
    assert.equal(book.saveUnsaved(), 2);
    const onDisk = await freshLoad(dir, table);
    assert.equal(onDisk.task('task')?.calls, 3, 'and they are written once the ledger takes writes again');
    assert.deepEqual((await book.callsOfTask('task', '2026-11-20T10:00:00.000Z', '2026-11-20T10:02:00.000Z')).map((c) => c.callId), ['saved', 'waiting-1', 'waiting-2'], 'each once');
  });
});
