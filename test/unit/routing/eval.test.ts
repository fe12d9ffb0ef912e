import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, formatMetrics, itemCostUsd, parseEvalFile, routeFile } from '../../../src/core/routing/eval';
import { DEFAULT_LADDER } from '../../../src/core/routing/policy';
import { fakeEstimate, routed } from '../../support/fixtures/routing/builders';

const FIXTURES = join(__dirname, '../../support/fixtures/routing');
const options = { estimateCostUsd: fakeEstimate };

describe('itemCostUsd', () => {
  test('follows the README cost model', () => {
    assert.equal(itemCostUsd('S', null, options), fakeEstimate(DEFAULT_LADDER.S, 4000 + 12 * 40, 300 + 6 * 40));
    assert.equal(itemCostUsd('O', 100, options), fakeEstimate(DEFAULT_LADDER.O, 4000 + 12 * 100, 300 + 6 * 100));
    assert.equal(itemCostUsd('H', 50_000, options), itemCostUsd('H', 2000, options), 'L is capped at 2000');
  });
});

describe('evaluate', () => {
  test('counts accuracy, under/over/severe routing and the confusion matrix', () => {
    const items = [
      routed('ok', 'S', 'S'),
      routed('under', 'S', 'H'),
      routed('severe', 'O', 'H', 10),
      routed('over', 'H', 'O', 300),
      routed('unlabelled', undefined, 'F'),
    ];
    const m = evaluate(items, options);
    assert.ok(m);
    assert.equal(m.n, 4);
    assert.equal(m.accuracy, 1 / 4);
    assert.equal(m.underRouting, 2 / 4);
    assert.equal(m.severeUnderRouting, 1 / 4);
    assert.equal(m.overRouting, 1 / 4);
    assert.equal(m.confusion.S.H, 1);
    assert.equal(m.confusion.O.H, 1);
    assert.equal(m.confusion.H.O, 1);
    assert.equal(m.confusion.F.F, 0, 'unlabelled items are not scored');
  });

  test('an under-routed item pays for both answers; all-Opus is scored by the same rule', () => {
    const items = [routed('a', 'O', 'S', 20), routed('b', 'F', 'F', 5), routed('c', 'H', 'H', 1)];
    const m = evaluate(items, options);
    assert.ok(m);
    const c = (t: 'H' | 'S' | 'O' | 'F', l: number): number => itemCostUsd(t, l, options);
    const routedUsd = c('S', 20) + c('O', 20) + c('F', 5) + c('H', 1);
    const oracle = c('O', 20) + c('F', 5) + c('H', 1);
    const allOpus = c('O', 20) + (c('O', 5) + c('F', 5)) + c('O', 1);
    assert.ok(Math.abs(m.cost.routedUsd - routedUsd) < 1e-12);
    assert.ok(Math.abs(m.cost.oracleUsd - oracle) < 1e-12);
    assert.ok(Math.abs(m.cost.allOpusUsd - allOpus) < 1e-12);
    assert.ok(Math.abs(m.cost.vsOracle - routedUsd / oracle) < 1e-12);
  });

  test('a perfect router costs exactly the oracle', () => {
    const m = evaluate([routed('a', 'H', 'H'), routed('b', 'O', 'O', 200)], options);
    assert.equal(m?.cost.vsOracle, 1);
    assert.equal(m?.accuracy, 1);
  });

  test('calibration scores each side of the difficulty-check threshold', () => {
    const at = (id: string, expected: 'H' | 'S', tier: 'H' | 'S', confidence: number) => ({ ...routed(id, expected, tier), confidence });
    const m = evaluate([at('a', 'S', 'S', 0.4), at('b', 'S', 'H', 0.5), at('c', 'H', 'H', 0.55), at('d', 'S', 'S', 0.9)], options);
    assert.ok(m);
    assert.equal(m.calibration.threshold, 0.55);
    assert.deepEqual(m.calibration.checked, { n: 2, correct: 1, accuracy: 0.5 });
    assert.deepEqual(m.calibration.trusted, { n: 2, correct: 2, accuracy: 1 }, 'the threshold itself is trusted, as in shouldCheckDifficulty');
    const none = evaluate([at('e', 'S', 'S', 0.9)], options);
    assert.deepEqual(none?.calibration.checked, { n: 0, correct: 0, accuracy: null });
    assert.match(formatMetrics(none!), /low confidence +0 items/);
  });

  test('no labels, no metrics', () => {
    assert.equal(evaluate([routed('a', undefined, 'S')], options), undefined);
  });

  test('the text report shows every metric and the matrix', () => {
    const m = evaluate([routed('a', 'O', 'H'), routed('b', 'S', 'S')], options);
    assert.ok(m);
    const text = formatMetrics(m);
    for (const word of ['accuracy', 'under-routing', 'severe under-routing', 'over-routing', 'all-Opus', 'oracle', 'low confidence', 'high confidence', 'confusion']) {
      assert.ok(text.includes(word), word);
    }
  });
});

