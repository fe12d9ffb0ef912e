import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { costOfUsage, estimateCostUsd, microsToUsd, picosToMicros } from '../../../src/core/pricing/cost';
import type { UsageLike } from '../../../src/core/pricing/cost';
import { evaluate, parseEvalFile, routeFile } from '../../../src/core/routing/eval';
import { answerKey, runDifficultyChecks } from '../../../tools/difficultyCheck';
import { faults, start } from '../../support/standin/server';
import type { Standin } from '../../support/standin/server';
import { ROOT, runEvalTool } from '../../support/evalTool';

const FILE = 'test/support/fixtures/routing/small.jsonl';
const KEY = 'sk-ant-eval-check-test-key-0000';
const THRESHOLD = 0.95;

interface CheckJson {
  items: { id: string; tier: string; confidence: number; stepType: string; reasons: string[] }[];
  metrics: Record<string, unknown>;
  check: {
    model: string; threshold: number; requests: number; raised: number; lowered: number; agreed: number; kept: number;
    invalid: number; failed: number; failures: Record<string, number>; inputTokens: number; outputTokens: number; usd: number;
    metricsWithoutCheck: Record<string, unknown>;
  };
}

describe('npm run eval -- --check (the difficulty check over HTTP, against the stand-in)', () => {
  let standin: Standin;
  const items = parseEvalFile(readFileSync(join(ROOT, FILE), 'utf8'), FILE).items;
  const routed = routeFile(items).routed;
  const scoring = { estimateCostUsd: (m: string, i: number, o: number) => estimateCostUsd(m, i, o), checkBelow: THRESHOLD };

  before(async () => {
    standin = await start({ port: 0, requireKey: KEY });
  });
  after(() => standin.close());
  beforeEach(() => standin.reset());

  test('checks each route below the threshold once, keeps the rest, and bills the checks from their usage', async () => {
    const below = routed.filter((r) => r.confidence < THRESHOLD);
    assert.ok(below.length >= 3 && below.length < routed.length, 'the fixture has routes on both sides of the threshold');
    // One check answers with prose, one fails on overload after the SDK's two retries.
    standin.script.when({ lastUser: /Request: Fix typo/ }, { text: 'This one looks easy to me.' });
    standin.script.fault(faults.overloaded({ retryAfterMs: 1 }), { times: 3, match: { lastUser: /Request: .*data race/ } });

    const run = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD), '--json'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY), 'the key is never printed');
    const out = JSON.parse(run.stdout) as CheckJson;

    const calls = standin.log.filter((e) => e.path === '/v1/messages');
    assert.ok(calls.every((e) => e.model === 'claude-haiku-4-5'), 'every check goes to the labour model');
    assert.ok(calls.every((e) => JSON.stringify(e.body).includes('Ladder task: difficulty')), 'every call is a difficulty check');
    assert.equal(calls.length, below.length + 2, 'one call per checked route, plus the two retries of the overloaded one');

    const { check } = out;
    assert.equal(check.requests, below.length);
    assert.equal(check.threshold, THRESHOLD);
    assert.equal(check.invalid, 1);
    assert.equal(check.failed, 1);
    assert.deepEqual(check.failures, { overloaded: 1 });
    assert.equal(check.raised + check.lowered + check.agreed + check.kept, below.length - 2);
    const picos = calls.reduce((sum, e) => sum + (e.usage ? costOfUsage('claude-haiku-4-5', e.usage as UsageLike).picos : 0), 0);
    assert.ok(picos > 0);
    assert.equal(check.usd, microsToUsd(picosToMicros(picos)), 'billed exactly what the API reported');

    assert.deepEqual(check.metricsWithoutCheck, JSON.parse(JSON.stringify(evaluate(routed, scoring))));
    const byId = new Map(out.items.map((i) => [i.id, i]));
    for (const r of routed) {
      const item = byId.get(r.id)!;
      if (r.confidence >= THRESHOLD || /data race/.test(items.find((i) => i.id === r.id)!.request)) {
        // Not checked, or the check failed: exactly the router's route.
        assert.deepEqual(item, { id: r.id, tier: r.tier, confidence: r.confidence, stepType: r.stepType, reasons: r.reasons });
      } else {
        assert.ok(item.reasons.some((reason) => /difficulty check/.test(reason)), `${r.id} says what the check did`);
        assert.ok(Math.abs('HSOF'.indexOf(item.tier) - 'HSOF'.indexOf(r.tier)) <= 1, 'the check moves one tier at most');
      }
    }
    const checkedRoutes = routed.map((r) => {
      const item = byId.get(r.id)!;
      return { ...r, tier: item.tier as typeof r.tier, confidence: item.confidence, reasons: item.reasons };
    });
    assert.deepEqual(out.metrics, JSON.parse(JSON.stringify(evaluate(checkedRoutes, scoring))));
  });

  test('the text report shows both sets of metrics and what the checks cost', async () => {
    const run = await runEvalTool([FILE, '--check'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^router alone\n/);
    assert.match(run.stdout, /\nrouter \+ difficulty check\n/);
    assert.match(run.stdout, /difficulty check +\d+ requests below 0\.55 to claude-haiku-4-5: /);
    assert.match(run.stdout, /billed for checks +\$\d+\.\d{6} for \d+ input and \d+ output tokens/);
  });

  test('--check-model sends every check to that model and bills it at that model\'s prices', async () => {
    const model = 'claude-sonnet-4-6';
    const run = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD), '--check-model', model, '--json'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    assert.equal(run.status, 0, run.stderr);
    const { check } = JSON.parse(run.stdout) as CheckJson;
    const calls = standin.log.filter((e) => e.path === '/v1/messages');
    assert.equal(calls.length, routed.filter((r) => r.confidence < THRESHOLD).length);
    assert.ok(calls.every((e) => e.model === model));
    assert.equal(check.model, model);
    const picos = calls.reduce((sum, e) => sum + costOfUsage(model, e.usage as UsageLike).picos, 0);
    assert.equal(check.usd, microsToUsd(picosToMicros(picos)));
    assert.ok(picos > calls.reduce((sum, e) => sum + costOfUsage('claude-haiku-4-5', e.usage as UsageLike).picos, 0), 'priced as Sonnet, not Haiku');
  });

  test('--record writes each answer with its prompt digest, and --answers replays it without a key or a call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-eval-'));
    try {
      const recording = join(dir, 'answers.jsonl');
      const live = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD), '--record', recording, '--json'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
      assert.equal(live.status, 0, live.stderr);
      const lines = readFileSync(recording, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; prompt: string; text: string });
      const calls = standin.log.filter((e) => e.path === '/v1/messages');
      assert.equal(lines.length, calls.length, 'one recorded answer per answered call');
      assert.deepEqual(lines.map((l) => l.id).sort(), routed.filter((r) => r.confidence < THRESHOLD).map((r) => r.id).sort());
      assert.ok(lines.every((l) => /^[0-9a-f]{64}$/.test(l.prompt) && l.text.length > 0));

      standin.reset();
      const replay = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD), '--answers', recording, '--json']);
      assert.equal(replay.status, 0, replay.stderr);
      assert.equal(standin.log.length, 0, 'a replay calls nothing');
      const a = JSON.parse(live.stdout) as CheckJson;
      const b = JSON.parse(replay.stdout) as CheckJson & { check: { replayed: boolean; unanswered: number; estimatedUsd: number } };
      assert.deepEqual(b.items, a.items);
      assert.deepEqual(b.metrics, a.metrics);
      assert.equal(b.check.replayed, true);
      assert.equal(b.check.model, 'recorded answers');
      assert.equal(b.check.unanswered, 0);
      assert.equal(b.check.usd, 0);
      // What the replayed checks would cost live: a local estimate, of the order of what the live run was billed.
      const billed = (a as CheckJson & { check: { usd: number } }).check.usd;
      assert.ok(billed > 0 && b.check.estimatedUsd > billed / 3 && b.check.estimatedUsd < billed * 3, `estimated $${b.check.estimatedUsd} against $${billed} billed`);
      const text = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD), '--answers', recording]);
      assert.match(text.stdout, /billed for checks +nothing: recorded answers were replayed \(live at claude-haiku-4-5, about \$\d+\.\d{4}, a local token estimate\)/);

      // An answer recorded for another prompt is not reused: that route keeps the router's tier.
      const stale = lines.map((l, i) => (i === 0 ? { ...l, prompt: '0'.repeat(64) } : l));
      writeFileSync(recording, stale.map((l) => JSON.stringify(l)).join('\n'));
      const partial = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD), '--answers', recording, '--json']);
      const c = JSON.parse(partial.stdout) as CheckJson & { check: { unanswered: number } };
      assert.equal(c.check.unanswered, 1);
      const first = routed.find((r) => r.id === lines[0]!.id)!;
      assert.deepEqual(c.items.find((i) => i.id === first.id), { id: first.id, tier: first.tier, confidence: first.confidence, stepType: first.stepType, reasons: first.reasons });

      writeFileSync(recording, '{"id": "x", "prompt": "abc", "text": "{}"}\nnot json\n');
      const bad = await runEvalTool([FILE, '--check', '--answers', recording]);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /answers\.jsonl:1: a recorded answer needs "id", "prompt" \(the SHA-256 of the prompt\) and "text"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a rejected key stops the run with exit 1 and never prints the key', async () => {
    const wrong = 'sk-ant-wrong-key-for-eval-9999';
    const run = await runEvalTool([FILE, '--check', '--threshold', String(THRESHOLD)], { ANTHROPIC_API_KEY: wrong, ANTHROPIC_BASE_URL: standin.url });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /the difficulty check stopped: .*\(auth, HTTP 401\)/);
    assert.ok(!run.stderr.includes(wrong) && !run.stdout.includes(wrong));
  });

  test('without a key, or with a bad threshold, it exits 2 before calling anything', async () => {
    const noKey = await runEvalTool([FILE, '--check'], { ANTHROPIC_BASE_URL: standin.url });
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /set ANTHROPIC_API_KEY/);
    const bad = await runEvalTool([FILE, '--check', '--threshold', '1.5']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--threshold needs a number from 0 to 1, got 1\.5/);
    const alone = await runEvalTool([FILE, '--threshold', '0.5']);
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--threshold only applies with --check/);
    const unknown = await runEvalTool([FILE, '--check', '--check-model', 'gpt-4o'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--check-model needs a model id from the price table, got gpt-4o/);
    const answersAlone = await runEvalTool([FILE, '--answers', 'x.jsonl']);
    assert.equal(answersAlone.status, 2);
    assert.match(answersAlone.stderr, /--answers only applies with --check/);
    const both = await runEvalTool([FILE, '--check', '--answers', 'x.jsonl', '--check-model', 'claude-sonnet-4-6']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--answers replays a recording: it takes neither --check-model nor --record/);
    const modelAlone = await runEvalTool([FILE, '--check-model', 'claude-sonnet-4-6']);
    assert.equal(modelAlone.status, 2);
    assert.match(modelAlone.stderr, /--check-model only applies with --check/);
    assert.equal(standin.log.length, 0);
  });
});

