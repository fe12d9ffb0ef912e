import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  PRICE_TABLE, applyPriceOverrides, lookupPrice, normalizeModelId, parsePriceOverrides, tableWarnings, tableWithOverrides, usdPerMTokToMicros,
} from '../../../src/core/pricing/priceTable';
import { costOfUsage } from '../../../src/core/pricing/cost';
import { MODELS } from '../../../src/core/models';
import { SDK_MODEL_IDS, usage } from '../../support/fixtures/usage/builders';

describe('the built-in table', () => {
  test('prices every id in the SDK model list and every model in models.ts', () => {
    for (const id of [...SDK_MODEL_IDS, ...MODELS.map((m) => m.id)]) {
      const lookup = lookupPrice(id);
      assert.equal(lookup.known, true, id);
      assert.ok(lookup.rates.input > 0 && lookup.rates.output > 0, id);
    }
  });

  test('every row carries an asOf date and a source', () => {
    for (const row of PRICE_TABLE.rows) {
      assert.match(row.asOf, /^\d{4}-\d{2}-\d{2}$/, row.model);
      assert.ok(row.source.length > 0, row.model);
      if (row.effectiveFrom !== undefined) assert.match(row.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('cache and batch columns follow the documented multipliers on every row', () => {
    for (const row of PRICE_TABLE.rows) {
      const cards = [row.rates, ...(row.longPrompt ? [row.longPrompt.rates] : [])];
      for (const rates of cards) {
        assert.equal(rates.cacheWrite5m, rates.input * 1.25, `${row.model} 5m`);
        assert.equal(rates.cacheWrite1h, rates.input * 2, `${row.model} 1h`);
        assert.equal(rates.cacheRead, Math.round(rates.input * row.cacheReadMultiplier), `${row.model} read`);
        assert.equal(rates.batchInput * 2, rates.input, `${row.model} batch in`);
        assert.equal(rates.batchOutput * 2, rates.output, `${row.model} batch out`);
        assert.equal(rates.output, rates.input * 5, `${row.model}: output is 5× input`);
      }
    }
  });

  test('the multipliers that differ from 0.1× are the documented ones', () => {
    const multiplier = (id: string, at?: string): number | undefined => lookupPrice(id, PRICE_TABLE, at).row?.cacheReadMultiplier;
    assert.equal(multiplier('claude-fable-5-1'), 0.025);
    assert.equal(multiplier('claude-fable-5-2'), 0.025);
    assert.equal(multiplier('claude-opus-5-5'), 0.05);
    assert.equal(multiplier('claude-sonnet-5-5', '2026-10-06'), 0.1);
    assert.equal(multiplier('claude-sonnet-5-5', '2026-10-07'), 0.05);
    assert.equal(multiplier('claude-fable-5'), 0.1);
  });

  test('only the retired Opus rows are stale anchors, and the default table raises no warning when fresh', () => {
    assert.deepEqual(PRICE_TABLE.rows.filter((r) => r.staleAnchor).map((r) => r.model), ['claude-opus-4-1', 'claude-opus-4-0']);
    assert.deepEqual(tableWarnings(PRICE_TABLE, new Date('2026-12-01T00:00:00Z')), []);
  });

  test('cloud ids normalise to first-party ids', () => {
    assert.equal(normalizeModelId('anthropic.claude-opus-4-1-20250805-v1:0'), 'claude-opus-4-1-20250805');
    assert.equal(normalizeModelId('us.anthropic.claude-haiku-4-5-20251001-v1:0'), 'claude-haiku-4-5-20251001');
    assert.equal(normalizeModelId('claude-opus-4-1@20250805'), 'claude-opus-4-1-20250805');
  });

  test('usdPerMTokToMicros is exact to six decimals and rejects more', () => {
    assert.equal(usdPerMTokToMicros(0.125), 125_000);
    assert.equal(usdPerMTokToMicros(18.75), 18_750_000);
    assert.throws(() => usdPerMTokToMicros(0.0000001));
    assert.throws(() => usdPerMTokToMicros(-1));
  });
});

describe('overrides (ladder.pricing.overrides)', () => {
  test('a bad entry names the setting and the key and is ignored; good ones apply', () => {
    const { overrides, errors } = parsePriceOverrides({
      'claude-opus-4-8': { input: 4, output: 20 },
      'claude-sonnet-4-6': { input: 'three' },
      'claude-haiku-4-5': { inptu: 1 },
    });
    assert.deepEqual(Object.keys(overrides), ['claude-opus-4-8']);
    assert.equal(errors.length, 2);
    assert.match(errors[0] ?? '', /^ladder\.pricing\.overrides\["claude-sonnet-4-6"\] ignored: input/);
    assert.match(errors[1] ?? '', /^ladder\.pricing\.overrides\["claude-haiku-4-5"\] ignored/);
    assert.match(errors[1] ?? '', /inptu/);
  });

  test('a non-object setting is reported once and nothing applies', () => {
    const result = parsePriceOverrides([1, 2]);
    assert.deepEqual(result.overrides, {});
    assert.match(result.errors[0] ?? '', /ladder\.pricing\.overrides/);
    assert.deepEqual(parsePriceOverrides(undefined), { overrides: {}, errors: [] });
  });

  test('negative, too-precise and absurd rates are rejected', () => {
    const { errors } = parsePriceOverrides({ a: { input: -1 }, b: { output: 1e-9 }, c: { input: 1e9 } });
    assert.equal(errors.length, 3);
  });

  test('an override changes the given columns and derives omitted cache/batch columns', () => {
    const { table } = applyPriceOverrides(PRICE_TABLE, parsePriceOverrides({ 'claude-opus-4-8': { input: 4, output: 20 } }).overrides);
    const rates = lookupPrice('claude-opus-4-8', table).rates;
    assert.equal(rates.input, 4_000_000);
    assert.equal(rates.cacheWrite5m, 5_000_000);
    assert.equal(rates.cacheRead, 400_000);
    assert.equal(rates.batchOutput, 10_000_000);
    assert.match(lookupPrice('claude-opus-4-8', table).row?.source ?? '', /ladder\.pricing\.overrides/);
    assert.equal(lookupPrice('claude-opus-4-7', table).rates.input, 5_000_000, 'other rows untouched');
    assert.equal(costOfUsage('claude-opus-4-8', usage({ input: 1000 }), { table }).micros, 4000);
  });

  test('an override on a dated model applies to each of its rows', () => {
    const { table } = applyPriceOverrides(PRICE_TABLE, { 'claude-sonnet-5-5': { output: 12 } });
    assert.equal(lookupPrice('claude-sonnet-5-5', table, '2026-01-01').rates.output, 12_000_000);
    assert.equal(lookupPrice('claude-sonnet-5-5', table, '2026-11-01').rates.output, 12_000_000);
    assert.equal(lookupPrice('claude-sonnet-5-5', table, '2026-11-01').rates.cacheRead, 100_000);
  });

  test('a new model needs input and output; with them it is priced and no longer unknown', () => {
    const partial = applyPriceOverrides(PRICE_TABLE, { 'claude-nova-1': { input: 1 } });
    assert.match(partial.errors[0] ?? '', /ladder\.pricing\.overrides\["claude-nova-1"\]/);
    const { table } = applyPriceOverrides(PRICE_TABLE, { 'claude-nova-1': { input: 1, output: 4 } });
    const cost = costOfUsage('claude-nova-1', usage({ input: 1000, output: 1000, cacheRead: 1000 }), { table });
    assert.equal(cost.micros, 1000 * 1 + 1000 * 4 + 1000 * 0.1);
    assert.deepEqual(cost.warnings, []);
  });

  test('the table for a raw overrides setting: valid entries applied, what was wrong in parsing and applying both said', () => {
    const { table, errors } = tableWithOverrides({ 'claude-opus-4-8': { input: 4, output: 20 }, 'claude-nova-1': { input: 1 }, '': {} });
    assert.equal(lookupPrice('claude-opus-4-8', table).rates.input, 4_000_000);
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.deepEqual(tableWithOverrides(undefined), { table: PRICE_TABLE, errors: [] });
  });

  test('configuring a current Opus at the stale $15/$75 anchor is flagged', () => {
    const { table } = applyPriceOverrides(PRICE_TABLE, { 'claude-opus-4-8': { input: 15, output: 75 } });
    const warnings = tableWarnings(table, new Date('2026-12-01T00:00:00Z'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /claude-opus-4-8.*stale claude-opus-4-1 anchor/);
    const sonnet = applyPriceOverrides(PRICE_TABLE, { 'claude-sonnet-4-6': { input: 15 } }).table;
    assert.deepEqual(tableWarnings(sonnet, new Date('2026-12-01T00:00:00Z')), [], 'the anchor is an Opus price');
  });
});
