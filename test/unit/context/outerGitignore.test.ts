import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { findRepository, outerGitignores, scanFolder } from '../../../src/vscode/workspaceScan';
import { tempDir } from '../../support/tempDir';
import { writeTree } from './helpers';


const PACKAGE = {
  'src/app.ts': 'export {};\n',
  'dist/app.js': 'x',
  'generated/api.ts': 'x',
  'debug.log': 'x',
  'keep.log': 'x',
  'local.txt': 'x',
};

/**
 * The environment git is asked in: no system config, and a home of the test's own, so the
 * machine's global excludes never leak in. `globalConfig` is that home's ~/.gitconfig.
 */
function gitEnv(globalConfig = ''): NodeJS.ProcessEnv {
  const home = tempDir('git-home');
  writeFileSync(join(home, '.gitconfig'), globalConfig);
  const { XDG_CONFIG_HOME: _xdg, GIT_CONFIG_GLOBAL: _global, ...rest } = process.env;
  return { ...rest, HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
}

const HERMETIC = gitEnv();

async function outer(root: string, env = HERMETIC) {
  return outerGitignores(root, await findRepository(root, env));
}

async function scanned(root: string, index = new WorkspaceIndex(), env = HERMETIC): Promise<{ index: WorkspaceIndex; included: string[] }> {
  index.setOuterGitignores('', await outer(root, env));
  await scanFolder(root, index);
  return { index, included: index.includedPaths().sort() };
}

describe('a folder opened inside a git repository (a monorepo package)', () => {
  test("follows the repository's .gitignore files above it, each from its own directory, and says which left a file out", async () => {
    const repo = tempDir('outer');
    mkdirSync(join(repo, '.git'));
    writeTree(repo, {
      // `/src/` is the repository's own top-level src: packages/web/src is not under it.
      '.gitignore': 'dist/\n*.log\n!keep.log\n/packages/web/generated/\n/src/\n',
      'packages/.gitignore': 'web/local.txt\n',
      ...Object.fromEntries(Object.entries(PACKAGE).map(([rel, text]) => [`packages/web/${rel}`, text])),
    });
    const web = join(repo, 'packages', 'web');
    const files = await outer(web);
    assert.deepEqual(files.map((o) => [o.file, o.prefix]), [['../.gitignore', 'web/'], ['../../.gitignore', 'packages/web/']], 'nearest first');

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
    writeTree(repo, { '.gitignore': '*.log\n', 'lib/.gitignore': '!debug.log\n', 'lib/debug.log': 'x', 'lib/other.log': 'x' });
    const { included } = await scanned(join(repo, 'lib'));
    assert.deepEqual(included, ['.gitignore', 'debug.log']);
  });

  test('rules that would leave out the opened folder itself are not used', async () => {
    const repo = tempDir('outer-self');
    mkdirSync(join(repo, '.git'));
    writeTree(repo, { '.gitignore': 'scratch/\n*.tmp\n', 'scratch/notes.md': '# notes\n', 'scratch/a.tmp': 'x' });
    const { included } = await scanned(join(repo, 'scratch'));
    assert.deepEqual(included, ['a.tmp', 'notes.md'], 'the whole file is set aside, as git itself would not track the folder');
  });

  test('no rules from above the repository top, or outside any repository', async () => {
    const outside = tempDir('outer-none');
    writeTree(outside, { '.gitignore': '*\n', 'repo/.gitignore': '', 'repo/src/a.ts': 'x', 'plain/src/b.ts': 'x' });
    mkdirSync(join(outside, 'repo', '.git'));
    assert.deepEqual(await outer(join(outside, 'repo')), [], 'the folder is its repository top');
    assert.deepEqual(await outer(join(outside, 'repo', 'src')), [], "the repository's own .gitignore is empty; nothing above its top counts");
    assert.deepEqual((await scanned(join(outside, 'plain'))).included, ['src/b.ts'], 'not in a repository');
  });
});

describe("git's other ignore files: info/exclude and the user's global excludes", () => {
  test("the repository's info/exclude applies from its top, under every .gitignore, for the top itself and a folder below it", async () => {
    const repo = tempDir('exclude');
    writeTree(repo, {
      '.git/info/exclude': '*.local\nnotes/\n',
      '.gitignore': '!keep.local\n',
      'a.local': 'x', 'keep.local': 'x', 'notes/todo.md': 'x', 'src/b.local': 'x', 'src/c.ts': 'x',
    });
    const top = await scanned(repo);
    assert.deepEqual(top.included, ['.gitignore', 'keep.local', 'src/c.ts'], 'a .gitignore re-include wins over info/exclude');
    assert.equal(top.index.status('a.local')?.detail, '.git/info/exclude: *.local');
    assert.equal(top.index.isIgnoredFolder('notes'), true);
    const below = await scanned(join(repo, 'src'));
    assert.deepEqual(below.included, ['c.ts']);
    assert.equal(below.index.status('b.local')?.detail, '../.git/info/exclude: *.local');
  });

  test("the global excludes file: git's core.excludesFile, else $XDG_CONFIG_HOME/git/ignore, last in precedence", async () => {
    const repo = tempDir('global');
    mkdirSync(join(repo, '.git'));
    writeTree(repo, { '.gitignore': '!keep.swp\n', 'a.swp': 'x', 'keep.swp': 'x', '.idea/workspace.xml': 'x', 'src/c.ts': 'x' });
    const home = tempDir('global-home');
    writeTree(home, { 'my-ignore': '*.swp\n.idea/\n' });
    const configured = gitEnv(`[core]\n\texcludesFile = ${join(home, 'my-ignore')}\n`);
    const files = await outer(repo, configured);
    assert.deepEqual(files.map((f) => [f.prefix, f.text]), [['', '*.swp\n.idea/\n']], 'git itself answered where the file is');
    const { index, included } = await scanned(repo, new WorkspaceIndex(), configured);
    assert.deepEqual(included, ['.gitignore', 'keep.swp', 'src/c.ts']);
    assert.match(index.status('a.swp')?.detail ?? '', /my-ignore: \*\.swp$/);

    const notAsked = await findRepository(repo, { ...configured, XDG_CONFIG_HOME: home }, false);
    assert.equal(notAsked?.globalExcludes, join(home, 'git', 'ignore'), 'an untrusted workspace runs no git: the default is assumed');

    const xdg = tempDir('xdg');
    writeTree(xdg, { 'git/ignore': '*.swp\n' });
    const byDefault = { ...HERMETIC, XDG_CONFIG_HOME: xdg };
    assert.equal((await findRepository(repo, byDefault))?.globalExcludes, join(xdg, 'git', 'ignore'));
    assert.deepEqual((await scanned(repo, new WorkspaceIndex(), byDefault)).included, ['.gitignore', '.idea/workspace.xml', 'keep.swp', 'src/c.ts']);
  });

  test('a worktree or submodule: .git is a file naming the git folder, whose commondir holds info/exclude', async () => {
    const root = tempDir('worktree');
    writeTree(root, {
      'main/.git/info/exclude': '*.tmp\n',
      'main/.git/worktrees/feature/commondir': '../..\n',
      'feature/.git': `gitdir: ${join(root, 'main', '.git', 'worktrees', 'feature')}\n`,
      'feature/a.tmp': 'x', 'feature/b.ts': 'x',
    });
    const repo = await findRepository(join(root, 'feature'), HERMETIC);
    assert.equal(repo?.infoExclude, join(root, 'main', '.git', 'info', 'exclude'));
    const { index, included } = await scanned(join(root, 'feature'));
    assert.deepEqual(included, ['b.ts']);
    assert.equal(index.status('.git')?.detail, 'version-control internals', 'the .git file, which names a local path, is never sent');
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

