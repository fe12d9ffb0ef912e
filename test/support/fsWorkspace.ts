// Plain-Node adapter: walks a real folder into a WorkspaceIndex, for tests and benchmarks.
// The extension feeds the same index from vscode.workspace.fs and a FileSystemWatcher.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, WorkspaceIndex } from '../../src/core/context/workspaceIndex';
import type { IndexChange } from '../../src/core/context/workspaceIndex';

/** The fixture workspace with planted secrets (see its files). */
export const FIXTURE_WORKSPACE = resolve(__dirname, 'fixtures/workspace');

/**
 * Strings planted in fixture files that must never appear in a request body: the .env
 * values, the private key body, the fake Anthropic key, and the contents of git-ignored and
 * binary files.
 */
export const PLANTED_MARKERS: readonly string[] = [
  'PLANTED-ENV',
  'PLANTED-PRIVATE-KEY-BODY',
  'sk-ant-api03-PLANTED',
  'PLANTED-IGNORED-BUILD',
  'PLANTED-IGNORED-LOG',
  'PLANTED-IGNORED-LOCAL',
  'PLANTED_IGNORED_GENERATED',
  'PLANTED-BINARY',
];

export interface LoadOptions {
  /** Feed into this index instead of a new one. */
  readonly index?: WorkspaceIndex;
  /** Reorders each folder's entries before they are fed (to prove order does not matter). */
  readonly order?: (names: string[]) => string[];
  /** 'all' (default) reads every file under the size cap; 'wanted' reads only what the prompt renders. */
  readonly contents?: 'all' | 'wanted';
  readonly maxReadBytes?: number;
}

/**
 * Walks `root` into an index. A folder's .gitignore is fed before its other entries so that
 * ignored folders (and .git, node_modules, .ssh …) can be pruned instead of read.
 */
export function loadWorkspace(root: string, options: LoadOptions = {}): WorkspaceIndex {
  const index = options.index ?? new WorkspaceIndex();
  const order = options.order ?? ((names: string[]) => names);
  const walk = (relFolder: string): void => {
    const absolute = relFolder ? join(root, relFolder) : root;
    const names = order(readdirSync(absolute));
    const gitignoreFirst = [...names.filter((n) => n === '.gitignore'), ...names.filter((n) => n !== '.gitignore')];
    for (const name of gitignoreFirst) {
      const rel = relFolder ? `${relFolder}/${name}` : name;
      const stat = lstatSync(join(root, rel));
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) {
        if (!index.isIgnoredFolder(rel)) walk(rel);
      } else if (stat.isFile()) {
        feed(index, root, rel, stat.size, options);
      }
    }
  };
  walk('');
  return index;
}

/** The watcher's job for one path: re-read it, or report it deleted. */
export function refreshFile(index: WorkspaceIndex, root: string, rel: string, options: LoadOptions = {}): IndexChange {
  const absolute = join(root, rel);
  if (!existsSync(absolute)) return index.deleteFile(rel);
  return feed(index, root, rel, statSync(absolute).size, options);
}

/** Pins a file and, as the extension would, feeds its text if the index asks for it. */
export function pinFile(index: WorkspaceIndex, root: string, rel: string): void {
  if (index.pin(rel).needsContent && existsSync(join(root, rel))) refreshFile(index, root, rel);
}

function feed(index: WorkspaceIndex, root: string, rel: string, size: number, options: LoadOptions): IndexChange {
  const cap = options.maxReadBytes ?? DEFAULT_MAX_FILE_BYTES;
  const read = size <= cap && (options.contents !== 'wanted' || index.wantsContent(rel));
  return index.setFile(rel, read ? readFileSync(join(root, rel)) : { size });
}

/** A deterministic shuffle (seeded), for enumeration-order tests. */
export function seededShuffle(seed: number): (names: string[]) => string[] {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  return (names) => {
    const out = [...names];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j] as string, out[i] as string];
    }
    return out;
  };
}
