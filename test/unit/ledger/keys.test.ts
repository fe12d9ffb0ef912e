import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerKeySet } from '../../../src/llm/ledgerKeys';
import { seededRandom } from '../../support/fixtures/usage/builders';

/** Random keys: UUID-like ASCII mostly, with some Unicode, lone surrogates and NULs. */
function randomKey(random: () => number): string {
  const roll = random();
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  if (roll < 0.7) return `${hex(8)}-${hex(4)}-4${hex(3)}`;
  if (roll < 0.8) return `verdict\u0000task-${hex(2)}\u0000\u0000accepted`;
  if (roll < 0.9) return `naïve-${hex(2)}-🚀`;
  return `lone-${random() < 0.5 ? '\ud800' : '\udc00'}-${hex(1)}`;
}

describe('LedgerKeySet', () => {
  test('property: behaves as a Set<string>, whether keys come as strings or as ASCII bytes', () => {
    const random = seededRandom(5);
    const keys = new LedgerKeySet();
    const reference = new Set<string>();
    for (let i = 0; i < 30_000; i++) {
      // Making room midway (as a load does per file) must keep every key findable.
      if (i === 5000) keys.reserve(25_000);
      const key = randomKey(random);
      const add = random() < 0.7;
      const asBytes = random() < 0.5 && /^[\x20-\x7e]*$/.test(key);
      const bytes = Buffer.from(`..${key}..`, 'latin1');
      const had = asBytes ? keys.hasBytes(bytes, 2, bytes.length - 2, add) : keys.hasString(key, add);
      assert.equal(had, reference.has(key), key);
      if (add) reference.add(key);
    }
    assert.equal(keys.size, reference.size);
    assert.ok(reference.size > 10_000, 'the table grew and rehashed several times');
  });

  test('lone surrogates that UTF-8 would merge stay distinct keys', () => {
    const keys = new LedgerKeySet();
    assert.equal(keys.hasString('a\ud800', true), false);
    assert.equal(keys.hasString('a\udc00', true), false);
    assert.equal(keys.hasString('a\ufffd', true), false);
    assert.equal(keys.hasString('a\ud800', false), true);
    assert.equal(keys.size, 3);
  });

  test('clear forgets everything', () => {
    const keys = new LedgerKeySet();
    keys.hasString('one', true);
    keys.clear();
    assert.equal(keys.hasString('one', false), false);
    assert.equal(keys.size, 0);
  });
});
