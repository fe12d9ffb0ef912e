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

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  build();
  const workspace = join(root, 'test', 'support', 'fixtures', 'demo');
  const grepIndex = args.indexOf('--grep');
  const env: Record<string, string> = {};
  if (grepIndex >= 0 && args[grepIndex + 1]) env.LADDER_TEST_GREP = args[grepIndex + 1] as string;

  if (!args.includes('--only-failing-proof')) {
    const started = Date.now();
    const code = await runSuiteInCodeServer({
      extensionPath: root,
      testsPath: join(root, 'out', 'test', 'integration', 'index.js'),
      workspace,
      runDir: join(runRoot, 'suite'),
      env,
    });
    console.log(`integration suite exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0) return code;
    const untrusted = await runSuiteInCodeServer({
      extensionPath: root,
      testsPath: join(root, 'out', 'test', 'integration', 'untrusted', 'index.js'),
      workspace,
      runDir: join(runRoot, 'untrusted'),
      workspaceTrust: true,
      env,
    });
    console.log(`untrusted-workspace suite exited with ${untrusted}`);
    if (untrusted !== 0) return untrusted;
  }

  const failing = await runSuiteInCodeServer({
    extensionPath: root,
    testsPath: join(root, 'out', 'test', 'integration', 'failing', 'index.js'),
    workspace,
    runDir: join(runRoot, 'failing'),
    onLog: () => undefined,
  });
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
