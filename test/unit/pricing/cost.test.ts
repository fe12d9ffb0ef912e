import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  conservativeTokens, costOfUsage, costOnModel, costWithoutCacheReads, estimateCostMicros, estimateCostUsd, normaliseUsage, picosOf, picosToMicros,
  priceTokens, pricedTokens, totalPicos,
} from '../../../src/core/pricing/cost';
import { estimateTokens } from '../../../src/core/models';
import { countTokens } from '../../support/standin/tokens';
import { PRICE_TABLE, lookupPrice } from '../../../src/core/pricing/priceTable';
import { randomUsage, seededRandom, usage } from '../../support/fixtures/usage/builders';

// Hand-computed expectations: tokens × ($/MTok) = micro-dollars, so each term below is
// written out as it appears on the price page.

describe('costOfUsage: hand-computed cases per family', () => {
  test('Haiku 4.5 with a 5m cache write and a read', () => {
    const cost = costOfUsage('claude-haiku-4-5', usage({ input: 1000, output: 500, cw5m: 2000, cacheRead: 3000 }));
    assert.equal(cost.micros, 1000 * 1 + 500 * 5 + 2000 * 1.25 + 3000 * 0.1);
    assert.equal(cost.breakdown.cacheWrite5mPicos, 2000 * 1_250_000);
    assert.deepEqual(cost.warnings, []);
  });

  test('the dated alias prices like its model', () => {
    const spec = { input: 1234, output: 567, cacheRead: 89 };
    assert.equal(costOfUsage('claude-haiku-4-5-20251001', usage(spec)).picos, costOfUsage('claude-haiku-4-5', usage(spec)).picos);
  });

  test('Sonnet 4.6 splits cache writes into 5m and 1h', () => {
    const cost = costOfUsage('claude-sonnet-4-6', usage({ input: 100, cw5m: 1000, cw1h: 2000, output: 200 }));
    assert.equal(cost.micros, 100 * 3 + 1000 * 3.75 + 2000 * 6 + 200 * 15);
    assert.equal(cost.breakdown.cacheWrite1hPicos, 2000 * 6_000_000);
  });

  test('a missing split prices every cache write at the 5m rate', () => {
    const cost = costOfUsage('claude-sonnet-4-6', usage({ cw5m: 1000, cw1h: 2000, noSplit: true }));
    assert.equal(cost.micros, 3000 * 3.75);
    assert.equal(cost.breakdown.cacheWrite1hPicos, 0);
  });

  test('a split that under-reports the total charges the excess at 5m', () => {
    const block = { cache_creation_input_tokens: 5000, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 1000 } };
    assert.equal(costOfUsage('claude-sonnet-4-6', block).micros, 4000 * 3.75 + 1000 * 6);
  });

  test('Opus 4.8 (the current Opus price) and Opus 5.5 with its 0.05× read and 1h rate', () => {
    assert.equal(costOfUsage('claude-opus-4-8', usage({ input: 10, cacheRead: 50_000, output: 1000 })).micros, 10 * 5 + 50_000 * 0.5 + 1000 * 25);
    assert.equal(costOfUsage('claude-opus-5-5', usage({ input: 1000, cacheRead: 100_000, cw1h: 1000, output: 100 })).micros, 1000 * 4 + 100_000 * 0.2 + 1000 * 8 + 100 * 20);
  });

  test('Fable 5 reads at 0.1×, Fable 5.1 and 5.2 at 0.025×; Mythos prices like Fable', () => {
    assert.equal(costOfUsage('claude-fable-5', usage({ input: 1000, cacheRead: 10_000, output: 1000 })).micros, 1000 * 10 + 10_000 * 1 + 1000 * 50);
    assert.equal(costOfUsage('claude-fable-5-1', usage({ cacheRead: 10_000 })).micros, 10_000 * 0.25);
    const fable52 = usage({ input: 1000, cacheRead: 10_000, cw1h: 1000, output: 100 });
    assert.equal(costOfUsage('claude-fable-5-2', fable52).micros, 1000 * 8 + 10_000 * 0.2 + 1000 * 16 + 100 * 40);
    assert.equal(costOfUsage('claude-mythos-5-2', fable52).picos, costOfUsage('claude-fable-5-2', fable52).picos);
  });

  test('Sonnet 5.5 cache read halves on 2026-10-07 (dated rows)', () => {
    const reads = usage({ cacheRead: 100_000 });
    assert.equal(costOfUsage('claude-sonnet-5-5', reads, { at: '2026-10-06T23:59:59Z' }).micros, 100_000 * 0.2);
    assert.equal(costOfUsage('claude-sonnet-5-5', reads, { at: '2026-10-07T00:00:00Z' }).micros, 100_000 * 0.1);
    assert.equal(costOfUsage('claude-sonnet-5-5', reads).micros, 100_000 * 0.1, 'no date: the newest row');
  });

  test('batch uses the batch rates and halves cache rates', () => {
    const cost = costOfUsage('claude-sonnet-4-6', usage({ input: 1000, output: 1000, cw5m: 1000, cw1h: 1000, cacheRead: 1000, batch: true }));
    assert.equal(cost.micros, 1000 * 1.5 + 1000 * 7.5 + 1000 * 3.75 / 2 + 1000 * 6 / 2 + 1000 * 0.3 / 2);
    assert.equal(cost.breakdown.batch, true);
    const standard = costOfUsage('claude-sonnet-4-6', usage({ input: 1000, output: 1000, cw5m: 1000, cw1h: 1000, cacheRead: 1000 }));
    assert.equal(cost.picos * 2, standard.picos);
  });

  test('Haiku 5.5: 100,000 prompt tokens is base, 100,001 moves the whole request up', () => {
    const atLimit = costOfUsage('claude-haiku-5-5', usage({ input: 60_000, cacheRead: 40_000, output: 1000 }));
    assert.equal(atLimit.breakdown.priceTier, 'base');
    assert.equal(atLimit.picos, (60_000 * 0.1 + 40_000 * 0.01 + 1000 * 0.5) * 1e6);
    const over = costOfUsage('claude-haiku-5-5', usage({ input: 60_001, cacheRead: 40_000, output: 1000 }));
    assert.equal(over.breakdown.priceTier, 'long');
    assert.equal(over.picos, 60_001 * 500_000 + 40_000 * 50_000 + 1000 * 2_500_000);
    assert.equal(over.micros, 34_501, '34,500.5 µ$ rounds half up');
  });

  test('Haiku 5.5: cache writes count toward the prompt size, and batch stacks on the long tier', () => {
    assert.equal(costOfUsage('claude-haiku-5-5', usage({ input: 50_000, cw5m: 50_000 })).breakdown.priceTier, 'base');
    const long = costOfUsage('claude-haiku-5-5', usage({ input: 50_000, cw5m: 50_000, cw1h: 1 }));
    assert.equal(long.micros, 50_000 * 0.5 + 50_000 * 0.625 + 1 * 1);
    assert.equal(costOfUsage('claude-haiku-5-5', usage({ input: 200_000, output: 1000, batch: true })).micros, 200_000 * 0.25 + 1000 * 1.25);
  });

  test('Haiku 5.5 1h write at the base tier', () => {
    assert.equal(costOfUsage('claude-haiku-5-5', usage({ cw1h: 10_000 })).micros, 10_000 * 0.2);
  });

  test('Opus 4.1 (retired) prices at its old rates with a warning', () => {
    const cost = costOfUsage('claude-opus-4-1', usage({ input: 1000, output: 1000 }));
    assert.equal(cost.micros, 1000 * 15 + 1000 * 75);
    assert.match(cost.warnings.join('\n'), /retired/);
  });

  test('Bedrock and Vertex ids price like the first-party id', () => {
    const spec = usage({ input: 1000, output: 1000 });
    const firstParty = costOfUsage('claude-opus-4-1', spec).picos;
    assert.equal(costOfUsage('anthropic.claude-opus-4-1-20250805-v1:0', spec).picos, firstParty);
    assert.equal(costOfUsage('claude-opus-4-1@20250805', spec).picos, firstParty);
  });
});

