import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { cachedSystem, request, textOfTokens, useStandin } from './fixtures';

describe('standin: message batches', () => {
  const ctx = useStandin({ batchLatencyMs: 60_000 });
  beforeEach(() => ctx.standin.reset());

  test('round trip: create → in_progress → ended → results() as JSONL with batch usage', async () => {
    const client = ctx.client();
    const system = cachedSystem(textOfTokens(4200, 'claude-haiku-4-5'));
    ctx.standin.script.when({ lastUser: 'first' }, { text: 'answer one' });
    const created = await client.messages.batches.create({
      requests: [
        { custom_id: 'first', params: request({ system, messages: [{ role: 'user', content: 'first' }] }) },
        { custom_id: 'second', params: request({ system, messages: [{ role: 'user', content: 'second' }] }) },
        { custom_id: 'broken', params: { ...request(), model: 'claude-nope' } },
      ],
    });
    assert.equal(created.processing_status, 'in_progress');
    assert.equal(created.results_url, null);
    assert.deepEqual(created.request_counts, { processing: 3, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
    assert.match(created.id, /^msgbatch_01/);
    await assert.rejects(client.messages.batches.results(created.id), /results_url/);

    ctx.standin.clock.advance(60_000);
    const ended = await client.messages.batches.retrieve(created.id);
    assert.equal(ended.processing_status, 'ended');
    assert.deepEqual(ended.request_counts, { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 });
    assert.equal(ended.results_url, `${ctx.standin.url}/v1/messages/batches/${created.id}/results`);
    assert.ok(ended.ended_at);

    const results: MessageBatchIndividualResponse[] = [];
    for await (const item of await client.messages.batches.results(created.id)) results.push(item);
    assert.deepEqual(results.map((r) => [r.custom_id, r.result.type]), [['first', 'succeeded'], ['second', 'succeeded'], ['broken', 'errored']]);
    const [first, second, broken] = results;
    if (first?.result.type !== 'succeeded' || second?.result.type !== 'succeeded' || broken?.result.type !== 'errored') throw new Error('unexpected result types');
    assert.deepEqual(first.result.message.content[0], { type: 'text', text: 'answer one', citations: null });
    assert.equal(first.result.message.usage.service_tier, 'batch');
    // The two requests share a cached prefix: the second reads what the first wrote.
    assert.ok((first.result.message.usage.cache_creation_input_tokens ?? 0) >= 4096);
    assert.equal(second.result.message.usage.cache_read_input_tokens, first.result.message.usage.cache_creation_input_tokens);
    assert.equal(broken.result.error.error.type, 'not_found_error');
  });

  test('list pages newest first; cancel ends with canceled results; delete only once ended', async () => {
    const client = ctx.client();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const batch = await client.messages.batches.create({ requests: [{ custom_id: `r${i}`, params: request() }] });
      ids.push(batch.id);
    }
    const page = await client.messages.batches.list({ limit: 2 });
    assert.deepEqual(page.data.map((b) => b.id), [ids[2], ids[1]]);
    assert.equal(page.has_more, true);
    const all: string[] = [];
    for await (const batch of client.messages.batches.list({ limit: 2 })) all.push(batch.id);
    assert.deepEqual(all, [...ids].reverse());

    const target = ids[0] ?? '';
    await assert.rejects(client.messages.batches.delete(target), { status: 400 });
    const canceling = await client.messages.batches.cancel(target);
    assert.equal(canceling.processing_status, 'canceling');
    assert.ok(canceling.cancel_initiated_at);
    const canceled = await client.messages.batches.retrieve(target);
    assert.equal(canceled.processing_status, 'ended');
    assert.equal(canceled.request_counts.canceled, 1);
    const deleted = await client.messages.batches.delete(target);
    assert.deepEqual(deleted, { id: target, type: 'message_batch_deleted' });
    await assert.rejects(client.messages.batches.retrieve(target), { status: 404 });
  });

  test('invalid batch shapes are rejected up front', async () => {
    const client = ctx.client();
    await assert.rejects(client.messages.batches.create({ requests: [] }), { status: 400 });
    await assert.rejects(client.messages.batches.create({ requests: [
      { custom_id: 'same', params: request() }, { custom_id: 'same', params: request() },
    ] }), (err: { status?: number; message: string }) => err.status === 400 && /Duplicate custom_id/.test(err.message));
    await assert.rejects(client.messages.batches.create({ requests: [{ custom_id: 'has space', params: request() }] }), { status: 400 });
  });
});
