/**
 * Extension figures (issues 2 and 7):
 * - bundle_bytes: size of the production dist/extension.js (`node esbuild.mjs --production`).
 * - activation_ms, route_overhead_ms (+ the figures that explain it): measured inside the
 *   real extension host of code-server by test/integration/bench/extension.ts, whose
 *   header says exactly what each figure spans.
 * The production bundle is the one the extension host loads, so both come from one build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/codeServer';
import { runSuiteInCodeServer } from '../support/runSuite';

const runDir = join(repoRoot, '.run', 'bench-extension');

function buildProduction(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--tests'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`production build failed: ${result.stderr || result.stdout}`);
}

export async function bench(): Promise<Record<string, number>> {
  buildProduction();
  const bundle = join(repoRoot, 'dist', 'extension.js');
  const bundleBytes = statSync(bundle).size;
  const suite = join(repoRoot, 'out', 'test', 'bench', 'extension.js');
  if (!existsSync(suite)) throw new Error(`${suite} was not built: esbuild.mjs --tests needs the 'bench/extension' entry`);

  const out = join(repoRoot, '.run', 'bench-extension.json');
  mkdirSync(join(repoRoot, '.run'), { recursive: true });
  rmSync(out, { force: true });
  const code = await runSuiteInCodeServer({
    extensionPath: repoRoot,
    testsPath: suite,
    workspace: join(repoRoot, 'test', 'support', 'fixtures', 'demo'),
    runDir,
    env: { LADDER_BENCH_OUT: out },
    stallMs: 120_000,
    // Per-run lines go to stderr so `--json` output stays one JSON object.
    onLog: (line) => process.stderr.write(`  ${line}\n`),
  });
  if (code !== 0 || !existsSync(out)) throw new Error(`the extension-host bench exited with ${code}; see ${join(runDir, 'workbench.log')}`);
  const { activation_ms: activationMs, ...request } = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
  if (activationMs === undefined || request.route_overhead_ms === undefined) throw new Error(`the extension-host bench wrote no figures to ${out}`);
  return { activation_ms: activationMs, bundle_bytes: bundleBytes, ...request };
}
