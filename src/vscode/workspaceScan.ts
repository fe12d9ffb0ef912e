import { execFile } from 'node:child_process';
import { promises as fs, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LinkTarget, WorkspaceIndex } from '../core/context/workspaceIndex';
import { basenameOf, dirnameOf, isInside } from '../core/context/paths';
import { IGNORE_FILE_MAX_BYTES, ignoreFileText } from '../core/context/gitignoreRules';
import type { OuterGitignore } from '../core/context/gitignoreRules';

/** A workspace folder on disk and the index path its files go under. */
export interface DiskFolder {
  /** Its absolute path. */
  readonly root: string;
  /** Its index path ('' for the only folder, its label in a multi-root workspace; see WorkspaceRoots). */
  readonly prefix: string;
  /** Folders inside it (index paths) that are not walked: other workspace folders nested in it. */
  readonly skip?: readonly string[];
}

export interface FeedOptions {
  /** Files indexed at most (all folders together). Default 50,000. */
  readonly maxFiles?: number;
  /** Files above this size are stat'ed, never read (ignore files excepted). Default 1 MiB. */
  readonly maxFileBytes?: number;
}

/**
 * Feeds a WorkspaceIndex from folders on disk: the first scan, then one event at a time
 * (a watcher's create, change or delete; a pin). Each folder's .gitignore is read before its
 * entries so ignored folders are skipped without being walked; only files the index wants
 * text for (manifests, README, pinned, .gitignore) are read, the rest are stat'ed.
 *
 * A link is judged by its own name and by where it leads: a link to a file inside its
 * workspace folder is indexed with that target (the index checks the target's name and
 * ignore rules too); a link that leads out of its folder, or to a folder, is left out. The
 * scan, watcher events and pins all come through here, so they agree. Plain Node (no
 * vscode), so the bench and tests drive the same code as the extension.
 */
export class WorkspaceFeeder {
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly realRoots = new Map<string, Promise<string>>();

  constructor(readonly index: WorkspaceIndex, private readonly folders: readonly DiskFolder[], options: FeedOptions = {}) {
    this.maxFiles = options.maxFiles ?? 50_000;
    this.maxBytes = options.maxFileBytes ?? 1024 * 1024;
  }

  /** Walks every folder, in order, until the file cap, or until `stop` is aborted (the scan was replaced). */
  async scan(stop?: AbortSignal): Promise<{ files: number; truncated: boolean }> {
    let files = 0;
    for (const folder of this.folders) {
      const walked = await this.walk(folder, folder.prefix, stop);
      files += walked.files;
      if (walked.truncated) return { files, truncated: true };
    }
    return { files, truncated: false };
  }

  /**
   * A file or folder was created or changed, or a file is to be read for a pin. A file is
   * read (or stat'ed) into the index, after the .gitignore files of any folder above it that
   * was never read (a scan cut at its cap); a folder is walked as the scan walks one; nothing
   * under an ignored folder (.git, node_modules, a git-ignored one) is indexed, except a file
   * asked about by name (`named`: a pin), which is judged, and so refused with its reason. A
   * .gitignore that changed walks the folders it no longer ignores.
   */
  async changed(rel: string, named = false): Promise<void> {
    const folder = this.folderOf(rel);
    if (!folder) return;
    const judged = async (): Promise<void> => {
      if (named) await this.feed(folder, rel);
    };
    for (const dir of this.index.unwalkedFoldersOf(rel)) {
      if (this.index.isIgnoredFolder(dir)) return judged();
      await this.feed(folder, join(dir, '.gitignore'), true);
      this.index.noteFolder(dir);
    }
    if (this.index.isIgnoredFolder(dirnameOf(rel))) return judged();
    const abs = this.onDisk(folder, rel);
    const stat = await fs.lstat(abs).catch(() => undefined);
    if (stat?.isDirectory()) {
      // A folder reached through a link (one above it) is not walked, as the scan never walks a linked folder.
      if (await this.linkOf(folder, rel, abs).catch(() => null)) return;
      if (this.index.isIgnoredFolder(rel)) this.index.noteFolder(rel, true);
      else await this.walk(folder, rel);
      return;
    }
    await this.feed(folder, rel);
    if (basenameOf(rel) === '.gitignore') await this.rulesChanged(dirnameOf(rel));
  }

  /** A file or folder was deleted (a watcher may report only the folder; a rename is a delete and a create). */
  async deleted(rel: string): Promise<void> {
    this.index.deleteFile(rel);
    this.index.deleteFolder(rel);
    if (basenameOf(rel) === '.gitignore') await this.rulesChanged(dirnameOf(rel));
  }

  /** Ignore rules for the files under `folder` changed: walks the folders they no longer leave out. */
  async rulesChanged(folder: string): Promise<void> {
    const disk = this.folderOf(folder);
    if (!disk) return;
    for (const released of this.index.releasePruned(folder)) await this.walk(disk, released);
  }

