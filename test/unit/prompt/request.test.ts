import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MODELS } from '../../../src/core/models';
import { PrefixRenderer } from '../../../src/core/prompt/prefix';
import { MAX_CACHE_BREAKPOINTS, SecretLikeContentError, buildRequest, placeBreakpoints, renderUserMessage } from '../../../src/core/prompt/request';
import { instructionsFor } from '../../../src/core/prompt/instructions';
import { parseTaskHeader, taskOfSystem } from '../../../src/core/protocol';
import { FIXTURE_WORKSPACE, PLANTED_MARKERS, loadWorkspace, pinFile } from '../../support/fsWorkspace';
import { randomish } from '../context/helpers';
import { planWith, segment, segmentNamed, textOfTokens } from './builders';

const selection = { path: 'src/util/math.ts', startLine: 2, endLine: 4, languageId: 'typescript', text: 'export function total() {\n  return 0;\n}' };

describe('layout', () => {
  test('system blocks are context, pinned, instructions; the selection and question come after the last marker', () => {
    const plan = planWith({ contextTokens: 3000, pinned: { 'src/a.ts': textOfTokens(500) } });
    const { system, messages } = plan.body;
    assert.deepEqual(plan.segments.map((s) => s.name), ['context', 'pinned', 'instructions']);
    assert.equal(system.length, 3);
    assert.equal(system[2]?.text, instructionsFor('explain'), 'the instructions close the prefix');
    assert.equal(taskOfSystem(system.map((b) => b.text)), 'explain');
    assert.equal(parseTaskHeader(system[0]?.text ?? ''), undefined, 'the workspace block opens with no header');
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.role, 'user');
    assert.ok(messages[0]?.content.every((b) => b.cache_control === undefined), 'no marker after the prefix');
    assert.match(messages[0]?.content[0]?.text ?? '', /^Request: What does this do\?$/);
  });

  test('the user message follows the protocol: File, Lines, Language, fenced code, Request', () => {
    const text = renderUserMessage(selection, 'Add overflow checks');
    assert.equal(text, ['File: src/util/math.ts', 'Lines: 2-4', 'Language: typescript', '```typescript', selection.text, '```', 'Request: Add overflow checks'].join('\n'));
  });

  test('a follow-up sends the conversation: the selection with the first question, each answer, then the new question alone', () => {
    const earlier = [{ question: 'What does this return?', answer: 'Always 0.' }, { question: 'Why?', answer: 'The sum is never added.' }];
    const plan = buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', selection, question: 'How do I fix it?', earlier, ttl: '5m', maxTokens: 10 });
    const messages = plan.body.messages.map((m) => [m.role, m.content[0]?.text]);
    assert.deepEqual(messages, [
      ['user', renderUserMessage(selection, 'What does this return?')],
      ['assistant', 'Always 0.'],
      ['user', 'Request: Why?'],
      ['assistant', 'The sum is never added.'],
      ['user', 'Request: How do I fix it?'],
    ]);
    const alone = buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', selection, question: 'How do I fix it?', ttl: '5m', maxTokens: 10 });
    const total = (p: typeof plan) => p.segments.reduce((sum, s) => sum + s.tokens, 0) + p.requestTokens;
    assert.ok(total(plan) > total(alone), 'the whole conversation counts toward the estimate');
    assert.deepEqual(plan.body.system, alone.body.system, 'the cached prefix is the same bytes');
  });

  test('a follow-up marks the question the previous request ended with and its own, within the API\'s four markers', () => {
    const context = { name: 'context' as const, text: textOfTokens(3000, 'ctx'), fingerprint: 'ctx', parts: [] };
    const pinned = segment('pinned', { 'src/a.ts': textOfTokens(500) });
    const earlier = [{ question: 'What does this return?', answer: 'Always 0.' }, { question: 'Why?', answer: 'The sum is never added.' }];
    const plan = buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', context, pinned, selection, question: 'How do I fix it?', earlier, ttl: '1h', maxTokens: 10 });
    const markers = plan.body.messages.map((m) => m.content[0]?.cache_control);
    assert.deepEqual(markers, [undefined, undefined, { type: 'ephemeral', ttl: '1h' }, undefined, { type: 'ephemeral', ttl: '1h' }]);
    assert.equal(plan.breakpoints, MAX_CACHE_BREAKPOINTS);
    const all = [...plan.body.system, ...plan.body.messages.flatMap((m) => m.content)].filter((b) => b.cache_control).length;
    assert.equal(all, MAX_CACHE_BREAKPOINTS, 'four in the body, as the plan says');
    assert.deepEqual(plan.segments.map((s) => [s.name, s.cached]), [['context', false], ['pinned', true], ['instructions', true], ['conversation', true], ['conversation', true]], 'the earliest system marker gives way');
    assert.equal(plan.requestTokens, 0, 'every message is in a segment');
    // A first Ask marks no message: most are never followed up, and a marker there would buy nothing.
    const ask = buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', context, selection, question: 'q', ttl: '5m', maxTokens: 10 });
    assert.ok(ask.body.messages.every((m) => m.content.every((b) => !b.cache_control)));
    // Below the model's minimum, no conversation marker.
    const small = buildRequest({ task: 'ask', model: 'claude-haiku-4-5', selection, question: 'q', earlier, ttl: '5m', maxTokens: 10 });
    assert.ok(small.body.messages.every((m) => m.content.every((b) => !b.cache_control)));
    assert.match(small.segments.at(-1)?.skippedReason ?? '', /below claude-haiku-4-5's minimum cacheable 4096: no marker/);
  });

  test('a selection containing backtick fences gets a longer fence', () => {
    const text = renderUserMessage({ ...selection, text: 'const md = "```js\\nx\\n```";' }, 'q');
    assert.match(text, /^````typescript$/m);
  });

  test('the body is plain JSON in the Messages API shape', () => {
    const plan = planWith();
    const roundTrip = JSON.parse(JSON.stringify(plan.body)) as typeof plan.body;
    assert.deepEqual(roundTrip, plan.body);
    assert.deepEqual(Object.keys(plan.body).sort(), ['max_tokens', 'messages', 'model', 'system']);
    assert.equal(plan.body.max_tokens, 1024);
  });

  test('without workspace segments the instructions are the only system block, header first', () => {
    const plan = buildRequest({ task: 'review', model: 'claude-sonnet-4-6', question: 'q', ttl: '5m', maxTokens: 10 });
    assert.deepEqual(plan.segments.map((s) => s.name), ['instructions']);
    assert.equal(taskOfSystem(plan.body.system.map((b) => b.text)), 'review');
  });

  test('a task switch changes only the last system block: the workspace bytes and their marker stay', () => {
    const pinned = { 'src/a.ts': textOfTokens(500) };
    const explain = planWith({ task: 'explain', pinned });
    const review = planWith({ task: 'review', pinned });
    assert.deepEqual(review.body.system.slice(0, 2), explain.body.system.slice(0, 2));
    assert.notEqual(review.body.system[2]?.text, explain.body.system[2]?.text);
    assert.equal(segmentNamed(review, 'pinned').cached, true, 'context + pinned is its own cache entry');
  });

  test('empty segments are left out (the API rejects empty text blocks)', () => {
    const plan = buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', context: { ...segment('context', {}), text: '' }, question: 'q', ttl: '5m', maxTokens: 10 });
    assert.equal(plan.body.system.length, 1);
  });
});

