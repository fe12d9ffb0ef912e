import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRequest } from '../../../src/core/routing/classifier';
import type { Classification } from '../../../src/core/routing/classifier';
import {
  DEFAULT_DIFFICULTY_SETTING, MAX_EXCERPT_CHARS, MAX_EXCERPT_LINES, MAX_REQUEST_CHARS, MIN_ANSWER_CONFIDENCE, applyDifficultyAnswer, buildDifficultyRequest, shouldCheckDifficulty,
} from '../../../src/core/routing/difficulty';
import { parseTaskHeader } from '../../../src/core/protocol';
import type { Tier } from '../../../src/core/tiers';
import { askInput } from '../../support/fixtures/routing/builders';

function classification(tier: Tier, confidence = 0.4, signals: string[] = []): Classification {
  return { stepType: 'ask', tier, confidence, reasons: ['rules said so'], signals };
}

function answer(tier: string, confidence: number, reason = 'because'): string {
  return JSON.stringify({ tier, confidence, reason });
}

describe('shouldCheckDifficulty', () => {
  test('runs only below the threshold, never when off', () => {
    assert.equal(DEFAULT_DIFFICULTY_SETTING.threshold, 0.55);
    assert.equal(shouldCheckDifficulty(classification('S', 0.4)), true);
    assert.equal(shouldCheckDifficulty(classification('S', 0.6)), false);
    assert.equal(shouldCheckDifficulty(classification('S', 0.4), { mode: 'off', threshold: 0.55 }), false);
    assert.equal(shouldCheckDifficulty(classification('S', 0.7), { mode: 'belowThreshold', threshold: 0.8 }), true);
  });

  test('agrees with the classifier on what is vague', () => {
    assert.equal(shouldCheckDifficulty(classifyRequest(askInput('Tune the cache eviction', { files: 7, linesChanged: 120 }))), true);
    assert.equal(shouldCheckDifficulty(classifyRequest(askInput('Fix typo in README'))), false);
  });
});

describe('buildDifficultyRequest', () => {
  test('starts with the difficulty task header and ends with the request', () => {
    const input = askInput('Tune the cache eviction', { files: 7, linesChanged: 120, paths: ['src/cache.ts'], languageId: 'typescript' });
    const req = buildDifficultyRequest(input, classifyRequest(input));
    assert.equal(req.system.split('\n')[0], 'Ladder task: difficulty');
    assert.equal(parseTaskHeader(req.system), 'difficulty');
    assert.match(req.user, /^Command: ask$/m);
    assert.match(req.user, /^File: src\/cache\.ts$/m);
    assert.match(req.user, /^Language: typescript$/m);
    assert.equal(req.user.split('\n').at(-1), 'Request: Tune the cache eviction');
    assert.ok(req.maxTokens > 0 && req.maxTokens <= 500);
  });

  test('keeps the check short on long requests and many paths', () => {
    const paths = Array.from({ length: 12 }, (_, i) => `src/m${i}.ts`);
    const input = askInput('x'.repeat(MAX_REQUEST_CHARS * 3), { paths });
    const req = buildDifficultyRequest(input, classifyRequest(input));
    assert.ok(req.user.length < MAX_REQUEST_CHARS + 400, `user message is ${req.user.length} chars`);
    assert.match(req.user, /\(7 more paths\)/);
  });
});

