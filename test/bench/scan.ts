// Figures for the first workspace scan:
// - scan_gitignore_6k_ms: walk a generated 5,000-file workspace (nested folders) whose root
//   .gitignore holds 6,000 rules into a fresh index through WorkspaceFeeder, as the extension's
//   first scan does (the median of three runs). Generated ignore files of that size exist
//   (monorepos, vendored trees); each rule used to be tried against every path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../../src/core/context/workspaceIndex';
import { WorkspaceFeeder } from '../../src/vscode/workspaceScan';
import { writeTree } from '../unit/context/helpers';

const RUNS = 3;

/**
 * 6,000 rules of the kinds generated ignore files hold: plain names, folders (`name/`),
 * extensions, anchored paths, `**\/deep/**`, paths with a slash, and negations that
 * re-include some of what earlier rules leave out.
 */
export function bigGitignore(rules = 6000): string {
  const lines: string[] = ['# generated'];
  for (let i = 0; lines.length <= rules; i++) {
    switch (i % 8) {
      case 0: lines.push(`name${i}`); break;
      case 1: lines.push(`cache${i}/`); break;
      case 2: lines.push(`*.x${i}`); break;
      case 3: lines.push(`/top${i}`); break;
      case 4: lines.push(`**/deep${i}/**`); break;
      case 5: lines.push(`pkg${i % 40}/gen${i}`); break;
      case 6: lines.push(`file${i}.ts`); break;
      // Half the file rules are re-included by a later negation.
      default: lines.push(Math.floor(i / 8) % 2 === 0 ? `!file${i - 17}.ts` : `part${i % 5}/x${i}`); break;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** 5,000 files in 40 packages, four levels deep, some of them named by the rules above. */
export function scanWorkspace(files = 5000): Record<string, string> {
  const tree: Record<string, string> = { '.gitignore': bigGitignore(), 'package.json': '{ "name": "bench" }\n' };
  for (let i = 0; i < files - 2; i++) {
    // One file in ten has an extension a `*.x…` rule leaves out.
    const name = i % 10 === 3 ? `file${i}.x${8 * (i % 700) + 2}` : `file${i}.ts`;
    tree[`pkg${i % 40}/src/mod${Math.floor(i / 40) % 8}/part${i % 5}/${name}`] = `export const v${i} = ${i};\n`;
  }
  return tree;
}

export async function bench(): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'ladder-scan-bench-'));
  try {
    writeTree(root, scanWorkspace());
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await new WorkspaceFeeder(new WorkspaceIndex(), [{ root, prefix: '' }]).scan();
      times.push(performance.now() - started);
    }
    return { scan_gitignore_6k_ms: Math.round(times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
