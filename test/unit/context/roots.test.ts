import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkspaceRoots } from '../../../src/core/context/roots';
import { WorkspaceIndex, roleOf } from '../../../src/core/context/workspaceIndex';
import { PrefixRenderer } from '../../../src/core/prompt/prefix';
import { scanFolder } from '../../../src/vscode/workspaceScan';
import { tempDir } from '../../support/tempDir';

describe('workspace roots', () => {
  test('one folder: paths are relative to it, the folder itself is the empty path', () => {
    const roots = new WorkspaceRoots([{ name: 'shop', path: '/home/u/shop' }]);
    assert.equal(roots.multi, false);
    assert.equal(roots.depth, 0);
    assert.equal(roots.indexPath('/home/u/shop/src/a.ts'), 'src/a.ts');
    assert.equal(roots.indexPath('/home/u/shop'), '');
    assert.equal(roots.indexPath('/home/u/shopping/a.ts'), undefined, 'a sibling sharing the prefix is outside');
    assert.equal(roots.indexPath('/home/u/other/a.ts'), undefined);
    assert.deepEqual(roots.locate('src/a.ts'), { folder: 0, rel: 'src/a.ts' });
    assert.equal(roots.absolutePath('src/a.ts'), '/home/u/shop/src/a.ts');
  });

  test('several folders: each is a top-level directory named after it, and paths map back', () => {
    const roots = new WorkspaceRoots([{ name: 'api', path: '/w/server/' }, { name: 'web', path: '/w/client' }]);
    assert.equal(roots.multi, true);
    assert.equal(roots.depth, 1);
    assert.deepEqual(roots.labels, ['api', 'web']);
    assert.equal(roots.indexPath('/w/server/src/db.ts'), 'api/src/db.ts');
    assert.equal(roots.indexPath('/w/client/index.html'), 'web/index.html');
    assert.equal(roots.indexPath('/w/client'), 'web', 'a folder itself is its name');
    assert.equal(roots.indexPath('/w/README.md'), undefined, 'the parent of both is in neither');
    assert.deepEqual(roots.locate('web/src/app.ts'), { folder: 1, rel: 'src/app.ts' });
    assert.equal(roots.absolutePath('api/src/db.ts'), '/w/server/src/db.ts');
    assert.equal(roots.absolutePath('web'), '/w/client');
    assert.equal(roots.absolutePath('docs/x.md'), undefined, 'no folder is named docs');
  });

  test('folder names that clash or hold slashes still give distinct, single-segment names', () => {
    const roots = new WorkspaceRoots([
      { name: 'app', path: '/a/app' }, { name: 'app', path: '/b/app' }, { name: 'tools/ci', path: '/c' }, { name: '..', path: '/d' }, { name: 'app', path: '/e/app' },
    ]);
    assert.deepEqual(roots.labels, ['app', 'app-2', 'tools-ci', 'folder', 'app-3']);
    assert.equal(roots.indexPath('/b/app/x.ts'), 'app-2/x.ts');
    assert.equal(roots.absolutePath('app-2/x.ts'), '/b/app/x.ts');
    assert.equal(roots.absolutePath('tools-ci/run.sh'), '/c/run.sh');
    // A suffix never takes a name another folder has: src-2 stays the folder the Explorer calls src-2.
    assert.deepEqual(new WorkspaceRoots([{ name: 'src', path: '/p1/src' }, { name: 'src', path: '/p2/src' }, { name: 'src-2', path: '/q/src-2' }]).labels, ['src', 'src-3', 'src-2']);
  });

  test('a folder nested in another claims its own files', () => {
    const roots = new WorkspaceRoots([{ name: 'repo', path: '/r' }, { name: 'lib', path: '/r/packages/lib' }]);
    assert.equal(roots.indexPath('/r/packages/lib/src/x.ts'), 'lib/src/x.ts');
    assert.equal(roots.indexPath('/r/packages/other/x.ts'), 'repo/packages/other/x.ts');
    assert.deepEqual(roots.nestedIn(0), ['repo/packages/lib'], 'the outer scan skips the inner folder');
    assert.deepEqual(roots.nestedIn(1), []);
  });

  test('no folders: nothing is inside', () => {
    const roots = new WorkspaceRoots([]);
    assert.equal(roots.indexPath('/x/y'), undefined);
    assert.equal(roots.locate('y'), undefined);
  });

  test('roles count from each folder in a multi-root index', () => {
    assert.equal(roleOf('api/README.md', 1), 'readme');
    assert.equal(roleOf('api/docs/README.md', 1), undefined);
    assert.equal(roleOf('api/packages/web/package.json', 1), 'manifest');
    assert.equal(roleOf('api/a/b/c/package.json', 1), undefined);
    assert.equal(roleOf('README.md', 1), undefined, 'a folder name alone is not a file');
  });
});

