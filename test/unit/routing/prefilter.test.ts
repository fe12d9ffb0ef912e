import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../../src/core/routing/classifier';
import { PatternFilter, openingsOf } from '../../../src/core/routing/prefilter';
import { labelledRequestTexts } from '../../support/fixtures/routing/builders';

const RULE_OPENINGS = RULES.map((rule) => openingsOf(rule.re));

/** What the prefilter says about `re` on `text`: true (may match), false (cannot), or null (not filtered). */
function says(re: RegExp, text: string): boolean | null {
  const o = openingsOf(re);
  if (!o) return null;
  const filter = new PatternFilter([o]);
  filter.index(text);
  return filter.mayMatch(0, text);
}

/** A small deterministic generator, so a failure names a text that can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('prefilter: which rule patterns cannot match a request', () => {
  test('a word-start opening needs the word to start there; an unanchored one does not', () => {
    assert.equal(says(/\brace\b/, 'fix the race in the pool'), true);
    assert.equal(says(/\brace\b/, 'trace the embrace'), false);
    assert.equal(says(/fsync/, 'skip the fdatasync call'), false);
    assert.equal(says(/fsync/, 'call_fsync twice'), true);
    // After \b a non-word character only says the one before it was a word character.
    assert.equal(says(/\b\.\.\//, 'join a/../b'), true);
  });

  test('alternatives, classes, quantifiers and escapes give the right openings', () => {
    const re = /\b(dead|live)lock(s|ed)?\b|\bx[.-]?509\b|\bcve-\d{4}-\d+|\u00e9t\u00e9|[ab]{2}c/;
    for (const text of ['a livelock', 'deadlocks', 'an x509 cert', 'x-509', 'cve-2024-1234', 'été', 'xbac', 'aac']) {
      assert.equal(re.test(text), true, text);
      assert.equal(says(re, text), true, text);
    }
    for (const text of ['lock it', 'x 509', 'cve 2024', 'the a b c', 'unlocked']) assert.equal(says(re, text), false, text);
  });

  test('a lookaround only narrows a match, so its words are not required', () => {
    assert.equal(says(/(?<!\bto )\.\.[/\\]/, 'move to ../x'), true);
    assert.equal(says(/\bfix(?!tures?)\w*/, 'fixtures'), true);
    assert.equal(says(/\bfix(?!tures?)\w*/, 'prefix'), false);
  });

  test('alternatives anchored at the start are tested as they are', () => {
    const re = /^([\w-]+: )?revert\b|\bundo\b/;
    assert.equal(says(re, 'core: revert the last change'), true);
    assert.equal(says(re, 'undo it'), true);
    assert.equal(says(re, 'please revert the last change'), false);
  });

  test('patterns whose matches can open with anything, or be shorter than two characters, are always run', () => {
    for (const re of [/[^x]yz/, /.foo/, /\w+ing\b/, /a?/, /\bx\b/, /\b(a|bc)\b/, /race/i, /(?<name>race)/, /(a)\1/]) {
      assert.equal(openingsOf(re), null, re.source);
    }
  });

  test('a long run of digits is filtered on shorter openings rather than given up', () => {
    const re = /\b\d{4,}\b ms/;
    assert.notEqual(openingsOf(re), null);
    assert.equal(says(re, 'took 12345 ms'), true);
    assert.equal(says(re, 'took ages'), false);
  });

  test('every rule pattern may-matches every labelled request it matches', () => {
    const texts = labelledRequestTexts();
    let checked = 0;
    let skipped = 0;
    // One filter over every rule, as the classifier builds it.
    const filter = new PatternFilter(RULE_OPENINGS);
    for (const text of texts) {
      filter.index(text);
      for (const [n, rule] of RULES.entries()) {
        const may = filter.mayMatch(n, text);
        if (rule.re.test(text)) {
          assert.ok(may, `${rule.id} matches but was filtered out: ${text}`);
          checked++;
        } else if (!may) {
          skipped++;
        }
      }
    }
    assert.ok(checked > 5000, `${checked} matches checked`);
    // The point of the filter: most rule scans of a request are skipped.
    assert.ok(skipped > texts.length * RULES.length * 0.6, `${skipped} scans skipped`);
  });

  test('every rule pattern may-matches generated texts it matches, built from its own words', () => {
    const next = rng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const glue = [' ', '', '-', '. ', '\n', '`', ' the ', '_', '/', '(', ': '];
    let matched = 0;
    const filter = new PatternFilter(RULE_OPENINGS);
    for (const [r, rule] of RULES.entries()) {
      if (!RULE_OPENINGS[r]) continue;
      const words = rule.re.source.match(/[a-z][a-z' ]{1,}/gi) ?? [];
      if (words.length === 0) continue;
      for (let k = 0; k < 300; k++) {
        let text = pick(['', 'x', ' ', 'a ', 'fix: ', '1']);
        const n = 1 + Math.floor(next() * 4);
        for (let j = 0; j < n; j++) text += pick(words) + pick(glue);
        text = text.toLowerCase();
        if (!rule.re.test(text)) continue;
        matched++;
        filter.index(text);
        assert.ok(filter.mayMatch(r, text), `${rule.id} matches but was filtered out: ${JSON.stringify(text)}`);
      }
    }
    assert.ok(matched > 2000, `${matched} generated matches`);
  });
});
