// Bundles the extension (and, with --tests, the integration suite that runs inside the
// extension host). Usage: node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  legalComments: production ? 'none' : 'inline',
  logLevel: 'warning',
};

const targets = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', metafile: production },
];
if (tests) {
  targets.push({
    ...common,
    minify: false,
    sourcemap: true,
    entryPoints: { 'integration/index': 'test/integration/index.ts', 'integration/failing/index': 'test/integration/failing/index.ts', 'integration/untrusted/index': 'test/integration/untrusted/index.ts', 'integration/multiRoot/index': 'test/integration/multiRoot/index.ts', 'bench/extension': 'test/integration/bench/extension.ts' },
    outdir: 'out/test',
    // mocha loads its reporters with dynamic requires; keep it out of the bundle.
    external: ['vscode', 'mocha'],
  });
}

async function main() {
  if (watch) {
    for (const options of targets) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    console.log('[esbuild] watching for changes…');
    return;
  }
  for (const options of targets) {
    const result = await esbuild.build(options);
    if (result.metafile) {
      mkdirSync('dist', { recursive: true });
      writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
    }
  }
}

main().catch((err) => {
  console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
