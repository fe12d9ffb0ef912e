import { describe, test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageCreateParamsNonStreaming, Usage } from '@anthropic-ai/sdk/resources/messages';
import { LOOKBACK_BLOCKS } from '../../support/standin/cache';
import { faults } from '../../support/standin/server';
import { cachedSystem, textOfTokens, useStandin } from './fixtures';

const MINUTE = 60_000;
// Sonnet 4.6 caches from 2048 tokens; the prefix sits comfortably above it.
const MODEL = 'claude-sonnet-4-6';
const PREFIX = textOfTokens(2500, MODEL);

describe('standin: prompt caching', () => {
  const ctx = useStandin();
  beforeEach(() => ctx.standin.reset());

  async function usage(params: Partial<MessageCreateParamsNonStreaming>): Promise<Usage & { total: number }> {
    const body = { model: MODEL, max_tokens: 32, messages: [{ role: 'user' as const, content: 'Question one?' }], ...params };
    const message = await ctx.client().messages.create(body);
    const { max_tokens: _unused, ...countable } = body;
    const counted = await ctx.client().messages.countTokens(countable);
    return { ...message.usage, total: counted.input_tokens };
  }

  test('an identical second call reads exactly what the first wrote; input_tokens is the uncached rest', async () => {
    const first = await usage({ system: cachedSystem(PREFIX) });
    const second = await usage({ system: cachedSystem(PREFIX) });
    assert.ok(first.cache_creation_input_tokens && first.cache_creation_input_tokens >= 2048);
    assert.equal(first.cache_read_input_tokens, 0);
    assert.deepEqual(first.cache_creation, { ephemeral_5m_input_tokens: first.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 });
    assert.equal(first.input_tokens, first.total - first.cache_creation_input_tokens);
    assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens);
    assert.equal(second.cache_creation_input_tokens, 0);
    assert.equal(second.input_tokens, second.total - second.cache_read_input_tokens);
  });

  test('one changed byte before the breakpoint misses; a change after it still hits', async () => {
    await usage({ system: cachedSystem(PREFIX) });
    const changedBefore = await usage({ system: cachedSystem(`${PREFIX.slice(0, 100)}X${PREFIX.slice(101)}`) });
    assert.equal(changedBefore.cache_read_input_tokens, 0);
    assert.ok((changedBefore.cache_creation_input_tokens ?? 0) > 0);
    const changedAfter = await usage({ system: cachedSystem(PREFIX), messages: [{ role: 'user', content: 'A different question entirely?' }] });
    assert.ok((changedAfter.cache_read_input_tokens ?? 0) > 0);
    assert.equal(changedAfter.cache_creation_input_tokens, 0);
  });

  test('below the model minimum nothing is cached and nothing errors', async () => {
    const short = textOfTokens(1500, MODEL);
    const first = await usage({ system: cachedSystem(short) });
    const second = await usage({ system: cachedSystem(short) });
    for (const u of [first, second]) {
      assert.equal(u.cache_creation_input_tokens, 0);
      assert.equal(u.cache_read_input_tokens, 0);
      assert.equal(u.input_tokens, u.total);
    }
    assert.deepEqual(ctx.standin.cacheEntries(), []);
  });

  test('the 5m TTL is refreshed by each hit and expires after five idle minutes', async () => {
    const { clock } = ctx.standin;
    await usage({ system: cachedSystem(PREFIX) });
    clock.advance(4 * MINUTE);
    assert.ok(((await usage({ system: cachedSystem(PREFIX) })).cache_read_input_tokens ?? 0) > 0, 'hit at 4 min');
    clock.advance(4 * MINUTE);
    assert.ok(((await usage({ system: cachedSystem(PREFIX) })).cache_read_input_tokens ?? 0) > 0, 'hit at 8 min thanks to the refresh');
    clock.advance(5 * MINUTE + 1);
    const expired = await usage({ system: cachedSystem(PREFIX) });
    assert.equal(expired.cache_read_input_tokens, 0);
    assert.ok((expired.cache_creation_input_tokens ?? 0) > 0);
  });

  test('caches are scoped to the model; a dated alias shares its model\'s cache', async () => {
    await usage({ system: cachedSystem(PREFIX) });
    const other = await usage({ model: 'claude-sonnet-5', system: cachedSystem(PREFIX) });
    assert.equal(other.cache_read_input_tokens, 0);
    assert.ok((other.cache_creation_input_tokens ?? 0) > 0);
    const opusPrefix = textOfTokens(4500, 'claude-opus-4-5');
    const canonical = await usage({ model: 'claude-opus-4-5', system: cachedSystem(opusPrefix) });
    const alias = await usage({ model: 'claude-opus-4-5-20251101', system: cachedSystem(opusPrefix) });
    assert.ok((canonical.cache_creation_input_tokens ?? 0) >= 4096);
    assert.equal(alias.cache_read_input_tokens, canonical.cache_creation_input_tokens);
  });

  test('1h and 5m breakpoints split cache_creation; after 30 minutes only the 1h part is read', async () => {
    const params = (): Partial<MessageCreateParamsNonStreaming> => ({
      system: cachedSystem(PREFIX, '1h'),
      messages: [{ role: 'user', content: [{ type: 'text', text: textOfTokens(600, MODEL, 7), cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Now answer.' }] }],
    });
    const first = await usage(params());
    const oneHour = first.cache_creation?.ephemeral_1h_input_tokens ?? 0;
    const fiveMin = first.cache_creation?.ephemeral_5m_input_tokens ?? 0;
    assert.ok(oneHour >= 2048 && fiveMin > 0);
    assert.equal(first.cache_creation_input_tokens, oneHour + fiveMin);
    ctx.standin.clock.advance(30 * MINUTE);
    const later = await usage(params());
    assert.equal(later.cache_read_input_tokens, oneHour);
    assert.deepEqual(later.cache_creation, { ephemeral_5m_input_tokens: fiveMin, ephemeral_1h_input_tokens: 0 });
  });

  test('a 1h breakpoint after a 5m one is rejected, as are more than four breakpoints', async () => {
    const client = ctx.client();
    await assert.rejects(client.messages.create({
      model: MODEL, max_tokens: 8, system: cachedSystem(PREFIX, '5m'),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '1h' } }] }],
    }), (err: { status?: number; message: string }) => err.status === 400 && /ttl='1h'/.test(err.message));
    const blocks = Array.from({ length: 5 }, (_, i) => ({ type: 'text' as const, text: `block ${i}`, cache_control: { type: 'ephemeral' as const } }));
    await assert.rejects(client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: blocks }] }),
      (err: { status?: number; message: string }) => err.status === 400 && /maximum of 4/.test(err.message));
  });

  test('top-level cache_control caches the growing conversation turn by turn', async () => {
    const turn1 = [{ role: 'user' as const, content: PREFIX }];
    const first = await usage({ cache_control: { type: 'ephemeral' }, messages: turn1 });
    const turn2 = [...turn1, { role: 'assistant' as const, content: 'Noted.' }, { role: 'user' as const, content: 'And next?' }];
    const second = await usage({ cache_control: { type: 'ephemeral' }, messages: turn2 });
    assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens);
    assert.equal(second.cache_creation_input_tokens, second.total - (second.cache_read_input_tokens ?? 0));
  });

  test(`a breakpoint looks back ${LOOKBACK_BLOCKS} blocks for an earlier entry, and no further`, async () => {
    const model = 'claude-opus-5';
    const system = textOfTokens(700, model);
    const blocks = (n: number): { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } }[] =>
      Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `note ${i}`, ...(i === n - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}) }));
    const call = (n: number): Promise<Usage & { total: number }> => usage({ model, system, messages: [{ role: 'user', content: blocks(n) }] });
    const base = await call(3);
    assert.ok((base.cache_creation_input_tokens ?? 0) > 0);
    const tooFar = await call(3 + LOOKBACK_BLOCKS + 1);
    assert.equal(tooFar.cache_read_input_tokens, 0);
    const inReach = await call(3 + LOOKBACK_BLOCKS);
    assert.equal(inReach.cache_read_input_tokens, base.cache_creation_input_tokens);
  });

  test('tool_choice changes keep the system cache; tool changes lose it', async () => {
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const } }];
    const first = await usage({ tools, system: cachedSystem(PREFIX) });
    const choiceChanged = await usage({ tools, tool_choice: { type: 'any' }, system: cachedSystem(PREFIX) });
    assert.equal(choiceChanged.cache_read_input_tokens, first.cache_creation_input_tokens);
    const toolsChanged = await usage({ tools: [...tools, { name: 'other', input_schema: { type: 'object' as const } }], system: cachedSystem(PREFIX) });
    assert.equal(toolsChanged.cache_read_input_tokens, 0);
  });

  test('a speed change keeps the tools cache but loses the system cache', async () => {
    const tools = [{ name: 'search', description: PREFIX, input_schema: { type: 'object' as const }, cache_control: { type: 'ephemeral' as const } }];
    const system = cachedSystem(textOfTokens(500, MODEL, 3));
    const first = await usage({ tools, system });
    const fast = await usage({ tools, system, speed: 'fast' });
    assert.ok((fast.cache_read_input_tokens ?? 0) > 0, 'tools prefix read');
    assert.ok((fast.cache_read_input_tokens ?? 0) < (first.cache_creation_input_tokens ?? 0), 'system part rewritten');
    assert.equal((fast.cache_read_input_tokens ?? 0) + (fast.cache_creation_input_tokens ?? 0), first.cache_creation_input_tokens);
  });

  test('an entry is readable only once the response that wrote it has started: parallel calls both miss', async () => {
    ctx.standin.script.fault(faults.slowFirstByte(150));
    const [slow, fast] = await Promise.all([
      usage({ system: cachedSystem(PREFIX) }),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => usage({ system: cachedSystem(PREFIX) })),
    ]);
    assert.equal(slow.cache_read_input_tokens, 0);
    assert.equal(fast.cache_read_input_tokens, 0);
    assert.ok((slow.cache_creation_input_tokens ?? 0) > 0 && (fast.cache_creation_input_tokens ?? 0) > 0);
    const after = await usage({ system: cachedSystem(PREFIX) });
    assert.equal(after.cache_read_input_tokens, slow.cache_creation_input_tokens);
  });

  test('cache diagnostics name what changed since the previous message', async () => {
    const client = ctx.client();
    const base = { model: MODEL, max_tokens: 16, system: cachedSystem(PREFIX), messages: [{ role: 'user' as const, content: 'Hi' }] };
    const first = await client.messages.create({ ...base, diagnostics: { previous_message_id: null } });
    assert.deepEqual(first.diagnostics, { cache_miss_reason: null });
    const changed = await client.messages.create({ ...base, system: cachedSystem(`${PREFIX} v2`), diagnostics: { previous_message_id: first.id } });
    assert.equal(changed.diagnostics?.cache_miss_reason?.type, 'system_changed');
    const unknown = await client.messages.create({ ...base, diagnostics: { previous_message_id: 'msg_01unknown' } });
    assert.deepEqual(unknown.diagnostics, { cache_miss_reason: { type: 'previous_message_not_found' } });
  });
});

describe('standin: per-model minimum override', () => {
  const ctx = useStandin({ minCacheable: { 'claude-haiku-4-5': 100 } });

  test('a lowered minimum lets a small prefix cache', async () => {
    const system = cachedSystem(textOfTokens(200, 'claude-haiku-4-5'));
    const client = ctx.client();
    const first = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, system, messages: [{ role: 'user', content: 'Hi' }] });
    const second = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, system, messages: [{ role: 'user', content: 'Hi' }] });
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) >= 200);
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
  });
});
