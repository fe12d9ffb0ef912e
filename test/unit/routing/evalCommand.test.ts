import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCostUsd } from '../../../src/core/pricing/cost';
import { evaluate, parseEvalFile, routeFile } from '../../../src/core/routing/eval';
import { ROOT, runEvalTool } from '../../support/evalTool';

const FIXTURES = 'test/support/fixtures/routing';

describe('npm run eval', () => {
  test('--json prints one object with items and the metrics the core computes', async () => {
    const file = join(FIXTURES, 'small.jsonl');
    const { status, stdout, stderr } = await runEvalTool([file, '--json']);
    assert.equal(status, 0, stderr);
    const out = JSON.parse(stdout) as { items: Record<string, unknown>[]; metrics?: Record<string, unknown> };
    const { items } = parseEvalFile(readFileSync(join(ROOT, file), 'utf8'), file);
    assert.equal(out.items.length, items.length);
    for (const item of out.items) assert.deepEqual(Object.keys(item).sort(), ['confidence', 'id', 'reasons', 'stepType', 'tier']);
    const expected = evaluate(routeFile(items).routed, { estimateCostUsd: (m, i, o) => estimateCostUsd(m, i, o) });
    assert.deepEqual(out.metrics, JSON.parse(JSON.stringify(expected)));
  });

  test('--misses lists exactly the misrouted requests, then the metrics', async () => {
    const file = join(FIXTURES, 'heldout-p.jsonl');
    const { status, stdout, stderr } = await runEvalTool([file, '--misses']);
    assert.equal(status, 0, stderr);
    const { items } = parseEvalFile(readFileSync(join(ROOT, file), 'utf8'), file);
    const wrong = routeFile(items).routed.filter((r) => r.tier !== r.expected).map((r) => r.id);
    assert.ok(wrong.length > 0, 'the fixture has misses');
    const listed = [...stdout.matchAll(/^([✓✗]) (\S+):/gm)];
    assert.deepEqual(listed.map((m) => m[1]), wrong.map(() => '✗'));
    assert.deepEqual(listed.map((m) => m[2]), wrong);
    // Each listed route is followed by the request it was made for, on one line.
    const byId = new Map(items.map((i) => [i.id, i.request.replace(/\s+/g, ' ').trim()]));
    for (const m of stdout.matchAll(/^✗ (\S+):.*\n {4}"(.*)"$/gm)) {
      const request = byId.get(m[1]!)!;
      assert.equal(m[2], request.length > 160 ? `${request.slice(0, 159)}…` : request);
    }
    assert.equal([...stdout.matchAll(/^✗ (\S+):.*\n {4}"(.*)"$/gm)].length, wrong.length);
    assert.match(stdout, /^accuracy /m);
    const both = await runEvalTool([file, '--misses', '--verbose']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--misses and --verbose are alternatives/);
  });

  test('without labels: items only, no metrics', async () => {
    const { status, stdout } = await runEvalTool([join(FIXTURES, 'unlabelled.jsonl'), '--json']);
    assert.equal(status, 0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal('metrics' in out, false);
    assert.equal((out.items as unknown[]).length, 2);
  });

  test('a line that is not JSON exits 2 naming file:line', async () => {
    const file = join(FIXTURES, 'malformed.jsonl');
    const { status, stdout, stderr } = await runEvalTool([file, '--verbose']);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:3: not valid JSON`));
  });

  test('a line without a request exits 2 naming file:line, and so does a bad option', async () => {
    const file = join(FIXTURES, 'noRequest.jsonl');
    const missing = await runEvalTool([file]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /noRequest\.jsonl:2: missing "request"/);
    const badFlag = await runEvalTool([file, '--fast']);
    assert.equal(badFlag.status, 2);
    assert.match(badFlag.stderr, /unknown option --fast/);
    const shortFlag = await runEvalTool([file, '-v']);
    assert.equal(shortFlag.status, 2);
    assert.match(shortFlag.stderr, /unknown option -v/, 'not read as a second file');
  });
});
