import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkEditAnswer, checkNonEmpty } from '../../../src/core/task/checks';

describe('answer checks', () => {
  test('an edit is the body of its one fenced block, prose around it ignored', () => {
    assert.deepEqual(checkEditAnswer('Here it is:\n```ts\nconst a = 1;\n```\nDone.'), { ok: true, value: 'const a = 1;' });
    assert.deepEqual(checkEditAnswer('```\nx()\n```'), { ok: true, value: 'x()' });
  });

  test('two blocks fail: taking the first would replace the code with a helper, or the tests with an install command', () => {
    const helper = 'I extracted a helper:\n```ts\nfunction isValid(x: number) { return x > 0; }\n```\nand the selection becomes:\n```ts\nif (!isValid(x)) return;\n```';
    assert.deepEqual(checkEditAnswer(helper), { ok: false, reason: 'the answer has 2 code blocks, not the one replacement' });
    const install = 'First install:\n```bash\nnpm i -D vitest\n```\nthen:\n```ts\ntest("a", () => {});\n```';
    assert.equal(checkEditAnswer(install).ok, false);
  });

  test('no block, or an empty one, fails; prose answers only need to be non-empty', () => {
    assert.deepEqual(checkEditAnswer('const a = 1;'), { ok: false, reason: 'the answer has no fenced code block' });
    assert.deepEqual(checkEditAnswer('```ts\n  \n```'), { ok: false, reason: 'the code block is empty' });
    assert.equal(checkNonEmpty(' \n').ok, false);
    assert.equal(checkNonEmpty('Because.').ok, true);
  });
});