describe('costOfUsage: warnings', () => {
  test('an unknown model is charged the ceiling and flagged, never $0', () => {
    const cost = costOfUsage('claude-nova-9', usage({ input: 1000, output: 1000 }));
    assert.equal(cost.known, false);
    assert.equal(cost.micros, 1000 * 10 + 1000 * 50, 'the dearest current input and output (Fable 5/5.1)');
    assert.match(cost.warnings[0] ?? '', /unknown model "claude-nova-9"/);
    assert.match(cost.warnings[0] ?? '', /ladder\.pricing\.overrides/);
  });

  test('Sonnet 4.5 is deprecated before its end of life and past it after', () => {
    const before = costOfUsage('claude-sonnet-4-5', usage({ input: 1 }), { now: new Date('2026-11-29T12:00:00Z') });
    assert.match(before.warnings.join('\n'), /deprecated and reaches end of life on 2026-11-30/);
    const after = costOfUsage('claude-sonnet-4-5-20250929', usage({ input: 1 }), { now: new Date('2026-12-01T00:00:00Z') });
    assert.match(after.warnings.join('\n'), /reached end of life on 2026-11-30/);
    assert.match(costOfUsage('claude-sonnet-4-5', usage({ input: 1 })).warnings.join('\n'), /deprecated/, 'warned even without a clock');
  });

  test('the table is stale after 120 days', () => {
    const fresh = costOfUsage('claude-opus-4-8', usage({ input: 1 }), { now: new Date('2027-03-22T00:00:00Z') });
    assert.deepEqual(fresh.warnings, []);
    const stale = costOfUsage('claude-opus-4-8', usage({ input: 1 }), { now: new Date('2027-03-23T00:00:00Z') });
    assert.match(stale.warnings.join('\n'), /121 days old/);
  });

  test('bad token counts are rejected, not priced', () => {
    assert.throws(() => costOfUsage('claude-opus-4-8', { input_tokens: -1 }), RangeError);
    assert.throws(() => costOfUsage('claude-opus-4-8', { output_tokens: 1.5 }), RangeError);
  });
});

