import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import { IGNORE_FILE_MAX_BYTES, ignoreFileText } from '../../../src/core/context/gitignoreRules';
import { WorkspaceFeeder, findRepository, outerGitignores, scanFolder } from '../../../src/vscode/workspaceScan';
import { tempDir } from '../../support/tempDir';
import { writeTree } from './helpers';


/** A template-sized .gitignore (about 3 KB) whose last rules leave out a settings file and a folder. */
const LONG_GITIGNORE = `${Array.from({ length: 120 }, (_, i) => `# rule ${i}\n*.tmp${i}`).join('\n')}\nlocal_settings.py\ninstance/\n`;

describe('ignore files are applied whatever the context file-size cap', () => {
  test('the index applies a .gitignore over maxFileBytes, given as bytes or text', () => {
    for (const input of [new TextEncoder().encode(LONG_GITIGNORE), LONG_GITIGNORE]) {
      const index = new WorkspaceIndex({ maxFileBytes: 1000 });
      index.setFile('.gitignore', input);
      index.setFile('local_settings.py', { size: 40 });
      index.setFile('instance/config.py', { size: 40 });
      index.setFile('app.py', { size: 10 });
      assert.deepEqual(index.includedPaths(), ['app.py']);
      assert.equal(index.status('.gitignore')?.reason, 'tooLarge', 'the file itself is still too large to send');
    }
  });

  test('a scan with a workspace-lowered cap still reads a .gitignore above it, and a watcher edit too', async () => {
    const root = tempDir('big-gitignore');
    writeTree(root, { '.gitignore': LONG_GITIGNORE, 'local_settings.py': "PASSWORD = 'x'\n", 'instance/config.py': 'x\n', 'app.py': 'print(1)\n' });
    const index = new WorkspaceIndex({ maxFileBytes: 1000 });
    const feeder = new WorkspaceFeeder(index, [{ root, prefix: '' }], { maxFileBytes: 1000 });
    await feeder.scan();
    assert.deepEqual(index.includedPaths(), ['app.py']);
    writeFileSync(join(root, '.gitignore'), `${LONG_GITIGNORE}app.py\n`);
    await feeder.changed('.gitignore');
    assert.deepEqual(index.includedPaths(), []);
  });

  test('an ignore file outside the folder (info/exclude) is read whatever its size', async () => {
    const root = tempDir('big-exclude');
    mkdirSync(join(root, '.git', 'info'), { recursive: true });
    writeTree(root, { '.git/info/exclude': LONG_GITIGNORE, 'local_settings.py': 'x\n', 'app.py': 'x\n' });
    const index = new WorkspaceIndex({ maxFileBytes: 1000 });
    index.setOuterGitignores('', await outerGitignores(root, await findRepository(root, { HOME: root, GIT_CONFIG_NOSYSTEM: '1', PATH: process.env.PATH }, false)));
    await scanFolder(root, index, { maxFileBytes: 1000 });
    assert.deepEqual(index.includedPaths(), ['app.py']);
  });

  test('beyond its own bound, an ignore file keeps the rules in its first whole lines', () => {
    const filler = `${'#'.repeat(99)}\n`.repeat(Math.ceil(IGNORE_FILE_MAX_BYTES / 100));
    const text = `first.txt\n${filler}never-read.txt\n`;
    const kept = ignoreFileText(new TextEncoder().encode(text));
    assert.ok(kept.startsWith('first.txt\n') && kept.endsWith('\n') && !kept.includes('never-read'));
    assert.ok(kept.length <= IGNORE_FILE_MAX_BYTES);
    const index = new WorkspaceIndex({ maxFileBytes: 1000 });
    index.setFile('.gitignore', text);
    index.setFile('first.txt', { size: 1 });
    assert.equal(index.status('first.txt')?.reason, 'gitignored');
  });
});
