import { compareCodeUnits } from './paths';

/**
 * The workspace's folders as one tree of index paths. With one folder, an index path is
 * relative to it, as before. With several (a multi-root workspace), each folder is a
 * top-level directory named after it, so one index, one prompt prefix and one cache serve
 * them all, and a folder's own .gitignore applies under its name.
 */

/** A workspace folder: its display name and its absolute path with forward slashes. */
export interface RootFolder {
  readonly name: string;
  readonly path: string;
}

/** Where an index path lies on disk: the folder (by position) and the path inside it. */
export interface RootLocation {
  readonly folder: number;
  readonly rel: string;
}

export class WorkspaceRoots {
  /** Each folder's top-level name in the index ('' for the only folder). */
  readonly labels: readonly string[];
  private readonly paths: readonly string[];

  constructor(readonly folders: readonly RootFolder[]) {
    this.paths = folders.map((f) => trimSlash(f.path));
    this.labels = folders.length === 1 ? [''] : uniqueLabels(folders.map((f) => f.name));
  }

  get multi(): boolean {
    return this.folders.length > 1;
  }

  /** Path segments before a folder's own paths: 1 in a multi-root workspace, else 0. */
  get depth(): number {
    return this.multi ? 1 : 0;
  }

  /**
   * The index path of an absolute path (forward slashes), `''` for the only folder itself,
   * or undefined outside every folder. A folder nested in another claims its own files.
   */
  indexPath(absolute: string): string | undefined {
    const abs = trimSlash(absolute);
    let best = -1;
    for (let i = 0; i < this.paths.length; i++) {
      const root = this.paths[i] as string;
      if ((abs === root || abs.startsWith(root === '' ? '/' : `${root}/`)) && (best < 0 || root.length > (this.paths[best] as string).length)) best = i;
    }
    if (best < 0) return undefined;
    const rel = abs.slice((this.paths[best] as string).length + 1);
    return join(this.labels[best] as string, rel);
  }

  /**
   * The other folders inside folder `i`, as paths under its own name: a scan of `i` skips
   * them, since each is scanned (and named) as a folder of its own.
   */
  nestedIn(i: number): string[] {
    return this.foldersIn(i).map((f) => f.path);
  }

  /** The other folders inside folder `i`: each one's path under `i`'s name, and its own label. */
  foldersIn(i: number): { path: string; label: string }[] {
    const root = this.paths[i];
    if (root === undefined) return [];
    const label = this.labels[i] as string;
    return this.paths.flatMap((other, j) => (j !== i && other.startsWith(root === '' ? '/' : `${root}/`) ? [{ path: join(label, other.slice(root.length + 1)), label: this.labels[j] as string }] : []));
  }

  /**
   * The index paths of absolute paths (forward slashes) that lie in a folder, sorted; the rest
   * are left out. Pins are stored as absolute paths and mapped here each time, so reordering,
   * adding or removing folders never points one at another file.
   */
  indexPaths(absolutes: readonly string[]): string[] {
    return [...new Set(absolutes.flatMap((abs) => this.indexPath(abs) || []))].sort(compareCodeUnits);
  }

  /** The folder an index path lies in and the path inside it; undefined for none. */
  locate(indexPath: string): RootLocation | undefined {
    if (!this.multi) return this.folders.length === 1 ? { folder: 0, rel: indexPath } : undefined;
    const cut = indexPath.indexOf('/');
    const label = cut < 0 ? indexPath : indexPath.slice(0, cut);
    const folder = this.labels.indexOf(label);
    return folder < 0 ? undefined : { folder, rel: cut < 0 ? '' : indexPath.slice(cut + 1) };
  }

  /** The absolute path (forward slashes) of an index path; undefined outside every folder. */
  absolutePath(indexPath: string): string | undefined {
    const at = this.locate(indexPath);
    if (!at) return undefined;
    const root = this.paths[at.folder] as string;
    return at.rel ? `${root}/${at.rel}` : root === '' ? '/' : root;
  }
}

/**
 * Folder names as directory names: a slash would read as nesting, so it becomes `-`; two
 * folders of the same name get `-2`, `-3`… in workspace order, skipping any name a folder
 * already has: with folders `src`, `src` and `src-2`, the second `src` is `src-3`, so
 * `src-2/x.ts` is the folder the Explorer shows as `src-2`.
 */
function uniqueLabels(names: readonly string[]): string[] {
  const bases = names.map((name) => {
    const trimmed = name.replace(/[\\/]+/g, '-').trim();
    return trimmed === '' || trimmed === '.' || trimmed === '..' ? 'folder' : trimmed;
  });
  const used = new Set(bases);
  const seen = new Set<string>();
  return bases.map((base) => {
    if (!seen.has(base)) {
      seen.add(base);
      return base;
    }
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base}-${n}`;
    used.add(label);
    return label;
  });
}

function trimSlash(path: string): string {
  return path.endsWith('/') ? path.replace(/\/+$/, '') : path;
}

function join(label: string, rel: string): string {
  return label && rel ? `${label}/${rel}` : label || rel;
}
