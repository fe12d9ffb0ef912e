import { denylistMatch, skippedFolderOf } from './denylist';
import { FileTree } from './fileTree';
import { fingerprint } from './fingerprint';
import { GitignoreRules, ignoreFileText } from './gitignoreRules';
import type { OuterGitignore } from './gitignoreRules';
import { basenameOf, compareCodeUnits, dirnameOf, isInside, normalizePath } from './paths';
import { describeSecretMatches, findSecretLikeStrings } from './secrets';
import type { SecretMatch } from './secrets';

/** What a host knows about a file when it does not hand over the content. */
export interface FileFacts {
  /** Size in bytes. */
  readonly size: number;
  /** Set when the host already knows the file is binary. */
  readonly binary?: boolean;
}

/**
 * A file event's payload: the text, the raw bytes, or only facts. With facts only, the file
 * can be listed in the tree (its name is not a secret) but its content is unknown, so it
 * cannot be scanned or rendered; hosts that want to save reads pass facts for files
 * `wantsContent()` says no to.
 */
export type FileInput = string | Uint8Array | FileFacts;

/**
 * Where a path reached through a symbolic link (itself or a folder above it) really is: the
 * index path of its target, or undefined when the target lies outside its workspace folder.
 */
export interface LinkTarget {
  readonly target: string | undefined;
}

/**
 * Why a file is left out of every prompt, in the order the checks run:
 * `vcs`/`dependencies` (.git, node_modules …), `denylisted` (its name: .env, *.pem, id_rsa …),
 * `gitignored`, `link` (a link out of its workspace folder, or to a file left out by its
 * name or ignore rules), `tooLarge`, `binary` (a NUL byte, or its type), `notUtf8` (read, and
 * not UTF-8: sent as UTF-8 it would be mangled), `secret` (content holds a key-like string).
 */
export type ExclusionReason = 'vcs' | 'dependencies' | 'denylisted' | 'gitignored' | 'link' | 'tooLarge' | 'binary' | 'notUtf8' | 'secret';

/** Why a file is never sent, as a clause a message can end with ("… is not pinned: <why>"). */
export function exclusionPhrase(reason: ExclusionReason): string {
  switch (reason) {
    case 'vcs': return 'it is version-control data';
    case 'dependencies': return 'it is in an installed-dependencies folder';
    case 'denylisted': return 'its name marks it as a credentials file';
    case 'gitignored': return 'it is git-ignored';
    case 'link': return 'it is a link to a file the context never sends';
    case 'tooLarge': return 'it is too large';
    case 'binary': return 'it is binary';
    case 'notUtf8': return 'it is not UTF-8 text';
    case 'secret': return 'it looks like it holds a key or token';
  }
}

/** One file as the "what was left out" view shows it. `detail` never holds secret text. */
export interface FileStatus {
  readonly path: string;
  readonly included: boolean;
  readonly reason?: ExclusionReason;
  readonly detail?: string;
  readonly size: number;
  readonly contentKnown: boolean;
}

/** What one event changed, so callers (and tests) can see that work stayed local. */
export interface IndexChange {
  readonly path: string;
  /** The set of included files changed (the tree must re-render). */
  readonly treeChanged: boolean;
  /** A rendered context file (manifest, README) changed or came and went. */
  readonly contextChanged: boolean;
  /** A pinned file's rendered content changed. */
  readonly pinnedChanged: boolean;
}

/** A file whose text the prompt renders, normalised (LF, no BOM). */
export interface ContentFile {
  readonly path: string;
  readonly content: string;
  readonly fingerprint: string;
}

/** A pinned file and whether it can be rendered. */
export interface PinnedFile {
  readonly path: string;
  readonly file?: ContentFile;
  /** Why it is not rendered: its exclusion, `missing` (not in the index) or `needsContent`. */
  readonly unavailable?: ExclusionReason | 'missing' | 'needsContent';
}

