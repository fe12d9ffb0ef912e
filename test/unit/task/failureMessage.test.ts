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
      'claude-opus-4-8 is rate-limited (HTTP 429) and no fallback is allowed or left; try again in 20 s.');
  });

  test('429 passes on retry-after; offline names the host, not the URL path or key', () => {
    assert.match(failureMessage(new ModelCallError('rateLimited', 'rate', { status: 429, retryAfterSeconds: 20 }), context).text, /Try again in 20 s./);
    const offline = failureMessage(new ModelCallError('network', 'ECONNREFUSED'), { ...context, baseUrl: 'http://127.0.0.1:9/v1' });
    assert.match(offline.text, /Could not reach 127\.0\.0\.1:9\./);
  });

  test('a 404 that is not about the model points at the base URL, and a 403 keeps the API\'s reason', () => {
    const model = failureMessage(new ModelCallError('notFound', 'model: claude-opus-4-8', { status: 404 }), context);
    assert.equal(model.text, 'The API does not know the model "claude-opus-4-8" (404). Check the ladder.models settings.');
    // ladder.api.baseUrl set to https://api.anthropic.com/v1 posts to /v1/v1/messages.
    const path = failureMessage(new ModelCallError('notFound', 'Not found: POST /v1/v1/messages', { status: 404 }), context);
    assert.equal(path.text, 'The API answered 404 (Not found: POST /v1/v1/messages). Check ladder.api.baseUrl: it is the host alone, such as https://api.anthropic.com, without /v1.');
    assert.deepEqual(path.actions, ['openSettings', 'showLogs']);
    const denied = failureMessage(new ModelCallError('permission', 'This organization has been disabled.', { status: 403 }), context);
    assert.equal(denied.text, 'This key may not use claude-opus-4-8 (403): This organization has been disabled.');
  });

  test('a prompt over the context window, sent on a local estimate, gets the advice Ladder gives before sending', () => {
    const m = failureMessage(new ModelCallError('badRequest', 'prompt is too long: 1326844 tokens > 1000000 maximum', { status: 400 }), context);
    assert.equal(m.text, "This request is 1,326,844 tokens by the API's count, more than claude-opus-4-8's 1,000,000-token context allows. Send less and try again.");
    assert.deepEqual(m.actions, []);
    // The other wording, with the output limit counted in.
    const limit = failureMessage(new ModelCallError('badRequest', 'input length and `max_tokens` exceed context limit: 197202 + 21333 > 200000, decrease input length or `max_tokens` and try again', { status: 400 }), context);
    assert.equal(limit.text, "This request and room for its answer come to 218,535 tokens by the API's count, more than claude-opus-4-8's 200,000-token context allows. Send less and try again.");
    assert.match(failureMessage(new ModelCallError('badRequest', 'messages: at least one message is required', { status: 400 }), context).text, /^The API refused the request \(400\): messages/);
  });

  test('a silent stream says how long nothing came; overload and server errors pass on the wait too', () => {
    assert.equal(failureMessage(new ModelCallError('streamError', 'x', { silentSeconds: 120 }), context).text,
      'The answer stream from claude-opus-4-8 went silent for 120 s and was abandoned; what was billed is in the ledger.');
    assert.equal(failureMessage(new ModelCallError('timeout', 'x', { silentSeconds: 120 }), context).text, 'claude-opus-4-8 sent nothing for 120 s, so the request was abandoned.');
    assert.match(failureMessage(new ModelCallError('overloaded', 'x', { status: 529, retryAfterSeconds: 30 }), context).text, /overloaded \(529\) after retries\. Try again in 30 s\.$/);
    assert.match(failureMessage(new ModelCallError('server', 'x', { status: 503, retryAfterSeconds: 5 }), context).text, /server error \(503\) after retries\. Try again in 5 s\.$/);
    assert.match(failureMessage(new ModelCallError('rateLimited', 'x', { status: 429, retryAfterSeconds: 300 }), context).text, /Try again in 5 min\.$/);
    // A reply the gateway could not read says so, with the host, rather than "broke off".
    const unreadable = failureMessage(new ModelCallError('streamError', 'The API at proxy.example:8080 sent a reply Ladder could not read (Unexpected token <).'), context);
    assert.equal(unreadable.text, 'The API at proxy.example:8080 sent a reply Ladder could not read (Unexpected token <). What was billed is in the ledger.');
    assert.deepEqual(unreadable.actions, ['showLogs', 'openSettings']);
  });

  test('a key the gateway would not send is said as such, not as "no key"', () => {
    assert.equal(failureMessage(new ModelCallError('auth', 'No Anthropic API key is set.'), context).text, 'No Anthropic API key is set.');
    const shaped = failureMessage(new ModelCallError('auth', 'The stored API key has a character no API key has (an invisible or typographic one, from copying it?). Set it again.'), context);
    assert.match(shaped.text, /^The stored API key has a character/);
    assert.deepEqual(shaped.actions, ['setApiKey']);
  });

  test('every failure kind has a sentence', () => {
    const kinds = ['auth', 'permission', 'billing', 'notFound', 'badRequest', 'tooLarge', 'rateLimited', 'overloaded', 'server', 'timeout', 'network', 'streamError', 'cancelled'] as const;
    for (const kind of kinds) assert.ok(failureMessage(new ModelCallError(kind, 'x'), context).text.length > 10, kind);
  });
});
