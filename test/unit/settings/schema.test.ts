import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ladderOf, parseSettings } from '../../../src/core/settings/schema';
import type { SettingKey } from '../../../src/core/settings/schema';

function read(values: Partial<Record<SettingKey, unknown>>) {
  return (key: SettingKey) => values[key];
}

describe('settings', () => {
  test('nothing set gives the documented defaults and no errors', () => {
    const { settings, errors } = parseSettings(read({}));
    assert.deepEqual(errors, []);
    assert.deepEqual(ladderOf(settings), { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' });
    assert.equal(settings['api.baseUrl'], 'https://api.anthropic.com');
    assert.equal(settings['routing.accessCap'], 'O');
    assert.equal(settings['routing.allowExceptionTier'], false);
    assert.equal(settings['budget.onExceeded'], 'block');
  });

  test('a malformed setting is named, falls back to its default, and the others still apply', () => {
    const { settings, errors } = parseSettings(read({ 'budget.session': -3, 'routing.accessCap': 'Z', 'models.execute': 'claude-sonnet-5', 'api.baseUrl': 'not a url' }));
    assert.equal(errors.length, 3);
    assert.ok(errors.some((e) => e.includes('"ladder.budget.session"')));
    assert.ok(errors.some((e) => e.includes('"ladder.routing.accessCap"')));
    assert.ok(errors.some((e) => e.includes('"ladder.api.baseUrl"')));
    assert.equal(settings['budget.session'], 0);
    assert.equal(settings['routing.accessCap'], 'O');
    assert.equal(settings['api.baseUrl'], 'https://api.anthropic.com');
    assert.equal(settings['models.execute'], 'claude-sonnet-5', 'a valid neighbour is kept');
  });

  test('wrong types are errors, not coercions', () => {
    const { settings, errors } = parseSettings(read({ 'routing.maxEscalations': '2', 'routing.allowExceptionTier': 'yes', 'models.alternates': { S: 'claude-sonnet-5' } }));
    assert.equal(errors.length, 3);
    assert.equal(settings['routing.maxEscalations'], 2);
    assert.equal(settings['routing.allowExceptionTier'], false);
    assert.deepEqual(settings['models.alternates'], {});
  });
});
