import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { forMatching } from '../../../src/core/routing/classifier';
import { HAZARD_RULES } from '../../../src/core/routing/hazards';
import { labelledRequestTexts } from '../../support/fixtures/routing/builders';

/** The whole match (or null) of `re` on each text. */
function matches(re: RegExp, texts: readonly string[]): (string | null)[] {
  return texts.map((t) => re.exec(t)?.[0] ?? null);
}

describe('forMatching: the rule loop\'s rewrite of a pattern matches exactly what the pattern matches', () => {
  test('captures become non-capturing; (?…) groups, escapes and classes are kept', () => {
    const re = forMatching(/\bfix(es|ed)? \((the )?bug\)|[(|]x|(?<=a)b|(?<name>z+)|\\(q)/);
    assert.equal(re.source, String.raw`\bfix(?:es|ed)? \((?:the )?bug\)|[(|]x|(?<=a)b|(?<name>z+)|\\(?:q)`);
    const texts = ['fixes (the bug)', 'fix (bug)', '|x', '(x', 'ab', 'zzz', '\\q', 'nothing'];
    assert.deepEqual(matches(re, texts), matches(/\bfix(es|ed)? \((the )?bug\)|[(|]x|(?<=a)b|(?<name>z+)|\\(q)/, texts));
  });

  test('neighbouring alternatives that start with \\b share one test, in the same order', () => {
    const original = /\brace|\bracy|^fix|\bdead(lock)?|\block/;
    const re = forMatching(original);
    assert.equal(re.source, String.raw`\b(?:race|racy)|^fix|\b(?:dead(?:lock)?|lock)`);
    const texts = ['a racy read', 'race', 'fix it', 'deadlock here', 'unlock', 'lock'];
    assert.deepEqual(matches(re, texts), matches(original, texts));
  });

  test('every hazard pattern, its gate and its unless match the same text on every labelled request', () => {
    const texts = labelledRequestTexts();
    assert.ok(texts.length > 5000, `${texts.length} requests`);
    for (const rule of HAZARD_RULES) {
      for (const re of [rule.re, rule.gate, rule.unless]) {
        if (re) assert.deepEqual(matches(forMatching(re), texts), matches(re, texts), `${rule.id}: ${re.source.slice(0, 60)}…`);
      }
    }
  });
});
