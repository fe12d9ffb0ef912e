import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dearerPerCall } from '../../../src/core/pricing/cost';
import { applyPriceOverrides, parsePriceOverrides, PRICE_TABLE } from '../../../src/core/pricing/priceTable';
import { alternatesAcrossLevels, boundAcrossLevels, ladderOf, lastValidAcrossLevels, lowestSpendAcrossLevels, modelAcrossLevels, parseSettings, settingsWarning, strictestBudget, strictestCap, strictestEscalations, strictestOnExceeded } from '../../../src/core/settings/schema';
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

  test('the API address must be http(s): a file: or javascript: URL is named, and the API\'s own address used', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)']) {
      const { settings, errors } = parseSettings(read({ 'api.baseUrl': url }));
      assert.equal(settings['api.baseUrl'], 'https://api.anthropic.com');
      assert.match(errors[0] ?? '', /"ladder\.api\.baseUrl" is invalid \(an http\(s\) address/);
    }
    assert.equal(parseSettings(read({ 'api.baseUrl': 'http://127.0.0.1:8080' })).settings['api.baseUrl'], 'http://127.0.0.1:8080');
    // A setting read from one level only says which.
    assert.match(parseSettings(read({ 'api.timeoutSeconds': -1 }), (key) => (key === 'api.timeoutSeconds' ? 'user' : undefined)).errors[0] ?? '', /^Setting "ladder\.api\.timeoutSeconds" in user settings is invalid \(/);
  });

  test('wrong types are errors, not coercions', () => {
    const { settings, errors } = parseSettings(read({ 'routing.maxEscalations': '2', 'routing.allowExceptionTier': 'yes', 'models.alternates': { S: 'claude-sonnet-5' } }));
    assert.equal(errors.length, 3);
    assert.equal(settings['routing.maxEscalations'], 2);
    assert.equal(settings['routing.allowExceptionTier'], false);
    assert.deepEqual(settings['models.alternates'], {});
  });

  test('the message names the entry that is wrong and the default used instead; a budget default says it is no limit', () => {
    const { errors } = parseSettings(read({ 'models.alternates': { S: 'claude-sonnet-5' }, 'budget.daily': 'five dollars', 'cache.ttl': '10m' }));
    assert.deepEqual(errors, [
      'Setting "ladder.models.alternates.S" is invalid (Invalid input: expected array, received string); using the default, {}.',
      'Setting "ladder.cache.ttl" is invalid (Invalid option: expected one of "5m"|"1h"|"auto"); using the default, "5m".',
      'Setting "ladder.budget.daily" is invalid (Invalid input: expected number, received string); using the default, 0 (no limit).',
    ]);
  });
});

