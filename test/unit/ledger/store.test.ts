import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { LedgerStore, ledgerFileName } from '../../../src/llm/ledgerStore';
import type { LedgerRecord } from '../../../src/core/ledger/record';
import { parseLedgerRecord } from '../../../src/core/ledger/record';
import { seededRandom } from '../../support/fixtures/usage/builders';
import { callRecord, randomCallRecord, verdictRecord } from '../../support/fixtures/usage/records';
import { tempDir } from '../../support/tempDir';

const WORKER = path.join(__dirname, 'appendWorker.ts');

async function loadAll(dir: string): Promise<{ records: LedgerRecord[]; report: Awaited<ReturnType<LedgerStore['load']>> }> {
  const records: LedgerRecord[] = [];
  const report = await new LedgerStore(dir).load((r) => records.push(r));
  return { records, report };
}

/** Starts the worker; resolves with its acknowledged callIds when it exits. */
function runWorker(args: string[], onLine?: (line: string, kill: () => void, child: ChildProcess) => void): Promise<{ acks: string[]; signal: NodeJS.Signals | null; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const acks: string[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('ack ')) acks.push(line.slice(4));
      onLine?.(line, () => child.kill('SIGKILL'), child);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ acks, code, signal }));
  });
}

describe('LedgerStore: appending and loading', () => {
  test('appends one line per record into monthly files and loads them back in order', async () => {
    const dir = tempDir('ledger');
    const store = new LedgerStore(dir);
    const october = callRecord({ time: '2026-10-31T23:59:59.000Z' });
    const november = callRecord({ time: '2026-11-01T00:00:00.000Z' });
    assert.equal(store.append(november), true);
    assert.equal(store.append(october), true);
    store.close();
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ledger-2026-10.jsonl', 'ledger-2026-11.jsonl']);
    const { records, report } = await loadAll(dir);
    assert.deepEqual(records.map((r) => r.kind === 'verdict' ? '' : r.callId), [october.callId, november.callId]);
    assert.deepEqual(report.problems, []);
    assert.equal(fs.readFileSync(path.join(dir, ledgerFileName(october.time)), 'utf8'), `${JSON.stringify(october)}\n`);
  });

  test('append is idempotent by callId, within a process and across a restart', async () => {
    const dir = tempDir('ledger');
    const record = callRecord();
    const first = new LedgerStore(dir);
    assert.equal(first.append(record), true);
    assert.equal(first.append(record), false);
    first.close();
    const second = new LedgerStore(dir);
    assert.equal(second.append(record), false, 'the file is scanned before the first append');
    second.close();
    const { records } = await loadAll(dir);
    assert.equal(records.length, 1);
  });

  test('verdicts are stored alongside calls and deduplicated on their content', async () => {
    const dir = tempDir('ledger');
    const store = new LedgerStore(dir);
    const verdict = verdictRecord('task-1', 'accepted');
    store.append(callRecord());
    assert.equal(store.append(verdict), true);
    assert.equal(store.append({ ...verdict }), false);
    store.close();
    const { records } = await loadAll(dir);
    assert.deepEqual(records.map((r) => r.kind ?? 'call'), ['call', 'verdict']);
  });

  test('a missing directory loads as empty', async () => {
    const { records, report } = await loadAll(path.join(tempDir('ledger'), 'not-yet'));
    assert.equal(records.length, 0);
    assert.deepEqual(report.problems, []);
  });

  test('corrupt lines and a torn last line are skipped and reported; good lines are kept', async () => {
    const dir = tempDir('ledger');
    const good = [callRecord(), callRecord(), callRecord()];
    const file = path.join(dir, ledgerFileName(good[0]?.time ?? ''));
    const lines = [JSON.stringify(good[0]), 'not json', JSON.stringify({ v: 1, taskId: 'x' }), JSON.stringify(good[1]), JSON.stringify(good[2]), '{"v":1,"taskId":"half'];
    fs.writeFileSync(file, lines.join('\n'));
    const { records, report } = await loadAll(dir);
    assert.equal(records.length, 3);
    assert.deepEqual(report.problems.map((p) => [p.line, p.kind]), [[2, 'corrupt'], [3, 'corrupt'], [6, 'torn']]);
  });

  test('a record carrying an API key or a prompt-sized text is refused on load', async () => {
    const dir = tempDir('ledger');
    const base = callRecord();
    const file = path.join(dir, ledgerFileName(base.time));
    fs.writeFileSync(file, [
      JSON.stringify({ ...base, callId: 'k', reason: 'key sk-ant-api03-abcdefghijklmnop' }),
      JSON.stringify({ ...base, callId: 'p', reason: 'x'.repeat(5000) }),
      JSON.stringify(base),
    ].join('\n') + '\n');
    const { records, report } = await loadAll(dir);
    assert.equal(records.length, 1);
    assert.equal(report.problems.length, 2);
  });

  test('after a torn tail, the next append starts on a new line and is not swallowed', async () => {
    const dir = tempDir('ledger');
    const first = callRecord();
    const file = path.join(dir, ledgerFileName(first.time));
    fs.writeFileSync(file, `${JSON.stringify(first)}\n{"v":1,"callId":"tor`);
    const store = new LedgerStore(dir);
    const next = callRecord();
    store.append(next);
    store.close();
    const { records, report } = await loadAll(dir);
    assert.deepEqual(records.map((r) => (r.kind === 'verdict' ? '' : r.callId)), [first.callId, next.callId]);
    assert.deepEqual(report.problems.map((p) => p.kind), ['corrupt'], 'the old fragment is now a complete, unparseable line');
  });

  test('a fragment another window leaves after our file is open cannot swallow our next record, nor theirs', async () => {
    const dir = tempDir('ledger');
    const mine = new LedgerStore(dir);
    const theirs = new LedgerStore(dir);
    mine.append(callRecord({ callId: 'a1' }));
    theirs.append(callRecord({ callId: 'b1' }));
    // Both files are open and end with a newline; then a write of ours is cut short (another descriptor, as another process would be).
    const file = path.join(dir, ledgerFileName(callRecord().time));
    fs.appendFileSync(file, JSON.stringify(callRecord({ callId: 'a2' })).slice(0, 120));
    theirs.append(callRecord({ callId: 'b2' }));
    theirs.append(callRecord({ callId: 'b3' }));
    fs.appendFileSync(file, '{"v":1,"callId":"b4');
    mine.append(callRecord({ callId: 'a3' }));
    mine.close();
    theirs.close();
    const { records, report } = await loadAll(dir);
    assert.deepEqual(records.map((r) => (r.kind === 'verdict' ? '' : r.callId)), ['a1', 'b1', 'b2', 'b3', 'a3']);
    assert.deepEqual(report.problems.map((p) => `${p.line}:${p.kind}`), ['3:corrupt', '6:corrupt'], 'each fragment is a line of its own');
  });

  test('reload picks up what another store (another window) appended, once', async () => {
    const dir = tempDir('ledger');
    const mine = new LedgerStore(dir);
    const theirs = new LedgerStore(dir);
    const seen: LedgerRecord[] = [];
    await mine.load((r) => seen.push(r));
    const own = callRecord();
    mine.append(own);
    const other = callRecord();
    theirs.append(other);
    const report = await mine.reload((r) => seen.push(r));
    assert.deepEqual(seen.map((r) => (r.kind === 'verdict' ? '' : r.callId)), [other.callId]);
    assert.equal(report.duplicates, 1, 'our own line is recognised, not delivered twice');
    assert.equal((await mine.reload((r) => seen.push(r))).records, 0);
    mine.close();
    theirs.close();
  });

  test('an append while a load is still on an older month, or before a reload reaches a new file, loses no record', async () => {
    const dir = tempDir('ledger');
    const seed = new LedgerStore(dir);
    const jan = [1, 2].map(() => callRecord({ time: '2026-01-10T10:00:00.000Z' }));
    const feb = [1, 2, 3].map(() => callRecord({ time: '2026-02-10T10:00:00.000Z' }));
    for (const r of [...jan, ...feb]) seed.append(r);
    seed.close();
    const store = new LedgerStore(dir);
    const seen: string[] = [];
    const id = (r: LedgerRecord) => (r.kind === 'verdict' ? '' : r.callId);
    const loading = store.load((r) => seen.push(id(r)));
    // A call ends while the load reads January; the meter adds what it appends itself.
    const fresh = callRecord({ time: '2026-02-11T10:00:00.000Z' });
    assert.equal(store.append(fresh), true);
    seen.push(fresh.callId);
    const report = await loading;
    assert.deepEqual([...seen].sort(), [...jan, ...feb, fresh].map(id).sort(), 'February\'s earlier records were read by the append, and are handed on');
    assert.equal(report.records, 5);
    // Another window starts March; this one appends there before its reload runs.
    const theirs = new LedgerStore(dir);
    const march = callRecord({ time: '2026-03-01T10:00:00.000Z' });
    theirs.append(march);
    const mine = callRecord({ time: '2026-03-01T11:00:00.000Z' });
    store.append(mine);
    seen.push(mine.callId);
    await store.reload((r) => seen.push(id(r)));
    assert.deepEqual(seen.filter((c) => c === march.callId || c === mine.callId).sort(), [march.callId, mine.callId].sort(), 'each once');
    assert.equal(new Set(seen).size, seen.length, 'nothing twice');
    store.close();
    theirs.close();
  });

  test('watch reports records appended by another store', async () => {
    const dir = tempDir('ledger');
    const mine = new LedgerStore(dir);
    await mine.load(() => undefined);
    // The watcher does not hold the process open (the extension host does that in real use).
    const keepAlive = setTimeout(() => undefined, 10_000);
    const got = new Promise<LedgerRecord[]>((resolve) => {
      const watch = mine.watch((records) => {
        watch.dispose();
        resolve(records);
      }, 20);
    });
    const other = new LedgerStore(dir);
    const record = callRecord();
    other.append(record);
    other.close();
    const records = await got;
    clearTimeout(keepAlive);
    assert.deepEqual(records.map((r) => (r.kind === 'verdict' ? '' : r.callId)), [record.callId]);
  });
});