describe('the recorded check answers in fixtures/routing/recorded', () => {
  test('still answer the exact prompt of every never-trained request', async () => {
    // The README's figures for the check replay this recording: one answer per never-trained
    // commit-style request, and per request of the adversarial sets and editor-e to editor-l.
    // A change to the check's prompt leaves routes unanswered, and the figures stale.
    const recording = join(ROOT, 'test/support/fixtures/routing/recorded/check-answers.jsonl');
    const recorded = new Map(readFileSync(recording, 'utf8').trim().split('\n').map((l) => {
      const { id, prompt, text } = JSON.parse(l) as { id: string; prompt: string; text: string };
      return [answerKey(id, prompt), text] as const;
    }));
    const fixtures = join(ROOT, 'test/support/fixtures/routing');
    const sets = readdirSync(fixtures).filter((name) => /^(fresh|unseen|other|adversarial)-[\w-]+\.jsonl$|^editor-[e-l]\.jsonl$/.test(name));
    assert.equal(sets.length, 30);
    const all = sets.flatMap((name) => parseEvalFile(readFileSync(join(fixtures, name), 'utf8'), name).items);
    const { stats } = await runDifficultyChecks(routeFile(all), { threshold: 1.01, recorded });
    assert.equal(stats.requests, all.length);
    assert.equal(recorded.size, all.length);
    assert.equal(stats.unanswered, 0, 're-record the answers or re-measure the README figures');
    assert.equal(stats.invalid, 0);
  });
});

