import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failureMessage } from '../../../src/core/task/failureMessage';
import { ModelCallError } from '../../../src/core/task/ports';

const context = { model: 'claude-opus-4-8', baseUrl: 'https://api.anthropic.com' };

describe('failure messages', () => {
  test('401 says the key was rejected and offers Set API Key', () => {
    const m = failureMessage(new ModelCallError('auth', 'invalid x-api-key', { status: 401 }), context);
    assert.match(m.text, /rejected \(401\)/);
    assert.deepEqual(m.actions, ['setApiKey']);
  });

  test('overload after retries names the model and what the policy did', () => {
    const m = failureMessage(new ModelCallError('overloaded', 'Overloaded', { status: 529 }), { ...context, fallbackNotice: 'No fallback is allowed or left; try again later.' });
    assert.match(m.text, /claude-opus-4-8 is overloaded \(529\) after retries\. No fallback/);
    // The policy's own notice names the model: said once, with no status it did not see.
    const notice = 'claude-opus-4-8 is overloaded and no fallback is allowed or left; try again later.';
    assert.equal(failureMessage(new ModelCallError('overloaded', 'Overloaded'), { ...context, fallbackNotice: notice }).text, notice);
    assert.equal(failureMessage(new ModelCallError('overloaded', 'Overloaded'), context).text, 'claude-opus-4-8 is overloaded after retries.');
    assert.equal(failureMessage(new ModelCallError('rateLimited', 'rate', { status: 429, retryAfterSeconds: 20 }), { ...context, fallbackNotice: notice.replace('overloaded', 'rate-limited (HTTP 429)') }).text,
      'claude-opus-4-8 is rate-limited (HTTP 429) and no fallback is allowed or left; try again later. Retry in 20 s.');
  });

  test('429 passes on retry-after; offline names the host, not the URL path or key', () => {
    assert.match(failureMessage(new ModelCallError('rateLimited', 'rate', { status: 429, retryAfterSeconds: 20 }), context).text, /Retry in 20 s/);
    const offline = failureMessage(new ModelCallError('network', 'ECONNREFUSED'), { ...context, baseUrl: 'http://127.0.0.1:9/v1' });
    assert.match(offline.text, /Could not reach 127\.0\.0\.1:9\./);
  });

  test('every failure kind has a sentence', () => {
    const kinds = ['auth', 'permission', 'billing', 'notFound', 'badRequest', 'tooLarge', 'rateLimited', 'overloaded', 'server', 'timeout', 'network', 'streamError', 'cancelled'] as const;
    for (const kind of kinds) assert.ok(failureMessage(new ModelCallError(kind, 'x'), context).text.length > 10, kind);
  });
});
