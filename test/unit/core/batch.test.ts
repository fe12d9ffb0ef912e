import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLAIM_HOLDS_MS, PendingBatch as PendingBatchShape, batchAnswer, batchCallId, changedFiles, claimStanding, fileKeys, partKey, pollDelayMs } from '../../../src/core/batch';
import { SAVED_VERSION, readSaved } from '../../../src/core/resultViews';
import { buildDigest, digestChunks } from '../../../src/core/review';
import type { BatchClaim, BatchResultLine, PendingBatch } from '../../../src/core/batch';
import { normaliseUsage } from '../../../src/core/pricing/cost';

const normalise = (usage: unknown) => normaliseUsage(usage).usage;

function succeeded(usage: Record<string, unknown>, text = '{"findings":[]}'): BatchResultLine {
  return { custom_id: 'part-1', result: { type: 'succeeded', message: { model: 'claude-sonnet-4-6', content: [{ type: 'text', text }], usage } } };
}

const pending: PendingBatch = {
  id: 'msgbatch_01abc', folder: 'file:///w/src', where: 'src (2 files)', taskId: 't-1', submitted: '2026-11-25T04:00:00.000Z',
  parts: [{ customId: 'part-1', part: 1, key: partKey('text'), files: { 'src/a.ts': partKey('text') }, tier: 'S', model: 'claude-sonnet-4-6', reasons: ['review pass 1'] }],
};

describe('batch reviews', () => {
  test('checks back after 15 s, doubling each time, never more than 5 min apart', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 50].map(pollDelayMs), [15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
  });

  test('a result keeps one call id whenever it is read, distinct per request and per batch', () => {
    assert.equal(batchCallId('msgbatch_1', 'part-2'), batchCallId('msgbatch_1', 'part-2'));
    assert.notEqual(batchCallId('msgbatch_1', 'part-2'), batchCallId('msgbatch_1', 'part-3'));
    assert.notEqual(batchCallId('msgbatch_1', 'part-2'), batchCallId('msgbatch_2', 'part-2'));
  });

  test('a succeeded result is its text and its four usage counts at batch rates', () => {
    const answer = batchAnswer(succeeded({ input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 5, cache_read_input_tokens: 7, service_tier: 'batch' }, 'hello'), normalise);
    assert.deepEqual(answer, { customId: 'part-1', text: 'hello', usage: { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 5, cache_read_input_tokens: 7, service_tier: 'batch' } });
    // A result without its service_tier is still a batch's: it is not priced at the standard rate.
    const bare = batchAnswer(succeeded({ input_tokens: 1, output_tokens: 1 }), normalise);
    assert.equal('usage' in bare && bare.usage.service_tier, 'batch');
  });

  test('errored, cancelled and expired results have no answer and say they were not billed', () => {
    const errored = batchAnswer({ custom_id: 'part-2', result: { type: 'errored', error: { error: { type: 'invalid_request_error', message: 'max_tokens: too large' } } } }, normalise);
    assert.deepEqual(errored, { customId: 'part-2', unanswered: 'its batch request failed (invalid_request_error: max_tokens: too large); not billed' });
    assert.match((batchAnswer({ custom_id: 'part-3', result: { type: 'canceled' } }, normalise) as { unanswered: string }).unanswered, /cancelled before it ran; not billed$/);
    assert.match((batchAnswer({ custom_id: 'part-4', result: { type: 'expired' } }, normalise) as { unanswered: string }).unanswered, /expired after 24 hours unanswered; not billed$/);
  });

  test('a part is matched by its text as sent: an edit changes its key', () => {
    assert.equal(partKey('const a = 1;\n'), partKey('const a = 1;\n'));
    assert.notEqual(partKey('const a = 1;\n'), partKey('const a = 2;\n'));
  });

  test('pending batches read back from workspaceState; a damaged entry is dropped and said', () => {
    const read = (stored: unknown) => readSaved(stored, PendingBatchShape);
    assert.deepEqual(read(undefined), { entries: [], damaged: false });
    assert.deepEqual(read({ version: SAVED_VERSION, entries: [pending] }), { entries: [pending], damaged: false });
    assert.deepEqual(read({ version: SAVED_VERSION, entries: [pending, { id: 'x' }] }), { entries: [pending], damaged: true });
    assert.deepEqual(read('nonsense'), { entries: [], damaged: true });
  });
});

