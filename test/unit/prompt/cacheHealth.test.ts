import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CacheHealth, describeChange } from '../../../src/core/prompt/cacheHealth';
import type { CacheObservation } from '../../../src/core/prompt/cacheHealth';
import type { PromptPlan } from '../../../src/core/prompt/request';
import { PrefixRenderer } from '../../../src/core/prompt/prefix';
import { buildRequest } from '../../../src/core/prompt/request';
import { indexOf, sampleFiles } from '../context/helpers';
import { FakeApiCache, planWith, segmentNamed, textOfTokens } from './builders';

const MIN = 60_000;

/** Sends a plan through the health check and the fake API at `now`. */
function call(health: CacheHealth, api: FakeApiCache, plan: PromptPlan, now: number): CacheObservation {
  health.expectHit(plan, now);
  const { usage } = api.call(plan, now);
  return health.observe(plan, usage, now + 2000);
}

const pinnedFiles = { 'src/a.ts': textOfTokens(400, 'a'), 'src/b.ts': textOfTokens(400, 'b') };

describe('hits', () => {
  test('the first call writes (not a miss); the next one reads the whole prefix', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const first = call(health, api, planWith({ pinned: pinnedFiles }), 0);
    assert.equal(first.outcome, 'write');
    assert.equal(first.miss, undefined);
    const second = call(health, api, planWith({ pinned: pinnedFiles }), MIN);
    assert.equal(second.outcome, 'hit');
    assert.equal(second.miss, undefined);
    assert.ok(second.expectedReadTokens > 0);
    assert.equal(second.readTokens, second.expectedReadTokens);
    assert.deepEqual(health.stats().misses, 0);
    assert.equal(health.stats().hits, 1);
  });

  test('read share is read tokens over all prompt tokens', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const observations = [0, 1, 2, 3].map((i) => call(health, api, planWith(), i * MIN));
    const read = observations.reduce((s, o) => s + o.readTokens, 0);
    const prompt = observations.reduce((s, o) => s + o.promptTokens, 0);
    assert.equal(health.stats().readShare, read / prompt);
    assert.ok(health.stats().readShare > 0.7);
  });
});

describe('follow-up conversations', () => {
  const context = { name: 'context' as const, text: textOfTokens(3000, 'ctx'), fingerprint: 'ctx', parts: [] };
  const turns = [
    { question: 'What does total() return?', answer: textOfTokens(600, 'a1') },
    { question: 'Why is the sum never added?', answer: textOfTokens(600, 'a2') },
    { question: 'How would you fix it?', answer: textOfTokens(600, 'a3') },
  ];
  const selection = { path: 'src/util/math.ts', startLine: 1, endLine: 3, languageId: 'typescript', text: textOfTokens(800, 'code') };
  /** The request for turn `n` (0 = the first Ask), with the turns before it as the conversation. */
  const turn = (n: number) => buildRequest({ task: 'ask', model: 'claude-sonnet-4-6', context, selection, question: turns[n]!.question, earlier: turns.slice(0, n), ttl: '5m', maxTokens: 1024 });

  test('each follow-up reads the conversation the one before it wrote, and nothing is called a miss', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const ask = call(health, api, turn(0), 0);
    assert.equal(ask.outcome, 'write');
    const first = call(health, api, turn(1), MIN);
    // The first Ask marked no message, so the first follow-up reads the system prefix and writes its conversation.
    assert.equal(first.outcome, 'partial');
    assert.equal(first.miss, undefined, 'a conversation never written is new content, not a miss');
    const second = call(health, api, turn(2), 2 * MIN);
    assert.equal(second.outcome, 'partial');
    assert.equal(second.miss, undefined);
    const through = turn(2).segments.find((s) => s.name === 'conversation')!.cumulativeTokens;
    assert.equal(second.readTokens, through, 'read through the question the previous follow-up ended with');
    assert.ok(second.readTokens > first.readTokens + 1300, `the earlier turns come from cache: ${first.readTokens} → ${second.readTokens}`);
    assert.equal(health.stats().misses, 0);
  });

  test('a conversation left past its TTL is a diagnosed miss', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, turn(0), 0);
    call(health, api, turn(1), MIN);
    const late = call(health, api, turn(2), 12 * MIN);
    assert.equal(late.miss?.cause, 'ttlExpired');
  });
});

