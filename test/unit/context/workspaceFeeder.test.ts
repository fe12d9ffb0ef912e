import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { PrefixRenderer } from '../../../src/core/prompt/prefix';
import { WorkspaceFeeder } from '../../../src/vscode/workspaceScan';
import { tempDir } from '../../support/tempDir';
import { writeTree } from './helpers';


const ENV_BODY = 'DB_PASSWORD=Tr0ub4dor&3x\nSESSION_SECRET=correct-horse-battery-staple\n';

/** A workspace with links of every kind, and a folder outside it that one of them leads to. */
function linkedWorkspace(): string {
  const root = tempDir('links');
  const outside = tempDir('links-outside');
  writeTree(root, { '.env.production': ENV_BODY, '.gitignore': 'local.yml\n', 'local.yml': 'password: x\n', 'src/util.ts': 'export {};\n' });
  writeTree(outside, { 'notes.txt': 'private notes\n', 'dir/a.txt': 'x\n' });
  mkdirSync(join(root, 'docs'));
  symlinkSync('../.env.production', join(root, 'docs/deploy-settings.txt'));
  symlinkSync('../local.yml', join(root, 'docs/settings.yml'));
  symlinkSync('../src/util.ts', join(root, 'docs/util-link.ts'));
  symlinkSync(join(outside, 'notes.txt'), join(root, 'docs/outside.txt'));
  symlinkSync('src/util.ts', join(root, '.env'));
  symlinkSync(join(outside, 'dir'), join(root, 'linked-dir'));
  return root;
}

const LINKS = ['docs/deploy-settings.txt', 'docs/settings.yml', 'docs/util-link.ts', 'docs/outside.txt', '.env'];

describe('links: one rule for the scan, watcher events and pins', () => {
  test('a link is judged by its own name and by its target; one out of the folder, or to a folder, is left out', async () => {
    const root = linkedWorkspace();
    const index = new WorkspaceIndex();
    await new WorkspaceFeeder(index, [{ root, prefix: '' }]).scan();
    assert.equal(index.status('docs/deploy-settings.txt')?.reason, 'link');
    assert.match(index.status('docs/deploy-settings.txt')?.detail ?? '', /leads to \.env\.production.*environment file/);
    assert.equal(index.status('docs/settings.yml')?.reason, 'link', 'its target is git-ignored');
    assert.equal(index.status('docs/util-link.ts')?.included, true);
    assert.equal(index.status('docs/outside.txt')?.reason, 'link');
    assert.equal(index.status('.env')?.reason, 'denylisted', 'its own name is a credentials name');
    assert.equal(index.status('linked-dir'), undefined, 'a link to a folder is not walked');
    assert.equal(index.status('linked-dir/a.txt'), undefined);
  });

  test('a watcher event for each link leaves it exactly as the scan does', async () => {
    const root = linkedWorkspace();
    const scanned = new WorkspaceIndex();
    await new WorkspaceFeeder(scanned, [{ root, prefix: '' }]).scan();
    const watched = new WorkspaceIndex();
    const feeder = new WorkspaceFeeder(watched, [{ root, prefix: '' }]);
    await feeder.changed('.gitignore');
    for (const rel of [...LINKS, 'linked-dir', 'linked-dir/a.txt']) await feeder.changed(rel);
    for (const rel of LINKS) assert.deepEqual(watched.status(rel), scanned.status(rel), rel);
    assert.equal(watched.status('linked-dir'), undefined);
    assert.equal(watched.status('linked-dir/a.txt')?.reason, 'link', 'a file reached through a linked folder leads out of the workspace');
  });

  test('a folder event under a linked folder walks nothing (the scan never walks a linked folder)', async () => {
    const root = tempDir('folder-link');
    const outside = tempDir('folder-link-outside');
    writeTree(root, { 'src/a.ts': 'export {};\n' });
    writeTree(outside, { 'sub/notes.txt': 'private notes\n' });
    symlinkSync(outside, join(root, 'linked'));
    const index = new WorkspaceIndex();
    const feeder = new WorkspaceFeeder(index, [{ root, prefix: '' }]);
    await feeder.scan();
    await feeder.changed('linked/sub');
    assert.equal(index.status('linked/sub/notes.txt'), undefined, 'nothing under the link is walked');
    await feeder.changed('linked/sub/notes.txt');
    assert.equal(index.status('linked/sub/notes.txt')?.reason, 'link', 'and a file event there is judged a link');
  });

  test('a file asked about by name inside an ignored folder is judged (and so refused), while a watcher event there is dropped', async () => {
    const root = tempDir('named');
    writeTree(root, { '.gitignore': 'build/\n', 'build/bundle.js': 'x\n', 'src/a.ts': 'export {};\n' });
    const index = new WorkspaceIndex();
    const feeder = new WorkspaceFeeder(index, [{ root, prefix: '' }]);
    await feeder.scan();
    await feeder.changed('build/bundle.js');
    assert.equal(index.status('build/bundle.js'), undefined, 'watcher noise under an ignored folder is not indexed');
    await feeder.changed('build/bundle.js', true);
    assert.equal(index.status('build/bundle.js')?.reason, 'gitignored', 'a pin of it is refused with the reason');
  });

  test('pinning a link to a secret file is refused and nothing of the target is read', async () => {
    const root = linkedWorkspace();
    const index = new WorkspaceIndex();
    const feeder = new WorkspaceFeeder(index, [{ root, prefix: '' }]);
    await feeder.scan();
    for (const rel of ['docs/deploy-settings.txt', 'docs/outside.txt']) {
      if (index.pin(rel).needsContent) await feeder.changed(rel);
      assert.equal(index.status(rel)?.reason, 'link', rel);
      assert.equal(index.status(rel)?.contentKnown, false, rel);
    }
    assert.deepEqual(index.pinnedFiles().map((p) => p.unavailable), ['link', 'link']);
    index.pin('docs/util-link.ts');
    await feeder.changed('docs/util-link.ts');
    assert.equal(index.pinnedFiles().find((p) => p.path === 'docs/util-link.ts')?.file?.content, 'export {};\n');
  });
});

