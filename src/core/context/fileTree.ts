import { compareCodeUnits } from './paths';

class FolderNode {
  readonly folders = new Map<string, FolderNode>();
  readonly files = new Set<string>();
  /** Files anywhere below. */
  count = 0;
  private sorted: { folders: string[]; files: string[] } | undefined;

  invalidate(): void {
    this.sorted = undefined;
  }

  /** Children in render order, cached until the folder's own membership changes. */
  children(): { folders: string[]; files: string[] } {
    this.sorted ??= {
      folders: [...this.folders.keys()].sort(compareCodeUnits),
      files: [...this.files].sort(compareCodeUnits),
    };
    return this.sorted;
  }
}

/** The bounded rendering of a tree and what it left out. */
export interface TreeRendering {
  readonly text: string;
  readonly totalFiles: number;
  /** Lines given to entries (files and folders), at most the cap. */
  readonly shownEntries: number;
  readonly truncated: boolean;
}

/** One membership change of the tree. */
export interface TreeChange {
  readonly path: string;
  readonly kind: 'added' | 'removed';
}

interface Item {
  readonly name: string;
  readonly node: FolderNode | undefined;
  children?: Item[];
  hidden: number;
}

/**
 * The included files as a folder tree, updated one path at a time. Rendering is bounded:
 * entries are admitted breadth-first (shallow structure before deep detail), folders that
 * did not fit are shown collapsed with their file count, and a folder cut part-way says how
 * many entries it hides. The output depends only on the set of paths, never on the order
 * they were added.
 */
export class FileTree {
  private readonly root = new FolderNode();
  private revision = 0;
  private latest: TreeChange | undefined;

  /** The most recent add or remove, so a cache miss on the tree can name a file. */
  get lastChange(): TreeChange | undefined {
    return this.latest;
  }

  /** Bumps on every add or remove (render caches key on it). */
  get version(): number {
    return this.revision;
  }

  get size(): number {
    return this.root.count;
  }

  has(path: string): boolean {
    const segments = path.split('/');
    const name = segments.pop() ?? '';
    let node: FolderNode | undefined = this.root;
    for (const segment of segments) {
      node = node.folders.get(segment);
      if (!node) return false;
    }
    return node.files.has(name);
  }

  /** Adds a file; false when it was already there. */
  add(path: string): boolean {
    if (this.has(path)) return false;
    const segments = path.split('/');
    const name = segments.pop() ?? '';
    let node = this.root;
    node.count++;
    for (const segment of segments) {
      let next = node.folders.get(segment);
      if (!next) {
        next = new FolderNode();
        node.folders.set(segment, next);
        node.invalidate();
      }
      node = next;
      node.count++;
    }
    node.files.add(name);
    node.invalidate();
    this.revision++;
    this.latest = { path, kind: 'added' };
    return true;
  }

  /** Removes a file (and folders left empty); false when it was not there. */
  remove(path: string): boolean {
    if (!this.has(path)) return false;
    const segments = path.split('/');
    const name = segments.pop() ?? '';
    const trail: FolderNode[] = [this.root];
    for (const segment of segments) {
      const next = trail[trail.length - 1]?.folders.get(segment);
      if (!next) return false;
      trail.push(next);
    }
    const leaf = trail[trail.length - 1];
    if (!leaf) return false;
    leaf.files.delete(name);
    leaf.invalidate();
    for (const node of trail) node.count--;
    for (let i = trail.length - 1; i > 0; i--) {
      const node = trail[i];
      const parent = trail[i - 1];
      if (!node || !parent || node.count > 0) break;
      parent.folders.delete(segments[i - 1] ?? '');
      parent.invalidate();
    }
    this.revision++;
    this.latest = { path, kind: 'removed' };
    return true;
  }

  /** Renders at most `maxEntries` entry lines (plus "… N more" lines where a folder is cut). */
  render(maxEntries: number): TreeRendering {
    const top: Item = { name: '', node: this.root, hidden: 0 };
    const queue: Item[] = [top];
    let budget = Math.max(0, maxEntries);
    for (let head = 0; head < queue.length && budget > 0; head++) {
      const item = queue[head];
      if (!item?.node) continue;
      const { folders, files } = item.node.children();
      const total = folders.length + files.length;
      const take = Math.min(total, budget);
      budget -= take;
      item.children = [];
      item.hidden = total - take;
      for (let k = 0; k < take; k++) {
        if (k < folders.length) {
          const name = folders[k] ?? '';
          const child: Item = { name, node: item.node.folders.get(name), hidden: 0 };
          item.children.push(child);
          queue.push(child);
        } else {
          item.children.push({ name: files[k - folders.length] ?? '', node: undefined, hidden: 0 });
        }
      }
    }
    const lines: string[] = [];
    emit(top, '', lines);
    const shownEntries = Math.max(0, maxEntries) - budget;
    const truncated = queue.some((item) => item.node !== undefined && (item.children === undefined ? item.node.count > 0 : item.hidden > 0));
    return { text: lines.join('\n'), totalFiles: this.root.count, shownEntries, truncated };
  }
}

function emit(item: Item, indent: string, lines: string[]): void {
  for (const child of item.children ?? []) {
    if (!child.node) {
      lines.push(indent + child.name);
    } else if (child.children === undefined) {
      const n = child.node.count;
      lines.push(`${indent}${child.name}/ (${n} ${n === 1 ? 'file' : 'files'})`);
    } else {
      lines.push(`${indent}${child.name}/`);
      emit(child, `${indent}  `, lines);
    }
  }
  if (item.hidden > 0) lines.push(`${indent}… ${item.hidden} more`);
}