export interface WorkspaceIndexOptions {
  /** Files above this many bytes are `tooLarge`: never scanned, never rendered. Default 1 MiB. */
  readonly maxFileBytes?: number;
  /**
   * Segments before a folder's own paths: 1 when each workspace folder is a top-level
   * directory (multi-root, see WorkspaceRoots), so each folder's README and manifests count.
   */
  readonly rootDepth?: number;
  /**
   * Where each workspace folder is on disk (absolute, forward slashes), by its top-level name
   * in the index ('' for the only folder): a folder that is a credential store, or lies in
   * one, has its files judged as the store's (see credentialsRuleInput); `real` is where it
   * really is when it is opened through a link (a repo's `keys -> ~/.ssh`).
   */
  readonly folders?: readonly { readonly label: string; readonly path: string; readonly real?: string }[];
}

/**
 * Folders of a home directory that denylist rules name as (holding) credentials (`.ssh/`,
 * `.kube/config`, `.m2/settings.xml` …); the denylist decides which files in them. Names are
 * judged below the workspace folder (a project called `credentials-service` or `secrets` is
 * no credentials file), but a workspace folder that is one of these or lies in one (`~/.kube`,
 * or `~/.ssh` added by a cloned .code-workspace) holds their files: judged by where they are.
 */
const CREDENTIAL_STORES: ReadonlySet<string> = new Set(['.ssh', '.aws', '.azure', '.gnupg', '.kube', '.docker', '.m2', '.config']);

/**
 * The path the credentials-name rules read for `inFolder`, a path in the workspace folder at
 * `folder` (absolute, forward slashes): from the credential store the folder is or lies in
 * (`.kube/config` for `config` in `~/.kube`), else `inFolder` itself.
 */
export function credentialsRuleInput(folder: string, inFolder: string): string {
  const segments = folder.split('/');
  const store = segments.findIndex((s) => CREDENTIAL_STORES.has(s.toLowerCase()));
  return store < 0 ? inFolder : [...segments.slice(store), ...(inFolder ? [inFolder] : [])].join('/');
}

/** A workspace folder on disk (absolute, forward slashes): the path it is opened by, and where it really is. */
export interface FolderOnDisk {
  readonly path: string;
  readonly real: string;
}

/**
 * What the credentials-name rules read for a file opened at `opened` that really is at `real`
 * (absolute, forward slashes; the same when no link is on the way), and `leadsOut` when it was
 * opened in a workspace folder but really lies outside every one: the context never reads
 * through such a link (see LinkTarget), so no request may. In a folder the rules read the path
 * inside it (see credentialsRuleInput), a link's target too; outside every folder the whole
 * path (`~/.kube/config` is a key file; `config` is not).
 */
export function ruleInputsOf(opened: string, real: string, folders: readonly FolderOnDisk[]): { origins: string[]; leadsOut?: string } {
  const whole = (p: string) => p.replace(/^[A-Za-z]:\//, '').replace(/^\/+/, '');
  const openedIn = holderOf(opened, folders.map((f) => f.path));
  if (!openedIn) return { origins: real === opened ? [whole(opened)] : [whole(opened), whole(real)] };
  const origins = [credentialsRuleInput(openedIn.root, openedIn.rel)];
  if (real === opened) return { origins };
  const realIn = holderOf(real, folders.map((f) => f.real));
  if (!realIn) return { origins, leadsOut: real };
  return { origins: [...origins, credentialsRuleInput(realIn.root, realIn.rel)] };
}

/** The folder among `roots` that holds `path` (the deepest, as a nested folder claims its files) and the path inside it. */
function holderOf(path: string, roots: readonly string[]): { root: string; rel: string } | undefined {
  let best: string | undefined;
  for (const root of roots.map((r) => r.replace(/\/+$/, ''))) {
    if ((path === root || path.startsWith(`${root}/`)) && (best === undefined || root.length > best.length)) best = root;
  }
  return best === undefined ? undefined : { root: best, rel: path.slice(best.length + 1) };
}

/** Build and dependency manifests rendered into the context, by file name. */
const MANIFEST_NAMES: ReadonlySet<string> = new Set([
  'package.json', 'tsconfig.json', 'jsconfig.json', 'deno.json', 'deno.jsonc',
  'pyproject.toml', 'setup.cfg', 'setup.py', 'requirements.txt', 'Pipfile', 'environment.yml',
  'Cargo.toml', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle',
  'settings.gradle.kts', 'composer.json', 'Gemfile', 'mix.exs', 'pubspec.yaml', 'Package.swift',
  'CMakeLists.txt',
]);
const MANIFEST_SUFFIXES = ['.csproj', '.fsproj'];
/** Manifests deeper than this many path segments are not rendered (packages/x/package.json is 3). */
const MANIFEST_MAX_SEGMENTS = 3;
const README = /^readme(?:\.(?:md|markdown|rst|txt|adoc))?$/i;

/**
 * File types that are binary whatever their first bytes: most files are only stat'ed, never
 * read, and the tree should not name a logo or an archive while the preamble says binaries
 * are left out.
 */
const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'icns', 'webp', 'tif', 'tiff', 'psd', 'heic', 'avif',
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'tar', 'jar', 'war', 'ear', 'apk', 'aab', 'ipa', 'dmg', 'iso', 'whl', 'nupkg',
  'exe', 'dll', 'so', 'dylib', 'o', 'a', 'lib', 'obj', 'bin', 'class', 'pyc', 'pyo', 'wasm', 'node',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp3', 'mp4', 'm4a', 'mov', 'avi', 'mkv', 'wav', 'flac', 'ogg', 'webm',
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt',
  'sqlite', 'sqlite3', 'db', 'parquet', 'onnx', 'pt', 'pth', 'h5', 'pkl', 'npy', 'npz',
]);

