// Integration tests: the mocha suite in test/integration runs inside the real extension
// host of code-server against the local API stand-in. Then a deliberately failing suite
// runs through the same harness and must exit non-zero, proving failures propagate.
// Usage: tsx tools/runIntegration.ts [--only-failing-proof] [--grep PATTERN]
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { runSuiteInCodeServer } from '../test/support/runSuite';

const root = resolve(__dirname, '..');
const runRoot = join(root, '.run', 'integration');

function build(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build of the extension and the integration suite failed');
}

const fixtures = join(root, 'test', 'support', 'fixtures');

/**
 * The suites that must pass: the main one, the same extension in an untrusted folder, and
 * a multi-root workspace (two folders, opened from a .code-workspace file).
 */
const SUITES: { name: string; entry: string; runDir: string; workspace: string; workspaceFile?: string; workspaceTrust?: boolean }[] = [
  { name: 'integration suite', entry: 'index.js', runDir: 'suite', workspace: join(fixtures, 'demo') },
  { name: 'untrusted-workspace suite', entry: 'untrusted/index.js', runDir: 'untrusted', workspace: join(fixtures, 'demo'), workspaceTrust: true },
  { name: 'multi-root suite', entry: 'multiRoot/index.js', runDir: 'multiRoot', workspace: join(fixtures, 'multiroot'), workspaceFile: 'ladder.code-workspace' },
];

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  build();
  const grepIndex = args.indexOf('--grep');
  const env: Record<string, string> = {};
  if (grepIndex >= 0 && args[grepIndex + 1]) env.LADDER_TEST_GREP = args[grepIndex + 1] as string;
  const run = (entry: string, runDir: string, extra: { workspace?: string; workspaceFile?: string; workspaceTrust?: boolean; onLog?: (line: string) => void; env?: Record<string, string> } = {}) =>
    runSuiteInCodeServer({ extensionPath: root, testsPath: join(root, 'out', 'test', 'integration', entry), workspace: join(fixtures, 'demo'), runDir: join(runRoot, runDir), env, ...extra });

  if (!args.includes('--only-failing-proof')) {
    for (const suite of SUITES) {
      const started = Date.now();
      const code = await run(suite.entry, suite.runDir, { workspace: suite.workspace, workspaceFile: suite.workspaceFile, workspaceTrust: suite.workspaceTrust });
      console.log(`${suite.name} exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (code !== 0) return code;
    }
  }

  // No --grep here: the proof needs its one failing test to run.
  const failing = await run('failing/index.js', 'failing', { onLog: () => undefined, env: {} });
  if (failing === 0) {
    console.error('harness check FAILED: the deliberately failing suite exited 0, so failures would not propagate');
    return 1;
  }
  console.log(`harness check passed: the deliberately failing suite exited with ${failing}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`integration tests could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
