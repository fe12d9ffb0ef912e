import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../core/context/workspaceIndex';
import { dirnameOf } from '../core/context/paths';
import { IGNORE_FILE_MAX_BYTES, ignoreFileText } from '../core/context/gitignoreRules';
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

/**
 * Reads (or stats) the file at `abs` into the index as `relPath`; a file that vanished
 * meanwhile is deleted. A .gitignore's rules are read whatever `maxBytes` says (see
 * IGNORE_FILE_MAX_BYTES).
 */
export async function feedFile(abs: string, relPath: string, index: WorkspaceIndex, maxBytes: number): Promise<void> {
  try {
    const isIgnoreFile = path.basename(relPath) === '.gitignore';
    if (index.wantsContent(relPath) || index.wasRead(relPath) || isIgnoreFile) {
      const stat = await fs.stat(abs);
      if (stat.size <= maxBytes) {
        index.setFile(relPath, new Uint8Array(await fs.readFile(abs)));
      } else {
        index.setFile(relPath, { size: stat.size });
        if (isIgnoreFile) index.setGitignore(dirnameOf(relPath), ignoreFileText(await readHead(abs, IGNORE_FILE_MAX_BYTES + 1)));
      }
    } else {
      const stat = await fs.stat(abs);
      index.setFile(relPath, { size: stat.size });
    }
  } catch {
    index.deleteFile(relPath);
  }
}

/** The first `max` bytes of a file (all of it when shorter). */
async function readHead(abs: string, max: number): Promise<Uint8Array> {
  const handle = await fs.open(abs, 'r');
  try {
    const buffer = new Uint8Array(max);
    const { bytesRead } = await handle.read(buffer, 0, max, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** How far up a folder's repository top is looked for. */
const MAX_OUTER_LEVELS = 32;

/** The git repository a workspace folder is in, as far as its ignore rules go. */
export interface Repository {
  /** The repository's top (its work tree). */
  readonly top: string;
  /** The folders above the workspace folder, nearest first, up to and including `top`; none when the folder is the top. */
  readonly above: readonly string[];
  /** The repository's `info/exclude` (in its common git folder, for a worktree or submodule). */
  readonly infoExclude: string | undefined;
  /** The user's excludes file: git's `core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`. */
  readonly globalExcludes: string;
}

/**
 * The repository `root` is in: the first folder up (itself included) that holds `.git`.
 * Undefined outside any repository: then no ignore file outside the folder is git's.
 * `env` is the environment git is asked in (tests pass a hermetic one); with `askGit` false
 * (an untrusted workspace, whose git config Ladder does not run git on) git's default
 * global excludes file is assumed.
 */
export async function findRepository(root: string, env: NodeJS.ProcessEnv = process.env, askGit = true): Promise<Repository | undefined> {
  const above: string[] = [];
  let dir = path.resolve(root);
  for (let level = 0; level < MAX_OUTER_LEVELS; level++) {
    if (await exists(path.join(dir, '.git'))) {
      return { top: dir, above, infoExclude: await infoExcludeOf(dir), globalExcludes: await globalExcludesFile(dir, env, askGit) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    above.push(dir);
  }
  return undefined;
}

/** `info/exclude` of the repository whose top is `top`: `.git` is a folder, or a file naming one (`gitdir:`), whose `commondir` may point further. */
async function infoExcludeOf(top: string): Promise<string | undefined> {
  const dotGit = path.join(top, '.git');
  let gitDir = dotGit;
  const stat = await fs.stat(dotGit).catch(() => undefined);
  if (stat?.isFile()) {
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await fs.readFile(dotGit, 'utf8').catch(() => ''));
    if (!pointer?.[1]) return undefined;
    gitDir = path.resolve(top, pointer[1]);
  } else if (!stat?.isDirectory()) {
    return undefined;
  }
  const common = (await fs.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
  return path.join(common ? path.resolve(gitDir, common) : gitDir, 'info', 'exclude');
}

/**
 * The user's global excludes file. git itself is asked for `core.excludesFile` (so includes,
 * `~` and every config level count as git counts them); where it has none, or git cannot
 * be run, git's default applies.
 */
function globalExcludesFile(top: string, env: NodeJS.ProcessEnv, askGit: boolean): Promise<string> {
  const fallback = env.XDG_CONFIG_HOME ? path.join(env.XDG_CONFIG_HOME, 'git', 'ignore') : path.join(env.HOME ?? os.homedir(), '.config', 'git', 'ignore');
  if (!askGit) return Promise.resolve(fallback);
  return new Promise((resolve) => {
    execFile('git', ['config', '--path', '--get', 'core.excludesFile'], { cwd: top, env, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const configured = err ? '' : stdout.trim();
      resolve(configured ? path.resolve(top, configured) : fallback);
    });
  });
}

/**
 * The ignore files outside `root` that git applies to it, in git's order of precedence: the
 * .gitignore files in the folders above it up to its repository's top (nearest first), the
 * repository's `info/exclude`, then the user's global excludes file. Pass `repo` when it
 * is known. None outside any repository. Each is read up to IGNORE_FILE_MAX_BYTES, whatever
 * the context's file-size cap.
 */
export async function outerGitignores(root: string, repo?: Repository): Promise<OuterGitignore[]> {
  const from = path.resolve(root);
  const repository = repo ?? (await findRepository(from));
  if (!repository) return [];
  const found: OuterGitignore[] = [];
  const add = async (file: string, dir: string, label: string) => {
    const stat = await fs.stat(file).catch(() => undefined);
    // An unreadable file is treated as absent, as git treats it (with a warning).
    const text = stat?.isFile() ? await readHead(file, IGNORE_FILE_MAX_BYTES + 1).then(ignoreFileText, () => '') : '';
    const below = toSlashes(path.relative(dir, from));
    if (text.trim() !== '') found.push({ prefix: below ? `${below}/` : '', text, file: label });
  };
  for (const [i, dir] of repository.above.entries()) await add(path.join(dir, '.gitignore'), dir, `${'../'.repeat(i + 1)}.gitignore`);
  if (repository.infoExclude) await add(repository.infoExclude, repository.top, toSlashes(path.relative(from, repository.infoExclude)));
  await add(repository.globalExcludes, repository.top, homeRelative(repository.globalExcludes));
  return found;
}

/** A file system path with forward slashes, as index paths have them. */
export function toSlashes(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** `~/.config/git/ignore` rather than the home folder's full path, in logs and reasons. */
function homeRelative(file: string): string {
  const rel = path.relative(os.homedir(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${toSlashes(rel)}` : toSlashes(file);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}