  /** The folder an index path lies in (the one with the longest prefix). */
  private folderOf(rel: string): DiskFolder | undefined {
    let best: DiskFolder | undefined;
    for (const folder of this.folders) {
      if (isInside(rel, folder.prefix) && (!best || folder.prefix.length > best.prefix.length)) best = folder;
    }
    return best;
  }

  private onDisk(folder: DiskFolder, rel: string): string {
    return path.join(folder.root, rel.slice(folder.prefix.length));
  }

  /**
   * Breadth-first from `start`, .gitignore first in each folder, noting each folder read or
   * skipped as ignored (see WorkspaceIndex.noteFolder); stops when the index holds the cap's
   * worth of files, and marks it truncated, or when `stop` is aborted.
   */
  private async walk(folder: DiskFolder, start: string, stop?: AbortSignal): Promise<{ files: number; truncated: boolean }> {
    const skip = new Set(folder.skip);
    let files = 0;
    const queue: string[] = [start];
    while (queue.length > 0 && !stop?.aborted) {
      const rel = queue.shift() as string;
      let entries;
      try {
        entries = await fs.readdir(this.onDisk(folder, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const gitignore = entries.find((e) => e.isFile() && e.name === '.gitignore');
      if (gitignore) await this.feed(folder, join(rel, gitignore.name), true);
      this.index.noteFolder(rel);
      for (const entry of entries) {
        const relPath = join(rel, entry.name);
        if (entry.isDirectory()) {
          if (skip.has(relPath)) continue;
          if (this.index.isIgnoredFolder(relPath)) this.index.noteFolder(relPath, true);
          else queue.push(relPath);
        } else if ((entry.isFile() || entry.isSymbolicLink()) && entry !== gitignore) {
          if (this.index.fileCount >= this.maxFiles && !this.index.status(relPath)) {
            this.index.markTruncated();
            return { files, truncated: true };
          }
          // A plain file met on the walk is no link (the walk never enters a linked folder).
          if (await this.feed(folder, relPath, entry.isFile())) files++;
        }
      }
    }
    return { files, truncated: false };
  }

  /**
   * Reads (or stats) one file into the index; a file that vanished meanwhile, or a link to a
   * folder, is deleted. `noLink`: the caller knows the path is no link (else it is looked
   * up). A .gitignore's rules are read whatever the size cap (see IGNORE_FILE_MAX_BYTES).
   * True when the path is in the index afterwards.
   */
  private async feed(folder: DiskFolder, rel: string, noLink = false): Promise<boolean> {
    const index = this.index;
    const abs = this.onDisk(folder, rel);
    try {
      const link = noLink ? null : await this.linkOf(folder, rel, abs);
      const stat = await fs.stat(abs);
      if (!stat.isFile()) {
        index.deleteFile(rel);
        return false;
      }
      const isIgnoreFile = basenameOf(rel) === '.gitignore';
      // Nothing is read through a link out of the folder: it is left out whatever it holds.
      const outside = link !== null && link.target === undefined;
      if ((index.wantsContent(rel) || index.wasRead(rel) || isIgnoreFile) && !outside && stat.size <= this.maxBytes) {
        index.setFile(rel, new Uint8Array(await fs.readFile(abs)), link);
      } else {
        index.setFile(rel, { size: stat.size }, link);
        if (isIgnoreFile && !outside) index.setGitignore(dirnameOf(rel), ignoreFileText(await readHead(abs, IGNORE_FILE_MAX_BYTES + 1)));
      }
      return true;
    } catch {
      index.deleteFile(rel);
      return false;
    }
  }

  /**
   * Where a path reached through a link (itself, or a folder above it) really is: its index
   * path when that lies in the same workspace folder, `target: undefined` when it lies out of
   * it; null when the path is no link.
   */
  private async linkOf(folder: DiskFolder, rel: string, abs: string): Promise<LinkTarget | null> {
    const real = await fs.realpath(abs);
    let root = this.realRoots.get(folder.root);
    if (!root) this.realRoots.set(folder.root, (root = fs.realpath(folder.root).catch(() => folder.root)));
    const inside = path.relative(await root, real);
    const expected = rel.slice(folder.prefix.length).replace(/^\//, '');
    if (toSlashes(inside) === expected) return null;
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return { target: undefined };
    return { target: join(folder.prefix, toSlashes(inside)) };
  }
}

/** Scans one folder into the index (see WorkspaceFeeder). */
export function scanFolder(root: string, index: WorkspaceIndex, options: FeedOptions & { prefix?: string; skip?: readonly string[] } = {}): Promise<{ files: number; truncated: boolean }> {
  return new WorkspaceFeeder(index, [{ root, prefix: options.prefix ?? '', skip: options.skip }], options).scan();
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

/** Where `fsPath` really is, links followed, with forward slashes; itself when it is not on disk (yet). */
export function realOr(fsPath: string): string {
  try {
    return toSlashes(realpathSync(fsPath));
  } catch {
    return toSlashes(fsPath);
  }
}

/** `~/.config/git/ignore` rather than the home folder's full path, in logs and reasons. */
function homeRelative(file: string): string {
  const rel = path.relative(os.homedir(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${toSlashes(rel)}` : toSlashes(file);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}