describe('the index and links', () => {
  test('a link is left out when its target would be; re-reading content alone keeps what was known of the link', () => {
    const index = new WorkspaceIndex();
    index.setFile('docs/a.txt', 'hello\n', { target: 'id_rsa' });
    assert.equal(index.status('docs/a.txt')?.reason, 'link');
    index.setFile('docs/a.txt', 'hello again\n');
    assert.equal(index.status('docs/a.txt')?.reason, 'link', 'a folder review re-reads content without looking at links');
    index.setFile('docs/a.txt', 'hello\n', null);
    assert.equal(index.status('docs/a.txt')?.included, true, 'no longer a link');
    index.setFile('docs/b.txt', { size: 3 }, { target: undefined });
    assert.equal(index.status('docs/b.txt')?.reason, 'link');
  });
});

describe('watcher events', () => {
  async function scanned(files: Record<string, string>, options: { maxFiles?: number } = {}) {
    const root = tempDir('events');
    writeTree(root, files);
    const index = new WorkspaceIndex();
    const feeder = new WorkspaceFeeder(index, [{ root, prefix: '' }], options);
    await feeder.scan();
    return { root, index, feeder };
  }

  test('a created folder is walked as the scan walks one; an ignored one is not indexed at all', async () => {
    const { root, index, feeder } = await scanned({ '.gitignore': 'dist/\n', 'a.ts': 'x\n' });
    writeTree(root, { 'utils/.gitignore': 'local.ts\n', 'utils/x.ts': 'x\n', 'utils/local.ts': 'x\n', 'utils/deep/y.ts': 'y\n', 'dist/out.js': 'x', 'node_modules/m/index.js': 'x', '.ssh/id': 'x' });
    for (const dir of ['utils', 'dist', 'node_modules', '.ssh']) await feeder.changed(dir);
    assert.deepEqual(index.includedPaths(), ['.gitignore', 'a.ts', 'utils/.gitignore', 'utils/deep/y.ts', 'utils/x.ts']);
    assert.equal(index.status('utils/local.ts')?.reason, 'gitignored');
    assert.equal(index.status('utils'), undefined, 'a folder is never a file');
    assert.deepEqual(index.exclusions().map((e) => e.path), ['utils/local.ts']);
  });

  test('a renamed folder: the old files go, the new folder is walked', async () => {
    const { root, index, feeder } = await scanned({ 'src/old/a.ts': 'a\n', 'src/old/b.ts': 'b\n', 'src/keep.ts': 'k\n' });
    renameSync(join(root, 'src/old'), join(root, 'src/new'));
    await feeder.deleted('src/old');
    await feeder.changed('src/new');
    assert.deepEqual(index.includedPaths(), ['src/keep.ts', 'src/new/a.ts', 'src/new/b.ts']);
  });

  test('events under .git/ and ignored folders leave nothing behind for Show Context to list', async () => {
    const { root, index, feeder } = await scanned({ '.gitignore': 'dist/\n', '.git/HEAD': 'ref\n', 'a.ts': 'x\n' });
    writeTree(root, { '.git/index': 'x', '.git/logs/HEAD': 'x', 'dist/chunk.js': 'x', 'dist/deep/more.js': 'x' });
    for (const rel of ['.git/index', '.git/logs/HEAD', 'dist', 'dist/chunk.js', 'dist/deep/more.js']) await feeder.changed(rel);
    assert.deepEqual(index.exclusions(), []);
    assert.deepEqual(index.includedPaths(), ['.gitignore', 'a.ts']);
  });

  test('un-ignoring a folder, or deleting the .gitignore, brings its files in', async () => {
    const { root, index, feeder } = await scanned({ '.gitignore': 'generated/\n', 'generated/api.ts': 'x\n', 'generated/deep/b.ts': 'x\n', 'main.ts': 'x\n' });
    assert.deepEqual(index.includedPaths(), ['.gitignore', 'main.ts']);
    writeFileSync(join(root, '.gitignore'), '# nothing ignored now\n');
    await feeder.changed('.gitignore');
    assert.deepEqual(index.includedPaths(), ['.gitignore', 'generated/api.ts', 'generated/deep/b.ts', 'main.ts']);
    writeFileSync(join(root, '.gitignore'), 'generated/\n');
    await feeder.changed('.gitignore');
    assert.deepEqual(index.includedPaths(), ['.gitignore', 'main.ts']);
    unlinkSync(join(root, '.gitignore'));
    await feeder.deleted('.gitignore');
    assert.deepEqual(index.includedPaths(), ['generated/api.ts', 'generated/deep/b.ts', 'main.ts']);
  });

  test('outer ignore rules that change bring the folders they no longer ignore in', async () => {
    const { index, feeder } = await scanned({ 'vendor/lib.ts': 'x\n', 'main.ts': 'x\n' });
    index.setOuterGitignores('', [{ prefix: 'web/', text: 'vendor/\n', file: '../.gitignore' }]);
    await feeder.deleted('vendor');
    await feeder.scan();
    assert.deepEqual(index.includedPaths(), ['main.ts']);
    index.setOuterGitignores('', []);
    await feeder.rulesChanged('');
    assert.deepEqual(index.includedPaths(), ['main.ts', 'vendor/lib.ts']);
  });
});