describe('access cap across settings levels', () => {
  test('the lowest valid level wins', () => {
    assert.deepEqual(strictestCap([{ level: 'user', value: 'O' }, { level: 'workspace', value: 'S' }, { level: 'folder', value: undefined }]), { value: 'S', errors: [], level: 'workspace' }, 'and where it comes from');
    // A workspace asking for more than your cap is named, as a refused model or context bound is.
    assert.deepEqual(strictestCap([{ level: 'user', value: 'H' }, { level: 'workspace', value: 'O' }]), { value: 'H', errors: ['Setting "ladder.routing.accessCap" in workspace settings asks for "O", which costs more per request than your user value; ignored, so the user value, "H", applies. Set it in your user settings to use it.'], level: 'user' });
    const above = strictestCap([{ level: 'workspace', value: 'F' }]);
    assert.deepEqual(above, { value: 'O', errors: ['Setting "ladder.routing.accessCap" in workspace settings asks for "F", which costs more per request than the default; ignored, so the default, "O", applies. Set it in your user settings to use it.'], level: 'default' }, 'above the default cap, without the opt-in');
    assert.deepEqual(strictestCap([{ level: 'workspace', value: 'F' }], true).errors, [], 'the opt-in is yours: the exception tier is within it');
  });

  test('a workspace cannot lift the user\'s cap by writing something that is not a tier', () => {
    const cap = strictestCap([{ level: 'user', value: 'S' }, { level: 'workspace', value: 'Z' }]);
    assert.equal(cap.value, 'S', 'an invalid level is left out, not turned into the default (the highest cap)');
    assert.deepEqual(cap.errors, ['Setting "ladder.routing.accessCap" in workspace settings is invalid ("Z" is not one of "H"|"S"|"O"|"F"); ignored, so the user value, "S", applies.']);
    assert.equal(parseSettings((key) => (key === 'routing.accessCap' ? cap.value : undefined)).settings['routing.accessCap'], 'S');
  });

  test('a budget: the smallest limit set anywhere wins, and 0 (no limit) never removes another level\'s', () => {
    assert.deepEqual(strictestBudget('budget.daily', [{ level: 'user', value: 5 }, { level: 'workspace', value: 0 }]), { value: 5, errors: [] });
    assert.deepEqual(strictestBudget('budget.daily', [{ level: 'user', value: 5 }, { level: 'workspace', value: 50 }]), { value: 5, errors: [] });
    assert.deepEqual(strictestBudget('budget.session', [{ level: 'user', value: 0 }, { level: 'workspace', value: 2 }]), { value: 2, errors: [] }, 'a workspace may set a budget where the user has none');
    assert.deepEqual(strictestBudget('budget.session', [{ level: 'user', value: 0 }, { level: 'folder', value: 0 }]), { value: 0, errors: [] });
    const garbage = strictestBudget('budget.session', [{ level: 'user', value: 3 }, { level: 'workspace', value: -1 }]);
    assert.equal(garbage.value, 3);
    assert.deepEqual(garbage.errors, ['Setting "ladder.budget.session" in workspace settings is invalid (-1 is not an amount of US dollars, 0 or more); ignored, so the user value, 3, applies.']);
  });

  test('escalations per step: the lowest limit set anywhere', () => {
    assert.deepEqual(strictestEscalations([{ level: 'user', value: 1 }, { level: 'workspace', value: 3 }]), { value: 1, errors: ['Setting "ladder.routing.maxEscalations" in workspace settings asks for 3, which costs more per request than your user value; ignored, so the user value, 1, applies. Set it in your user settings to use it.'] });
    assert.deepEqual(strictestEscalations([{ level: 'user', value: undefined }, { level: 'workspace', value: 0 }]), { value: 0, errors: [] });
    // With yours unset, the default (2) is the ceiling: a cloned repository's 3 would buy one more tier per step.
    assert.equal(strictestEscalations([{ level: 'user', value: undefined }, { level: 'workspace', value: 3 }]).value, 2);
    assert.equal(strictestEscalations([{ level: 'user', value: 2 }, { level: 'workspace', value: 9 }]).value, 2, 'an invalid level is left out');
  });

  test('an exceeded budget blocks when any level says so: a repository cannot turn your block into a downgrade that keeps spending', () => {
    assert.deepEqual(strictestOnExceeded([{ level: 'user', value: undefined }, { level: 'workspace', value: 'downgrade' }]), { value: 'block', errors: [] }, 'when you chose nothing, the default (block) holds');
    assert.deepEqual(strictestOnExceeded([{ level: 'user', value: 'downgrade' }, { level: 'workspace', value: undefined }]), { value: 'downgrade', errors: [] }, 'your own choice');
    assert.deepEqual(strictestOnExceeded([{ level: 'user', value: 'block' }, { level: 'workspace', value: 'downgrade' }]), { value: 'block', errors: [] });
    assert.deepEqual(strictestOnExceeded([{ level: 'user', value: 'downgrade' }, { level: 'folder', value: 'block' }]), { value: 'block', errors: [] });
    assert.equal(strictestOnExceeded([{ level: 'user', value: 'block' }, { level: 'workspace', value: 'spend' }]).errors.length, 1);
  });

  test('with no valid level the default applies, and the message names the level that holds the malformed value', () => {
    const cap = strictestCap([{ level: 'user', value: 'Z' }], true);
    assert.deepEqual(cap, { value: 'O', errors: ['Setting "ladder.routing.accessCap" in user settings is invalid ("Z" is not one of "H"|"S"|"O"|"F"); ignored, so the default, "O", applies.'], level: 'default' }, 'the opt-in does not turn a malformed cap into the exception tier');
    assert.deepEqual(strictestBudget('budget.daily', [{ level: 'user', value: -2 }]).errors, ['Setting "ladder.budget.daily" in user settings is invalid (-2 is not an amount of US dollars, 0 or more); ignored, so the default, 0 (no limit), applies.']);
    assert.deepEqual(strictestCap([]), { value: undefined, errors: [] });
    // The opt-in alone opens the exception tier when no level sets a cap; a set cap still rules.
    assert.deepEqual(strictestCap([{ level: 'user', value: undefined }], true), { value: 'F', errors: [], level: 'default' });
    assert.deepEqual(strictestCap([{ level: 'workspace', value: 'O' }], true), { value: 'O', errors: [], level: 'workspace' });
    assert.deepEqual(strictestCap([{ level: 'user', value: 'F' }, { level: 'folder', value: 'S' }], true), { value: 'S', errors: [], level: 'folder' });
  });
});

