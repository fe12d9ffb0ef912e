import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { WorkspaceFeeder } from '../../../src/vscode/workspaceScan';
import { tempDir } from '../../support/tempDir';

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const ENV_BODY = 'DB_PASSWORD=Tr0ub4dor&3x\nSESSION_SECRET=correct-horse-battery-staple\n';

/** A workspace with links of every kind, and a folder outside it that one of them leads to. */
function linkedWorkspace(): string {
  const root = tempDir('links');
  const outside = tempDir('links-outside');
  write(root, { '.env.production': ENV_BODY, '.gitignore': 'local.yml\n', 'local.yml': 'password: x\n', 'src/util.ts': 'export {};\n' });
  write(outside, { 'notes.txt': 'private notes\n', 'dir/a.txt': 'x\n' });
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
