import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { countTokens } from '../../support/standin/tokens';
import { request, textOfTokens, useStandin } from './fixtures';

const weatherTool: Tool = { name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('standin: /v1/messages through the SDK', () => {
  const ctx = useStandin();

  test('create returns a Message with the exact field set, usage and request id', async () => {
    ctx.standin.script.enqueue({ text: 'Scripted hello' });
    const { data: message, response } = await ctx.client().messages.create(request()).withResponse();
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, 'claude-haiku-4-5');
    assert.deepEqual(message.content, [{ type: 'text', text: 'Scripted hello', citations: null }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.match(message.id, /^msg_01/);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.match(response.headers.get('request-id') ?? '', /^req_011/);
    assert.equal((message as { _request_id?: string | null })._request_id, response.headers.get('request-id'));
    assert.deepEqual(Object.keys(message.usage).sort(), [
      'cache_creation', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'inference_geo', 'input_tokens',
      'output_tokens', 'output_tokens_details', 'server_tool_use', 'service_tier', 'speed',
    ]);
    assert.equal(message.usage.output_tokens, countTokens('Scripted hello', 'legacy'));
    assert.equal(message.usage.service_tier, 'standard');
  });

  test('stream delivers several text deltas and finalMessage() assembles them', async () => {
    const text = 'The quick brown fox jumps over the lazy dog, then naps in the warm afternoon sun.';
    ctx.standin.script.enqueue({ text, deltas: 5 });
    const stream = ctx.client().messages.stream(request({ model: 'claude-sonnet-4-6' }));
    const deltas: string[] = [];
    const eventTypes: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    stream.on('streamEvent', (event) => eventTypes.push(event.type));
    const final = await stream.finalMessage();
    assert.equal(deltas.length, 5);
    assert.equal(deltas.join(''), text);
    assert.deepEqual(final.content, [{ type: 'text', text, citations: null }]);
    assert.equal(eventTypes[0], 'message_start');
    assert.equal(eventTypes[eventTypes.length - 1], 'message_stop');
    assert.equal(eventTypes.at(-2), 'message_delta');
    assert.equal(final.usage.output_tokens, countTokens(text, 'legacy'));
  });

  test('tool_use streams as input_json_delta and parses into the final input', async () => {
    ctx.standin.script.enqueue({ text: 'Let me check.', toolUse: { name: 'get_weather', input: { city: 'Paris', units: 'metric' } }, deltas: 3 });
    const stream = ctx.client().messages.stream(request({ tools: [weatherTool], model: 'claude-opus-4-8' }));
    const partials: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') partials.push(event.delta.partial_json);
    });
    const final = await stream.finalMessage();
    assert.equal(partials.length, 3);
    assert.equal(final.stop_reason, 'tool_use');
    const tool = final.content[1];
    assert.equal(tool?.type, 'tool_use');
    if (tool?.type === 'tool_use') {
      assert.deepEqual(tool.input, { city: 'Paris', units: 'metric' });
      assert.match(tool.id, /^toolu_01/);
      assert.deepEqual(tool.caller, { type: 'direct' });
    }
  });

  test('json replies arrive as JSON text', async () => {
    ctx.standin.script.enqueue({ json: { names: [{ name: 'userCount', why: 'counts users' }] } });
    const message = await ctx.client().messages.create(request());
    const block = message.content[0];
    assert.equal(block?.type, 'text');
    assert.deepEqual(JSON.parse(block?.type === 'text' ? block.text : ''), { names: [{ name: 'userCount', why: 'counts users' }] });
  });

  test('matchers select on model, system text and the last user message; queue wins over matchers', async () => {
    const { script } = ctx.standin;
    script.when({ model: 'claude-opus-4-8', system: /reviewer/ }, { text: 'opus reviewer' });
    script.when({ lastUser: 'ping' }, { text: 'pong' }, { times: 1 });
    const client = ctx.client();
    const byModel = await client.messages.create(request({ model: 'claude-opus-4-8', system: 'You are a reviewer.' }));
    const byUser = await client.messages.create(request({ messages: [{ role: 'user', content: 'ping please' }] }));
    const exhausted = await client.messages.create(request({ messages: [{ role: 'user', content: 'ping please' }] }));
    script.enqueue({ text: 'queued first' });
    const queued = await client.messages.create(request({ model: 'claude-opus-4-8', system: 'You are a reviewer.' }));
    script.clear();
    const text = (m: { content: { type: string; text?: string }[] }): string | undefined => m.content[0]?.text;
    assert.equal(text(byModel), 'opus reviewer');
    assert.equal(text(byUser), 'pong');
    assert.notEqual(text(exhausted), 'pong');
    assert.equal(text(queued), 'queued first');
  });

  test('max_tokens cuts the answer and stops with max_tokens; max_tokens 0 returns no content', async () => {
    const client = ctx.client();
    ctx.standin.script.enqueue({ text: textOfTokens(100, 'claude-haiku-4-5') });
    const cut = await client.messages.create(request({ max_tokens: 10 }));
    assert.equal(cut.stop_reason, 'max_tokens');
    assert.ok(cut.usage.output_tokens <= 10);
    const warm = await client.messages.create(request({ max_tokens: 0 }));
    assert.deepEqual(warm.content, []);
    assert.equal(warm.usage.output_tokens, 0);
  });

  test('stop_sequences end the text before the sequence', async () => {
    ctx.standin.script.enqueue({ text: 'first part STOP second part' });
    const message = await ctx.client().messages.create(request({ stop_sequences: ['STOP'] }));
    assert.equal(message.stop_reason, 'stop_sequence');
    assert.equal(message.stop_sequence, 'STOP');
    assert.deepEqual(message.content, [{ type: 'text', text: 'first part ', citations: null }]);
  });

  test('countTokens equals the prompt total that /v1/messages bills, for the same input', async () => {
    const client = ctx.client();
    const shapes = [
      { model: 'claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'Short question?' }] },
      { model: 'claude-opus-4-8', system: 'You are terse.', tools: [weatherTool], messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }, { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] }, { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_1', content: '3°C, rain' }] }] },
      { model: 'claude-sonnet-4-6', system: [{ type: 'text' as const, text: textOfTokens(3000, 'claude-sonnet-4-6'), cache_control: { type: 'ephemeral' as const } }], messages: [{ role: 'user' as const, content: 'Summarise.' }] },
    ];
    for (const shape of shapes) {
      const counted = await client.messages.countTokens(shape);
      const billed = await client.messages.create({ ...shape, max_tokens: 64 });
      const u = billed.usage;
      assert.equal(counted.input_tokens, u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0), shape.model);
    }
  });

  test('the v2 tokenizer counts the same prompt about 1.3× the legacy one', async () => {
    const client = ctx.client();
    const messages = [{ role: 'user' as const, content: textOfTokens(2000, 'claude-sonnet-4-6') }];
    const legacy = await client.messages.countTokens({ model: 'claude-sonnet-4-6', messages });
    const v2 = await client.messages.countTokens({ model: 'claude-opus-4-8', messages });
    const again = await client.messages.countTokens({ model: 'claude-opus-4-8', messages });
    const ratio = v2.input_tokens / legacy.input_tokens;
    assert.equal(again.input_tokens, v2.input_tokens);
    assert.ok(ratio > 1.25 && ratio < 1.35, `ratio ${ratio}`);
  });

  test('GET /v1/models lists the table and retrieves one model', async () => {
    const client = ctx.client();
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 5 })) ids.push(model.id);
    assert.ok(ids.includes('claude-haiku-4-5') && ids.includes('claude-fable-5-2'));
    assert.equal(new Set(ids).size, ids.length);
    const one = await client.models.retrieve('claude-opus-4-8');
    assert.equal(one.line, 'opus');
    assert.equal(one.type, 'model');
    await assert.rejects(client.models.retrieve('claude-opus-4-1'), { status: 404 });
  });

  test('unknown models answer 404 not_found_error on messages and count_tokens', async () => {
    const client = ctx.client();
    await assert.rejects(client.messages.create(request({ model: 'claude-opus-4-1' })), (err: { status?: number; type?: string }) => err.status === 404 && err.type === 'not_found_error');
    await assert.rejects(client.messages.countTokens({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] }), { status: 404 });
  });

  test('the log records method, path, model, redacted headers, status and billed usage', async () => {
    const { standin } = ctx;
    const before = standin.log.length;
    await ctx.client().messages.create(request({ model: 'claude-sonnet-5' }));
    const entry = standin.log[before];
    assert.ok(entry);
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1/messages');
    assert.equal(entry.model, 'claude-sonnet-5');
    assert.equal(entry.status, 200);
    assert.equal(entry.outcome, 'ok');
    assert.equal(entry.headers.authorization, 'Bearer [redacted]');
    assert.ok(!JSON.stringify(standin.log).includes('sk-ant-test-key'));
    assert.ok((entry.usage?.output_tokens ?? 0) > 0);
    assert.equal(typeof entry.durationMs, 'number');
  });
});

