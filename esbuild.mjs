// Bundles the extension (and, with --tests, the integration suite that runs inside the
// extension host). Usage: node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * The licences of the packages bundled into dist/extension.js (the minified bundle drops
 * their comments): each package the metafile says went in, with its licence id and its
 * licence file's text, shipped beside the bundle.
 */
function notices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const parts = ['Ladder bundles the following packages. Their licences follow.', ''];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    parts.push('='.repeat(78), `${pkg.name} ${pkg.version} (${pkg.license ?? 'see its package'})${repository ? ` ${repository}` : ''}`, '='.repeat(78));
    const files = readdirSync(dir).filter((name) => /^(licen[cs]e|copying|notice)/i.test(name)).sort();
    if (files.length === 0) parts.push(`No licence file is shipped with this package; its package.json declares ${pkg.license}.`);
    for (const name of files) parts.push(readFileSync(join(dir, name), 'utf8').trim(), '');
    parts.push('');
  }
  return parts.join('\n');
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
      writeFileSync('dist/THIRD_PARTY_NOTICES.txt', notices(result.metafile));
    }
  }
}

main().catch((err) => {
  console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