describe('LedgerStore: reading across chunk boundaries', () => {
  test('any chunk size yields the same records, multi-byte text included, and reload resumes exactly', async () => {
    const dir = tempDir('ledger');
    const writer = new LedgerStore(dir);
    const reasons = ['plain', 'naïve café', 'emoji 🚀 split', 'x'.repeat(180), '日本語のテキスト'];
    const first = Array.from({ length: 25 }, (_, i) => callRecord({ reason: reasons[i % reasons.length] ?? '' }));
    for (const record of first) writer.append(record);
    const expected = first.map((r) => JSON.stringify(r));
    for (const chunkBytes of [5, 64, 333, 4096, 1 << 20]) {
      const store = new LedgerStore(dir, { chunkBytes });
      const seen: string[] = [];
      const report = await store.load((r) => seen.push(JSON.stringify(r)));
      assert.deepEqual(report.problems, [], `chunk ${chunkBytes}`);
      assert.deepEqual(seen, expected, `chunk ${chunkBytes}`);
      const more = callRecord({ reason: 'après 🚀' });
      writer.append(more);
      expected.push(JSON.stringify(more));
      const after: string[] = [];
      await store.reload((r) => after.push(JSON.stringify(r)));
      assert.deepEqual(after, [JSON.stringify(more)], `reload after chunk ${chunkBytes}`);
    }
    writer.close();
  });

  test('a mixed file loads, at any chunk size, exactly as the full parser reads it line by line', async () => {
    const dir = tempDir('ledger');
    const random = seededRandom(31);
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const record = randomCallRecord(random, i);
      lines.push(JSON.stringify(record));
      // Lines the byte scanner leaves to the full parser, which reads or refuses them.
      if (i % 7 === 0) lines.push(JSON.stringify({ ...record, callId: `${record.callId}-b`, reason: `naïve ${i}` }));
      if (i % 9 === 0) lines.push(JSON.stringify({ kind: 'call', ...record, callId: `${record.callId}-c` }));
      if (i % 11 === 0) lines.push(JSON.stringify(record));
      if (i % 13 === 0) lines.push(JSON.stringify(verdictRecord(record.taskId, i % 2 === 0 ? 'accepted' : 'rejected', record.time)));
      if (i % 17 === 0) lines.push('{"v":1,"taskId":', '', JSON.stringify({ ...record, callId: `${record.callId}-d`, attempt: 0 }));
    }
    const torn = JSON.stringify(callRecord({ time: '2026-11-30T10:00:00.000Z' })).slice(0, 60);
    fs.writeFileSync(path.join(dir, 'ledger-2026-11.jsonl'), `${lines.join('\n')}\n${torn}`);
    // What the full parser makes of each line: the first of each key, and the lines it refuses.
    const expected: LedgerRecord[] = [];
    const problems: [string, number][] = [];
    const keys = new Set<string>();
    lines.forEach((line, i) => {
      if (line === '') return;
      let parsed: ReturnType<typeof parseLedgerRecord>;
      try {
        parsed = parseLedgerRecord(JSON.parse(line));
      } catch {
        parsed = { error: 'not JSON' };
      }
      if ('error' in parsed) {
        problems.push(['corrupt', i + 1]);
        return;
      }
      const r = parsed.record;
      const key = r.kind === 'verdict' ? JSON.stringify([r.taskId, r.callId, r.verdict, r.time]) : r.callId;
      if (!keys.has(key)) expected.push(r);
      keys.add(key);
    });
    problems.push(['torn', lines.length + 1]);
    for (const chunkBytes of [5, 333, 4096, 1 << 20]) {
      const seen: LedgerRecord[] = [];
      const report = await new LedgerStore(dir, { chunkBytes }).load((r) => seen.push(r));
      assert.deepEqual(report.problems.map((p) => [p.kind, p.line]), problems, `chunk ${chunkBytes}`);
      assert.equal(report.duplicates, lines.length - problems.length + 1 - expected.length - lines.filter((l) => l === '').length, `chunk ${chunkBytes}`);
      assert.deepEqual(seen.map((r) => JSON.stringify(r)), expected.map((r) => JSON.stringify(r)), `chunk ${chunkBytes}: fields in the same order`);
      assert.deepEqual(seen, expected, `chunk ${chunkBytes}`);
    }
  });

  test('a sink that throws mid-load loses none of the records after it: a reload hands them on, once', async () => {
    const dir = tempDir('ledger');
    const writer = new LedgerStore(dir);
    const records = Array.from({ length: 200 }, () => callRecord());
    for (const record of records) writer.append(record);
    writer.close();
    const store = new LedgerStore(dir);
    const seen: string[] = [];
    const take = (record: LedgerRecord): void => {
      if (record.kind !== 'verdict') seen.push(record.callId);
    };
    await assert.rejects(store.load((record) => {
      if (seen.length === 100) throw new Error('sink failed');
      take(record);
    }), /sink failed/);
    await store.reload(take);
    // The record the sink threw on counts as read.
    assert.deepEqual(seen, records.filter((_, i) => i !== 100).map((r) => r.callId));
  });

  test('a torn tail is found with tiny chunks too, and reload picks the line up once it is completed', async () => {
    const dir = tempDir('ledger');
    const record = callRecord({ reason: 'ünïcödé' });
    const file = path.join(dir, ledgerFileName(record.time));
    const line = `${JSON.stringify(record)}\n`;
    const cut = Buffer.byteLength(line) - 10;
    fs.writeFileSync(file, Buffer.from(line).subarray(0, cut));
    const store = new LedgerStore(dir, { chunkBytes: 5 });
    const seen: LedgerRecord[] = [];
    const report = await store.load((r) => seen.push(r));
    assert.deepEqual(report.problems.map((p) => [p.kind, p.line]), [['torn', 1]]);
    fs.appendFileSync(file, Buffer.from(line).subarray(cut));
    const later = await store.reload((r) => seen.push(r));
    assert.deepEqual(later.problems, []);
    assert.equal(seen.length, 1, 'a write still in progress is not lost: the offset stays before it');
  });
});

