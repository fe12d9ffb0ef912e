import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LedgerStore, ledgerFileName } from '../../../src/llm/ledgerStore';
import { UnreadLines } from '../../../src/core/ledger/unread';
import { callRecord } from '../../support/fixtures/usage/records';
import { tempDir } from '../../support/tempDir';

describe('unread ledger lines', () => {
  test('a garbage line, a newer Ladder\'s record and a torn last line are counted, the newer one named as such', async () => {
    const dir = tempDir('unread');
    const good = callRecord();
    fs.writeFileSync(path.join(dir, ledgerFileName(good.time)), [JSON.stringify(good), 'garbage', JSON.stringify({ ...callRecord(), v: 2, costMicros: 5_000_000 }), '{"v":1,"callId":"tor'].join('\n'));
    const store = new LedgerStore(dir);
    const report = await store.load(() => undefined);
    store.close();
    const unread = new UnreadLines();
    assert.equal(unread.take(report.problems, true).length, 3);
    assert.equal(unread.note, '3 ledger lines could not be read (1 written by a newer version of Ladder), so totals may be low.');
  });

  test('a damaged line read again is counted once; a torn last line only while the latest read still finds it torn', () => {
    const unread = new UnreadLines();
    const garbage = { file: 'ledger-2026-11.jsonl', line: 2, kind: 'corrupt' as const, message: 'not JSON' };
    const torn = { file: 'ledger-2026-11.jsonl', line: 4, kind: 'torn' as const, message: 'unterminated last line' };
    unread.take([garbage, torn], true);
    assert.deepEqual(unread.take([torn], false), [], 'nothing new to log');
    assert.equal(unread.count, 2);
    // Another window finished writing it: the read found the record, and no torn line.
    unread.take([], false);
    assert.equal(unread.note, '1 ledger line could not be read, so totals may be low.');
    unread.take([], true);
    assert.equal(unread.note, undefined, 'a whole read that finds nothing wrong clears it');
  });

  test('a month that cannot be read is named, not counted as a line, and the other months still count', async () => {
    const dir = tempDir('unreadable');
    const good = callRecord();
    fs.writeFileSync(path.join(dir, ledgerFileName(good.time)), `${JSON.stringify(good)}\ngarbage\n`);
    // A folder where a month's file should be: it opens, and every read of it fails (EISDIR).
    fs.mkdirSync(path.join(dir, 'ledger-2020-01.jsonl'));
    const store = new LedgerStore(dir);
    const read: unknown[] = [];
    const report = await store.load((record) => read.push(record));
    store.close();
    assert.equal(read.length, 1, 'the readable month is counted');
    assert.deepEqual(report.problems.map((p) => [p.file, p.kind]), [['ledger-2020-01.jsonl', 'unreadable'], [ledgerFileName(good.time), 'corrupt']]);
    const unread = new UnreadLines();
    unread.take(report.problems, true);
    assert.equal(unread.note, 'ledger-2020-01.jsonl and 1 ledger line could not be read, so totals may be low.');
    // A later read (another window's append) finds the month readable again.
    unread.take([], false);
    assert.equal(unread.note, '1 ledger line could not be read, so totals may be low.');
  });
});