describe('a scan stopped at its file cap', () => {
  test("a file pinned or saved in a folder the scan never read is judged by that folder's .gitignore, and the tree says it is incomplete", async () => {
    const root = tempDir('cap');
    writeTree(root, { ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a/f${i}.ts`, 'x'])), 'z/svc/.gitignore': 'local.yml\n', 'z/svc/local.yml': 'password: hunter2\n', 'z/svc/ok.ts': 'x' });
    const index = new WorkspaceIndex();
    const feeder = new WorkspaceFeeder(index, [{ root, prefix: '' }], { maxFiles: 5 });
    assert.deepEqual(await feeder.scan(), { files: 5, truncated: true });
    index.pin('z/svc/local.yml');
    await feeder.changed('z/svc/local.yml');
    assert.equal(index.status('z/svc/local.yml')?.reason, 'gitignored');
    assert.equal(index.pinnedFiles()[0]?.unavailable, 'gitignored');
    await feeder.changed('z/svc/ok.ts');
    assert.equal(index.status('z/svc/ok.ts')?.included, true);
    const context = new PrefixRenderer(index).context()?.text ?? '';
    assert.match(context, /<file_tree [^>]*truncated="yes"/);
    assert.match(context, /the file tree is incomplete/);
  });

  test('a scan that read everything says nothing of the kind', async () => {
    const root = tempDir('nocap');
    writeTree(root, { 'a.ts': 'x' });
    const index = new WorkspaceIndex();
    await new WorkspaceFeeder(index, [{ root, prefix: '' }]).scan();
    const context = new PrefixRenderer(index).context()?.text ?? '';
    assert.match(context, /truncated="no"/);
    assert.doesNotMatch(context, /incomplete/);
  });
});

describe('a scan stopped because it was replaced', () => {
  test('stops walking once its signal is aborted: the folders after it are not read', async () => {
    const root = tempDir('stopped');
    writeTree(root, { 'a/one.ts': 'x', 'b/two.ts': 'x', 'c/three.ts': 'x' });
    const stop = new AbortController();
    const index = new WorkspaceIndex();
    const noteFolder = index.noteFolder.bind(index);
    // Aborted as the walk reads folder a (a rebuild while the scan runs).
    index.noteFolder = (rel, ignored) => {
      noteFolder(rel, ignored);
      if (rel === 'a') stop.abort();
    };
    await new WorkspaceFeeder(index, [{ root, prefix: '' }]).scan(stop.signal);
    assert.equal(index.status('a/one.ts')?.included, true, 'the folder being read when it stopped');
    assert.equal(index.status('b/two.ts'), undefined);
    assert.equal(index.status('c/three.ts'), undefined);
    assert.deepEqual(await new WorkspaceFeeder(new WorkspaceIndex(), [{ root, prefix: '' }]).scan(AbortSignal.abort()), { files: 0, truncated: false });
  });
});
