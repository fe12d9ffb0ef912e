import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PrefixRenderer, headOf, workspaceSegments } from '../../../src/core/prompt/prefix';
import { FIXTURE_WORKSPACE, PLANTED_MARKERS, loadWorkspace, pinFile, seededShuffle } from '../../support/fsWorkspace';
import { indexOf, sampleFiles } from '../context/helpers';

function renderFixture(order?: (names: string[]) => string[]): { context: string; pinned: string } {
  const index = loadWorkspace(FIXTURE_WORKSPACE, order ? { order } : {});
  pinFile(index, FIXTURE_WORKSPACE, 'src/util/math.ts');
  pinFile(index, FIXTURE_WORKSPACE, 'src/catalog.ts');
  const renderer = new PrefixRenderer(index);
  return { context: renderer.context()?.text ?? '', pinned: renderer.pinned()?.text ?? '' };
}

describe('determinism', () => {
  test('two renders of the fixture are byte-identical', () => {
    const a = renderFixture();
    const b = renderFixture();
    assert.ok(a.context.length > 1000);
    assert.equal(a.context, b.context);
    assert.equal(a.pinned, b.pinned);
  });

  test('shuffled file-system enumeration gives the same bytes', () => {
    const reference = renderFixture();
    for (const seed of [1, 7, 42]) {
      const shuffled = renderFixture(seededShuffle(seed));
      assert.equal(shuffled.context, reference.context, `seed ${seed}`);
      assert.equal(shuffled.pinned, reference.pinned, `seed ${seed}`);
    }
  });

  test('pin order does not change the pinned segment', () => {
    const a = indexOf(sampleFiles());
    const b = indexOf(sampleFiles());
    for (const p of ['src/index.ts', 'src/lib/util.ts']) a.pin(p);
    for (const p of ['src/lib/util.ts', 'src/index.ts']) b.pin(p);
    for (const [path, text] of Object.entries(sampleFiles())) {
      a.setFile(path, text);
      b.setFile(path, text);
    }
    assert.equal(new PrefixRenderer(a).pinned()?.text, new PrefixRenderer(b).pinned()?.text);
  });

  test('CRLF and LF versions of the workspace render identically', () => {
    const lf = sampleFiles();
    const crlf = Object.fromEntries(Object.entries(lf).map(([p, t]) => [p, t.replace(/\n/g, '\r\n')]));
    assert.equal(new PrefixRenderer(indexOf(crlf)).context()?.text, new PrefixRenderer(indexOf(lf)).context()?.text);
  });

  test('the rendered prefix holds no timestamp, absolute path or carriage return', () => {
    const { context, pinned } = renderFixture();
    for (const text of [context, pinned]) {
      assert.ok(!text.includes('\r'));
      assert.ok(!text.includes(FIXTURE_WORKSPACE));
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });
});

describe('what the context holds', () => {
  test('tree, manifests (root first, then nested) and README head; none of the planted secrets', () => {
    const { context, pinned } = renderFixture();
    assert.match(context, /<file_tree files="\d+"/);
    assert.ok(context.indexOf('<manifest path="package.json">') < context.indexOf('<manifest path="packages/web/package.json">'));
    assert.match(context, /<readme path="README.md" shown_lines="\d+" total_lines="\d+">/);
    assert.match(context, /src\/auth\/session\.ts|session\.ts/);
    for (const marker of PLANTED_MARKERS) {
      assert.ok(!context.includes(marker), `context leaks ${marker}`);
      assert.ok(!pinned.includes(marker), `pinned leaks ${marker}`);
    }
    const tree = context.slice(context.indexOf('<file_tree'), context.indexOf('</file_tree>'));
    assert.match(tree, /catalog\.ts/);
    for (const name of ['.env', 'id_rsa', 'config.ts', 'bundle.js', 'debug.log', 'notes.md', 'generated', 'logo.png']) {
      assert.ok(!tree.includes(name), `tree lists ${name}`);
    }
    assert.match(pinned, /<file path="src\/catalog\.ts">/);
  });

  test('a pinned file holding a key is not rendered and the note says why', () => {
    const index = loadWorkspace(FIXTURE_WORKSPACE);
    pinFile(index, FIXTURE_WORKSPACE, 'src/config.ts');
    pinFile(index, FIXTURE_WORKSPACE, '.env');
    const renderer = new PrefixRenderer(index);
    assert.equal(renderer.pinned(), undefined);
    assert.deepEqual(renderer.pinnedNotes().map((n) => n.path), ['.env', 'src/config.ts']);
    assert.match(renderer.pinnedNotes()[1]?.note ?? '', /key or token/);
  });

  test('manifests beyond the cap are listed by path, not rendered', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`packages/p${i}/package.json`] = `{ "name": "p${i}" }\n`;
    const text = new PrefixRenderer(indexOf(files), { maxManifests: 2 }).context()?.text ?? '';
    assert.equal(text.match(/<manifest /g)?.length, 2);
    assert.match(text, /<more_manifests count="3">\npackages\/p2\/package.json/);
  });

  test('pinned files are cut to their budget and say so', () => {
    const index = indexOf({ 'src/big.ts': Array.from({ length: 500 }, (_, i) => `export const v${i} = ${i};`).join('\n') });
    index.pin('src/big.ts');
    index.setFile('src/big.ts', Array.from({ length: 500 }, (_, i) => `export const v${i} = ${i};`).join('\n'));
    const renderer = new PrefixRenderer(index, { maxPinnedChars: 1000 });
    assert.match(renderer.pinned()?.text ?? '', /<file path="src\/big\.ts" shown_lines="\d+" total_lines="500">/);
    assert.match(renderer.pinnedNotes()[0]?.note ?? '', /cut to \d+ of 500 lines/);
  });

  test('headOf cuts on line boundaries and never splits a surrogate pair', () => {
    assert.deepEqual(headOf('a\nb\nc\n', 2, 100), { text: 'a\nb', shownLines: 2, totalLines: 3, cut: true });
    assert.deepEqual(headOf('abc\ndef', 10, 5), { text: 'abc', shownLines: 1, totalLines: 2, cut: true });
    assert.equal(headOf('ab😀cd', 10, 3).text, 'ab');
    assert.equal(headOf('short', 10, 100).cut, false);
  });
});

