import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { costOfUsage } from '../../../src/core/pricing/cost';
import type { PromptPlan } from '../../../src/core/prompt/request';
import { cacheSwitchCost, expectedUsage } from '../../../src/core/prompt/switchCost';
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

describe('expectedUsage: what a request will bill, for pre-flights and plan costs', () => {
  const local = (plan: PromptPlan) => plan.segments.reduce((sum, s) => sum + s.tokens, 0) + plan.requestTokens;
  const cachedThrough = (plan: PromptPlan) => plan.segments.filter((s) => s.cached).at(-1)?.cumulativeTokens ?? 0;

  test('a cold prefix is a cache write at the TTL\'s price; the rest plain input; the counts add up to the prompt', () => {
    const plan = planWith({ model: 'claude-opus-4-8', contextTokens: 20_000 });
    const tokens = local(plan);
    const usage = expectedUsage(plan, tokens, 500, 0);
    assert.ok(cachedThrough(plan) > 0, 'the fixture has a cached prefix');
    assert.equal(usage.cache_creation_input_tokens, cachedThrough(plan));
    assert.equal(usage.cache_read_input_tokens, 0);
    assert.equal((usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0), tokens);
    assert.deepEqual(usage.cache_creation, { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 });
    // Against pricing it all as plain input, as the pre-flight did: 1.25× on the prefix.
    const plain = costOfUsage('claude-opus-4-8', { input_tokens: tokens, output_tokens: 500 }).micros;
    assert.ok(costOfUsage('claude-opus-4-8', usage).micros > plain * 1.2, 'a cold 5m write costs about 1.25× the plain estimate');
    const hour = expectedUsage(planWith({ model: 'claude-opus-4-8', contextTokens: 20_000, ttl: '1h' }), tokens, 500, 0);
    assert.equal(hour.cache_creation?.ephemeral_1h_input_tokens, hour.cache_creation_input_tokens);
  });

  test('a warm prefix is read at a tenth of the price; a counted prompt is split in the plan\'s proportions', () => {
    const plan = planWith({ model: 'claude-sonnet-4-6', contextTokens: 20_000 });
    const warm = expectedUsage(plan, local(plan), 500, cachedThrough(plan));
    assert.equal(warm.cache_read_input_tokens, cachedThrough(plan));
    assert.equal(warm.cache_creation_input_tokens, 0);
    const counted = expectedUsage(plan, local(plan) * 2, 500, cachedThrough(plan));
    assert.equal(counted.cache_read_input_tokens, cachedThrough(plan) * 2);
    assert.equal((counted.input_tokens ?? 0) + (counted.cache_read_input_tokens ?? 0), local(plan) * 2);
  });
});
