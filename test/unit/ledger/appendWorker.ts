// A child process for the store's crash and two-writer tests (not a test file itself).
// argv: dir, prefix, count, mode ('whole' | 'torn' | 'gated'). The count is always finite,
// so a worker whose parent died cannot go on filling the disk.
// 'gated' prints "ready" and waits for a line on stdin, so two workers start together; it
// then writes half its records, waits until the other writer's (argv[4]) lines are in the
// file, and writes the rest, so the two writers' lines are bound to interleave.
// Prints "ack <callId>" after each append returns, so the parent knows what was acknowledged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LedgerStore, ledgerFileName } from '../../../src/llm/ledgerStore';
import { callRecord } from '../../support/fixtures/usage/records';

const [dir = '', prefix = 'w', countArg = '10', mode = 'whole', other = ''] = process.argv.slice(2);
const store = new LedgerStore(dir);
const count = Number(countArg);

if (mode === 'torn') {
  // A write cut in half: the first half lands, then the process is killed before the rest.
  const record = callRecord({ callId: `${prefix}-torn` });
  const line = JSON.stringify(record);
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, ledgerFileName(record.time)), line.slice(0, Math.floor(line.length / 2)));
  process.stdout.write('half\n');
  setInterval(() => undefined, 1000);
} else if (mode === 'gated') {
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    process.stdin.pause();
    appendRange(0, Math.floor(count / 2));
    const file = path.join(dir, ledgerFileName(callRecord().time));
    const deadline = Date.now() + 20_000;
    const waitForOther = (): void => {
      if (fs.readFileSync(file, 'utf8').includes(`"callId":"${other}-`) || Date.now() > deadline) {
        appendRange(Math.floor(count / 2), count);
        store.close();
      } else {
        setTimeout(waitForOther, 1);
      }
    };
    waitForOther();
  });
} else {
  appendAll();
}

function appendAll(): void {
  appendRange(0, count);
  store.close();
}

function appendRange(from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const callId = `${prefix}-${i}`;
    store.append(callRecord({ callId, taskId: `${prefix}-task-${i % 7}` }));
    process.stdout.write(`ack ${callId}\n`);
  }
}