describe('standin: extended thinking', () => {
  const ctx = useStandin();

  test('thinking comes first, streams as thinking and signature deltas, and is counted in output tokens', async () => {
    ctx.standin.script.enqueue({ thinking: 'Consider the options carefully before answering.', text: 'Answer.' });
    const stream = ctx.client().messages.stream(request({ model: 'claude-opus-4-8', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } }));
    const thoughts: string[] = [];
    stream.on('thinking', (delta) => thoughts.push(delta));
    const final = await stream.finalMessage();
    const [thinking, answer] = final.content;
    assert.equal(thinking?.type, 'thinking');
    assert.equal(thinking?.type === 'thinking' && thinking.thinking, 'Consider the options carefully before answering.');
    assert.ok(thinking?.type === 'thinking' && thinking.signature.length > 10);
    assert.equal(thoughts.join(''), 'Consider the options carefully before answering.');
    assert.deepEqual(answer, { type: 'text', text: 'Answer.', citations: null });
    const thinkingTokens = countTokens('Consider the options carefully before answering.', 'v2');
    assert.deepEqual(final.usage.output_tokens_details, { thinking_tokens: thinkingTokens });
    assert.equal(final.usage.output_tokens, thinkingTokens + countTokens('Answer.', 'v2'));
  });

  test('display "omitted" sends an empty thinking block that is still billed; no thinking param, no block', async () => {
    const omitted = await ctx.client().messages.create(request({ model: 'claude-fable-5', max_tokens: 2000, thinking: { type: 'adaptive', display: 'omitted' } }));
    const block = omitted.content[0];
    assert.equal(block?.type === 'thinking' && block.thinking, '');
    assert.ok((omitted.usage.output_tokens_details?.thinking_tokens ?? 0) > 0);
    const plain = await ctx.client().messages.create(request({ model: 'claude-fable-5' }));
    assert.ok(plain.content.every((b) => b.type !== 'thinking'));
    assert.equal(plain.usage.output_tokens_details, null);
  });
});