describe('LedgerStore: crashes and concurrent writers', () => {
  test('a writer killed with SIGKILL mid-loop: load does not throw, every acknowledged record is kept', async () => {
    const dir = tempDir('ledger');
    // Far more than it can write before the kill: the pipe holds a few thousand acks at most.
    const result = await runWorker([dir, 'crash', '20000'], (line, kill) => {
      if (line === 'ack crash-300') kill();
    });
    assert.equal(result.signal, 'SIGKILL');
    const { records, report } = await loadAll(dir);
    const ids = new Set(records.map((r) => (r.kind === 'verdict' ? '' : r.callId)));
    for (const ack of result.acks) assert.ok(ids.has(ack), `acknowledged ${ack} is on disk`);
    const text = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
    assert.equal(records.length, text.split('\n').length - 1, 'every complete line is a kept record');
    assert.ok(report.problems.every((p) => p.kind === 'torn'));
  });

  test('a write cut in half by SIGKILL leaves a torn line that is reported; the rest loads', async () => {
    const dir = tempDir('ledger');
    await runWorker([dir, 'before', '20']);
    const result = await runWorker([dir, 'dying', '1', 'torn'], (line, kill) => {
      if (line === 'half') kill();
    });
    assert.equal(result.signal, 'SIGKILL');
    const { records, report } = await loadAll(dir);
    assert.equal(records.length, 20);
    assert.equal(report.problems.length, 1);
    assert.equal(report.problems[0]?.kind, 'torn');
    assert.equal(report.problems[0]?.line, 21);
  });

  test('two processes appending at once lose nothing: exactly 2N records, interleaved', async () => {
    const dir = tempDir('ledger');
    const n = 2000;
    const ready: ChildProcess[] = [];
    const gate = (line: string, _kill: () => void, child: ChildProcess): void => {
      if (line !== 'ready') return;
      ready.push(child);
      if (ready.length === 2) for (const c of ready) c.stdin?.end('go\n');
    };
    const [a, b] = await Promise.all([runWorker([dir, 'a', String(n), 'gated', 'b'], gate), runWorker([dir, 'b', String(n), 'gated', 'a'], gate)]);
    assert.equal(a.code, 0);
    assert.equal(b.code, 0);
    const { records, report } = await loadAll(dir);
    assert.deepEqual(report.problems, []);
    assert.equal(records.length, 2 * n);
    const ids = records.map((r) => (r.kind === 'verdict' ? '' : r.callId));
    assert.equal(new Set(ids).size, 2 * n);
    const switches = ids.filter((id, i) => i > 0 && id[0] !== ids[i - 1]?.[0]).length;
    assert.ok(switches >= 2, `the two writers' lines interleave in one file (${switches} switches)`);
  });
});