describe('per-request spend settings across settings levels', () => {
  const user = (value: unknown) => ({ level: 'user', value });
  const workspace = (value: unknown) => ({ level: 'workspace', value });

  test('a repository cannot make every cache write cost 2× by choosing the 1-hour TTL, but may shorten yours', () => {
    assert.equal(lowestSpendAcrossLevels('cache.ttl', [user(undefined), workspace('1h')]).value, '5m', 'the default, 5m, holds');
    assert.equal(lowestSpendAcrossLevels('cache.ttl', [user(undefined), workspace('auto')]).value, '5m');
    assert.deepEqual(lowestSpendAcrossLevels('cache.ttl', [user('1h'), workspace(undefined)]), { value: '1h', errors: [] }, 'your own choice');
    assert.deepEqual(lowestSpendAcrossLevels('cache.ttl', [user('1h'), workspace('auto')]), { value: 'auto', errors: [] });
  });

  test('nor add a paid difficulty check to almost every request; it may check less', () => {
    assert.equal(lowestSpendAcrossLevels('routing.difficultyThreshold', [user(undefined), workspace(1)]).value, 0.55);
    assert.deepEqual(lowestSpendAcrossLevels('routing.difficultyThreshold', [user(0.8), workspace(0.3)]), { value: 0.3, errors: [] });
    assert.equal(lowestSpendAcrossLevels('routing.difficultyCheck', [user('off'), workspace('belowThreshold')]).value, 'off');
    assert.deepEqual(lowestSpendAcrossLevels('routing.difficultyCheck', [user(undefined), workspace('off')]), { value: 'off', errors: [] });
  });

  test('nor start your steps a tier up by learning from verdicts you turned off; it may turn it off for you', () => {
    assert.equal(lowestSpendAcrossLevels('routing.learnFromVerdicts', [user(false), workspace(true)]).value, false);
    assert.deepEqual(lowestSpendAcrossLevels('routing.learnFromVerdicts', [user(undefined), workspace(false)]), { value: false, errors: [] });
    assert.deepEqual(lowestSpendAcrossLevels('routing.learnFromVerdicts', [user(undefined), workspace(true)]), { value: true, errors: [] }, 'the default, on');
    assert.match(lowestSpendAcrossLevels('routing.learnFromVerdicts', [user(true), workspace('yes')]).errors[0] ?? '', /is not false or true/);
  });

  test('a refused raise is named with the value that applies, as a context bound\'s or a model\'s is', () => {
    assert.deepEqual(lowestSpendAcrossLevels('cache.ttl', [user('5m'), workspace('1h')]), {
      value: '5m',
      errors: ['Setting "ladder.cache.ttl" in workspace settings asks for "1h", which costs more per request than your user value; ignored, so the user value, "5m", applies. Set it in your user settings to use it.'],
    });
    assert.match(lowestSpendAcrossLevels('routing.difficultyThreshold', [user(undefined), workspace(1)]).errors[0] ?? '', /"ladder\.routing\.difficultyThreshold" in workspace settings asks for 1, which costs more per request than the default; ignored, so the default, 0\.55, applies/);
    assert.deepEqual(lowestSpendAcrossLevels('cache.ttl', [user('1h'), workspace('auto')]).errors, [], 'lowering is not a raise');
  });

  test('an invalid level is named and left out; an invalid user value gives way to the default', () => {
    const ttl = lowestSpendAcrossLevels('cache.ttl', [user('1h'), workspace('2h')]);
    assert.equal(ttl.value, '1h');
    assert.match(ttl.errors[0] ?? '', /"ladder\.cache\.ttl" in workspace settings is invalid \("2h" is not "5m" or "auto" or "1h"\)/);
    assert.deepEqual(lowestSpendAcrossLevels('routing.difficultyThreshold', [user(7), workspace(0.9)]).value, 0.55);
  });
});