describe('miss diagnosis', () => {
  test('a changed pinned file gives exactly one miss that names the file', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith({ pinned: pinnedFiles }), 0);
    call(health, api, planWith({ pinned: pinnedFiles }), MIN);
    const changed = { ...pinnedFiles, 'src/b.ts': textOfTokens(410, 'B') };
    const third = call(health, api, planWith({ pinned: changed }), 2 * MIN);
    assert.equal(third.outcome, 'partial', 'instructions + context still read');
    assert.equal(third.miss?.cause, 'segmentChanged');
    assert.equal(third.miss?.segment, 'pinned');
    assert.equal(third.miss?.file, 'src/b.ts');
    assert.match(third.miss?.detail ?? '', /pinned file src\/b\.ts changed/);
    const fourth = call(health, api, planWith({ pinned: changed }), 3 * MIN);
    assert.equal(fourth.outcome, 'hit');
    assert.equal(health.misses().length, 1);
  });

  test('a changed manifest is named inside the context segment', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith({ contextTokens: 3000 }), 0);
    const observation = call(health, api, planWith({ contextTokens: 3100 }), MIN);
    assert.equal(observation.miss?.cause, 'segmentChanged');
    assert.equal(observation.miss?.segment, 'context');
    assert.equal(observation.miss?.file, 'package.json');
  });

  test('a file added to the workspace is named by the tree change', () => {
    const index = indexOf({ ...sampleFiles(), 'README.md': textOfTokens(900, 'readme') });
    const renderer = new PrefixRenderer(index, { readmeMaxChars: 10_000, readmeMaxLines: 1000 });
    const plan = (): PromptPlan => buildRequest({ task: 'ask', model: 'claude-sonnet-5', context: renderer.context(), question: 'q', ttl: '5m', maxTokens: 10 });
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, plan(), 0);
    index.setFile('src/lib/added.ts', 'export {};\n');
    const observation = call(health, api, plan(), MIN);
    assert.equal(observation.miss?.segment, 'context');
    assert.equal(observation.miss?.file, 'src/lib/added.ts');
    assert.match(observation.miss?.detail ?? '', /file tree changed \(latest: src\/lib\/added\.ts added\)/);
  });

  test('switching task reads the workspace from cache and writes only the instructions: not a miss', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const explain = planWith({ task: 'explain', pinned: pinnedFiles });
    call(health, api, explain, 0);
    const review = planWith({ task: 'review', pinned: pinnedFiles });
    const switched = call(health, api, review, MIN);
    assert.equal(switched.outcome, 'partial');
    assert.equal(switched.miss, undefined);
    assert.equal(switched.readTokens, segmentNamed(review, 'pinned').cumulativeTokens, 'context + pinned read');
    assert.equal(switched.writeTokens, segmentNamed(review, 'instructions').tokens, 'only the instructions written');
    const back = call(health, api, planWith({ task: 'explain', pinned: pinnedFiles }), 2 * MIN);
    assert.equal(back.outcome, 'hit', "the first task's instructions are still cached");
    assert.equal(health.misses().length, 0);
  });

  test('a task switch is told from a full hit when real token counts run well above the local estimate', () => {
    // Code tokenizes denser than 4 characters a token: say the API counts 1.75× the estimate.
    const real = (estimate: number): number => Math.round(estimate * 1.75);
    const health = new CacheHealth();
    const explain = planWith({ task: 'explain', pinned: pinnedFiles });
    health.expectHit(explain, 0);
    health.observe(explain, { input_tokens: 10, cache_creation_input_tokens: real(segmentNamed(explain, 'instructions').cumulativeTokens), cache_read_input_tokens: 0 }, 1000);
    const review = planWith({ task: 'review', pinned: pinnedFiles });
    health.expectHit(review, MIN);
    const read = real(segmentNamed(review, 'pinned').cumulativeTokens);
    const written = real(segmentNamed(review, 'instructions').tokens);
    const observation = health.observe(review, { input_tokens: 10, cache_creation_input_tokens: written, cache_read_input_tokens: read }, MIN + 1000);
    assert.equal(observation.outcome, 'partial');
    assert.equal(observation.miss, undefined);
    const again = planWith({ task: 'review', pinned: pinnedFiles });
    assert.equal(health.expectHit(again, 2 * MIN).expectedReadTokens, read + written, 'the exact size is remembered for the next expectation');
  });

  test("a task's own instructions changing is a miss that names the instructions", () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith({ task: 'explain' }), 0);
    const observation = call(health, api, planWith({ task: 'explain', instructions: 'Ladder task: explain\n\nExplain it, differently worded.' }), MIN);
    assert.equal(observation.outcome, 'partial');
    assert.equal(observation.miss?.cause, 'segmentChanged');
    assert.equal(observation.miss?.segment, 'instructions');
    assert.match(observation.miss?.detail ?? '', /the explain instructions changed/);
  });

  test('describeChange still says which task the instructions switched between', () => {
    const before = segmentNamed(planWith({ task: 'explain' }), 'instructions');
    const after = segmentNamed(planWith({ task: 'review' }), 'instructions');
    assert.match(describeChange(before, after).detail, /task explain → review/);
  });

  test('TTL expired: 6 minutes on 5m misses, on 1h hits', () => {
    for (const [ttl, expectMiss] of [['5m', true], ['1h', false]] as const) {
      const health = new CacheHealth();
      const api = new FakeApiCache();
      call(health, api, planWith({ ttl }), 0);
      const observation = call(health, api, planWith({ ttl }), 6 * MIN);
      assert.equal(observation.miss?.cause, expectMiss ? 'ttlExpired' : undefined, ttl);
      if (expectMiss) assert.match(observation.miss?.detail ?? '', /5m cache had expired/);
    }
  });

  test('a hit refreshes the TTL: three calls 4 minutes apart all read', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith(), 0);
    assert.equal(call(health, api, planWith(), 4 * MIN).outcome, 'hit');
    assert.equal(call(health, api, planWith(), 8 * MIN).outcome, 'hit');
  });

  test('model switched: the same prefix on another model is a diagnosed miss', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith({ model: 'claude-sonnet-4-6' }), 0);
    const observation = call(health, api, planWith({ model: 'claude-sonnet-5' }), MIN);
    assert.equal(observation.miss?.cause, 'modelSwitched');
    assert.match(observation.miss?.detail ?? '', /cached on claude-sonnet-4-6/);
  });

  test('below minimum: a prefix cached on Sonnet 4.6 is too short for Opus 4.8', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith({ model: 'claude-sonnet-4-6', contextTokens: 2500 }), 0);
    const plan = planWith({ model: 'claude-opus-4-8', contextTokens: 2500 });
    assert.equal(plan.breakpoints, 0);
    const observation = call(health, api, plan, MIN);
    assert.equal(observation.outcome, 'uncached');
    assert.equal(observation.miss?.cause, 'belowMinimum');
    assert.match(observation.miss?.detail ?? '', /claude-opus-4-8's minimum cacheable 4096/);
  });

  test('below minimum: the API wrote nothing for a marked prefix (the estimate overshot)', () => {
    const health = new CacheHealth();
    const plan = planWith();
    health.expectHit(plan, 0);
    const first = health.observe(plan, { input_tokens: 1900, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, 1000);
    assert.equal(first.outcome, 'uncached');
    assert.equal(first.miss, undefined, 'nothing was cached before: not a miss yet');
    const again = planWith();
    health.expectHit(again, MIN);
    const second = health.observe(again, { input_tokens: 1900, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, MIN + 1000);
    assert.equal(second.miss?.cause, 'belowMinimum');
    assert.match(second.miss?.detail ?? '', /cached nothing for this prefix last time/);
  });

  test('first write not yet readable: a second request sent while the first is in flight', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const a = planWith();
    const b = planWith();
    health.expectHit(a, 0);
    const sentA = api.call(a, 0, false);
    const expectationB = health.expectHit(b, 1000);
    assert.equal(expectationB.predicted?.cause, 'writeNotReadable');
    const sentB = api.call(b, 1000, false);
    sentA.commit();
    assert.equal(health.observe(a, sentA.usage, 3000).miss, undefined);
    const observationB = health.observe(b, sentB.usage, 4000);
    assert.equal(observationB.readTokens, 0);
    assert.equal(observationB.miss?.cause, 'writeNotReadable');
  });

  test('once the first response streams, its write counts as readable', () => {
    const health = new CacheHealth();
    const a = planWith();
    health.expectHit(a, 0);
    health.streamStarted(a, 500);
    const b = planWith();
    const expectation = health.expectHit(b, 1000);
    assert.ok(expectation.expectedReadTokens > 0);
    assert.equal(expectation.predicted, undefined);
  });

  test('unexplained: everything said hit, the read came back empty', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    call(health, api, planWith(), 0);
    api.evictAll();
    const observation = call(health, api, planWith(), MIN);
    assert.equal(observation.miss?.cause, 'unexplained');
    assert.ok((observation.miss?.expectedReadTokens ?? 0) > 0);
    assert.equal(observation.miss?.readTokens, 0);
  });

  test('a caller may rebuild an equal plan between expectHit and observe', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const sent = planWith({ pinned: pinnedFiles });
    health.expectHit(sent, 0);
    const cold = health.observe(planWith({ pinned: pinnedFiles }), api.call(sent, 0).usage, 2000);
    assert.equal(cold.outcome, 'write');
    assert.equal(cold.miss, undefined, 'no false "write not readable" against its own expectation');
    const again = planWith({ pinned: pinnedFiles });
    health.expectHit(again, MIN);
    const hit = health.observe(planWith({ pinned: pinnedFiles }), api.call(again, MIN).usage, MIN + 2000);
    assert.equal(hit.outcome, 'hit');
    assert.ok(hit.expectedReadTokens > 0);
  });

  test('observe without expectHit still judges the call', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const first = planWith();
    health.observe(first, api.call(first, 0).usage, 1000);
    api.evictAll();
    const second = planWith();
    assert.equal(health.observe(second, api.call(second, MIN).usage, MIN).miss?.cause, 'unexplained');
  });

  test('an abandoned request stops blocking others', () => {
    const health = new CacheHealth();
    const a = planWith();
    health.expectHit(a, 0);
    health.abandon(a);
    assert.equal(health.expectHit(planWith(), 1000).predicted, undefined);
  });
});