describe('changedFiles', () => {
  const a = { path: 'src/a.ts', text: 'export const a = 1;\n' };
  const b = { path: 'src/b.ts', text: 'export const b = 2;\n' };
  const keysOf = (files: { path: string; text: string }[]) => {
    const digest = buildDigest(files);
    return fileKeys(digest.text, digest.parts);
  };

  test('names the files of a part whose lines no part held when the batch was sent, not their neighbours', () => {
    const sent = [{ files: keysOf([a, b]) }];
    assert.deepEqual(changedFiles(keysOf([a, b]), sent), []);
    assert.deepEqual(changedFiles(keysOf([a, { ...b, text: 'export const b = 3;\n' }]), sent), ['src/b.ts']);
    assert.deepEqual(changedFiles(keysOf([{ ...a, text: '// edited\n' }, b]), sent), ['src/a.ts'], 'a file whose lines are as sent is not named, wherever it now sits');
  });

  test('a long file\'s slices are each known by their own lines, in whichever part they went', () => {
    const long = { path: 'src/long.ts', text: Array.from({ length: 900 }, (_, i) => `export const v${i} = ${i};`).join('\n') };
    const sent = digestChunks([long]).map((d) => ({ files: fileKeys(d.text, d.parts ?? []) }));
    assert.equal(sent.length, 3);
    const now = digestChunks([{ ...long, text: long.text.replace('export const v850 = 850;', 'export const v850 = 0;') }]);
    assert.deepEqual(now.map((d) => changedFiles(fileKeys(d.text, d.parts ?? []), sent)), [[], [], ['src/long.ts']]);
  });

  test('a batch sent by an earlier version, which kept no file keys, names nothing', () => {
    assert.deepEqual(changedFiles(keysOf([a]), [{}]), []);
  });
});

describe('claimStanding', () => {
  const now = Date.parse('2026-11-25T05:00:00.000Z');
  const me = { owner: 'window-b', host: 'box', now, running: (pid: number) => pid === 100 };
  const claim: BatchClaim = { owner: 'window-a', pid: 100, host: 'box', time: '2026-11-25T04:59:00.000Z' };
  const ago = (ms: number) => new Date(now - ms).toISOString();

  test('a claim of another window that is running holds, until it is older than any finishing takes (its process id reused)', () => {
    assert.equal(claimStanding(claim, 0, me), 'held');
    assert.equal(claimStanding({ ...claim, time: ago(CLAIM_HOLDS_MS - 1000) }, 0, me), 'held');
    assert.equal(claimStanding({ ...claim, time: ago(CLAIM_HOLDS_MS + 1000) }, 0, me), 'abandoned');
  });

  test('a claim done is done, whoever made it and whether its window still runs', () => {
    assert.equal(claimStanding({ ...claim, done: true }, 0, me), 'done');
    assert.equal(claimStanding({ ...claim, pid: 7, done: true }, 0, me), 'done');
    assert.equal(claimStanding({ ...claim, owner: 'window-b', done: true }, 0, me), 'done');
  });

  test('this window\'s own claim, not done, is an earlier try that stopped part-way', () => {
    assert.equal(claimStanding({ ...claim, owner: 'window-b' }, 0, me), 'mine');
  });

  test('a claim whose process on this host has ended is abandoned at once', () => {
    assert.equal(claimStanding({ ...claim, pid: 7 }, 0, me), 'abandoned');
  });

  test('of another host, a claim holds until it is older than CLAIM_HOLDS_MS', () => {
    const elsewhere = { ...claim, host: 'other', pid: 7 };
    assert.equal(claimStanding({ ...elsewhere, time: ago(CLAIM_HOLDS_MS - 1000) }, 0, me), 'held');
    assert.equal(claimStanding({ ...elsewhere, time: ago(CLAIM_HOLDS_MS + 1000) }, 0, me), 'abandoned');
  });

  test('an unreadable claim (being written, or damaged) holds by its file\'s time', () => {
    assert.equal(claimStanding(undefined, now - 1000, me), 'held');
    assert.equal(claimStanding(undefined, now - CLAIM_HOLDS_MS - 1000, me), 'abandoned');
  });
});
