import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractCodeBlock, extractJson, fencedBlocks, parseTaskHeader, taskHeader } from '../../../src/core/protocol';

describe('protocol helpers', () => {
  test('fences pair line by line, so a closing fence never opens the next block', () => {
    const text = ['File: a.ts', '```typescript', 'const x: number[] = [];', '```', 'Request: judge these', '```json', '{"findings":[{"index":0}]}', '```'].join('\n');
    assert.deepEqual(fencedBlocks(text).map((b) => b.lang), ['typescript', 'json']);
    assert.deepEqual(extractJson(text), { findings: [{ index: 0 }] });
  });

  test('extractJson takes a bare object, and returns undefined for prose', () => {
    assert.deepEqual(extractJson('Sure: {"names":[{"name":"total","why":"clearer"}]} hope that helps'), { names: [{ name: 'total', why: 'clearer' }] });
    assert.equal(extractJson('no json here'), undefined);
    assert.equal(extractJson('{ broken'), undefined);
  });

  test('extractCodeBlock keeps longer fences that wrap inner ones', () => {
    const text = 'Here:\n````md\n```js\nx()\n```\n````\n';
    assert.equal(extractCodeBlock(text), '```js\nx()\n```');
  });

  test('task headers round-trip', () => {
    assert.equal(parseTaskHeader(`${taskHeader('securityReview')}\nMore instructions`), 'securityReview');
    assert.equal(parseTaskHeader('You are a helpful assistant'), undefined);
  });
});
