// UI tests: package the extension as a .vsix, then run test/ui/*.ui.test.ts (node's test
// runner) which drive code-server in headless Chromium like a person would.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

if (run('npm', ['run', '-s', 'package']) !== 0) {
  console.error('packaging the .vsix failed');
  process.exit(1);
}
const files = readdirSync(join(root, 'test', 'ui')).filter((f) => f.endsWith('.ui.test.ts')).map((f) => join('test', 'ui', f));
process.exit(run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files]));
