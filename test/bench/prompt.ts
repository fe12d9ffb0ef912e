// Figures for the cached prompt prefix (issue 6):
// - prefix_cold_10k_ms: walk a generated 10,000-file workspace through the fs adapter into a
//   fresh index and render the whole request (tree, manifests, README, pinned files);
// - prefix_incremental_ms: after one file changes on disk, feed that one file and render the
//   request again. Measured for an ordinary edit, a new file, a manifest edit and a pinned-file
//   edit; the figure is the slowest of their medians.
// - index_delete_events_ms: 5,000 watcher delete events (deleteFile and deleteFolder each, as
//   the extension handles them) on a 50,000-file index: a `git checkout` or `rm -rf` of a package.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PromptSession } from '../../src/core/prompt/session';
import { WorkspaceIndex } from '../../src/core/context/workspaceIndex';
import { loadWorkspace, pinFile, refreshFile } from '../support/fsWorkspace';

const FILES = 10_000;
const COLD_RUNS = 3;
const INCREMENTAL_RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function sourceFile(i: number): string {
  const lines = [`import { helper${i % 17} } from '../shared/helpers';`, '', `/** Module ${i}: computes a value from its input. */`];
  for (let f = 0; f < 3 + (i % 5); f++) {
    lines.push(`export function compute${i}_${f}(input: number, token?: string): number {`);
    lines.push(`  const scaled = helper${i % 17}(input) * ${f + 1};`);
    lines.push(`  return token ? scaled + token.length : scaled;`);
    lines.push('}', '');
  }
  return lines.join('\n');
}

/** 10,000 files in 20 packages, plus ignored build output and a node_modules the walk prunes. */
function generate(root: string): void {
  const write = (rel: string, text: string): void => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  write('package.json', JSON.stringify({ name: 'bench-monorepo', private: true, workspaces: ['packages/*'] }, null, 2));
  write('README.md', Array.from({ length: 120 }, (_, i) => `Line ${i} of the bench README.`).join('\n'));
  write('.gitignore', 'dist/\n*.log\n');
  write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
  write('node_modules/left-pad/index.js', 'module.exports = () => {};\n');
  let written = 4;
  const packages = 20;
  for (let p = 0; p < packages; p++) {
    write(`packages/p${p}/package.json`, JSON.stringify({ name: `@bench/p${p}`, version: '1.0.0', dependencies: { zod: '^4.0.0' } }, null, 2));
    write(`packages/p${p}/dist/index.js`, 'ignored build output\n');
    written++;
  }
  for (let i = 0; written < FILES; i++, written++) {
    const p = i % packages;
    write(`packages/p${p}/src/m${Math.floor(i / packages) % 25}/file${i}.ts`, sourceFile(i));
  }
}

export async function bench(): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'ladder-prefix-bench-'));
  try {
    generate(root);
    const pinned = ['packages/p0/src/m0/file0.ts', 'packages/p1/src/m0/file1.ts'];

    const coldTimes: number[] = [];
    let session: PromptSession | undefined;
    let index: ReturnType<typeof loadWorkspace> | undefined;
    for (let run = 0; run < COLD_RUNS; run++) {
      const started = performance.now();
      index = loadWorkspace(root);
      for (const p of pinned) pinFile(index, root, p);
      session = new PromptSession({ index, model: 'claude-sonnet-4-6', task: 'ask', maxTokens: 1024, trusted: true });
      session.plan({ question: 'What does this workspace do?' });
      coldTimes.push(performance.now() - started);
    }
    if (!session || !index) throw new Error('no cold run');
    const liveIndex = index;
    const liveSession = session;

    const edits: Record<string, (n: number) => string> = {
      ordinary: (n) => {
        const rel = 'packages/p3/src/m2/file43.ts';
        writeFileSync(join(root, rel), `${sourceFile(43)}\n// edit ${n}\n`);
        return rel;
      },
      added: (n) => {
        const rel = `packages/p4/src/m1/new${n}.ts`;
        writeFileSync(join(root, rel), sourceFile(n));
        return rel;
      },
      manifest: (n) => {
        const rel = 'packages/p0/package.json';
        writeFileSync(join(root, rel), JSON.stringify({ name: '@bench/p0', version: `1.0.${n + 1}` }, null, 2));
        return rel;
      },
      pinned: (n) => {
        const rel = pinned[0] ?? '';
        writeFileSync(join(root, rel), `${sourceFile(0)}\n// pinned edit ${n}\n`);
        return rel;
      },
    };
    const medians: number[] = [];
    for (const edit of Object.values(edits)) {
      const times: number[] = [];
      for (let n = 0; n < INCREMENTAL_RUNS; n++) {
        const rel = edit(n);
        const started = performance.now();
        refreshFile(liveIndex, root, rel);
        liveSession.plan({ question: 'What changed?' });
        times.push(performance.now() - started);
      }
      medians.push(median(times));
    }

    return {
      prefix_cold_10k_ms: Math.round(median(coldTimes)),
      prefix_incremental_ms: Number(Math.max(...medians).toFixed(2)),
      index_delete_events_ms: deleteEvents(),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Milliseconds for 5,000 delete events on a 50,000-file index (the median of three runs). */
function deleteEvents(): number {
  const path = (i: number): string => `pkg${i % 200}/src/mod${Math.floor(i / 200)}/file${i}.ts`;
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const index = new WorkspaceIndex();
    for (let i = 0; i < 50_000; i++) index.setFile(path(i), { size: 100 });
    const started = performance.now();
    for (let i = 0; i < 50_000; i += 10) {
      index.deleteFile(path(i));
      index.deleteFolder(path(i));
    }
    times.push(performance.now() - started);
  }
  return Math.round(median(times));
}
