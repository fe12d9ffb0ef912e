import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../support/tempDir';

const FIXTURES = path.join(__dirname, '../../support/fixtures/usage');

function runCost(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/cost.ts', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// sample.jsonl, priced by hand ($/MTok × tokens = µ$):
const EXPECTED = [
  { line: 1, model: 'claude-haiku-4-5', micros: 1000 * 1 + 500 * 5 + 2000 * 1.25 + 3000 * 0.1 },
  { line: 2, model: 'claude-sonnet-4-6', micros: 100 * 3 + 200 * 15 + 1000 * 3.75 + 2000 * 6 },
  { line: 4, model: 'claude-opus-4-8', micros: 1000 * 2.5 + 1000 * 12.5 },
  { line: 5, model: 'claude-haiku-5-5', micros: 34_501 },
  { line: 6, model: 'claude-sonnet-4-5-20250929', micros: 1000 * 3 },
];

describe('npm run cost', () => {
  test('--json prices each line and the total; blank lines and extra fields are ignored', () => {
    const result = runCost(path.join(FIXTURES, 'sample.jsonl'), '--json');
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { items: { line: number; model: string; cost_usd: number }[]; total_usd: number };
    assert.deepEqual(out.items, EXPECTED.map((e) => ({ line: e.line, model: e.model, cost_usd: e.micros / 1e6 })));
    assert.equal(out.total_usd, EXPECTED.reduce((sum, e) => sum + e.micros, 0) / 1e6);
    assert.match(result.stderr, /claude-sonnet-4-5-20250929.*(deprecated|end of life)/, 'warnings go to stderr');
  });

  test('text output lists each line and the exact total', () => {
    const result = runCost(path.join(FIXTURES, 'sample.jsonl'));
    assert.equal(result.status, 0);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, EXPECTED.length + 1);
    assert.match(lines[1] ?? '', /^line 2 .*claude-sonnet-4-6 .*\$0\.019050$/);
    assert.match(lines.at(-1) ?? '', /^total .*\$0\.077851$/);
  });

  test('a ledger file prices too (flat 5m/1h split)', () => {
    const dir = tempDir('cost');
    const file = path.join(dir, 'ledger.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ v: 1, model: 'claude-sonnet-4-6', time: '2026-11-20T00:00:00.000Z', usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 1000, cache_read_input_tokens: 0, cache_5m: 0, cache_1h: 1000, service_tier: 'standard' } })}\n`);
    const out = JSON.parse(runCost(file, '--json').stdout) as { total_usd: number };
    assert.equal(out.total_usd, (1000 * 6) / 1e6);
  });

  test('an unknown model is priced (never $0) and flagged on stderr', () => {
    const dir = tempDir('cost');
    const file = path.join(dir, 'unknown.jsonl');
    fs.writeFileSync(file, '{"model":"claude-nova-9","usage":{"input_tokens":1000,"output_tokens":0}}\n');
    const result = runCost(file, '--json');
    assert.equal(result.status, 0);
    assert.ok((JSON.parse(result.stdout) as { total_usd: number }).total_usd > 0);
    assert.match(result.stderr, /unknown model "claude-nova-9"/);
  });

  test('a malformed line exits 2 and names the line', () => {
    const result = runCost(path.join(FIXTURES, 'malformed.jsonl'), '--json');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /line 2: usage\.input_tokens/);
    assert.equal(result.stdout, '');
    const notJson = path.join(tempDir('cost'), 'bad.jsonl');
    fs.writeFileSync(notJson, '{"model":"claude-haiku-4-5","usage":{}}\n{oops\n');
    const second = runCost(notJson);
    assert.equal(second.status, 2);
    assert.match(second.stderr, /line 2: not JSON/);
  });

  test('no file: usage message, exit 2', () => {
    assert.equal(runCost().status, 2);
  });
});