describe('context bounds across settings levels', () => {
  const levels = (user: unknown, workspace: unknown, folder?: unknown) => [{ level: 'user', value: user }, { level: 'workspace', value: workspace }, { level: 'folder', value: folder }];

  test('a workspace or folder may lower a bound; the later level wins', () => {
    assert.deepEqual(boundAcrossLevels('context.maxTreeEntries', levels(undefined, 100)), { value: 100, errors: [] });
    assert.deepEqual(boundAcrossLevels('context.maxTreeEntries', levels(1000, 800, 50)), { value: 50, errors: [] });
    assert.deepEqual(boundAcrossLevels('context.maxFileBytes', levels(500_000, undefined)), { value: 500_000, errors: [] }, 'your own value is never second-guessed');
  });

  test('a repository cannot grow what every request sends past your value, or the default', () => {
    const tree = boundAcrossLevels('context.maxTreeEntries', levels(undefined, 20_000));
    assert.equal(tree.value, undefined, 'the default applies');
    assert.deepEqual(tree.errors, ['Setting "ladder.context.maxTreeEntries" in workspace settings asks for 20000, above the default (400), which would grow what every request sends; ignored, so the default, 400, applies. Set it in your user settings to use it.']);
    const bytes = boundAcrossLevels('context.maxFileBytes', levels(300_000, 250_000, 1_000_000));
    assert.equal(bytes.value, 250_000, 'the folder\'s value is left out, the workspace\'s lower one holds');
    assert.match(bytes.errors[0] ?? '', /folder settings asks for 1000000, above your user setting \(300000\)/);
  });

  test('an invalid level is left out, so it cannot fall back to a default above your value', () => {
    const result = boundAcrossLevels('context.maxTreeEntries', levels(100, 'lots'));
    assert.equal(result.value, 100);
    assert.deepEqual(result.errors, ['Setting "ladder.context.maxTreeEntries" in workspace settings is invalid ("lots" is not a whole number from 0 to 20000); ignored, so the user value, 100, applies.']);
    assert.equal(parseSettings((key) => (key === 'context.maxTreeEntries' ? result.value : undefined)).settings['context.maxTreeEntries'], 100);
    assert.deepEqual(boundAcrossLevels('context.maxFileBytes', levels(12, undefined)), {
      value: undefined,
      errors: ['Setting "ladder.context.maxFileBytes" in user settings is invalid (12 is not a whole number from 1000 to 2000000); ignored, so the default, 200000, applies.'],
    }, 'an invalid user value is named with its level, and the default applies');
  });
});

