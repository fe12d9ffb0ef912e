import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../core/context/workspaceIndex';
import type { OuterGitignore } from '../core/context/gitignoreRules';

/**
 * Feeds a WorkspaceIndex from a folder on disk. Each folder's .gitignore is read before
 * its entries so ignored folders are skipped without being walked; only files the index
 * wants text for (manifests, README, pinned, .gitignore) are read, the rest are stat'ed.
 * Index paths start with `prefix` (a multi-root workspace's folder name, see
 * WorkspaceRoots); folders in `skip` (index paths) are not walked. Plain Node (no vscode), so the bench and tests drive the same code as
 * the extension.
 */
export async function scanFolder(root: string, index: WorkspaceIndex, options: { maxFiles?: number; maxFileBytes?: number; prefix?: string; skip?: readonly string[] } = {}): Promise<{ files: number; truncated: boolean }> {
  const maxFiles = options.maxFiles ?? 50_000;
  const maxBytes = options.maxFileBytes ?? 1024 * 1024;
  const prefix = options.prefix ?? '';
  const skip = new Set(options.skip);
  let files = 0;
  const queue: string[] = [prefix];
  const onDisk = (indexPath: string) => path.join(root, indexPath.slice(prefix.length));
  while (queue.length > 0) {
    const rel = queue.shift() as string;
    let entries;
    try {
      entries = await fs.readdir(onDisk(rel), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const gitignore = entries.find((e) => e.isFile() && e.name === '.gitignore');
    if (gitignore) await feedFile(onDisk(join(rel, gitignore.name)), join(rel, gitignore.name), index, maxBytes);
    for (const entry of entries) {
      const relPath = join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!index.isIgnoredFolder(relPath) && !skip.has(relPath)) queue.push(relPath);
      } else if (entry.isFile() && entry !== gitignore) {
        if (files >= maxFiles) return { files, truncated: true };
        await feedFile(onDisk(relPath), relPath, index, maxBytes);
        files++;
      }
    }
  }
  return { files, truncated: false };
}

/** Reads (or stats) the file at `abs` into the index as `relPath`; a file that vanished meanwhile is deleted. */
export async function feedFile(abs: string, relPath: string, index: WorkspaceIndex, maxBytes: number): Promise<void> {
  try {
    if (index.wantsContent(relPath) || path.basename(relPath) === '.gitignore') {
      const stat = await fs.stat(abs);
      if (stat.size > maxBytes) index.setFile(relPath, { size: stat.size });
      else index.setFile(relPath, new Uint8Array(await fs.readFile(abs)));
    } else {
      const stat = await fs.stat(abs);
      index.setFile(relPath, { size: stat.size });
    }
  } catch {
    index.deleteFile(relPath);
  }
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** How far up a folder's repository top is looked for. */
const MAX_OUTER_LEVELS = 32;

/**
 * The folders above `root`, nearest first, up to and including the top of the git
 * repository it is in (the first folder up that holds `.git`). None when `root` is that top
 * itself or is in no repository: a .gitignore outside a repository is not git's.
 */
export async function repositoryFoldersAbove(root: string): Promise<string[]> {
  const found: string[] = [];
  let dir = path.resolve(root);
  for (let level = 0; level < MAX_OUTER_LEVELS; level++) {
    if (await exists(path.join(dir, '.git'))) return found;
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
    found.push(dir);
  }
  return [];
}

/**
 * The .gitignore files in {@link repositoryFoldersAbove} (pass `above` when it is known),
 * nearest first, as the index takes them.
 */
export async function outerGitignores(root: string, maxBytes = 1024 * 1024, above?: readonly string[]): Promise<OuterGitignore[]> {
  const found: OuterGitignore[] = [];
  const from = path.resolve(root);
  for (const [i, dir] of (above ?? (await repositoryFoldersAbove(from))).entries()) {
    const file = path.join(dir, '.gitignore');
    const stat = await fs.stat(file).catch(() => undefined);
    // An unreadable file is treated as absent, as git treats it (with a warning).
    const text = stat?.isFile() && stat.size <= maxBytes ? await fs.readFile(file, 'utf8').catch(() => '') : '';
    const prefix = `${path.relative(dir, from).split(path.sep).join('/')}/`;
    if (text.trim() !== '') found.push({ prefix, text, file: `${'../'.repeat(i + 1)}.gitignore` });
  }
  return found;
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