describe('estimates and comparisons', () => {
  test('estimateCostUsd prices plain input and output', () => {
    assert.equal(estimateCostUsd('claude-opus-4-8', 1_000_000, 1_000_000), 5 + 25);
    assert.equal(estimateCostUsd('claude-haiku-4-5', 2000, 500), (2000 * 1 + 500 * 5) / 1e6);
    assert.equal(estimateCostMicros('claude-haiku-5-5', 100_001, 0), Math.round(100_001 * 0.5));
    assert.ok(estimateCostUsd('no-such-model', 1000, 1000) > 0);
  });

  test('costOnModel reprices the same tokens on another model', () => {
    const spec = usage({ input: 2000, cacheRead: 10_000, output: 300 });
    assert.equal(costOnModel('claude-opus-4-8', spec).micros, 2000 * 5 + 10_000 * 0.5 + 300 * 25);
  });

  test('costWithoutCacheReads turns reads into uncached input', () => {
    const spec = usage({ input: 2000, cacheRead: 10_000, cw5m: 100, output: 300 });
    const without = costWithoutCacheReads('claude-sonnet-4-6', spec);
    assert.equal(without.micros, 12_000 * 3 + 100 * 3.75 + 300 * 15);
    const saved = without.micros - costOfUsage('claude-sonnet-4-6', spec).micros;
    assert.equal(saved, 10_000 * (3 - 0.3));
  });
});