describe('helpers', () => {
  test('warmTokens reports what a model already holds of the prefix', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    const plan = planWith({ model: 'claude-sonnet-4-6' });
    call(health, api, plan, 0);
    assert.ok(health.warmTokens('claude-sonnet-4-6', plan, MIN) > 0);
    assert.equal(health.warmTokens('claude-opus-4-8', plan, MIN), 0);
    assert.equal(health.warmTokens('claude-sonnet-4-6', plan, 10 * MIN), 0, 'expired');
  });

  test('ttlStats returns the gaps between calls for chooseTtl', () => {
    const health = new CacheHealth();
    const api = new FakeApiCache();
    for (const t of [0, 10 * MIN, 25 * MIN]) call(health, api, planWith(), t);
    assert.deepEqual(health.ttlStats().gapsMs, [10 * MIN, 15 * MIN]);
  });

  test('describeChange names added and removed pinned files', () => {
    const before = segmentNamed(planWith({ pinned: { 'a.ts': 'x' } }), 'pinned');
    const after = segmentNamed(planWith({ pinned: { 'a.ts': 'x', 'b.ts': 'y' } }), 'pinned');
    assert.deepEqual(describeChange(before, after), { detail: 'pinned file b.ts was pinned', file: 'b.ts' });
    assert.deepEqual(describeChange(after, before), { detail: 'pinned file b.ts was unpinned', file: 'b.ts' });
  });
});
