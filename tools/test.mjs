// `npm test`: every check, in order, stopping at the first failure and naming it.
import { spawnSync } from 'node:child_process';
import { delimiter, resolve } from 'node:path';

// Works from `npm test` and from a plain `node tools/test.mjs` alike.
const env = { ...process.env, PATH: `${resolve('node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}` };

const steps = [
  ['typecheck', 'tsc', ['--noEmit', '-p', '.']],
  ['lint', 'eslint', ['-c', 'tools/eslint.config.mjs', '.']],
  ['unit tests', 'node', ['tools/runUnit.mjs']],
  ['integration tests (code-server extension host)', 'tsx', ['tools/runIntegration.ts']],
  ['UI tests (Playwright + Chromium against code-server)', 'tsx', ['tools/runUi.ts']],
];

const only = process.argv[2];
const started = Date.now();
for (const [name, command, args] of steps) {
  if (only && !name.startsWith(only)) continue;
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false, env });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    console.error(`\nFAILED: ${name} (${why}, after ${seconds} s)`);
    process.exit(typeof result.status === 'number' && result.status !== 0 ? result.status : 1);
  }
  console.log(`=== ${name}: ok (${seconds} s) ===`);
}
console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
