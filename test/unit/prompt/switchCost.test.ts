import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheSwitchCost } from '../../../src/core/prompt/switchCost';
import type { CacheWritePrice } from '../../../src/core/prompt/switchCost';
import { planWith } from './builders';

// A price function the way the pricing module would supply it: $ per MTok × write multiplier.
const BASE_INPUT: Record<string, number> = { 'claude-sonnet-4-6': 3, 'claude-opus-4-8': 5, 'claude-sonnet-5': 2 };
const price: CacheWritePrice = (model, tokens, ttl) => (tokens / 1e6) * (BASE_INPUT[model] ?? 0) * (ttl === '1h' ? 2 : 1.25);

describe('cacheSwitchCost', () => {
  test('the same model (or its dated alias) costs nothing', () => {
    const plan = planWith({ model: 'claude-haiku-4-5', contextTokens: 6000 });
    assert.equal(cacheSwitchCost('claude-haiku-4-5', 'claude-haiku-4-5-20251001', plan.prefix, price).writeTokens, 0);
  });

  test('another model must write the prefix through its last cacheable segment, at its own token count', () => {
    const plan = planWith({ model: 'claude-sonnet-4-6', contextTokens: 6000, pinned: { 'a.ts': 'x'.repeat(4000) } });
    const cost = cacheSwitchCost('claude-sonnet-4-6', 'claude-opus-4-8', plan.prefix, price);
    const legacyTotal = plan.segments[plan.segments.length - 1]?.cumulativeTokens ?? 0;
    // Opus 4.8 uses the newer tokenizer: the same bytes count about 1.3× higher.
    assert.ok(cost.writeTokens > legacyTotal * 1.25 && cost.writeTokens < legacyTotal * 1.35);
    assert.equal(cost.usd, price('claude-opus-4-8', cost.writeTokens, '5m'));
    assert.equal(cacheSwitchCost('claude-sonnet-4-6', 'claude-opus-4-8', plan.prefix, price, { ttl: '1h' }).usd, price('claude-opus-4-8', cost.writeTokens, '1h'));
  });

  test('a prefix below the target model minimum writes nothing, and says why', () => {
    const plan = planWith({ model: 'claude-sonnet-4-6', contextTokens: 2500 });
    const cost = cacheSwitchCost('claude-sonnet-4-6', 'claude-opus-4-8', plan.prefix, price);
    assert.equal(cost.writeTokens, 0);
    assert.match(cost.reason, /minimum cacheable 4096/);
  });

  test('what is already warm on the target is not charged again', () => {
    const plan = planWith({ model: 'claude-sonnet-4-6', contextTokens: 6000 });
    const cold = cacheSwitchCost('claude-sonnet-4-6', 'claude-sonnet-5', plan.prefix, price);
    const warm = cacheSwitchCost('claude-sonnet-4-6', 'claude-sonnet-5', plan.prefix, price, { warmTokens: 1000 });
    assert.equal(warm.writeTokens, cold.writeTokens - 1000);
  });
});