describe('cache markers', () => {
  test('never more than 4, even with more cacheable segments than that: the last four keep theirs', () => {
    const six = Array.from({ length: 6 }, (_, i) => segment('pinned', { [`f${i}.ts`]: textOfTokens(3000, `s${i}`) }));
    const infos = placeBreakpoints(six, 'claude-sonnet-4-6', 2048);
    assert.deepEqual(infos.map((s) => s.cached), [false, false, true, true, true, true]);
    assert.equal(infos.filter((s) => s.cached).length, MAX_CACHE_BREAKPOINTS);
    assert.match(infos[0]?.skippedReason ?? '', /more than 4 cacheable segments/);
  });

  test('a segment whose cumulative prefix is below the model minimum gets no marker, with the reason', () => {
    const plan = planWith({ model: 'claude-opus-4-8', contextTokens: 1000 });
    assert.equal(plan.breakpoints, 0);
    assert.ok(plan.body.system.every((b) => b.cache_control === undefined));
    for (const name of ['context', 'instructions'] as const) {
      assert.match(segmentNamed(plan, name).skippedReason ?? '', /below claude-opus-4-8's minimum cacheable 4096/, name);
    }
  });

  test('the minimum applies to the cumulative prefix, not to the segment alone', () => {
    // Pinned alone is small, but context + pinned crosses the minimum; so do the instructions after them.
    const plan = planWith({ model: 'claude-sonnet-4-6', contextTokens: 1900, pinned: { 'a.ts': textOfTokens(300) } });
    assert.deepEqual(plan.segments.map((s) => [s.name, s.cached]), [['context', false], ['pinned', true], ['instructions', true]]);
    assert.ok(segmentNamed(plan, 'pinned').tokens < 2048);
    assert.ok(segmentNamed(plan, 'instructions').tokens < 2048);
  });

  test('per model: the same prefix is cacheable on Sonnet 4.6 (2048) but not on Haiku 4.5 (4096)', () => {
    assert.ok(planWith({ model: 'claude-sonnet-4-6', contextTokens: 2500 }).breakpoints > 0);
    assert.equal(planWith({ model: 'claude-haiku-4-5', contextTokens: 2500 }).breakpoints, 0);
  });

  test('every model in the table gets markers placed by its own minimum', () => {
    for (const model of MODELS) {
      const plan = planWith({ model: model.id, contextTokens: 5000 });
      assert.equal(plan.minCacheableTokens, model.minCacheableTokens);
      for (const s of plan.segments) assert.equal(s.cached, s.cumulativeTokens >= model.minCacheableTokens, `${model.id} ${s.name}`);
    }
  });

  test('the marker carries the TTL', () => {
    const plan = planWith({ ttl: '1h', contextTokens: 3000 });
    const marked = plan.body.system.filter((b) => b.cache_control);
    assert.ok(marked.length > 0);
    for (const b of marked) assert.deepEqual(b.cache_control, { type: 'ephemeral', ttl: '1h' });
  });
});

describe('secrets', () => {
  test('a selection from a file named like a credentials file is refused by its name, whatever it holds', () => {
    for (const path of ['.env', 'config/.env.production', 'deploy/id_rsa', 'certs/server.pem', 'credentials.json']) {
      assert.throws(
        () => buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: { ...selection, path, text: 'DB_PASSWORD=hunter2' }, question: 'review this', ttl: '5m', maxTokens: 10 }),
        (err: unknown) => err instanceof SecretLikeContentError && err.where === 'file' && err.message.startsWith(`${path} is never sent to the model: its name marks it as a credentials file (`) && !err.message.includes('hunter2'),
        path,
      );
    }
    // A name that only resembles one is sent as usual.
    assert.ok(buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: { ...selection, path: 'src/environment.ts', text: 'export const env = process.env;' }, question: 'review this', ttl: '5m', maxTokens: 10 }));
  });

  test('a file outside the workspace or behind a link is refused by where it really is, which is never sent', () => {
    // Outside the workspace the model is told only the file's name; `config` alone is no key file.
    for (const origin of ['home/ana/.kube/config', 'Users/ana/.docker/config.json', 'home/ana/.aws/credentials', 'home/ana/.ssh/id_ed25519']) {
      const name = origin.split('/').pop()!;
      assert.throws(
        () => buildRequest({ task: 'explain', model: 'claude-haiku-4-5', selection: { ...selection, path: name, origins: [origin], text: 'apiVersion: v1' }, question: 'explain', ttl: '5m', maxTokens: 10 }),
        (err: unknown) => err instanceof SecretLikeContentError && err.message.startsWith(`${name} is never sent to the model`) && !err.message.includes('ana'),
        origin,
      );
    }
    const plan = buildRequest({ task: 'explain', model: 'claude-haiku-4-5', selection: { ...selection, path: 'notes.ts', origins: ['home/ana/src/notes.ts'], text: 'export {};' }, question: 'explain', ttl: '5m', maxTokens: 10 });
    assert.doesNotMatch(JSON.stringify(plan.body), /home\/ana/, 'where a file is stays on the machine');
  });

  test('a file opened through a link out of its workspace folder is refused, naming where the link leads, whatever its name and content', () => {
    const link = { ...selection, path: 'build-settings.xml', origins: ['build-settings.xml'], leadsOut: '/home/ana/.m2/settings.xml', text: '<settings><offline>true</offline></settings>' };
    for (const input of [{ selection: link }, { selection: { ...link, leadsOut: undefined }, material: link }]) {
      assert.throws(
        () => buildRequest({ task: 'review', model: 'claude-haiku-4-5', ...input, question: 'review this', ttl: '5m', maxTokens: 10 }),
        (err: unknown) => err instanceof SecretLikeContentError && err.where === 'file' && err.message === 'build-settings.xml is never sent to the model: it is a link out of its workspace folder (to /home/ana/.m2/settings.xml), and what such a link leads to is never sent.',
      );
    }
  });

  test("in a multi-root workspace the name check reads the path inside the folder, not the folder's name", () => {
    // The folder is called credentials-service; its index.ts is no credentials file, its .env is.
    const ok = { ...selection, path: 'credentials-service/src/index.ts', origins: ['src/index.ts'], text: 'export {};' };
    assert.ok(buildRequest({ task: 'explain', model: 'claude-haiku-4-5', selection: ok, question: 'explain', ttl: '5m', maxTokens: 10 }));
    const env = { ...selection, path: 'credentials-service/.env', origins: ['.env'], text: 'A=1' };
    assert.throws(() => buildRequest({ task: 'explain', model: 'claude-haiku-4-5', selection: env, question: 'explain', ttl: '5m', maxTokens: 10 }), SecretLikeContentError);
  });

  test('the whole material a part comes from is checked: a key in a later part stops the first part too', () => {
    const key = `${'sk-ant-'}api03-${randomish(48, 'tok', 5)}`;
    const whole = { ...selection, text: `const a = 1;\nconst k = '${key}';\n`, startLine: 1, endLine: 2 };
    const part = { ...whole, text: 'const a = 1;', endLine: 1 };
    assert.ok(buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: part, question: 'review this', ttl: '5m', maxTokens: 10 }));
    assert.throws(
      () => buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: part, material: whole, question: 'review this', ttl: '5m', maxTokens: 10 }),
      (err: unknown) => err instanceof SecretLikeContentError && /Anthropic API key \(line 2\)/.test(err.message) && !err.message.includes(key),
    );
    // It names the file the code comes from (a file review has no selection to speak of), with an article.
    assert.throws(
      () => buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: whole, question: 'review this', ttl: '5m', maxTokens: 10 }),
      (err: unknown) => err instanceof SecretLikeContentError && err.message.startsWith(`The code from ${whole.path} looks like it contains an Anthropic API key (line 2).`),
    );
    // A selection further down the file: the line is the file's, not the selection's.
    assert.throws(
      () => buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: { ...whole, startLine: 100, endLine: 101 }, question: 'review this', ttl: '5m', maxTokens: 10 }),
      (err: unknown) => err instanceof SecretLikeContentError && /an Anthropic API key \(line 101\)\./.test(err.message) && err.matches[0]?.line === 101,
    );
    assert.throws(() => buildRequest({ task: 'review', model: 'claude-haiku-4-5', selection: part, material: { ...whole, path: '.env' }, question: 'review this', ttl: '5m', maxTokens: 10 }), SecretLikeContentError);
  });

  test('a selection holding a key is refused with a message that does not repeat it', () => {
    const key = `${'sk-ant-'}api03-${randomish(48, 'tok', 5)}`;
    assert.throws(
      () => buildRequest({ task: 'explain', model: 'claude-sonnet-4-6', selection: { ...selection, text: `const k = '${key}';` }, question: 'q', ttl: '5m', maxTokens: 10 }),
      (err: unknown) => err instanceof SecretLikeContentError && err.where === 'selection' && !err.message.includes(key) && /Anthropic API key/.test(err.message),
    );
  });

  test('a question holding a key is refused too', () => {
    assert.throws(() => buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', question: `why does ${'ghp_'}${randomish(36, 'alnum', 6)} fail?`, ttl: '5m', maxTokens: 10 }), SecretLikeContentError);
  });

  test('no planted secret of the fixture ever appears in a request body', () => {
    const index = loadWorkspace(FIXTURE_WORKSPACE);
    for (const p of ['src/catalog.ts', 'src/config.ts', '.env', 'id_rsa', 'build/bundle.js', 'assets/logo.png']) pinFile(index, FIXTURE_WORKSPACE, p);
    const renderer = new PrefixRenderer(index);
    const body = JSON.stringify(buildRequest({ task: 'review', model: 'claude-opus-4-8', context: renderer.context(), pinned: renderer.pinned(), selection, question: 'Review this', ttl: '5m', maxTokens: 10 }).body);
    assert.match(body, /catalog\.ts/);
    for (const marker of PLANTED_MARKERS) assert.ok(!body.includes(marker), `body leaks ${marker}`);
  });
});