describe('buildDifficultyRequest with the selected code', () => {
  const input = askInput('can you take a look at this', { files: 1, paths: ['src/orders.ts'], languageId: 'typescript', selectedLines: 4 });
  const code = 'export async function findOrders(customer: string) {\n  return db.query("SELECT * FROM orders WHERE customer = \'" + customer + "\'");\n}\n';

  test('shows the code, fenced, between the context facts and the request', () => {
    const req = buildDifficultyRequest(input, classifyRequest(input), code);
    const lines = req.user.split('\n');
    const at = lines.indexOf('Code:');
    assert.ok(at > lines.indexOf('File: src/orders.ts'), req.user);
    assert.equal(lines[at + 1], '```typescript');
    assert.equal(lines[at + 2], 'export async function findOrders(customer: string) {');
    assert.equal(lines[at + 5], '```');
    assert.equal(lines.at(-1), 'Request: can you take a look at this');
  });

  test('shows only the head of a long selection and says so', () => {
    const long = Array.from({ length: 400 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const req = buildDifficultyRequest(input, classifyRequest(input), long);
    assert.match(req.user, new RegExp(`^Code \\(the first ${MAX_EXCERPT_LINES} of 400 lines\\):$`, 'm'));
    assert.ok(req.user.includes(`const v${MAX_EXCERPT_LINES - 1} = `) && !req.user.includes(`const v${MAX_EXCERPT_LINES} = `));
    const wide = 'x'.repeat(MAX_EXCERPT_CHARS * 3);
    const cut = buildDifficultyRequest(input, classifyRequest(input), wide);
    assert.ok(cut.user.length < MAX_EXCERPT_CHARS + 400, `user message is ${cut.user.length} chars`);
    assert.match(cut.user, /^Code \(cut at 2,400 characters; 1 line in all\):$/m);
  });

  test('a fence inside the code cannot close the excerpt, and an empty selection adds nothing', () => {
    const req = buildDifficultyRequest(input, classifyRequest(input), 'const md = "```js\\nx\\n```";');
    assert.match(req.user, /^````typescript$/m);
    assert.equal(req.user.split('\n').filter((l) => l === '````').length, 1);
    const none = buildDifficultyRequest(input, classifyRequest(input), '  \n');
    assert.doesNotMatch(none.user, /^Code/m);
  });
});

describe('applyDifficultyAnswer', () => {
  const cap = { cap: 'O' as Tier };

  test('invalid answers keep the deterministic result and say why', () => {
    const base = classification('S');
    for (const raw of ['no json here', answer('X', 0.9), '{"tier":"O","confidence":2,"reason":"x"}', '{"tier":"O"}']) {
      const out = applyDifficultyAnswer(base, raw, cap);
      assert.equal(out.valid, false, raw);
      assert.equal(out.changed, false);
      assert.equal(out.classification.tier, 'S');
      assert.match(out.log, /kept the rules' tier/);
      assert.ok(out.classification.signals.includes('difficulty.invalid'));
    }
    assert.match(applyDifficultyAnswer(base, answer('X', 0.9), cap).log, /tier:/, 'the log names the bad field');
  });

  test('an object in the prose before the answer does not hide the answer', () => {
    const out = applyDifficultyAnswer(classification('S'), `I considered {"tier":"X"}, but: ${answer('O', 0.8, 'touches auth')}`, cap);
    assert.equal(out.valid, true);
    assert.equal(out.classification.tier, 'O');
  });

  test('accepts an answer in a json fence and raises one tier', () => {
    const out = applyDifficultyAnswer(classification('S'), `Here you go:\n\`\`\`json\n${answer('O', 0.8, 'touches auth')}\n\`\`\``, cap);
    assert.equal(out.valid, true);
    assert.equal(out.changed, true);
    assert.equal(out.classification.tier, 'O');
    assert.match(out.classification.reasons.at(-1) ?? '', /raised it one tier: touches auth → judgment/);
  });

  test('moves at most one step', () => {
    const out = applyDifficultyAnswer(classification('H'), answer('F', 0.9), { cap: 'F' });
    assert.equal(out.classification.tier, 'S');
    assert.match(out.log, /one step at most/);
  });

  test('never raises above the cap', () => {
    const out = applyDifficultyAnswer(classification('O'), answer('F', 0.95), cap);
    assert.equal(out.changed, false);
    assert.equal(out.classification.tier, 'O');
    assert.match(out.log, /cap/);
  });

  test('lowers plain work but not risky work at judgment', () => {
    const plain = applyDifficultyAnswer(classification('S'), answer('H', 0.9, 'a one-line tweak'), cap);
    assert.equal(plain.classification.tier, 'H');
    const risky = classifyRequest(askInput('Sessions are sometimes shared between users after login'));
    assert.equal(risky.tier, 'O');
    const kept = applyDifficultyAnswer(risky, answer('S', 0.9, 'looks simple'), cap);
    assert.equal(kept.classification.tier, 'O');
    assert.match(kept.log, /not lowered/);
  });

  test('does not lower a route the selected code raised, even when asked about confident routes', () => {
    const raised = classifyRequest(askInput('review this', { code: 'el.innerHTML = comment.body;', selectedLines: 1, files: 1 }));
    assert.equal(raised.tier, 'O');
    assert.equal(shouldCheckDifficulty(raised, { mode: 'belowThreshold', threshold: 1 }), true);
    const kept = applyDifficultyAnswer(raised, answer('S', 0.9, 'a one-line assignment'), cap);
    assert.equal(kept.classification.tier, 'O');
    assert.match(kept.log, /not lowered/);
  });

  test('ignores unsure answers and firms up agreeing ones', () => {
    const unsure = applyDifficultyAnswer(classification('S'), answer('O', MIN_ANSWER_CONFIDENCE - 0.1), cap);
    assert.equal(unsure.classification.tier, 'S');
    assert.equal(unsure.valid, true);
    const agree = applyDifficultyAnswer(classification('S', 0.4), answer('S', 0.8), cap);
    assert.equal(agree.changed, false);
    assert.ok(agree.classification.confidence > 0.4);
  });
});
