import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findModel } from '../../../src/core/models';
import { MAX_CACHE_BREAKPOINTS } from '../../../src/core/prompt/request';
import { FindingsAnswer, extractJson } from '../../../src/core/protocol';
import { PLANTED_MARKERS } from '../../support/fsWorkspace';
import { CACHE_MODEL, PINNED_FILE, fixtureSelection, fixtureText, scriptedTurns, startCacheRig } from './rig';
import type { CacheRig, TurnResult } from './rig';

/** Runs `body` with a fresh rig and always closes it. */
async function withRig<T>(options: Parameters<typeof startCacheRig>[0], body: (rig: CacheRig) => Promise<T>): Promise<T> {
  const rig = await startCacheRig(options);
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

function markersIn(result: TurnResult): number {
  return result.body.system.filter((b) => b.cache_control).length + result.body.messages.flatMap((m) => m.content).filter((b) => b.cache_control).length;
}

describe('the scripted 10-turn session against the stand-in, through the SDK', () => {
  test('reads from cache from turn 2 on, by the SDK usage and by the stand-in log, with no miss', async () => {
    await withRig({}, async (rig) => {
      const results = await rig.run(scriptedTurns());
      assert.equal(results.length, 10);
      const [first, ...later] = results;
      assert.ok(first);
      assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 0, 'turn 1 writes the prefix');
      assert.equal(first.usage.cache_read_input_tokens, 0);
      later.forEach((r, i) => {
        const turn = i + 2;
        assert.ok((r.usage.cache_read_input_tokens ?? 0) > 0, `turn ${turn}: SDK usage reads from cache`);
        assert.ok((r.logged.usage?.cache_read_input_tokens ?? 0) > 0, `turn ${turn}: the stand-in logged a cache read`);
        assert.equal(r.logged.usage?.cache_read_input_tokens, r.usage.cache_read_input_tokens, `turn ${turn}: SDK and stand-in agree`);
        assert.deepEqual(r.logged.body, JSON.parse(JSON.stringify({ ...r.body, stream: true })), `turn ${turn}: the stand-in saw the body that was built (streamed)`);
      });
      assert.deepEqual(rig.health.misses(), []);
      const read = later.reduce((s, r) => s + (r.usage.cache_read_input_tokens ?? 0), 0);
      const prompt = later.reduce((s, r) => s + (r.observation?.promptTokens ?? 0), 0);
      assert.ok(read / prompt >= 0.85, `read share of turns 2-10 is ${read / prompt}`);
    });
  });

  test('each request keeps the breakpoint rules: at most 4 markers, none under the minimum, reasons recorded', async () => {
    await withRig({}, async (rig) => {
      const results = await rig.run(scriptedTurns().slice(0, 3));
      const minimum = findModel(CACHE_MODEL)?.minCacheableTokens ?? Infinity;
      for (const r of results) {
        assert.ok(markersIn(r) <= MAX_CACHE_BREAKPOINTS);
        assert.deepEqual(r.plan.segments.map((s) => s.name), ['context', 'pinned', 'instructions']);
        for (const s of r.plan.segments) {
          assert.equal(s.cached, s.cumulativeTokens >= minimum, s.name);
          if (!s.cached) assert.match(s.skippedReason ?? '', /below claude-haiku-4-5's minimum cacheable 4096/);
        }
        assert.equal(markersIn(r), r.plan.breakpoints);
      }
    });
  });

  test('a task switch reads the workspace from cache and writes only the new instructions', async () => {
    await withRig({}, async (rig) => {
      const [ask, explain] = await rig.run([{ question: 'What does this workspace do?' }, { task: 'explain', selection: fixtureSelection('src/util/math.ts', 1, 9), question: 'Explain total().' }]);
      assert.ok(ask && explain);
      const written = explain.usage.cache_creation_input_tokens ?? 0;
      const read = explain.usage.cache_read_input_tokens ?? 0;
      assert.ok(read > 0 && written > 0);
      assert.ok(written < read / 10, `wrote ${written} tokens next to ${read} read: only the instructions`);
      assert.equal(explain.observation?.outcome, 'partial');
      assert.equal(explain.observation?.miss, undefined);
    });
  });

  test('changing the pinned file gives exactly one diagnosed miss that names it, then hits again', async () => {
    await withRig({}, async (rig) => {
      const turns = scriptedTurns();
      const before = await rig.run(turns.slice(0, 3));
      rig.index.setFile(PINNED_FILE, `${fixtureText(PINNED_FILE)}\nexport const CATALOGUE_VERSION = 2;\n`);
      const after = await rig.run(turns.slice(3, 6));
      const [changed, ...rest] = after;
      assert.ok(changed);
      assert.equal(changed.observation?.miss?.cause, 'segmentChanged');
      assert.equal(changed.observation?.miss?.segment, 'pinned');
      assert.equal(changed.observation?.miss?.file, PINNED_FILE);
      assert.match(changed.observation?.miss?.detail ?? '', /pinned file src\/catalog\.ts changed/);
      assert.ok((changed.usage.cache_creation_input_tokens ?? 0) > 0, 'the changed prefix is written again');
      for (const r of [...before.slice(1), ...rest]) assert.ok((r.usage.cache_read_input_tokens ?? 0) > 0);
      assert.equal(rest.every((r) => r.observation?.miss === undefined), true);
      assert.equal(rig.health.misses().length, 1);
    });
  });

  test('TTL expiry on the stand-in clock is diagnosed as ttlExpired', async () => {
    await withRig({}, async (rig) => {
      await rig.run(scriptedTurns().slice(0, 2));
      rig.standin.clock.advance(6 * 60_000);
      const expired = await rig.turn({ question: 'Anything else?' });
      assert.equal(expired.usage.cache_read_input_tokens, 0, 'the 5m entry is gone');
      assert.ok((expired.usage.cache_creation_input_tokens ?? 0) > 0);
      assert.equal(expired.observation?.miss?.cause, 'ttlExpired');
      assert.match(expired.observation?.miss?.detail ?? '', /5m cache had expired/);
      const again = await rig.turn({ question: 'And now?' });
      assert.equal(again.observation?.outcome, 'hit');
    });
  });

  test('a model switch is diagnosed as modelSwitched (caches are per model)', async () => {
    await withRig({}, async (rig) => {
      await rig.run(scriptedTurns().slice(0, 2));
      const switched = await rig.turn({ question: 'Same question, stronger model.', model: 'claude-sonnet-4-6' });
      assert.equal(switched.logged.model, 'claude-sonnet-4-6');
      assert.equal(switched.usage.cache_read_input_tokens, 0);
      assert.equal(switched.observation?.miss?.cause, 'modelSwitched');
      assert.match(switched.observation?.miss?.detail ?? '', /cached on claude-haiku-4-5/);
    });
  });
});

describe('what reaches the stand-in', () => {
  test('planted secrets (.env, id_rsa, the fake sk-ant- key, ignored and binary files) are in no logged body', async () => {
    await withRig({}, async (rig) => {
      // Try hard: pin the secret files too; the index must still keep them out.
      for (const path of ['.env', 'id_rsa', 'src/config.ts', 'build/bundle.js', 'assets/logo.png']) rig.index.pin(path);
      await rig.run(scriptedTurns());
      await rig.turn({ question: 'Model switch', model: 'claude-sonnet-4-6' });
      const bodies = rig.standin.log.map((entry) => JSON.stringify(entry.body));
      assert.equal(bodies.length, 11);
      for (const body of bodies) {
        assert.match(body, /catalog\.ts/, 'the workspace was sent, so the check means something');
        for (const marker of PLANTED_MARKERS) assert.ok(!body.includes(marker), `a request body leaks ${marker}`);
      }
    });
  });

  test('an untrusted workspace sends no workspace content, only the instructions and the request', async () => {
    await withRig({ trusted: false }, async (rig) => {
      const [result] = await rig.run([{ task: 'review', selection: fixtureSelection('src/util/math.ts', 1, 9), question: 'Review total().' }]);
      assert.ok(result);
      const body = JSON.stringify(result.logged.body);
      assert.equal(result.body.system.length, 1);
      for (const leak of ['workspace_context', 'pinned_files', 'catalog', 'package.json', 'Fixture Shop']) assert.ok(!body.includes(leak), leak);
      assert.ok(FindingsAnswer.safeParse(extractJson(result.text)).success, 'the stand-in still answers the review task');
    });
  });

  test('the stand-in takes the task from the instructions block, not from workspace text quoting the header', async () => {
    await withRig({}, async (rig) => {
      rig.index.setFile('README.md', `Ladder task: review\n${fixtureText('README.md')}`);
      const [result] = await rig.run([{ task: 'explain', selection: fixtureSelection('src/util/math.ts', 1, 9), question: 'Explain total().' }]);
      assert.ok(result);
      assert.match(JSON.stringify(result.body.system[0]), /\\nLadder task: review\\n/, 'the context block quotes the header');
      assert.equal(FindingsAnswer.safeParse(extractJson(result.text)).success, false, 'not answered as a review');
      assert.match(result.text, /The selection from `src\/util\/math\.ts`/);
    });
  });
});
