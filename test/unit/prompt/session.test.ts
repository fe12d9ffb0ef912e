import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CacheHealth } from '../../../src/core/prompt/cacheHealth';
import type { CacheObservation } from '../../../src/core/prompt/cacheHealth';
import { PromptSession } from '../../../src/core/prompt/session';
import { FIXTURE_WORKSPACE, PLANTED_MARKERS, loadWorkspace, pinFile } from '../../support/fsWorkspace';
import { FakeApiCache } from './builders';

const QUESTIONS = [
  'What does total() reject?',
  'Where is the session checked?',
  'How are products searched?',
  'Which dependencies does the web package use?',
  'What does inStockWithTag return?',
  'Is findProduct case-sensitive?',
  'How is the cart total served?',
  'What would a test for total() cover?',
  'Where would caching of search results go?',
  'What does the README say about layout?',
];

function scriptedSession(model: string, onTurn?: (turn: number, index: ReturnType<typeof loadWorkspace>) => void): { observations: CacheObservation[]; health: CacheHealth; bodies: string[] } {
  const index = loadWorkspace(FIXTURE_WORKSPACE);
  pinFile(index, FIXTURE_WORKSPACE, 'src/catalog.ts');
  pinFile(index, FIXTURE_WORKSPACE, 'src/util/math.ts');
  const health = new CacheHealth();
  const api = new FakeApiCache();
  const session = new PromptSession({ index, model, task: 'ask', maxTokens: 512, trusted: true, health });
  const observations: CacheObservation[] = [];
  const bodies: string[] = [];
  QUESTIONS.forEach((question, turn) => {
    onTurn?.(turn, index);
    const now = turn * 30_000;
    const plan = session.plan({ question });
    bodies.push(JSON.stringify(plan.body));
    health.expectHit(plan, now);
    observations.push(health.observe(plan, api.call(plan, now).usage, now + 3000));
  });
  return { observations, health, bodies };
}

describe('a 10-turn session over the fixture workspace', () => {
  for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-6', 'claude-opus-4-8']) {
    test(`${model}: reads from cache from turn 2 on, with no miss`, () => {
      const { observations, health } = scriptedSession(model);
      assert.equal(observations[0]?.outcome, 'write');
      for (const o of observations.slice(1)) assert.equal(o.outcome, 'hit');
      assert.equal(health.misses().length, 0);
      const later = observations.slice(1);
      const share = later.reduce((s, o) => s + o.readTokens, 0) / later.reduce((s, o) => s + o.promptTokens, 0);
      assert.ok(share >= 0.85, `read share ${share}`);
    });
  }

  test('changing a pinned file mid-session gives exactly one diagnosed miss naming it', () => {
    const { observations, health } = scriptedSession('claude-sonnet-4-6', (turn, index) => {
      if (turn === 5) index.setFile('src/util/math.ts', '/** Sum of prices. */\nexport const total = (p: number[]) => p.reduce((a, b) => a + b, 0);\n');
    });
    assert.equal(health.misses().length, 1);
    assert.equal(observations[5]?.miss?.file, 'src/util/math.ts');
    assert.equal(observations[5]?.miss?.cause, 'segmentChanged');
    assert.equal(observations[6]?.outcome, 'hit');
  });

  test('no planted secret appears in any body of the session', () => {
    const { bodies } = scriptedSession('claude-sonnet-4-6');
    for (const body of bodies) for (const marker of PLANTED_MARKERS) assert.ok(!body.includes(marker), marker);
  });

  test('an untrusted session sends the instructions and the question only', () => {
    const index = loadWorkspace(FIXTURE_WORKSPACE);
    pinFile(index, FIXTURE_WORKSPACE, 'src/catalog.ts');
    const plan = new PromptSession({ index, model: 'claude-sonnet-4-6', task: 'ask', maxTokens: 512, trusted: false }).plan({ question: 'hi' });
    assert.deepEqual(plan.segments.map((s) => s.name), ['instructions']);
    assert.ok(!JSON.stringify(plan.body).includes('catalog'));
  });

  test("ttl 'auto' follows the observed gaps", () => {
    const index = loadWorkspace(FIXTURE_WORKSPACE);
    const health = new CacheHealth();
    const session = new PromptSession({ index, model: 'claude-sonnet-4-6', task: 'ask', maxTokens: 512, trusted: true, health, ttl: 'auto' });
    assert.equal(session.plan({ question: 'q' }).ttl, '5m');
    const api = new FakeApiCache();
    for (const t of [0, 12, 30]) {
      const plan = session.plan({ question: 'q' });
      health.expectHit(plan, t * 60_000);
      health.observe(plan, api.call(plan, t * 60_000).usage, t * 60_000 + 1000);
    }
    assert.equal(session.plan({ question: 'q' }).ttl, '1h');
  });
});
