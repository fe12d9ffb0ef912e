import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractCodeBlock, extractJson, fencedBlocks, parseTaskHeader, taskHeader } from '../../../src/core/protocol';

describe('protocol helpers', () => {
  test('fences pair line by line, so a closing fence never opens the next block', () => {
    const text = ['File: a.ts', '```typescript', 'const x: number[] = [];', '```', 'Request: judge these', '```json', '{"findings":[{"index":0}]}', '```'].join('\n');
    assert.deepEqual(fencedBlocks(text).map((b) => b.lang), ['typescript', 'json']);
    assert.deepEqual(extractJson(text), { findings: [{ index: 0 }] });
  });

  test('a CRLF answer gives a body with LF line ends and no CR left on its last line', () => {
    const text = 'Tidied:\r\n\r\n```ts\r\nexport function a(x: number) {\r\n  return x + 1;\r\n}\r\n```\r\n';
    assert.deepEqual(fencedBlocks(text), [{ lang: 'ts', body: 'export function a(x: number) {\n  return x + 1;\n}' }]);
  });

  test('extractJson takes a bare object, and returns undefined for prose', () => {
    assert.deepEqual(extractJson('Sure: {"names":[{"name":"total","why":"clearer"}]} hope that helps'), { names: [{ name: 'total', why: 'clearer' }] });
    assert.equal(extractJson('no json here'), undefined);
    assert.equal(extractJson('{ broken'), undefined);
  });

  test('extractJson finds the answer past braces in the prose or a snippet before it, and in any json fence', () => {
    const findings = { findings: [{ file: 'a.ts', startLine: 3 }] };
    const isFindings = (v: unknown) => typeof v === 'object' && v !== null && 'findings' in v;
    const cases = [
      `${JSON.stringify(findings)}\nNote: the \`{}\` default is fine.`,
      `Given \`{a}\` in the handler, here: ${JSON.stringify(findings)}`,
      `\`\`\`ts\nconst o = { a: 1 };\n\`\`\`\n${JSON.stringify(findings)}`,
      `\`\`\`JSON\n${JSON.stringify(findings)}\n\`\`\`\nThe {x} case is rare.`,
      `\`\`\`jsonc\n${JSON.stringify(findings)}\n\`\`\``,
      `{"note":"a } inside a string"} then ${JSON.stringify(findings)}`,
    ];
    for (const text of cases) assert.deepEqual(extractJson(text, isFindings), findings, text);
    // Without a schema, the first object that parses.
    assert.deepEqual(extractJson('{"a":1} and {"b":2}'), { a: 1 });
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
