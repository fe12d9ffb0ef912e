import ignore from 'ignore';
import type { Ignore } from 'ignore';
import { compareCodeUnits } from './paths';

/** What one ignore file says of a path, as `ignore`'s test() says it. */
export interface RuleVerdict {
  readonly ignored: boolean;
  readonly unignored: boolean;
  /** The rule that ignores it (absent unless `ignored`). */
  readonly pattern?: string;
}

const NO_RULE: RuleVerdict = { ignored: false, unignored: false };

/**
 * The parts of `ignore`'s compiled rules read here (it keeps them in `_rules._rules`, not an
 * API): package.json pins `ignore` exactly, and ignoreFile.test compares IgnoreFile with
 * `ignore` itself on generated rules, so an upgrade that changes them fails there.
 */
interface CompiledRule {
  readonly pattern: string;
  /** The pattern without its `!`, trailing spaces or leading escape. */
  readonly body: string;
  readonly negative: boolean;
  readonly regex: RegExp;
}

function compiledRules(rules: Ignore): readonly CompiledRule[] | undefined {
  const list = (rules as unknown as { _rules?: { _rules?: unknown } })._rules?._rules;
  if (!Array.isArray(list)) return undefined;
  const shaped = list.every((r: Partial<CompiledRule>) => typeof r.pattern === 'string' && typeof r.body === 'string' && typeof r.negative === 'boolean');
  return shaped && (list.length === 0 || (list[0] as CompiledRule).regex instanceof RegExp) ? (list as CompiledRule[]) : undefined;
}

/**
 * What a rule needs of a path to match it: a segment equal to one of its literal segments
 * (`dist/`, `/build`, `**\/deep/**`, `pkg/gen`), or a segment with its extension (`*.log`,
 * `*.tar.gz`). Undefined (tried on every path) when it is not plainly that: wildcards only,
 * escapes, non-ASCII letters (whose case-folding is not plain), `.` or `..` segments.
 */
function keyOf(body: string): { segment: string } | { extension: string } | undefined {
  if (/[^\x20-\x7e]|\\/.test(body)) return undefined;
  const segments = body.split('/').filter((s) => s !== '' && s !== '**');
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) return undefined;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as string;
    if (!/[*?[]/.test(segment)) return { segment: segment.toLowerCase() };
  }
  const last = segments[segments.length - 1] as string;
  const tail = last.slice(Math.max(last.lastIndexOf('*'), last.lastIndexOf('?'), last.lastIndexOf(']')) + 1);
  const dot = tail.lastIndexOf('.');
  return dot >= 0 && dot < tail.length - 1 && !tail.includes('[') ? { extension: tail.slice(dot + 1).toLowerCase() } : undefined;
}

/**
 * One ignore file's rules, answering exactly as `ignore`'s test() does (the last matching
 * rule decides; a path under an ignored folder is ignored) without trying every rule on
 * every path: a rule that needs a segment or an extension the path lacks cannot match it,
 * so only the others are tried. A generated .gitignore of thousands of names costs a few
 * lookups per path instead of thousands of regular expressions.
 */
export class IgnoreFile {
  private readonly all: Ignore;
  private readonly rules: readonly CompiledRule[] | undefined;
  /** Rules (their indexes, last first) that match only a path with this segment, lower case. */
  private readonly bySegment = new Map<string, number[]>();
  /** Rules that match only a path with a segment of this extension, lower case. */
  private readonly byExtension = new Map<string, number[]>();
  /** The rest, last first: tried on every path. */
  private readonly anyPath: number[] = [];
  private readonly verdicts = new Map<string, RuleVerdict>();

  constructor(text: string) {
    this.all = ignore().add(text);
    // Should a release of `ignore` keep its rules elsewhere, every path asks it.
    this.rules = compiledRules(this.all);
    for (let i = (this.rules?.length ?? 0) - 1; i >= 0; i--) {
      const key = keyOf((this.rules as readonly CompiledRule[])[i]!.body);
      if (!key) this.anyPath.push(i);
      else if ('segment' in key) pushTo(this.bySegment, key.segment, i);
      else pushTo(this.byExtension, key.extension, i);
    }
  }

  /** What the rules say of a path relative to the file's folder (a folder with a trailing slash). */
  test(path: string): RuleVerdict {
    if (!this.rules || path.includes('//') || path.includes('\\') || !ignore.isPathValid(path)) {
      const result = this.all.test(path);
      return result.ignored ? { ignored: true, unignored: false, pattern: result.rule?.pattern ?? '' } : result.unignored ? { ignored: false, unignored: true } : NO_RULE;
    }
    let verdict = this.verdicts.get(path);
    if (verdict) return verdict;
    const cut = path.lastIndexOf('/', path.length - 2);
    const parent = cut < 0 ? undefined : this.test(path.slice(0, cut + 1));
    verdict = parent?.ignored ? parent : this.lastMatch(path, this.rules);
    this.verdicts.set(path, verdict);
    return verdict;
  }

  private lastMatch(path: string, rules: readonly CompiledRule[]): RuleVerdict {
    let best = -1;
    const tryAll = (candidates: readonly number[] | undefined): void => {
      for (const i of candidates ?? []) {
        if (i <= best) return;
        if (rules[i]!.regex.test(path)) {
          best = i;
          return;
        }
      }
    };
    const end = path.endsWith('/') ? path.length - 1 : path.length;
    for (const segment of path.slice(0, end).toLowerCase().split('/')) {
      tryAll(this.bySegment.get(segment));
      const dot = segment.lastIndexOf('.');
      if (dot >= 0) tryAll(this.byExtension.get(segment.slice(dot + 1)));
    }
    tryAll(this.anyPath);
    if (best < 0) return NO_RULE;
    const rule = rules[best]!;
    return rule.negative ? { ignored: false, unignored: true } : { ignored: true, unignored: false, pattern: rule.pattern };
  }
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

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
  readonly rules: IgnoreFile;
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
  private readonly layers = new Map<string, IgnoreFile>();
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
    this.layers.set(dir, new IgnoreFile(text));
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
      .map((f) => ({ prefix: f.prefix, rules: new IgnoreFile(f.text), file: f.file }))
      .filter((layer) => layer.prefix === '' || !layer.rules.test(layer.prefix).ignored);
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
          return { ignored: true, file: dir ? `${dir}/.gitignore` : '.gitignore', pattern: result.pattern ?? '' };
        }
        if (result.unignored) return NOT_IGNORED;
      }
      for (const outer of this.outer.get(dir) ?? []) {
        const result = outer.rules.test(outer.prefix + below);
        if (result.ignored) return { ignored: true, file: outer.file, pattern: result.pattern ?? '' };
        if (result.unignored) return NOT_IGNORED;
      }
      if (cut < 0) return NOT_IGNORED;
      cut = path.lastIndexOf('/', cut - 1);
    }
  }
}
