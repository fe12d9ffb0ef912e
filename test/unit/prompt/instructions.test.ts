import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INSTRUCTION_TASKS, instructionsFor } from '../../../src/core/prompt/instructions';
import { STEP_TYPES } from '../../../src/core/steps';
import { parseTaskHeader } from '../../../src/core/protocol';

describe('instructions', () => {
  test('cover every step type plus difficulty and reviewJudge', () => {
    assert.deepEqual([...INSTRUCTION_TASKS].sort(), [...STEP_TYPES, 'difficulty', 'reviewJudge'].sort());
  });

  test('each starts with its Ladder task header and is stable across calls', () => {
    for (const task of INSTRUCTION_TASKS) {
      const text = instructionsFor(task);
      assert.equal(text.split('\n')[0], `Ladder task: ${task}`);
      assert.equal(parseTaskHeader(text), task);
      assert.equal(instructionsFor(task), text);
      assert.ok(text.length > 400, `${task} instructions are substantive`);
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/);
    }
  });

  test('each names the answer shape its checker expects', () => {
    assert.match(instructionsFor('rename'), /"names":\[\{"name"/);
    for (const task of ['format', 'boilerplate', 'docs', 'implement', 'fix', 'refactor'] as const) {
      assert.match(instructionsFor(task), /exactly one fenced code block holding the complete replacement/);
    }
    assert.match(instructionsFor('tests'), /exactly one fenced code block/);
    for (const task of ['review', 'securityReview', 'architecture'] as const) assert.match(instructionsFor(task), /"findings":\[\{"file"/);
    assert.match(instructionsFor('reviewJudge'), /"verdicts":\[\{"index"/);
    assert.match(instructionsFor('reviewJudge'), /"added":\[\{"file"/);
    assert.match(instructionsFor('difficulty'), /"tier":"H\|S\|O\|F"/);
    // The check is only as good as the rubric it is given: each tier, the innocent-wording and
    // CVE-bump cases, and the size rule must be in it.
    for (const rule of [/H, labour:/, /S, execute/, /O, judgment:/, /F, by exception:/, /worded innocently/, /for CVE-/, /Size informs but does not decide/, /Requests about the selected code/, /When the code is shown, judge the request by it/]) {
      assert.match(instructionsFor('difficulty'), rule);
    }
    for (const task of ['explain', 'ask'] as const) assert.match(instructionsFor(task), /Answer in prose/);
  });
});
