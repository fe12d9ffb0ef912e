import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { outerGitignores, scanFolder } from '../../../src/vscode/workspaceScan';
import { tempDir } from '../../support/tempDir';

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const PACKAGE = {
  'src/app.ts': 'export {};\n',
  'dist/app.js': 'x',
  'generated/api.ts': 'x',
  'debug.log': 'x',
  'keep.log': 'x',
  'local.txt': 'x',
};

async function scanned(root: string, index = new WorkspaceIndex()): Promise<{ index: WorkspaceIndex; included: string[] }> {
  index.setOuterGitignores('', await outerGitignores(root));
  await scanFolder(root, index);
  return { index, included: index.includedPaths().sort() };
}

describe('a folder opened inside a git repository (a monorepo package)', () => {
  test("follows the repository's .gitignore files above it, each from its own directory, and says which left a file out", async () => {
    const repo = tempDir('outer');
    mkdirSync(join(repo, '.git'));
    write(repo, {
      // `/src/` is the repository's own top-level src: packages/web/src is not under it.
      '.gitignore': 'dist/\n*.log\n!keep.log\n/packages/web/generated/\n/src/\n',
      'packages/.gitignore': 'web/local.txt\n',
      ...Object.fromEntries(Object.entries(PACKAGE).map(([rel, text]) => [`packages/web/${rel}`, text])),
    });
    const web = join(repo, 'packages', 'web');
    const outer = await outerGitignores(web);
    assert.deepEqual(outer.map((o) => [o.file, o.prefix]), [['../.gitignore', 'web/'], ['../../.gitignore', 'packages/web/']], 'nearest first');

    const { index, included } = await scanned(web);
    assert.deepEqual(included, ['keep.log', 'src/app.ts']);
    assert.equal(index.isIgnoredFolder('dist'), true, 'an ignored folder is not even walked');
    assert.equal(index.status('debug.log')?.detail, '../../.gitignore: *.log');
    assert.equal(index.isIgnoredFolder('generated'), true, 'an anchored rule (/packages/web/generated/), read from its own directory');
    assert.equal(index.status('local.txt')?.detail, '../.gitignore: web/local.txt', 'the nearer file, with a path from its own directory');
  });

  test("the folder's own .gitignore still wins over the ones above it", async () => {
    const repo = tempDir('outer-own');
    mkdirSync(join(repo, '.git'));
    write(repo, { '.gitignore': '*.log\n', 'lib/.gitignore': '!debug.log\n', 'lib/debug.log': 'x', 'lib/other.log': 'x' });
    const { included } = await scanned(join(repo, 'lib'));
    assert.deepEqual(included, ['.gitignore', 'debug.log']);
  });

  test('rules that would leave out the opened folder itself are not used', async () => {
    const repo = tempDir('outer-self');
    mkdirSync(join(repo, '.git'));
    write(repo, { '.gitignore': 'scratch/\n*.tmp\n', 'scratch/notes.md': '# notes\n', 'scratch/a.tmp': 'x' });
    const { included } = await scanned(join(repo, 'scratch'));
    assert.deepEqual(included, ['a.tmp', 'notes.md'], 'the whole file is set aside, as git itself would not track the folder');
  });

  test('no rules from above the repository top, or outside any repository', async () => {
    const outside = tempDir('outer-none');
    write(outside, { '.gitignore': '*\n', 'repo/.gitignore': '', 'repo/src/a.ts': 'x', 'plain/src/b.ts': 'x' });
    mkdirSync(join(outside, 'repo', '.git'));
    assert.deepEqual(await outerGitignores(join(outside, 'repo')), [], 'the folder is its repository top');
    assert.deepEqual(await outerGitignores(join(outside, 'repo', 'src')), [], "the repository's own .gitignore is empty; nothing above its top counts");
    assert.deepEqual((await scanned(join(outside, 'plain'))).included, ['src/b.ts'], 'not in a repository');
  });
});

describe('outer .gitignore files in a multi-root workspace', () => {
  test('apply under their own folder only', () => {
    const index = new WorkspaceIndex({ rootDepth: 1 });
    index.setOuterGitignores('api', [{ prefix: 'server/', text: '*.log\n/server/tmp/\n', file: '../.gitignore' }]);
    for (const path of ['api/app.log', 'api/tmp/x.ts', 'api/src/a.ts', 'web/app.log', 'web/tmp/x.ts']) index.setFile(path, { size: 1 });
    assert.deepEqual(index.includedPaths().sort(), ['api/src/a.ts', 'web/app.log', 'web/tmp/x.ts']);
    assert.equal(index.status('api/tmp/x.ts')?.detail, '../.gitignore: /server/tmp/');
    index.setOuterGitignores('api', []);
    assert.equal(index.status('api/app.log')?.included, true, 'and can be taken back');
  });
});

