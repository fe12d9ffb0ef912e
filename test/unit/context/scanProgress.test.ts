import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { showWhenSlow } from '../../../src/vscode/workspaceScan';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('a scan shows its progress only when it is slow', () => {
  test('a scan done before its threshold shows nothing', async () => {
    const work = deferred<number>();
    const slow = deferred();
    const shown: Promise<number>[] = [];
    const result = showWhenSlow(work.promise, slow.promise, (w) => shown.push(w));
    work.resolve(7);
    assert.equal(await result, 7);
    slow.resolve();
    await slow.promise;
    assert.deepEqual(shown, []);
  });

  test('a scan still running at its threshold shows once, handed the scan to end with', async () => {
    const work = deferred<number>();
    const slow = deferred();
    const shown: Promise<number>[] = [];
    const result = showWhenSlow(work.promise, slow.promise, (w) => shown.push(w));
    slow.resolve();
    await slow.promise;
    assert.deepEqual(shown, [work.promise]);
    work.resolve(3);
    assert.equal(await result, 3);
    assert.equal(shown.length, 1);
  });

  test('a scan that fails is failed to its caller, and shows nothing once over', async () => {
    const work = deferred<number>();
    const slow = deferred();
    let shown = 0;
    const result = showWhenSlow(work.promise, slow.promise, () => shown++);
    work.reject(new Error('unreadable'));
    await assert.rejects(result, /unreadable/);
    slow.resolve();
    await slow.promise;
    assert.equal(shown, 0);
  });
});
