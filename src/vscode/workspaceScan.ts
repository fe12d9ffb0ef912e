import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../core/context/workspaceIndex';

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
