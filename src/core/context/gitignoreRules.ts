import ignore from 'ignore';
import type { Ignore } from 'ignore';
import { compareCodeUnits } from './paths';

/** Why a path is git-ignored: the .gitignore file and the rule that matched. */
export interface GitignoreDecision {
  readonly ignored: boolean;
  readonly file?: string;
  readonly pattern?: string;
}

const NOT_IGNORED: GitignoreDecision = { ignored: false };

/**
 * How much of an ignore file (.gitignore, info/exclude, the global excludes) is read. Ignore
 * files are read whatever `ladder.context.maxFileBytes` says: a workspace may lower that cap,
 * and a .gitignore over it would otherwise apply no rules at all. A file beyond this bound
 * keeps the rules in its first whole lines up to it.
 */
export const IGNORE_FILE_MAX_BYTES = 1024 * 1024;

const ignoreDecoder = new TextDecoder('utf-8');

/** The rules text of an ignore file's content (or its head), at most IGNORE_FILE_MAX_BYTES, whole lines only. */
export function ignoreFileText(content: string | Uint8Array): string {
  const cut = typeof content === 'string' ? content.length > IGNORE_FILE_MAX_BYTES : content.byteLength > IGNORE_FILE_MAX_BYTES;
  const text = typeof content === 'string' ? content.slice(0, IGNORE_FILE_MAX_BYTES) : ignoreDecoder.decode(content.subarray(0, IGNORE_FILE_MAX_BYTES));
  // A rule cut mid-line could match what its whole line does not.
  return cut ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
}

/** An ignore file of git's outside a workspace folder: a .gitignore above it, info/exclude, the global excludes. */
export interface OuterGitignore {
  /** The folder's path as seen from where the file's rules apply, with a trailing slash ("packages/web/"); '' at the same place. */
  readonly prefix: string;
  readonly text: string;
  /** How decisions name it ("../../.gitignore"). */
  readonly file: string;
}

interface OuterLayer {
  readonly prefix: string;
  readonly rules: Ignore;
  readonly file: string;
}

/**
 * The .gitignore files of a workspace, layered as git layers them: a deeper file's rules win
 * over a shallower one's, the last matching rule in a file wins, and nothing inside an
 * ignored folder can be re-included. One simplification, which errs toward leaving files
 * out: a folder excluded by a shallower .gitignore and re-included (`!dir/`) by a deeper one
 * still excludes files that the shallower file's folder rule covers.
 */
export class GitignoreRules {
  private readonly layers = new Map<string, Ignore>();
  /** Git's ignore files outside each workspace folder, by the index folder they apply under, in git's precedence. */
  private readonly outer = new Map<string, OuterLayer[]>();
  private readonly folderMemo = new Map<string, GitignoreDecision>();

  /** Sets (or with undefined / blank text, removes) the rules of `<dir>/.gitignore`. */
  set(dir: string, text: string | undefined): void {
    this.folderMemo.clear();
    if (text === undefined || text.trim() === '') {
      this.layers.delete(dir);
      return;
    }
    this.layers.set(dir, ignore().add(text));
  }

  /**
   * Sets git's ignore files outside the workspace folder at index path `dir` ('' for the
   * only folder), in git's precedence (the .gitignore files above it nearest first, then
   * info/exclude, then the global excludes): git applies them to the folder's files, under
   * any of the folder's own. A file whose rules would leave out the folder itself is not
   * used: the user opened that folder to work in it.
   */
  setOuter(dir: string, files: readonly OuterGitignore[]): void {
    this.folderMemo.clear();
    const layers = files
      .map((f) => ({ prefix: f.prefix, rules: ignore().add(f.text), file: f.file }))
      .filter((layer) => layer.prefix === '' || !layer.rules.ignores(layer.prefix));
    if (layers.length === 0) this.outer.delete(dir);
    else this.outer.set(dir, layers);
  }

  /** The outer files in use under `dir` (see setOuter), nearest first. */
  outerFiles(dir: string): string[] {
    return (this.outer.get(dir) ?? []).map((layer) => layer.file);
  }

  /** Folders that hold a .gitignore ('' is the root), sorted. */
  folders(): string[] {
    return [...this.layers.keys()].sort(compareCodeUnits);
  }

  /** Whether `path` (a file, or a folder with `isFolder`) is git-ignored, and by what. */
  test(path: string, isFolder = false): GitignoreDecision {
    if (this.layers.size === 0 && this.outer.size === 0) return NOT_IGNORED;
    let end = path.indexOf('/');
    while (end >= 0) {
      const folder = this.folderDecision(path.slice(0, end));
      if (folder.ignored) return folder;
      end = path.indexOf('/', end + 1);
    }
    return isFolder ? this.folderDecision(path) : this.selfDecision(path, false);
  }

  private folderDecision(folder: string): GitignoreDecision {
    let decision = this.folderMemo.get(folder);
    if (!decision) {
      decision = this.selfDecision(folder, true);
      this.folderMemo.set(folder, decision);
    }
    return decision;
  }

  /** Deepest .gitignore with an opinion on the path itself decides. */
  private selfDecision(path: string, isFolder: boolean): GitignoreDecision {
    const suffix = isFolder ? '/' : '';
    let cut = path.lastIndexOf('/');
    for (;;) {
      const dir = cut < 0 ? '' : path.slice(0, cut);
      const layer = this.layers.get(dir);
      const below = path.slice(cut + 1) + suffix;
      if (layer) {
        const result = layer.test(below);
        if (result.ignored) {
          return { ignored: true, file: dir ? `${dir}/.gitignore` : '.gitignore', pattern: result.rule?.pattern ?? '' };
        }
        if (result.unignored) return NOT_IGNORED;
      }
      for (const outer of this.outer.get(dir) ?? []) {
        const result = outer.rules.test(outer.prefix + below);
        if (result.ignored) return { ignored: true, file: outer.file, pattern: result.rule?.pattern ?? '' };
        if (result.unignored) return NOT_IGNORED;
      }
      if (cut < 0) return NOT_IGNORED;
      cut = path.lastIndexOf('/', cut - 1);
    }
  }
}
