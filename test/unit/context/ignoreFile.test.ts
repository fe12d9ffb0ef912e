import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ignore from 'ignore';
import { GitignoreRules, IgnoreFile } from '../../../src/core/context/gitignoreRules';
import { bigGitignore } from '../../bench/scan';

/** Path segments: plain names, case variants, extensions, dotfiles, characters with special meaning in a .gitignore, non-ASCII. */
const NAMES = ['src', 'lib', 'build', 'Build', 'dist', 'deep', 'gen', 'a', 'b', 'x.log', 'y.LOG', 'app.ts', 'App.TS', 'pp.ts', '.env', '.cache', 'foo.tar.gz', 'foo.log', 'data.d', 'mod.pyc', 'note~', '!bang', '#hash', ' sp', 'sp ', 'k', '\u212a', 'é.log', 'ſrc', 'sub'];

/** Rule shapes, `N` and `M` standing for names. */
const SHAPES = ['N', 'N/', '/N', '/N/', 'N/*', 'N/**', '**/N', '**/N/**', 'M/N', '/M/N/', 'M/**/N', '*.log', '*.LOG', '*.ts', '*.tar.gz', 'foo*.log', '*.py[cod]', '*~', '?pp.ts', 'a?/b', '**/*.log', '[Bb]uild/', '*', '**', 'N*', '*N', '\\!bang', '\\#hash', 'N  ', 'N\\ ', './N', 'M/./N', '# comment', '', 'é.log', '\u212a', 'ſrc', 'S*/*.d/'];

/** A deterministic generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function pick<T>(next: () => number, from: readonly T[]): T {
  return from[Math.floor(next() * from.length)] as T;
}

function ruleText(next: () => number, count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const rule = pick(next, SHAPES).replace('N', pick(next, NAMES)).replace('M', pick(next, NAMES));
    lines.push(next() < 0.3 ? `!${rule}` : rule);
  }
  return lines.join('\n');
}

function somePath(next: () => number): string {
  const depth = 1 + Math.floor(next() * 4);
  const path = Array.from({ length: depth }, () => pick(next, NAMES)).join('/');
  return next() < 0.3 ? `${path}/` : path;
}

function plainVerdict(rules: ReturnType<typeof ignore>, path: string) {
  const result = rules.test(path);
  return { ignored: result.ignored, unignored: result.unignored, pattern: result.rule?.pattern };
}

describe('IgnoreFile answers as ignore does', () => {
  test('on 400 generated rule sets (negations, anchors, folders, wildcards, escapes, case) and 150 paths each', () => {
    const next = random(20261107);
    let compared = 0;
    let ignoredSeen = 0;
    let unignoredSeen = 0;
    for (let set = 0; set < 400; set++) {
      const text = ruleText(next, 1 + Math.floor(next() * 40));
      const plain = ignore().add(text);
      const file = new IgnoreFile(text);
      for (let p = 0; p < 150; p++) {
        const path = somePath(next);
        const expected = plainVerdict(plain, path);
        const { ignored, unignored, pattern } = file.test(path);
        assert.deepEqual({ ignored, unignored, pattern }, expected, `${JSON.stringify(path)} under ${JSON.stringify(text)}`);
        compared++;
        if (expected.ignored) ignoredSeen++;
        if (expected.unignored) unignoredSeen++;
      }
    }
    // The generated cases cover both verdicts well, not only "no rule".
    assert.ok(ignoredSeen > compared / 10 && unignoredSeen > compared / 50, `${ignoredSeen} ignored, ${unignoredSeen} unignored of ${compared}`);
  });

  test('on the benchmark\'s 6,000-rule .gitignore', () => {
    const text = bigGitignore();
    const plain = ignore().add(text);
    const file = new IgnoreFile(text);
    const next = random(7);
    const names = ['name8', 'cache9', 'a.x10', 'top11', 'deep12', 'pkg13', 'gen13', 'file14.ts', 'file6.ts', 'file22.ts', 'part1', 'x17', 'src', 'NAME0', 'File6.TS'];
    for (let i = 0; i < 3000; i++) {
      const path = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(next, names)).join('/') + (next() < 0.3 ? '/' : '');
      const { ignored, unignored, pattern } = file.test(path);
      assert.deepEqual({ ignored, unignored, pattern }, plainVerdict(plain, path), path);
    }
  });
});

describe('a large .gitignore', () => {
  test('a path is tried against the rules that can match it, not against each of 6,000', () => {
    const rules = new GitignoreRules();
    rules.set('', bigGitignore());
    const tested = countRegexTests(() => {
      for (let i = 0; i < 100; i++) rules.test(`pkg${i % 40}/src/mod${i % 8}/file${i}.ts`);
    });
    // Each path's folders are asked about too; each may try a few rules named like its segments.
    assert.ok(tested < 2000, `${tested} regular-expression tests for 100 paths`);
    assert.equal(rules.test('pkg1/src/file6.ts').ignored, false, '!file6.ts re-includes it');
    assert.deepEqual(rules.test('pkg1/src/file14.ts'), { ignored: true, file: '.gitignore', pattern: 'file14.ts' });
  });
});

function countRegexTests(run: () => void): number {
  const original = RegExp.prototype.test;
  let calls = 0;
  RegExp.prototype.test = function (this: RegExp, input: string) {
    calls++;
    return original.call(this, input);
  };
  try {
    run();
  } finally {
    RegExp.prototype.test = original;
  }
  return calls;
}