describe('a multi-root workspace scanned into one index', () => {
  function write(root: string, files: Record<string, string>): void {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
  }

  test("each folder's .gitignore, secrets, README and manifest apply under its name; the preamble names the folders", async () => {
    const dir = tempDir('roots');
    write(join(dir, 'server'), {
      '.gitignore': 'dist/\n/local.ts\n',
      'dist/bundle.js': 'x',
      'local.ts': 'x',
      'src/db.ts': 'export const db = 1;\n',
      '.env': 'DATABASE_URL=postgres://u:p@h/db\n',
      'package.json': '{"name":"server"}\n',
    });
    write(join(dir, 'client'), {
      'README.md': '# Client\nThe storefront.\n',
      'local.ts': 'x',
      'src/app.ts': 'export const app = 1;\n',
      'package.json': '{"name":"client"}\n',
    });
    const roots = new WorkspaceRoots([{ name: 'api', path: join(dir, 'server') }, { name: 'web', path: join(dir, 'client') }]);
    const index = new WorkspaceIndex({ rootDepth: roots.depth });
    for (const [i, folder] of roots.folders.entries()) await scanFolder(folder.path, index, { prefix: roots.labels[i], skip: roots.nestedIn(i) });

    assert.deepEqual(index.includedPaths().sort(), ['api/.gitignore', 'api/package.json', 'api/src/db.ts', 'web/README.md', 'web/local.ts', 'web/package.json', 'web/src/app.ts']);
    assert.equal(index.status('api/local.ts')?.reason, 'gitignored', "api's anchored /local.ts rule");
    assert.equal(index.status('web/local.ts')?.included, true, "api's .gitignore does not reach web");
    assert.equal(index.status('api/.env')?.reason, 'denylisted');
    assert.equal(index.readme()?.path, 'web/README.md');
    assert.deepEqual(index.manifests().map((m) => m.path), ['api/package.json', 'web/package.json']);

    const text = new PrefixRenderer(index, { folders: roots.labels }).context()?.text ?? '';
    assert.match(text, /It has 2 folders \(api, web\); each path starts with its folder's name\./);
    assert.match(text, /The storefront\./);
    assert.doesNotMatch(text, /postgres:/);
    const single = new PrefixRenderer(index).context()?.text ?? '';
    assert.match(single, /Paths are relative to the workspace root\./, 'one folder keeps the old wording (and cache bytes)');
  });
});

describe('a folder nested in another folder of the workspace', () => {
  test('is indexed once, under its own name', async () => {
    const dir = tempDir('nested');
    for (const rel of ['src/main.ts', 'packages/lib/src/lib.ts', 'packages/other/x.ts']) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), 'export {};\n');
    }
    const roots = new WorkspaceRoots([{ name: 'repo', path: dir }, { name: 'lib', path: join(dir, 'packages/lib') }]);
    const index = new WorkspaceIndex({ rootDepth: roots.depth });
    for (const [i, folder] of roots.folders.entries()) await scanFolder(folder.path, index, { prefix: roots.labels[i], skip: roots.nestedIn(i) });
    assert.deepEqual(index.includedPaths().sort(), ['lib/src/lib.ts', 'repo/packages/other/x.ts', 'repo/src/main.ts']);
  });
});

describe('multi-root folder names and the credentials-name check', () => {
  test("a folder named like a credentials file leaves out only its files' own secret names", () => {
    const roots = new WorkspaceRoots([{ name: 'web', path: '/w/web' }, { name: 'credentials-service', path: '/w/cred' }, { name: 'secrets.manager', path: '/w/sm' }]);
    const index = new WorkspaceIndex({ rootDepth: roots.depth });
    for (const rel of ['credentials-service/src/index.ts', 'credentials-service/README.md', 'secrets.manager/package.json', 'credentials-service/.env', 'credentials-service/keys/credentials.json']) index.setFile(rel, { size: 10 });
    assert.deepEqual(index.includedPaths(), ['credentials-service/README.md', 'credentials-service/src/index.ts', 'secrets.manager/package.json']);
    assert.equal(index.status('credentials-service/.env')?.reason, 'denylisted');
    assert.equal(index.status('credentials-service/keys/credentials.json')?.reason, 'denylisted');
    assert.equal(index.isIgnoredFolder('credentials-service'), false, 'the scan walks it');
    assert.equal(index.isIgnoredFolder('web/.ssh'), true);
    // With one folder there is no name to skip: a top-level credentials folder is still one.
    const single = new WorkspaceIndex();
    single.setFile('credentials/a.json', { size: 1 });
    assert.equal(single.status('credentials/a.json')?.reason, 'denylisted');
  });
});

describe('pins stored by absolute path', () => {
  test('reordering, removing or adding folders never points a pin at another file', () => {
    const client = { name: 'app', path: '/home/u/client/app' };
    const server = { name: 'app', path: '/home/u/server/app' };
    const pins = ['/home/u/server/app/config/settings.ts'];
    assert.deepEqual(new WorkspaceRoots([client, server]).indexPaths(pins), ['app-2/config/settings.ts']);
    assert.deepEqual(new WorkspaceRoots([server, client]).indexPaths(pins), ['app/config/settings.ts'], 'reordered: the label moves, the file does not');
    assert.deepEqual(new WorkspaceRoots([server]).indexPaths(pins), ['config/settings.ts']);
    assert.deepEqual(new WorkspaceRoots([client]).indexPaths(pins), [], 'its folder is gone: not pinned here, kept for when it comes back');
    const web = { name: 'web', path: '/w/web' };
    assert.deepEqual(new WorkspaceRoots([web, { name: 'api', path: '/w/api' }]).indexPaths(['/w/web/api/handlers.ts']), ['web/api/handlers.ts']);
  });

  test('an old pin (an index path) is read against the folders as they are, once', () => {
    const roots = new WorkspaceRoots([{ name: 'app', path: '/c/app' }, { name: 'app', path: '/s/app' }]);
    const migrated = ['app-2/config/settings.ts', 'gone/x.ts'].flatMap((rel) => roots.absolutePath(rel) ?? []);
    assert.deepEqual(migrated, ['/s/app/config/settings.ts']);
    assert.deepEqual(roots.indexPaths(migrated), ['app-2/config/settings.ts']);
  });
});
