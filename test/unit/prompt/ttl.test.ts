import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTtl, resolveTtl } from '../../../src/core/prompt/ttl';

const min = 60_000;

describe('chooseTtl', () => {
  test('defaults to 5m without enough history', () => {
    assert.equal(chooseTtl({ gapsMs: [] }).ttl, '5m');
    assert.equal(chooseTtl({ gapsMs: [20 * min] }).ttl, '5m', 'two uses are not enough to pay for 1h');
  });

  test('short gaps: 5m', () => {
    const decision = chooseTtl({ gapsMs: [1 * min, 2 * min, 30_000, 4 * min] });
    assert.equal(decision.ttl, '5m');
    assert.ok(decision.relativeCost['5m'] < decision.relativeCost['1h']);
  });

  test('gaps between 5 and 60 minutes, reused at least 3 times: 1h', () => {
    const decision = chooseTtl({ gapsMs: [12 * min, 20 * min] });
    assert.equal(decision.ttl, '1h');
    // 5m re-writes each time (1.25 × 3); 1h writes once and reads twice (2 + 0.1 + 0.1).
    assert.ok(Math.abs(decision.relativeCost['5m'] - 3.75) < 1e-9);
    assert.ok(Math.abs(decision.relativeCost['1h'] - 2.2) < 1e-9);
  });

  test('gaps over an hour: neither TTL survives, so the cheaper write (5m) wins', () => {
    assert.equal(chooseTtl({ gapsMs: [90 * min, 120 * min, 75 * min] }).ttl, '5m');
  });

  test('mixed gaps are replayed, not averaged', () => {
    // Quick follow-ups with one 10-minute pause: that pause re-writes under 5m (1.25) while
    // 1h paid only 0.75 extra once, so 1h wins (3.0 against 2.6).
    const paused = chooseTtl({ gapsMs: [min, min, min, 10 * min, min, min] });
    assert.equal(paused.ttl, '1h');
    assert.ok(Math.abs(paused.relativeCost['5m'] - 3.0) < 1e-9 && Math.abs(paused.relativeCost['1h'] - 2.6) < 1e-9);
    // The same follow-ups with the pause past an hour: both re-write, and 5m's writes are cheaper.
    assert.equal(chooseTtl({ gapsMs: [min, min, min, 70 * min, min, min] }).ttl, '5m');
  });

  test('a cheaper read multiplier is taken into account', () => {
    const decision = chooseTtl({ gapsMs: [10 * min, 10 * min], readMultiplier: 0.025 });
    assert.ok(Math.abs(decision.relativeCost['1h'] - 2.05) < 1e-9);
  });

  test('resolveTtl honours an explicit setting', () => {
    assert.equal(resolveTtl('1h', { gapsMs: [] }), '1h');
    assert.equal(resolveTtl('5m', { gapsMs: [10 * min, 10 * min, 10 * min] }), '5m');
    assert.equal(resolveTtl('auto', { gapsMs: [10 * min, 10 * min, 10 * min] }), '1h');
  });
});