describe('models across settings levels', () => {
  const pricier = (candidate: string, base: string) => dearerPerCall(candidate, base);
  const levels = (user: unknown, workspace: unknown, folder?: unknown) => [{ level: 'user', value: user }, { level: 'workspace', value: workspace }, { level: 'folder', value: folder }];

  test('a workspace may put a model on a tier that costs no more than yours (or the default)', () => {
    assert.deepEqual(modelAcrossLevels('models.execute', levels(undefined, 'claude-haiku-4-5'), pricier), { value: 'claude-haiku-4-5', errors: [] });
    assert.deepEqual(modelAcrossLevels('models.judgment', levels('claude-opus-4-8', 'claude-opus-4-7'), pricier), { value: 'claude-opus-4-7', errors: [] }, 'the same prices and tokenizer are allowed');
    assert.deepEqual(modelAcrossLevels('models.labour', levels('claude-haiku-4-5', undefined), pricier), { value: 'claude-haiku-4-5', errors: [] });
  });

  test('a pricier one is left out and named: a repository cannot move your labour onto the most expensive model', () => {
    const labour = modelAcrossLevels('models.labour', levels(undefined, 'claude-fable-5'), pricier);
    assert.equal(labour.value, undefined, 'the default applies');
    assert.deepEqual(labour.errors, ['Setting "ladder.models.labour" in workspace settings asks for a model for the H tier, but claude-fable-5 costs more than claude-haiku-4-5 (its input price, counting the same text as more tokens); ignored, so the default, "claude-haiku-4-5", applies. Set it in your user settings to use it.']);
    assert.equal(parseSettings((key) => (key === 'models.labour' ? labour.value : undefined)).settings['models.labour'], 'claude-haiku-4-5');
    const unknown = modelAcrossLevels('models.execute', levels('claude-sonnet-4-6', 'acme-model-1'), pricier);
    assert.equal(unknown.value, 'claude-sonnet-4-6', 'a model the table does not know may cost anything');
    assert.match(unknown.errors[0] ?? '', /acme-model-1 has no price in Ladder's table, so it may cost more than claude-sonnet-4-6/);
  });

  test('models are compared on every rate a call pays, per token of the same text, not the output price alone', () => {
    // Same $5/$25 list price, but the newer tokenizer bills the same text as about 1.3× the tokens.
    assert.match(modelAcrossLevels('models.judgment', levels('claude-opus-4-6', 'claude-opus-4-8'), pricier).errors[0] ?? '', /claude-opus-4-8 costs more than claude-opus-4-6 \(its input price, counting the same text as more tokens\)/);
    // Same tokenizer and output price; a dearer cache read.
    const sonnet = dearerPerCall('claude-sonnet-5', 'claude-sonnet-5-5');
    assert.match(sonnet ?? '', /cache read/);
  });

  test('models are compared at the prices you pay: your overrides price a model the table lacks', () => {
    const { table } = applyPriceOverrides(PRICE_TABLE, parsePriceOverrides({ 'claude-haiku-6': { input: 0.5, output: 2.5 } }).overrides);
    const withOverrides = (candidate: string, base: string) => dearerPerCall(candidate, base, table);
    const labour = modelAcrossLevels('models.labour', levels('claude-haiku-6', 'claude-fable-5'), withOverrides);
    assert.equal(labour.value, 'claude-haiku-6', 'Fable is refused: without your override, an unknown model priced at the ceiling let it through');
    assert.equal(modelAcrossLevels('models.labour', levels('claude-haiku-6', 'claude-fable-5'), pricier).value, 'claude-haiku-6', 'and a model with no price at all cannot be compared with, so nothing replaces it');
  });

  test('your own user settings are never second-guessed; an invalid workspace value is ignored, not a reason to use the default', () => {
    assert.deepEqual(modelAcrossLevels('models.labour', levels('claude-opus-4-8', undefined), pricier), { value: 'claude-opus-4-8', errors: [] });
    const bad = modelAcrossLevels('models.labour', levels('claude-haiku-5-5', 0), pricier);
    assert.equal(bad.value, 'claude-haiku-5-5', 'your cheaper model stays; the default would cost 10× per call');
    assert.deepEqual(bad.errors, ['Setting "ladder.models.labour" in workspace settings is invalid (0 is not a model id); ignored, so the user value, "claude-haiku-5-5", applies.']);
    assert.equal(parseSettings((key) => (key === 'models.labour' ? 'not a model id' : undefined)).errors.length, 1, 'your own invalid value goes to the schema');
  });

  test('same-tier alternates from a workspace keep only models no pricier than the tier\'s own', () => {
    const ladder = { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' };
    const result = alternatesAcrossLevels(levels({ O: ['claude-opus-4-7'] }, { S: ['claude-sonnet-4-5', 'claude-opus-4-8'] }), ladder, pricier);
    assert.deepEqual(result.value, { O: ['claude-opus-4-7'], S: ['claude-sonnet-4-5'] });
    assert.deepEqual(result.errors, ['Setting "ladder.models.alternates.S" in workspace settings lists a model S may fall back to, but claude-opus-4-8 costs more than claude-sonnet-4-6 (its input price, counting the same text as more tokens); left out, so S falls back to claude-sonnet-4-5. Set it in your user settings to use it.']);
    assert.deepEqual(alternatesAcrossLevels(levels({ S: ['claude-opus-4-8'] }, undefined), ladder, pricier), { value: { S: ['claude-opus-4-8'] }, errors: [] }, 'your own list is yours');
  });

  test('a malformed workspace list is ignored, so your fallbacks stay', () => {
    const ladder = { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' };
    const mine = { S: ['claude-sonnet-4-5'] };
    const whole = alternatesAcrossLevels(levels(mine, 'oops'), ladder, pricier);
    assert.deepEqual(whole.value, mine);
    assert.match(whole.errors[0] ?? '', /"ladder\.models\.alternates" in workspace settings is invalid \("oops" is not an object/);
    const entries = alternatesAcrossLevels(levels(mine, { S: 'nope', labour: ['claude-haiku-4-5'], H: [3] }), ladder, pricier);
    assert.deepEqual(entries.value, { S: ['claude-sonnet-4-5'], H: [] });
    assert.equal(entries.errors.length, 3, entries.errors.join('\n'));
  });

  test('a workspace cannot empty your same-tier fallbacks: its list adds to yours and never drops any', () => {
    const ladder = { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' };
    const emptied = alternatesAcrossLevels(levels({ S: ['claude-sonnet-4-5'] }, { S: [] }), ladder, pricier);
    assert.deepEqual(emptied.value, { S: ['claude-sonnet-4-5'] }, 'a 529 on Sonnet still falls back to claude-sonnet-4-5, not up to Opus');
    assert.deepEqual(emptied.errors, ['Setting "ladder.models.alternates.S" in workspace settings leaves out claude-sonnet-4-5, which an overload on S falls back to before a pricier tier; kept, so S falls back to claude-sonnet-4-5.']);
    const added = alternatesAcrossLevels(levels({ S: ['claude-sonnet-4-5'] }, { S: ['claude-haiku-4-5', 'claude-sonnet-4-5'] }, { S: ['claude-haiku-4-5'] }), ladder, pricier);
    assert.deepEqual(added.value, { S: ['claude-sonnet-4-5', 'claude-haiku-4-5'] }, 'yours first, then its additions, once each');
    assert.equal(added.errors.length, 1, 'the folder dropping yours is named');
    assert.match(added.errors[0] ?? '', /"ladder\.models\.alternates\.S" in folder settings leaves out claude-sonnet-4-5/);
  });

  test('your own malformed alternates are named with their level, also when a workspace sets some', () => {
    const ladder = { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' };
    const junk = alternatesAcrossLevels(levels('junk', { H: ['claude-haiku-4-5'] }), ladder, pricier);
    assert.deepEqual(junk.value, { H: ['claude-haiku-4-5'] });
    assert.deepEqual(junk.errors, ['Setting "ladder.models.alternates" in user settings is invalid ("junk" is not an object of tiers to lists of model ids); ignored, so the fallbacks are {"H":["claude-haiku-4-5"]}.']);
    const alone = alternatesAcrossLevels(levels('junk', undefined), ladder, pricier);
    assert.deepEqual(alone, { value: {}, errors: ['Setting "ladder.models.alternates" in user settings is invalid ("junk" is not an object of tiers to lists of model ids); ignored, so the fallbacks are {} (none).'] });
    const entry = alternatesAcrossLevels(levels({ S: ['claude-sonnet-4-5', 5] }, undefined), ladder, pricier);
    assert.deepEqual(entry.value, { S: ['claude-sonnet-4-5'] }, 'the good entries of your list stay');
    assert.match(entry.errors[0] ?? '', /"ladder\.models\.alternates\.S" in user settings is invalid/);
  });

  test('a value that is not a model id is not told to move to user settings; a model refused for its price is', () => {
    const ladder = { H: 'claude-haiku-4-5', S: 'claude-sonnet-4-6', O: 'claude-opus-4-8', F: 'claude-fable-5' };
    const { errors } = alternatesAcrossLevels(levels(undefined, { H: [5, 'claude-opus-4-8'] }), ladder, pricier);
    assert.deepEqual(errors, [
      'Setting "ladder.models.alternates.H" in workspace settings is invalid (5 is not a model id); left out, so H falls back to no other model.',
      'Setting "ladder.models.alternates.H" in workspace settings lists a model H may fall back to, but claude-opus-4-8 costs more than claude-haiku-4-5 (its input price, counting the same text as more tokens); left out, so H falls back to no other model. Set it in your user settings to use it.',
    ]);
  });
});

describe('the settings warning', () => {
  test('names each setting once, however many errors it has, and opens it when it is the only one', () => {
    const twice = ['Setting "ladder.models.alternates.H" in workspace settings is invalid (5 is not a model id); left out, so H falls back to no other model.', 'Setting "ladder.models.alternates.H" in workspace settings is invalid (6 is not a model id); left out, so H falls back to no other model.'];
    assert.deepEqual(settingsWarning(twice), { message: 'Settings not applied as written: ladder.models.alternates.H. The log says why, and what applies instead.', setting: 'ladder.models.alternates', level: 'workspace' });
    const two = settingsWarning([twice[0] ?? '', 'Setting "ladder.cache.ttl" in workspace settings asks for "1h"']);
    assert.deepEqual(two, { message: 'Settings not applied as written: ladder.models.alternates.H, ladder.cache.ttl. The log says why, and what applies instead.', setting: undefined, level: 'workspace' });
    assert.deepEqual(settingsWarning(['Setting "ladder.budget.daily" is invalid']), { message: 'Setting "ladder.budget.daily" is invalid', setting: 'ladder.budget.daily', level: undefined });
    // A workspace's invalid meter scope is named with its level and skipped: your valid value applies.
    assert.deepEqual(lastValidAcrossLevels('statusBar.show', [{ level: 'user', value: 'today' }, { level: 'workspace', value: 'weekly' }], '"session" or "today"'), {
      value: 'today',
      errors: ['Setting "ladder.statusBar.show" in workspace settings is invalid ("weekly" is not "session" or "today"); ignored, so the user value, "today", applies.'],
    });
    // A budget that no longer holds is said in the warning itself, beside another setting's error.
    const budget = strictestBudget('budget.session', [{ level: 'user', value: '5' }]).errors;
    const guarded = settingsWarning([...budget, 'Setting "ladder.statusBar.show" in workspace settings is invalid']);
    assert.equal(guarded.level, undefined, 'errors at two levels: no one level to open');
    assert.equal(settingsWarning(['Setting "ladder.routing.accessCap" in folder "api" settings is invalid']).level, 'folder "api"');
    assert.equal(guarded.message, 'Setting "ladder.budget.session" in user settings is invalid ("5" is not an amount of US dollars, 0 or more); ignored, so the default, 0 (no limit), applies. Also not applied as written: ladder.statusBar.show. The log says why, and what applies instead.');
  });
});