describe('exactness', () => {
  test('picos equal an independent BigInt computation for random usage on every row', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const row = PRICE_TABLE.rows[i % PRICE_TABLE.rows.length];
      assert.ok(row);
      const block = randomUsage(random);
      const tokens = pricedTokens(block);
      const long = row.longPrompt !== undefined && tokens.prompt > row.longPrompt.aboveTokens;
      const rates = long && row.longPrompt ? row.longPrompt.rates : lookupPrice(row.model, PRICE_TABLE, row.effectiveFrom).rates;
      const b = BigInt;
      const batch = block.service_tier === 'batch';
      const cacheSum = (n: number, r: number): bigint => (batch ? (b(n) * b(r) + 1n) / 2n : b(n) * b(r));
      const expected = b(tokens.input) * b(batch ? rates.batchInput : rates.input)
        + b(tokens.output) * b(batch ? rates.batchOutput : rates.output)
        + cacheSum(tokens.cacheWrite5m, rates.cacheWrite5m) + cacheSum(tokens.cacheWrite1h, rates.cacheWrite1h) + cacheSum(tokens.cacheRead, rates.cacheRead);
      const cost = costOfUsage(row.model, block, { at: row.effectiveFrom });
      assert.equal(b(cost.picos), expected, `${row.model} #${i}`);
    }
  });

  test('100k calls summed in integer micros match an exact BigInt sum; floats would drift', () => {
    const random = seededRandom(42);
    let micros = 0;
    let exact = 0n;
    let floatUsd = 0;
    for (let i = 0; i < 100_000; i++) {
      const cost = costOfUsage('claude-haiku-5-5', randomUsage(random));
      micros += cost.micros;
      exact += BigInt(cost.micros);
      floatUsd += cost.usd;
    }
    assert.ok(Number.isSafeInteger(micros));
    assert.equal(BigInt(micros), exact);
    assert.notEqual(floatUsd * 1e6, micros, 'the naive float sum is not exact (why integers are used)');
  });

  test('picosOf (the summary hot path) agrees with priceTokens on every row', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 3000; i++) {
      const row = PRICE_TABLE.rows[i % PRICE_TABLE.rows.length];
      assert.ok(row);
      const lookup = lookupPrice(row.model, PRICE_TABLE, row.effectiveFrom);
      const block = randomUsage(random);
      const t = pricedTokens(block);
      const batch = block.service_tier === 'batch';
      assert.equal(picosOf(lookup, t.input, t.cacheWrite5m, t.cacheWrite1h, t.cacheRead, t.output, batch), totalPicos(priceTokens(lookup, t, batch)));
    }
  });

  test('picosToMicros rounds half up without float division', () => {
    assert.equal(picosToMicros(0), 0);
    assert.equal(picosToMicros(499_999), 0);
    assert.equal(picosToMicros(500_000), 1);
    assert.equal(picosToMicros(12_345_678_900_000), 12_345_679);
  });
});