describe('untrusted workspaces', () => {
  test('no workspace segment at all', () => {
    const index = loadWorkspace(FIXTURE_WORKSPACE);
    pinFile(index, FIXTURE_WORKSPACE, 'src/util/math.ts');
    const renderer = new PrefixRenderer(index);
    assert.deepEqual(workspaceSegments(renderer, { trusted: false }), {});
    const trusted = workspaceSegments(renderer, { trusted: true });
    assert.ok(trusted.context && trusted.pinned);
  });
});

describe('incremental rendering', () => {
  test('editing an ordinary file re-renders nothing', () => {
    const index = indexOf(sampleFiles());
    const renderer = new PrefixRenderer(index);
    const first = renderer.context();
    const stats = { ...renderer.stats };
    index.setFile('src/lib/util.ts', 'export const edited = 1;\n');
    assert.equal(renderer.context(), first);
    assert.deepEqual(renderer.stats, stats);
  });

  test('editing a manifest re-renders that manifest only, not the tree or the README', () => {
    const index = indexOf(sampleFiles());
    const renderer = new PrefixRenderer(index);
    renderer.context();
    const before = { ...renderer.stats };
    index.setFile('package.json', '{ "name": "sample", "version": "2.0.0" }\n');
    const text = renderer.context()?.text ?? '';
    assert.match(text, /2\.0\.0/);
    assert.equal(renderer.stats.treeRenders, before.treeRenders);
    assert.equal(renderer.stats.sectionRenders, before.sectionRenders + 1);
    assert.equal(renderer.stats.contextBuilds, before.contextBuilds + 1);
  });

  test('adding a file re-renders the tree but no section', () => {
    const index = indexOf(sampleFiles());
    const renderer = new PrefixRenderer(index);
    renderer.context();
    const before = { ...renderer.stats };
    index.setFile('src/added.ts', 'x');
    assert.match(renderer.context()?.text ?? '', /added\.ts/);
    assert.equal(renderer.stats.treeRenders, before.treeRenders + 1);
    assert.equal(renderer.stats.sectionRenders, before.sectionRenders);
  });

  test('changing one pinned file re-renders that file only and changes only its part fingerprint', () => {
    const index = indexOf(sampleFiles());
    for (const p of ['src/index.ts', 'src/lib/util.ts']) index.pin(p);
    for (const [p, t] of Object.entries(sampleFiles())) index.setFile(p, t);
    const renderer = new PrefixRenderer(index);
    const first = renderer.pinned();
    const before = { ...renderer.stats };
    index.setFile('src/lib/util.ts', 'export const v = 2;\n');
    const second = renderer.pinned();
    assert.equal(renderer.stats.sectionRenders, before.sectionRenders + 1);
    assert.notEqual(first?.fingerprint, second?.fingerprint);
    const changed = second?.parts.filter((p, i) => p.fingerprint !== first?.parts[i]?.fingerprint).map((p) => p.file);
    assert.deepEqual(changed, ['src/lib/util.ts']);
  });
});
