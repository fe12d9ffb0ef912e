// `npm run bench [-- --json] [-- --only name]`: runs every test/bench/<area>.ts and prints
// their figures. Each module exports `bench(): Promise<Record<string, number>>`.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchModule {
  bench(): Promise<Record<string, number>>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
  const dir = resolve('test/bench');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).sort();
  const figures: Record<string, number> = {};
  for (const file of files) {
    const area = file.replace(/\.ts$/, '');
    if (only && area !== only) continue;
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
    const started = Date.now();
    const result = await mod.bench();
    Object.assign(figures, result);
    if (!json) {
      console.log(`${area} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      for (const [key, value] of Object.entries(result)) console.log(`  ${key.padEnd(28)} ${value}`);
    }
  }
  if (json) console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