describe('normaliseUsage: odd usage from the API or a proxy is made priceable, and named', () => {
  test('a fraction is rounded up, a numeric string read as its number, a negative count is 0', () => {
    const cases: [Record<string, unknown>, Record<string, number>, RegExp][] = [
      [{ input_tokens: 400.5 }, { input_tokens: 401 }, /^input_tokens 400\.5 counted as 401$/],
      [{ input_tokens: '400' }, { input_tokens: 400 }, /^input_tokens "400" counted as 400$/],
      [{ cache_read_input_tokens: -5 }, { cache_read_input_tokens: 0 }, /^cache_read_input_tokens -5 counted as 0$/],
      [{ output_tokens: Number.POSITIVE_INFINITY }, { output_tokens: 0 }, /^output_tokens Infinity counted as 0$/],
      [{ output_tokens: 'lots' }, { output_tokens: 0 }, /^output_tokens "lots" counted as 0$/],
      [{ output_tokens: 2 ** 60 }, { output_tokens: 0 }, /counted as 0$/],
    ];
    for (const [raw, expected, note] of cases) {
      const { usage, odd, unreadable } = normaliseUsage(raw);
      assert.deepEqual(usage, expected);
      // A count that became 0 was no count at all; a fraction or a numeric string still was one.
      assert.deepEqual(unreadable, Object.values(expected)[0] === 0 ? Object.keys(expected) : [], JSON.stringify(raw));
      assert.equal(odd.length, 1, JSON.stringify(raw));
      assert.match(odd[0] ?? '', note);
      assert.doesNotThrow(() => costOfUsage('claude-haiku-4-5', usage));
    }
  });

  test('a well-formed block passes unchanged and unremarked; absent and null counts stay absent', () => {
    const block = { input_tokens: 12, output_tokens: 27, cache_creation_input_tokens: 2048, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 2048, ephemeral_1h_input_tokens: 0 }, service_tier: 'standard' };
    assert.deepEqual(normaliseUsage({ ...block, server_tool_use: null, speed: null }), { usage: block, odd: [], unreadable: [] });
    // A message_delta carries only what changed: what it leaves out must not be overwritten with 0.
    assert.deepEqual(normaliseUsage({ output_tokens: 60, input_tokens: null }), { usage: { output_tokens: 60 }, odd: [], unreadable: [] });
  });

  test('the split, the service tier and a missing block', () => {
    assert.deepEqual(normaliseUsage({ cache_creation: { ephemeral_5m_input_tokens: '10', ephemeral_1h_input_tokens: 1.2 } }).usage, { cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 2 } });
    assert.deepEqual(normaliseUsage({ cache_creation: 7, service_tier: 3 }), { usage: {}, odd: ['cache_creation 7 ignored', 'service_tier 3 ignored'], unreadable: [] });
    assert.deepEqual(normaliseUsage(undefined), { usage: {}, odd: ['no usage'], unreadable: [] });
    assert.deepEqual(normaliseUsage('400'), { usage: {}, odd: ['usage "400" ignored'], unreadable: [] });
  });

  test('a long odd value is cut in the note (the note goes into the ledger record, which has a length limit)', () => {
    const { odd } = normaliseUsage({ input_tokens: 'x'.repeat(1000) });
    assert.ok((odd[0]?.length ?? 0) < 80, odd[0]);
  });
});

describe('conservativeTokens: the output of a cut stream is never estimated low', () => {
  const samples = [
    'The selection from `orders.ts` (lines 5–9, 5 lines of typescript) defines `totalOf',
    'The orders module builds its SQL from strings; bind the customer as a parameter and keep the rest as it is. ',
    'function totalOf(orders: Order[]): number {\n    return orders.reduce((sum, o) => sum + o.amount * (1 - o.discount), 0);\n}\n',
    '{"path":"src/cache.ts","edits":["take the index lock before the cache lock in refresh"]}',
    '注文の合計を計算します。割引を適用してください。',
  ];

  test('at or above the stand-in tokenizer\'s count, on prose, code, JSON and CJK, on both tokenizer generations', () => {
    for (const text of samples) {
      for (const [model, generation] of [['claude-haiku-4-5', 'legacy'], ['claude-opus-4-8', 'v2']] as const) {
        const estimate = conservativeTokens(text, model);
        const counted = countTokens(text, generation);
        assert.ok(estimate >= counted, `${model}: ${estimate} < ${counted} for ${JSON.stringify(text.slice(0, 30))}`);
        assert.ok(estimate >= estimateTokens(text, model), 'never below the planning estimate');
        assert.ok(estimate <= counted * 2, `${model}: ${estimate} is far above ${counted}`);
      }
    }
  });

  test('the newer tokenizer counts more for the same text; nothing counts nothing', () => {
    const text = samples[2] ?? '';
    assert.ok(conservativeTokens(text, 'claude-opus-4-8') > conservativeTokens(text, 'claude-haiku-4-5'));
    assert.equal(conservativeTokens('', 'claude-haiku-4-5'), 0);
  });
});