describe("a task's calls, for the cost report's details", () => {
  test('reads only the months the task spans and the lines naming it, each call once, oldest first', async () => {
    const dir = tempDir('ledger-task');
    const store = new LedgerStore(dir);
    const late = callRecord({ taskId: 'task-a', time: '2026-12-01T00:00:02.000Z', model: 'claude-opus-4-8', tier: 'O', outcome: 'ok' });
    const early = callRecord({ taskId: 'task-a', time: '2026-11-30T23:59:59.000Z', model: 'claude-haiku-4-5', tier: 'H', outcome: 'escalated' });
    const other = callRecord({ taskId: 'task-b', time: '2026-11-30T23:59:58.000Z', reason: 'task-a' });
    for (const record of [late, other, early, verdictRecord('task-a', 'accepted', '2026-12-01T00:01:00.000Z')]) store.append(record);
    store.close();
    // Another window's copy of a call (idempotent on callId), and a torn line naming the task.
    fs.appendFileSync(path.join(dir, ledgerFileName(late.time)), `${JSON.stringify(late)}\n{"v":1,"taskId":"task-a","callId":"torn`);
    // A month outside the task's times is not read.
    fs.writeFileSync(path.join(dir, 'ledger-2026-10.jsonl'), `${JSON.stringify(callRecord({ taskId: 'task-a', time: '2026-10-01T00:00:00.000Z' }))}\n`);

    const calls = await new LedgerStore(dir).callsOfTask('task-a', early.time, late.time);
    assert.deepEqual(calls.map((c) => [c.callId, c.model]), [[early.callId, 'claude-haiku-4-5'], [late.callId, 'claude-opus-4-8']]);
    assert.deepEqual(await new LedgerStore(dir).callsOfTask('task-b', other.time, other.time), [other], 'the line whose reason is "task-a" is task-b\'s call');
    assert.deepEqual(await new LedgerStore(dir).callsOfTask('task-c', early.time, late.time), []);
  });
});