/** The binary file type a path's extension names, or undefined. */
export function binaryExtensionOf(path: string): string | undefined {
  const name = basenameOf(path);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return BINARY_EXTENSIONS.has(ext) ? ext : undefined;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Git's own heuristic: a NUL byte in the first 8000 bytes means binary. */
const BINARY_SNIFF_BYTES = 8000;

type Role = 'manifest' | 'readme';

interface Entry {
  readonly path: string;
  readonly role: Role | undefined;
  size: number;
  binary: boolean;
  /** Why its bytes are not UTF-8 text, when they were read and are not. */
  notUtf8: string | undefined;
  contentKnown: boolean;
  fingerprint: string | undefined;
  /** Kept only for files the prompt may render (role files and pinned files). */
  content: string | undefined;
  secrets: readonly SecretMatch[];
  reason: ExclusionReason | undefined;
  detail: string | undefined;
  /** Set when the path is reached through a link (see LinkTarget). */
  link: LinkTarget | undefined;
}

/**
 * The role a path plays in the rendered context, from its name and place alone;
 * `rootDepth` segments before it name the workspace folder (see WorkspaceIndexOptions).
 */
export function roleOf(path: string, rootDepth = 0): Role | undefined {
  const name = basenameOf(path);
  const segments = path.split('/').length - rootDepth;
  if (segments === 1 && README.test(name)) return 'readme';
  if (segments < 1 || segments > MANIFEST_MAX_SEGMENTS) return undefined;
  if (MANIFEST_NAMES.has(name) || MANIFEST_SUFFIXES.some((s) => name.endsWith(s))) return 'manifest';
  return undefined;
}

/** CRLF and lone CR to LF, BOM dropped: the same bytes whatever editor saved the file. */
export function normalizeText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes('\r') ? noBom.replace(/\r\n?/g, '\n') : noBom;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Whether the bytes start with a UTF-16 byte-order mark: text, though its NUL bytes look binary. */
function isUtf16(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

/** The bytes as UTF-8 text, or why they are not: another encoding decoded as UTF-8 would be sent with replacement characters. */
function decodeUtf8(bytes: Uint8Array): { text: string } | { notUtf8: string } {
  if (isUtf16(bytes)) return { notUtf8: 'UTF-16, by its byte-order mark' };
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    return { notUtf8: 'bytes that are not valid UTF-8 (another encoding, such as Latin-1?)' };
  }
}

/**
 * An in-memory index of the workspace fed by file events (create/change/delete, .gitignore
 * edits), never by rescanning. Each event re-evaluates only the file it names, or for a
 * .gitignore only the files under its folder, and reports what it changed. The index decides
 * eligibility (see ExclusionReason) and keeps content only for files the prompt renders.
 */
export class WorkspaceIndex {
  readonly tree = new FileTree();
  private readonly entries = new Map<string, Entry>();
  private readonly gitignore = new GitignoreRules();
  private readonly pinned = new Set<string>();
  /** Paths with a role (manifest, README), so rendering never walks every entry. */
  private readonly roleFiles = new Set<string>();
  /** Each folder's files and subfolders, so a folder's entries are found without walking every entry. */
  private readonly folderIndex = new Map<string, { readonly files: Set<string>; readonly folders: Set<string> }>();
  /** Entries reached through a link with a target, re-judged when the target's rules change. */
  private readonly linked = new Set<string>();
  /** Folders the host has read (their .gitignore looked for) and folders it skipped as ignored. */
  private readonly walked = new Set<string>();
  /** Walked folders by their parent, so a folder's delete forgets its own subtree without scanning every folder. */
  private readonly walkedChildren = new Map<string, Set<string>>();
  private readonly pruned = new Set<string>();
  private cut = false;
  private readonly maxFileBytes: number;
  private readonly rootDepth: number;
  /** The workspace folders that are or lie in a credential store, by label: their on-disk paths. */
  private readonly inStores: ReadonlyMap<string, string>;
  private contextRevision = 0;
  private pinnedRevision = 0;

  constructor(options: WorkspaceIndexOptions = {}) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.rootDepth = options.rootDepth ?? 0;
    const stores = (options.folders ?? []).map((f) => [f.label, [f.path, f.real].find((p) => p !== undefined && credentialsRuleInput(p, '') !== '')] as const);
    this.inStores = new Map(stores.filter((s): s is readonly [string, string] => s[1] !== undefined));
  }

  /** Bumps whenever the tree, a manifest or the README changes (for render caches). */
  get contextVersion(): number {
    return this.contextRevision;
  }

  /** Bumps whenever a pinned file is pinned, unpinned or changes. */
  get pinnedVersion(): number {
    return this.pinnedRevision;
  }

  /** Number of files the index knows, included or not. */
  get fileCount(): number {
    return this.entries.size;
  }

  /** Whether the host stopped reading the workspace at its file cap: the listing is incomplete. */
  get truncated(): boolean {
    return this.cut;
  }

  /** The host stopped at its file cap (see truncated). */
  markTruncated(): void {
    if (this.cut) return;
    this.cut = true;
    this.contextRevision++;
  }

  /**
   * The host read `folder`'s entries (and its .gitignore, if any), or with `pruned` skipped
   * it as ignored; see unwalkedFoldersOf and releasePruned.
   */
  noteFolder(rawFolder: string, pruned = false): void {
    const folder = normalizePath(rawFolder);
    if (!this.walked.has(folder)) {
      this.walked.add(folder);
      if (folder !== '') {
        const parent = dirnameOf(folder);
        let children = this.walkedChildren.get(parent);
        if (!children) this.walkedChildren.set(parent, (children = new Set()));
        children.add(folder);
      }
    }
    if (pruned) this.pruned.add(folder);
    else this.pruned.delete(folder);
  }

  /** Forgets that `folder` and the walked folders under it were walked (it was deleted, or is to be walked again). */
  private forgetWalked(folder: string): void {
    const stack = [folder];
    for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
      this.walked.delete(f);
      this.pruned.delete(f);
      const children = this.walkedChildren.get(f);
      if (children) {
        stack.push(...children);
        this.walkedChildren.delete(f);
      }
    }
    this.walkedChildren.get(dirnameOf(folder))?.delete(folder);
  }

  /**
   * The folders above a path whose .gitignore the host never looked for (a scan that stopped
   * at its cap, a folder made since), outermost first: the host reads them before it feeds
   * the path, so their rules judge it.
   */
  unwalkedFoldersOf(rawPath: string): string[] {
    const segments = normalizePath(rawPath).split('/');
    const out: string[] = [];
    for (let n = this.rootDepth; n < segments.length; n++) {
      const folder = segments.slice(0, n).join('/');
      if (!this.walked.has(folder)) out.push(folder);
    }
    return out;
  }

  /**
   * Folders under `rawFolder` the host skipped as ignored that no rule ignores any more (a
   * .gitignore changed or went): they are forgotten here, and the host walks them again.
   */
  releasePruned(rawFolder: string): string[] {
    const folder = normalizePath(rawFolder);
    const released = [...this.pruned].filter((f) => isInside(f, folder) && !this.isIgnoredFolder(f)).sort(compareCodeUnits);
    for (const f of released) this.forgetWalked(f);
    return released;
  }

  /**
   * A file was created or changed. A `.gitignore` given as text or bytes also updates the
   * ignore rules, however large it is (see IGNORE_FILE_MAX_BYTES); given as facts only, its
   * rules stay as they were. `link`: where the path really leads when it is reached through
   * a link, null when it is not, omitted to keep what the index knew (a host re-reading the
   * content only).
   */
  setFile(rawPath: string, input: FileInput, link?: LinkTarget | null): IndexChange {
    const path = normalizePath(rawPath);
    const before = this.snapshot(path);
    let entry = this.entries.get(path);
    if (!entry) {
      entry = { path, role: roleOf(path, this.rootDepth), size: 0, binary: false, notUtf8: undefined, contentKnown: false, fingerprint: undefined, content: undefined, secrets: [], reason: undefined, detail: undefined, link: undefined };
      this.entries.set(path, entry);
      if (entry.role) this.roleFiles.add(path);
      this.addToFolders(path);
    }
    if (link !== undefined) {
      entry.link = link ?? undefined;
      if (link?.target !== undefined) this.linked.add(path);
      else this.linked.delete(path);
    }
    this.absorb(entry, input);
    if (basenameOf(path) === '.gitignore' && (typeof input === 'string' || input instanceof Uint8Array)) {
      this.applyGitignore(dirnameOf(path), ignoreFileText(input));
    }
    this.evaluate(entry);
    return this.settle(path, before);
  }

  /** A file was deleted. A `.gitignore` also drops its rules. */
  deleteFile(rawPath: string): IndexChange {
    const path = normalizePath(rawPath);
    const before = this.snapshot(path);
    if (this.entries.delete(path)) this.removeFromFolders(path);
    this.roleFiles.delete(path);
    this.linked.delete(path);
    if (basenameOf(path) === '.gitignore') this.applyGitignore(dirnameOf(path), undefined);
    return this.settle(path, before);
  }

  /**
   * A folder was deleted (watchers often report only the folder): its files go, in time
   * proportional to them (a path that is no folder costs nothing), and what the host noted
   * of its folders is forgotten.
   */
  deleteFolder(rawFolder: string): IndexChange[] {
    const folder = normalizePath(rawFolder);
    if (this.walked.has(folder)) this.forgetWalked(folder);
    return this.pathsUnder(folder).map((p) => this.deleteFile(p));
  }

  /**
   * Sets the rules of `<folder>/.gitignore` (undefined removes them) and re-evaluates the
   * files under that folder only. setFile on a .gitignore path calls this itself.
   */
  setGitignore(rawFolder: string, text: string | undefined): IndexChange[] {
    return this.applyGitignore(normalizePath(rawFolder), text);
  }

  /**
   * Sets git's ignore files outside the workspace folder at `rawFolder` (see
   * GitignoreRules.setOuter) and re-evaluates the files under it. Returns the files in use:
   * one that would leave out the folder itself is not.
   */
  setOuterGitignores(rawFolder: string, files: readonly OuterGitignore[]): string[] {
    const folder = normalizePath(rawFolder);
    this.gitignore.setOuter(folder, files.map((f) => ({ ...f, text: normalizeText(f.text) })));
    this.reevaluate(folder);
    return this.gitignore.outerFiles(folder);
  }

  /** Pins a file to the context. `needsContent` asks the host to feed its text (setFile). */
  pin(rawPath: string): { needsContent: boolean } {
    const path = normalizePath(rawPath);
    if (!this.pinned.has(path)) {
      this.pinned.add(path);
      this.pinnedRevision++;
    }
    const entry = this.entries.get(path);
    return { needsContent: !entry || (entry.content === undefined && entry.reason === undefined) };
  }

  unpin(rawPath: string): void {
    const path = normalizePath(rawPath);
    if (!this.pinned.delete(path)) return;
    this.pinnedRevision++;
    const entry = this.entries.get(path);
    if (entry && entry.role === undefined) entry.content = undefined;
  }

  /** Whether the host should read this file's text (otherwise facts are enough). */
  wantsContent(rawPath: string): boolean {
    const path = normalizePath(rawPath);
    return roleOf(path, this.rootDepth) !== undefined || this.pinned.has(path);
  }

  /**
   * Whether a file's bytes were read before (a folder review or a pin attempt read them, and
   * found it binary or holding a key, say). Its changes must be read too: size alone would
   * clear what the bytes showed, and the file would come back into the tree until read again,
   * each flip rewriting the cached prefix.
   */
  wasRead(rawPath: string): boolean {
    const entry = this.entries.get(normalizePath(rawPath));
    return entry !== undefined && (entry.contentKnown || entry.binary || entry.notUtf8 !== undefined);
  }

  /**
   * Whether a walk can skip this folder: version-control or dependency folders, denylisted
   * folders (.ssh/, .aws/) and git-ignored ones. Nothing inside could be included.
   */
  isIgnoredFolder(rawFolder: string): boolean {
    const folder = normalizePath(rawFolder);
    const inFolder = this.belowRoot(folder);
    if (inFolder === '') return false;
    if (skippedFolderOf(inFolder, true)) return true;
    if (denylistMatch(`${inFolder}/`)) return true;
    return this.gitignore.test(folder, true).ignored;
  }

  status(rawPath: string): FileStatus | undefined {
    const entry = this.entries.get(normalizePath(rawPath));
    return entry ? toStatus(entry) : undefined;
  }

  /** Every file left out, sorted by path, with its reason (for the "what was left out" view). */
  exclusions(): FileStatus[] {
    const out: FileStatus[] = [];
    for (const entry of this.entries.values()) if (entry.reason) out.push(toStatus(entry));
    return out.sort((a, b) => compareCodeUnits(a.path, b.path));
  }

  /** Every included file, sorted. */
  includedPaths(): string[] {
    const out: string[] = [];
    for (const entry of this.entries.values()) if (!entry.reason) out.push(entry.path);
    return out.sort(compareCodeUnits);
  }

  /** Included manifests with known content, shallowest first, then by path. */
  manifests(): ContentFile[] {
    const out: ContentFile[] = [];
    for (const entry of this.roleEntries()) {
      if (entry.role === 'manifest' && !entry.reason) {
        const file = contentOf(entry);
        if (file) out.push(file);
      }
    }
    return out.sort((a, b) => depth(a.path) - depth(b.path) || compareCodeUnits(a.path, b.path));
  }

  /** The root README the context shows (README.md preferred over .markdown, .rst, .txt, …). */
  readme(): ContentFile | undefined {
    const candidates: ContentFile[] = [];
    for (const entry of this.roleEntries()) {
      if (entry.role === 'readme' && !entry.reason) {
        const file = contentOf(entry);
        if (file) candidates.push(file);
      }
    }
    const rank = (p: string): number => ['.md', '.markdown', '.rst', '.txt', '.adoc', ''].findIndex((ext) => basenameOf(p).toLowerCase() === `readme${ext}`);
    // In a multi-root workspace, the first folder (by name) that has one.
    candidates.sort((a, b) => compareCodeUnits(dirnameOf(a.path), dirnameOf(b.path)) || rank(a.path) - rank(b.path) || compareCodeUnits(a.path, b.path));
    return candidates[0];
  }

  /** Pinned files, sorted by path (pin order does not change the bytes). */
  pinnedFiles(): PinnedFile[] {
    return [...this.pinned].sort(compareCodeUnits).map((path) => {
      const entry = this.entries.get(path);
      if (!entry) return { path, unavailable: 'missing' };
      if (entry.reason) return { path, unavailable: entry.reason };
      const file = contentOf(entry);
      return file ? { path, file } : { path, unavailable: 'needsContent' };
    });
  }

  pinnedPaths(): string[] {
    return [...this.pinned].sort(compareCodeUnits);
  }

  private *roleEntries(): Iterable<Entry> {
    for (const path of this.roleFiles) {
      const entry = this.entries.get(path);
      if (entry) yield entry;
    }
  }

  private absorb(entry: Entry, input: FileInput): void {
    let text: string | undefined;
    entry.notUtf8 = undefined;
    if (typeof input === 'string') {
      entry.size = input.length;
      entry.binary = input.includes('\0');
      text = entry.binary ? undefined : input;
    } else if (input instanceof Uint8Array) {
      entry.size = input.byteLength;
      entry.binary = !isUtf16(input) && input.subarray(0, BINARY_SNIFF_BYTES).includes(0);
      const decoded = entry.binary || entry.size > this.maxFileBytes ? undefined : decodeUtf8(input);
      if (decoded && 'text' in decoded) text = decoded.text;
      else if (decoded) entry.notUtf8 = decoded.notUtf8;
    } else {
      entry.size = input.size;
      entry.binary = input.binary ?? false;
    }
    if (text === undefined || entry.size > this.maxFileBytes) {
      entry.contentKnown = false;
      entry.fingerprint = undefined;
      entry.content = undefined;
      entry.secrets = [];
      return;
    }
    const normalized = normalizeText(text);
    const print = fingerprint(normalized);
    if (print !== entry.fingerprint || !entry.contentKnown) {
      entry.fingerprint = print;
      entry.secrets = findSecretLikeStrings(normalized);
    }
    entry.contentKnown = true;
    entry.content = entry.role !== undefined || this.pinned.has(entry.path) ? normalized : undefined;
  }

  private evaluate(entry: Entry): void {
    const set = (reason: ExclusionReason | undefined, detail?: string): void => {
      entry.reason = reason;
      entry.detail = detail;
    };
    const byName = this.nameVerdict(entry.path);
    if (byName) return set(byName.reason, byName.detail);
    if (entry.link) {
      const target = entry.link.target;
      if (target === undefined) return set('link', 'it leads out of its workspace folder');
      const targetVerdict = this.nameVerdict(target);
      if (targetVerdict) return set('link', `it leads to ${target}, left out: ${targetVerdict.detail}`);
    }
    if (entry.size > this.maxFileBytes) return set('tooLarge', `${entry.size} bytes, over the ${this.maxFileBytes}-byte cap`);
    if (entry.binary) return set('binary', 'contains NUL bytes');
    const binaryType = binaryExtensionOf(entry.path);
    if (binaryType) return set('binary', `a .${binaryType} file`);
    if (entry.notUtf8) return set('notUtf8', entry.notUtf8);
    if (entry.secrets.length > 0) return set('secret', `looks like it holds ${describeSecretMatches(entry.secrets)}`);
    set(undefined);
  }

  /**
   * The checks that need only a path: its folders, its name, the ignore rules. Names are
   * judged below the workspace folder's own name (a folder called `credentials-service` is
   * not a credentials file), unless the folder is or lies in a credential store (see
   * credentialsRuleInput).
   */
  private nameVerdict(path: string): { reason: ExclusionReason; detail: string } | undefined {
    const inFolder = this.belowRoot(path);
    const folder = skippedFolderOf(inFolder);
    if (folder) return { reason: folder, detail: folder === 'vcs' ? 'version-control internals' : 'installed dependencies' };
    const store = this.inStores.size === 0 ? undefined : this.inStores.get(path.split('/').slice(0, this.rootDepth).join('/'));
    const denied = denylistMatch(store === undefined ? inFolder : credentialsRuleInput(store, inFolder));
    if (denied) return { reason: 'denylisted', detail: `${denied.why} (matches ${denied.pattern})` };
    const ignored = this.gitignore.test(path);
    if (ignored.ignored) return { reason: 'gitignored', detail: `${ignored.file}: ${ignored.pattern}` };
    return undefined;
  }

  /** A path without its first `rootDepth` segments (a multi-root workspace's folder name). */
  private belowRoot(path: string): string {
    let cut = -1;
    for (let i = 0; i < this.rootDepth; i++) {
      cut = path.indexOf('/', cut + 1);
      if (cut < 0) return '';
    }
    return path.slice(cut + 1);
  }

  private applyGitignore(folder: string, text: string | undefined): IndexChange[] {
    this.gitignore.set(folder, text === undefined ? undefined : normalizeText(text));
    return this.reevaluate(folder);
  }

  /** Re-evaluates every file under `folder` (and every link into it) after its ignore rules changed. */
  private reevaluate(folder: string): IndexChange[] {
    const changes: IndexChange[] = [];
    const links = [...this.linked].filter((p) => isInside(this.entries.get(p)?.link?.target ?? '', folder) && !isInside(p, folder));
    for (const path of [...this.pathsUnder(folder), ...links]) {
      const entry = this.entries.get(path);
      if (!entry) continue;
      const before = this.snapshot(entry.path);
      this.evaluate(entry);
      const change = this.settle(entry.path, before);
      if (change.treeChanged || change.contextChanged || change.pinnedChanged) changes.push(change);
    }
    return changes;
  }

  /** The indexed files at or under `folder`, sorted. */
  private pathsUnder(folder: string): string[] {
    const out: string[] = [];
    if (folder !== '' && this.entries.has(folder)) out.push(folder);
    const visit = (dir: string): void => {
      const node = this.folderIndex.get(dir);
      if (!node) return;
      out.push(...node.files);
      for (const sub of node.folders) visit(sub);
    };
    visit(folder);
    return out.sort(compareCodeUnits);
  }

  private addToFolders(path: string): void {
    let dir = dirnameOf(path);
    this.folderNode(dir).files.add(path);
    while (dir !== '') {
      const parent = this.folderNode(dirnameOf(dir));
      if (parent.folders.has(dir)) break;
      parent.folders.add(dir);
      dir = dirnameOf(dir);
    }
  }

  private removeFromFolders(path: string): void {
    let dir = dirnameOf(path);
    this.folderIndex.get(dir)?.files.delete(path);
    for (let node = this.folderIndex.get(dir); node && node.files.size === 0 && node.folders.size === 0 && dir !== ''; node = this.folderIndex.get(dir)) {
      this.folderIndex.delete(dir);
      const parent = dirnameOf(dir);
      this.folderIndex.get(parent)?.folders.delete(dir);
      dir = parent;
    }
  }

  private folderNode(dir: string): { readonly files: Set<string>; readonly folders: Set<string> } {
    let node = this.folderIndex.get(dir);
    if (!node) this.folderIndex.set(dir, (node = { files: new Set(), folders: new Set() }));
    return node;
  }

  /** What the renderer can see of one path, to diff before and after an event. */
  private snapshot(path: string): { included: boolean; rendered: string | undefined } {
    const entry = this.entries.get(path);
    const included = entry !== undefined && entry.reason === undefined;
    // Whether the text is held matters too: a pinned file fed after pin() starts rendering.
    return { included, rendered: included ? `${entry.fingerprint ?? ''}:${entry.content === undefined ? 0 : 1}` : undefined };
  }

  private settle(path: string, before: { included: boolean; rendered: string | undefined }): IndexChange {
    const after = this.snapshot(path);
    let treeChanged = false;
    if (before.included !== after.included) {
      treeChanged = after.included ? this.tree.add(path) : this.tree.remove(path);
    }
    const renderedChanged = before.included !== after.included || before.rendered !== after.rendered;
    const contextChanged = renderedChanged && roleOf(path, this.rootDepth) !== undefined;
    const pinnedChanged = renderedChanged && this.pinned.has(path);
    if (treeChanged || contextChanged) this.contextRevision++;
    if (pinnedChanged) this.pinnedRevision++;
    return { path, treeChanged, contextChanged, pinnedChanged };
  }
}

function contentOf(entry: Entry): ContentFile | undefined {
  if (entry.content === undefined || entry.fingerprint === undefined) return undefined;
  return { path: entry.path, content: entry.content, fingerprint: entry.fingerprint };
}

function toStatus(entry: Entry): FileStatus {
  const base = { path: entry.path, included: entry.reason === undefined, size: entry.size, contentKnown: entry.contentKnown };
  return entry.reason ? { ...base, reason: entry.reason, detail: entry.detail ?? '' } : base;
}

function depth(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}
