import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FileTree } from '../../../src/core/context/fileTree';

function treeOf(paths: readonly string[]): FileTree {
  const tree = new FileTree();
  for (const p of paths) tree.add(p);
  return tree;
}

describe('FileTree', () => {
  test('renders folders first, each level sorted by code unit (not locale)', () => {
    const text = treeOf(['b.ts', 'A.ts', 'src/z.ts', 'src/a.ts', 'Docs/x.md', '_x.ts']).render(100).text;
    assert.equal(text, ['Docs/', '  x.md', 'src/', '  a.ts', '  z.ts', 'A.ts', '_x.ts', 'b.ts'].join('\n'));
  });

  test('the rendering does not depend on insertion order', () => {
    const paths = Array.from({ length: 200 }, (_, i) => `d${i % 7}/s${i % 3}/f${i}.ts`);
    const a = treeOf(paths).render(50).text;
    const b = treeOf([...paths].reverse()).render(50).text;
    assert.equal(a, b);
  });

  test('over the cap it shows shallow structure first and says what it hid', () => {
    const paths = [...Array.from({ length: 30 }, (_, i) => `src/deep/f${String(i).padStart(2, '0')}.ts`), 'README.md', 'lib/x.ts'];
    const rendering = treeOf(paths).render(6);
    assert.equal(rendering.truncated, true);
    assert.equal(rendering.totalFiles, 32);
    assert.equal(rendering.shownEntries, 6);
    // Top level (3 entries) and lib's and src's children (2) fit; deep/ stays collapsed with its count.
    assert.equal(rendering.text, ['lib/', '  x.ts', 'src/', '  deep/', '    f00.ts', '    … 29 more', 'README.md'].join('\n'));
  });

  test('collapsed folders show their file count', () => {
    const rendering = treeOf(['a/b/c/1.ts', 'a/b/c/2.ts', 'z.ts']).render(2);
    assert.equal(rendering.text, ['a/ (2 files)', 'z.ts'].join('\n'));
  });

  test('remove prunes empty folders and add/remove report whether anything changed', () => {
    const tree = treeOf(['a/b/c.ts', 'a/d.ts']);
    assert.equal(tree.add('a/d.ts'), false);
    const version = tree.version;
    assert.equal(tree.remove('a/b/c.ts'), true);
    assert.equal(tree.version, version + 1);
    assert.equal(tree.remove('a/b/c.ts'), false);
    assert.equal(tree.render(10).text, ['a/', '  d.ts'].join('\n'));
    assert.equal(tree.size, 1);
  });
});
