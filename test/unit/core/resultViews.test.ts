import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { CUT_OFF_NOTE, newestWithin, readSaved, restoredViews, resultViewName, whereOf } from '../../../src/core/resultViews';

describe('result views', () => {
  test('a view is named after its request: the question, else the code it is about', () => {
    const selection = { path: 'src/orders.ts', startLine: 9, endLine: 23 };
    assert.equal(resultViewName('Ask', { quote: 'what does orderTotal return?', selection }), 'Ask · what does orderTotal return.md');
    assert.equal(resultViewName('Explain Selection', { selection }), 'Explain · orders.ts 9-23.md');
    assert.equal(resultViewName('Answer Again', { quote: 'what does orderTotal return?', selection }), 'Again · what does orderTotal return.md', 'beside "Ask · …", not "Answer · …"');
    assert.equal(resultViewName('Explain Selection', { selection: { ...selection, endLine: 9 } }), 'Explain · orders.ts 9.md');
    assert.equal(resultViewName('Ask', {}), 'Ask.md');
  });

  test('a view name is short and a valid file name on every system', () => {
    const name = resultViewName('Follow-up', { quote: '\n  why does a/b: "x" <y> | z*? fail\twhen the list is empty and the tax is zero?\nsecond line' });
    assert.equal(name, 'Follow-up · why does a b x y z fail when the list i….md');
    assert.doesNotMatch(name, /[\\/:*?"<>|\t\n]/);
    assert.equal(resultViewName('Ask', { quote: 'rename it...' }), 'Ask · rename it.md', 'no trailing dot before the extension');
  });

  test('a question with an emoji at the cut keeps the emoji whole, so the view\'s URI is well formed', () => {
    const quote = `${'x'.repeat(37)} 🙂 why does this fail?`;
    const name = resultViewName('Ask', { quote });
    assert.equal(name, `Ask · ${'x'.repeat(37)} 🙂….md`);
    assert.doesNotThrow(() => encodeURIComponent(name));
    assert.doesNotThrow(() => encodeURIComponent(resultViewName('Ask', { quote: `${'x'.repeat(38)}\ud83d`.repeat(2) })), 'a lone surrogate in the question is dropped');
  });

  test('the newest views are kept within the count and the bytes; one too large alone does not push out older ones', () => {
    const items = ['a1', 'b22', 'c333', 'd'.repeat(50), 'e55555'];
    assert.deepEqual(newestWithin(items, 10, 20, (s) => s.length), ['a1', 'b22', 'c333', 'e55555']);
    assert.deepEqual(newestWithin(items, 2, 100, (s) => s.length), [items[3], 'e55555']);
    assert.deepEqual(newestWithin(items, 10, 10, (s) => s.length), ['c333', 'e55555']);
  });

  test('what is kept across a reload is read without throwing: damaged entries, old or unknown forms are dropped', () => {
    const view = z.tuple([z.string(), z.string()]);
    assert.deepEqual(readSaved(undefined, view), { entries: [], damaged: false });
    assert.deepEqual(readSaved({ counter: 3, views: {} }, view), { entries: [], damaged: true });
    assert.deepEqual(readSaved([['ladder-result:/1/Ask.md', 'text']], view), { entries: [], damaged: true }, 'no version');
    assert.deepEqual(readSaved({ version: 2, entries: [['ladder-result:/1/Ask.md', 'text']] }, view), { entries: [], damaged: true });
    assert.deepEqual(readSaved({ version: 1, entries: [['ladder-result:/1/Ask.md', 'text'], 5, null, ['x'], ['ladder-result:/2/Ask.md', 'more']] }, view),
      { entries: [['ladder-result:/1/Ask.md', 'text'], ['ladder-result:/2/Ask.md', 'more']], damaged: true });
  });

  test('a view still streaming when the window reloaded comes back with what had come, said to be cut off; finished ones as they were', () => {
    const entries: [string, string][] = [['ladder-result:/1/Ask.md', 'done\n\n---\n_Answered by x._\n'], ['ladder-result:/2/Ask.md', '**Ask** — routed to x\n\n---\n\nThe total adds ']];
    const { views, cutOff } = restoredViews(entries, ['ladder-result:/2/Ask.md', 'ladder-result:/9/Gone.md']);
    assert.deepEqual(cutOff, ['ladder-result:/2/Ask.md'], 'only views that are kept');
    assert.equal(views[0]?.[1], entries[0]?.[1]);
    assert.equal(views[1]?.[1], `**Ask** — routed to x\n\n---\n\nThe total adds${CUT_OFF_NOTE}`);
    assert.match(CUT_OFF_NOTE, /A window reload cut this answer off before it finished\. What was billed for it is in the cost report\./);
    assert.deepEqual(restoredViews(entries, []), { views: entries, cutOff: [] }, 'what an earlier build saved has no unfinished views');
  });

  test('where a request was about reads as path and lines', () => {
    assert.equal(whereOf({ path: 'src/orders.ts', startLine: 9, endLine: 23 }), 'src/orders.ts 9-23');
    assert.equal(whereOf({ path: 'src/orders.ts', startLine: 9, endLine: 23 }, true), 'orders.ts 9-23');
  });
});