describe('parseEvalFile', () => {
  test('reads the dev.jsonl format, skipping blank lines', () => {
    const { items, errors } = parseEvalFile(readFileSync(join(FIXTURES, 'small.jsonl'), 'utf8'), 'small.jsonl');
    assert.deepEqual(errors, []);
    assert.equal(items.length, 5);
    assert.deepEqual(items.map((i) => i.tier), ['H', 'S', 'O', 'O', 'F']);
  });

  test('labels and context are optional', () => {
    const { items, errors } = parseEvalFile(readFileSync(join(FIXTURES, 'unlabelled.jsonl'), 'utf8'), 'u.jsonl');
    assert.deepEqual(errors, []);
    assert.equal(items[0]?.tier, undefined);
    assert.deepEqual(items[0]?.paths, []);
    assert.equal(items[0]?.files, null);
  });

  test('a Windows-saved file (byte-order mark, CRLF) reads like any other', () => {
    const { items, errors } = parseEvalFile('\uFEFF{"id": "a", "request": "rename foo", "tier": "H"}\r\n\r\n{"request": "b", "tier": "S"}\r\n', 'w.jsonl');
    assert.deepEqual(errors, []);
    assert.deepEqual(items.map((i) => [i.id, i.request]), [['a', 'rename foo'], ['line-3', 'b']]);
  });

  test('names file:line and the problem for each bad line', () => {
    const text = ['{"request": "ok"}', 'not json', '[1]', '{"id": "x"}', '{"request": "y", "tier": "Z"}',
      '{"request": "y", "files": -1}', '{"request": "y", "paths": "a"}', '{"id": "d", "request": "a"}', '{"id": "d", "request": "b"}'].join('\n');
    const { errors } = parseEvalFile(text, 'f.jsonl');
    assert.match(errors[0] ?? '', /^f\.jsonl:2: not valid JSON/);
    assert.match(errors[1] ?? '', /^f\.jsonl:3: expected a JSON object/);
    assert.match(errors[2] ?? '', /^f\.jsonl:4: missing "request"/);
    assert.match(errors[3] ?? '', /^f\.jsonl:5: "tier" must be one of/);
    assert.match(errors[4] ?? '', /^f\.jsonl:6: "files" must be/);
    assert.match(errors[5] ?? '', /^f\.jsonl:7: "paths" must be/);
    assert.match(errors[6] ?? '', /^f\.jsonl:9: duplicate id "d"/);
    assert.equal(errors.length, 7);
  });

  test('labels are all or none: a file with some would score only those, silently', () => {
    const { errors } = parseEvalFile(['{"request": "a", "tier": "H"}', '{"request": "b"}', '', '{"request": "c", "tier": "O"}', '{"request": "d"}'].join('\n'), 'm.jsonl');
    assert.deepEqual(errors, [
      'm.jsonl:2: no "tier" label, while line 1 has one (label every line or none)',
      'm.jsonl:5: no "tier" label, while line 1 has one (label every line or none)',
    ]);
  });

  test('the optional fields are checked too: an empty id, a source, ref or why that is not text', () => {
    const { errors } = parseEvalFile(['{"id": "", "request": "a"}', '{"request": "b", "source": 5}', '{"request": "c", "ref": []}', '{"request": "d", "why": 5}', '{"request": "e", "source": "redis/redis", "ref": null}'].join('\n'), 't.jsonl');
    assert.deepEqual(errors, ['t.jsonl:1: "id" must be a non-empty string', 't.jsonl:2: "source" must be a string', 't.jsonl:3: "ref" must be a string', 't.jsonl:4: "why" must be a string']);
  });
});

describe('routeFile', () => {
  test('routes each item once as a free-form ask with the item context, keeping what the check reads', () => {
    const { items } = parseEvalFile(readFileSync(join(FIXTURES, 'small.jsonl'), 'utf8'), 'small.jsonl');
    const file = routeFile(items);
    const k = items.findIndex((i) => i.id === 'a');
    assert.ok(k >= 0);
    const r = file.routed[k]!;
    assert.equal(r.expected, 'H');
    assert.equal(r.linesChanged, 2);
    assert.ok(r.reasons.length > 0);
    assert.deepEqual(file.inputs[k]!.context, { files: items[k]!.files, linesChanged: 2, paths: items[k]!.paths });
    assert.equal(file.classifications[k]!.tier, r.tier);
    assert.equal(file.routed.length, items.length);
  });
});
