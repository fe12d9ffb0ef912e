import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkspaceIndex, binaryExtensionOf, exclusionPhrase } from '../core/context/workspaceIndex';
import { WorkspaceRoots } from '../core/context/roots';
import { PrefixRenderer, workspaceSegments } from '../core/prompt/prefix';
import type { PromptSegment, RenderNote } from '../core/prompt/prefix';
import type { FileStatus } from '../core/context/workspaceIndex';
import { CacheHealth } from '../core/prompt/cacheHealth';
import type { Config } from './config';
import type { Log } from './log';
import { WorkspaceFeeder, findRepository, outerGitignores, realOr, toSlashes } from './workspaceScan';

/** Pinned files as absolute file URIs. */
const PINS_KEY = 'ladder.pins';
/** Before: pinned files as index paths, whose first segment in a multi-root workspace is a folder's label (read once, then dropped). */
const OLD_PINS_KEY = 'ladder.pinnedFiles';

/**
 * The workspace as a cached prompt prefix: an index built once on first use, then kept
 * current by file watchers (a change re-renders only what it affects), the user's pinned
 * files, and the cache-health tracker that explains misses. A multi-root workspace is one
 * tree with a top-level directory per folder (WorkspaceRoots); adding or removing a folder
 * rebuilds the index on next use.
 */
export class WorkspaceContext implements vscode.Disposable {
  readonly cacheHealth = new CacheHealth();
  private index: WorkspaceIndex | undefined;
  /** Feeds the index from disk: the scan, watcher events, pins. */
  private feeder: WorkspaceFeeder | undefined;
  private renderer: PrefixRenderer | undefined;
  private scanning: Promise<void> | undefined;
  /** Stops the running scan's walk (see rebuild). */
  private stopScan: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The index's file watchers; replaced when the workspace's folders change. */
  private watchers: vscode.Disposable[] = [];
  private roots = WorkspaceContext.currentRoots();
  /** Bumped by every rebuild: a scan started before one is dropped when it ends. */
  private generation = 0;
  /** The context bounds the index is (being) built with (see bounds). */
  private scannedWith = '';

  /** The pinned files' URIs (see PINS_KEY), kept here so reads never wait on storage. */
  private pins: string[];

  constructor(private readonly state: vscode.Memento, private readonly config: Config, private readonly log: Log) {
    this.pins = state.get<string[]>(PINS_KEY) ?? this.migratePins();
    this.publishPinned();
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.foldersChanged()),
      // A scan made before trust did not ask git for the global excludes file; read again.
      // A scan still running was started untrusted too: it is dropped when it ends.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.index || this.scanning) this.rebuild('the workspace is trusted now');
      }),
      // The bounds decide what the index holds and the tree shows: a change reads it again.
      config.onDidChange(() => {
        if (this.scanning && this.bounds() !== this.scannedWith) this.rebuild(`the context bounds changed (${this.bounds()})`);
      }),
    );
  }

  /** The local folders Ladder reads (a virtual or remote-only folder is not one). */
  private static currentRoots(): WorkspaceRoots {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    return new WorkspaceRoots(folders.map((f) => ({ name: f.name, path: toSlashes(f.uri.fsPath) })));
  }

  /** Whether the workspace has a folder Ladder can read. */
  get hasFolder(): boolean {
    return this.roots.folders.length > 0;
  }

  /** In a multi-root workspace, each folder's label in the prompt ("app", "app-2") and its path; empty otherwise. */
  get folderLabels(): { label: string; path: string }[] {
    return this.roots.multi ? this.roots.folders.map((f, i) => ({ label: this.roots.labels[i] as string, path: f.path })) : [];
  }

  /** The folders' names, for messages ("api, web"). */
  get folderNames(): string {
    return this.roots.folders.map((f) => f.name).join(', ');
  }

  /**
   * The workspace-relative path of a file (in a multi-root workspace it starts with the
   * folder's name), or undefined outside every folder and for a single-folder workspace's
   * folder itself.
   */
  relativePath(uri: vscode.Uri): string | undefined {
    return this.folderPath(uri) || undefined;
  }

  /** Like relativePath, but a workspace folder itself is its name ('' for the only folder). */
  folderPath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    return this.roots.indexPath(toSlashes(uri.fsPath));
  }

  /** A file's path inside its workspace folder, without a multi-root folder's name; undefined outside every folder. */
  pathInFolder(uri: vscode.Uri): string | undefined {
    const rel = this.folderPath(uri);
    return rel === undefined ? undefined : this.roots.locate(rel)?.rel;
  }

  /** The file a workspace-relative path names; undefined when it names no folder. */
  uriOf(rel: string): vscode.Uri | undefined {
    const abs = this.roots.absolutePath(rel);
    return abs === undefined ? undefined : vscode.Uri.file(abs);
  }

  /** Context and pinned segments; empty in an untrusted workspace (nothing is sent). */
  async segments(): Promise<{ context?: PromptSegment; pinned?: PromptSegment }> {
    if (!vscode.workspace.isTrusted || !this.hasFolder) return {};
    await this.ensureScanned();
    return this.renderer ? workspaceSegments(this.renderer, { trusted: vscode.workspace.isTrusted }) : {};
  }

  /** What the index leaves out, and pinned files not sent in full; empty in an untrusted workspace. */
  async leftOut(): Promise<{ exclusions: FileStatus[]; pinnedNotes: readonly RenderNote[] }> {
    if (!vscode.workspace.isTrusted || !this.hasFolder) return { exclusions: [], pinnedNotes: [] };
    await this.ensureScanned();
    return { exclusions: this.index?.exclusions() ?? [], pinnedNotes: this.renderer?.pinnedNotes() ?? [] };
  }

  /** The pinned files in the current folders, as index paths. A pin of a file that is gone stays, and counts again if the file comes back. */
  pinnedPaths(): string[] {
    return this.roots.indexPaths(this.pins.map((uri) => toSlashes(vscode.Uri.parse(uri).fsPath)));
  }

  /**
   * Pins stored by an earlier version as index paths, read once against the current folders
   * (as they were read then) and stored as URIs.
   */
  private migratePins(): string[] {
    const old = this.state.get<string[]>(OLD_PINS_KEY) ?? [];
    const pins = old.flatMap((rel) => this.uriOf(rel)?.toString() ?? []);
    if (old.length > 0) void Promise.all([this.state.update(PINS_KEY, pins), this.state.update(OLD_PINS_KEY, undefined)]);
    return pins;
  }

  private async savePins(pins: readonly string[]): Promise<void> {
    this.pins = [...new Set(pins)].sort();
    await this.state.update(PINS_KEY, this.pins);
    this.publishPinned();
  }

  /**
   * Pins a file to every request's context. A file the context would never send (a secret,
   * an ignored, binary or oversized file) is not pinned: `refused` says why. Nor is one the
   * context already sends whole (the README, a manifest): `inContext`, as a pin would send it twice.
   */
  async pin(uri: vscode.Uri): Promise<{ rel: string; refused?: string; inContext?: true } | undefined> {
    const rel = this.relativePath(uri);
    if (!rel) return undefined;
    await this.ensureScanned();
    // A file the context cuts (shown_lines="…") is not sent whole: a pin adds the rest.
    const context = this.renderer?.context()?.text ?? '';
    if (['readme', 'manifest'].some((tag) => context.includes(`<${tag} path="${rel}">\n`))) return { rel, refused: 'it is already sent in full with every request', inContext: true };
    const index = this.index;
    if (index) {
      if (index.pin(rel).needsContent) await this.feeder?.changed(rel, true);
      const status = index.status(rel);
      if (status?.reason) {
        if (!this.pinnedPaths().includes(rel)) index.unpin(rel);
        return { rel, refused: exclusionPhrase(status.reason) };
      }
    }
    await this.savePins([...this.pins, vscode.Uri.file(uri.fsPath).toString()]);
    return { rel };
  }

  /** False when the file was not pinned. */
  async unpin(rel: string): Promise<boolean> {
    const uri = this.uriOf(rel)?.toString();
    if (!uri || !this.pins.includes(uri)) return false;
    this.index?.unpin(rel);
    await this.savePins(this.pins.filter((p) => p !== uri));
    return true;
  }

  /** `ladder.pinnedPaths`: the pinned files' paths, so menus offer Pin or Unpin as fits. */
  private publishPinned(): void {
    const paths = this.pins.map((uri) => vscode.Uri.parse(uri).fsPath);
    void vscode.commands.executeCommand('setContext', 'ladder.pinnedPaths', paths);
  }

  /**
   * Source files under a folder with their text, for a folder review: only files the index
   * includes (never secret, ignored, binary or huge ones), smallest paths first, bounded in
   * count and size. `leftOut`: the files a reader would expect reviewed and why they were not
   * (a credentials name or a key in the content, too large, binary content under a text name,
   * not UTF-8, over the bounds; a file cut at the size bound is named too). Git-ignored, dependency files
   * and files whose name says binary (a .png) are not listed.
   */
  async digest(folderRel: string, limits: { maxFiles: number; maxChars: number }): Promise<{ files: { path: string; text: string }[]; leftOut: { path: string; why: string }[] }> {
    await this.ensureScanned();
    const index = this.index;
    if (!index) return { files: [], leftOut: [] };
    const prefix = folderRel ? `${folderRel}/` : '';
    const candidates = index.includedPaths().filter((p) => p.startsWith(prefix)).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    const files: { path: string; text: string }[] = [];
    const overBounds: { path: string; why: string }[] = [];
    const skipped: string[] = [];
    const bounds = `the review's bounds of ${limits.maxFiles} files and ${limits.maxChars.toLocaleString('en-US')} characters`;
    let chars = 0;
    const decoder = new TextDecoder();
    for (const rel of candidates) {
      if (files.length >= limits.maxFiles || chars >= limits.maxChars) {
        skipped.push(rel);
        continue;
      }
      const uri = this.uriOf(rel);
      const bytes = uri && (await vscode.workspace.fs.readFile(uri).then((b) => b, () => undefined));
      if (!bytes) continue;
      // Re-check with the content: a file whose text holds a key is excluded here too.
      index.setFile(rel, bytes);
      if (!index.status(rel)?.included) continue;
      // The index has read these bytes as UTF-8 (setFile): other text is left out as notUtf8.
      const whole = decoder.decode(bytes);
      const text = whole.slice(0, Math.max(0, limits.maxChars - chars));
      if (text.length < whole.length) overBounds.push({ path: rel, why: `only its first ${text.length.toLocaleString('en-US')} characters were read (${bounds})` });
      chars += text.length;
      files.push({ path: rel, text });
    }
    const excluded = index.exclusions()
      .filter((f) => f.path.startsWith(prefix) && (f.reason === 'denylisted' || f.reason === 'secret' || f.reason === 'tooLarge' || f.reason === 'notUtf8' || (f.reason === 'binary' && !binaryExtensionOf(f.path))))
      // "it looks like it holds Anthropic API key (line 5)"; "it is too large: 300000 bytes, over…".
      .map((f) => ({ path: f.path, why: f.reason === 'secret' && f.detail ? `it ${f.detail}` : `${exclusionPhrase(f.reason!)}${f.detail ? `: ${f.detail}` : ''}` }));
    // A big folder's rest is named up to a point, then counted.
    const named = skipped.slice(0, MAX_NAMED_SKIPPED).map((rel) => ({ path: rel, why: `over ${bounds}` }));
    const rest = skipped.length - named.length;
    if (rest > 0) named.push({ path: '', why: `${rest.toLocaleString('en-US')} more ${rest === 1 ? 'file' : 'files'} over ${bounds}` });
    // A workspace folder inside this one is indexed under its own name, so it is not read here: say so.
    const nested = folderRel === '' ? [] : this.roots.folders.flatMap((_, i) => this.roots.foldersIn(i))
      .filter((f) => f.path.startsWith(prefix))
      .map((f) => ({ path: `${f.path}/`, why: `it is a workspace folder of its own ("${f.label}"): review it there` }));
    return { files, leftOut: [...excluded, ...overBounds, ...nested, ...named] };
  }

  /** Waits for a scan of the current folders, trust and bounds: one dropped by a rebuild meanwhile is followed by the next. */
  private async ensureScanned(): Promise<void> {
    for (;;) {
      const scanning = (this.scanning ??= this.scan());
      await scanning;
      if (this.scanning === scanning) return;
    }
  }

  /** The context settings as one comparable string: "maxTreeEntries 400, maxFileBytes 200000". */
  private bounds(): string {
    return `maxTreeEntries ${this.config.get('context.maxTreeEntries')}, maxFileBytes ${this.config.get('context.maxFileBytes')}`;
  }

  private async scan(): Promise<void> {
    const roots = this.roots;
    if (!this.hasFolder) return;
    const generation = this.generation;
    const bounds = this.bounds();
    this.scannedWith = bounds;
    const maxFileBytes = this.config.get('context.maxFileBytes');
    const index = new WorkspaceIndex({ maxFileBytes, rootDepth: roots.depth, folders: roots.folders.map((f, i) => ({ label: roots.labels[i] as string, path: f.path, real: realOr(f.path) })) });
    const feeder = new WorkspaceFeeder(index, roots.folders.map((f, i) => ({ root: f.path, prefix: roots.labels[i] as string, skip: roots.nestedIn(i) })), { maxFileBytes, maxFiles: MAX_FILES });
    for (const rel of this.pinnedPaths()) index.pin(rel);
    const started = Date.now();
    const watchers: vscode.Disposable[] = [];
    // Watching starts before the scan: a file saved while the scan runs (after it was read)
    // would otherwise keep its old text until its next save. Changes during the scan wait,
    // then are read once it ends.
    let during: Map<string, { uri: vscode.Uri; deleted: boolean }> | undefined = new Map();
    const apply = (uri: vscode.Uri, deleted: boolean) => {
      const rel = this.relativePath(uri);
      if (rel) void (deleted ? feeder.deleted(rel) : feeder.changed(rel));
    };
    const event = (deleted: boolean) => (uri: vscode.Uri) => (during ? void during.set(uri.toString(), { uri, deleted }) : apply(uri, deleted));
    for (const folder of (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file')) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      watchers.push(watcher, watcher.onDidCreate(event(false)), watcher.onDidChange(event(false)), watcher.onDidDelete(event(true)));
    }
    // A rebuild stops this scan: its index is thrown away, and its progress would linger beside the next one's.
    const stop = new AbortController();
    this.stopScan = stop;
    const reading = (async () => {
      for (const [i, folder] of roots.folders.entries()) watchers.push(...(await this.followOuterGitignores(feeder, roots.labels[i] as string, folder)));
      return feeder.scan(stop.signal);
    })();
    // Cleared as the scan ends (before any timer can fire): a fast scan shows nothing.
    const slow = setTimeout(() => showScanProgress(index, reading), SLOW_SCAN_MS);
    const { files, truncated } = await reading.finally(() => clearTimeout(slow));
    if (generation !== this.generation || roots !== this.roots || bounds !== this.bounds()) {
      // The folders, the trust or the bounds changed meanwhile; the next use scans again.
      for (const d of watchers) d.dispose();
      return;
    }
    this.index = index;
    this.feeder = feeder;
    this.renderer = new PrefixRenderer(index, { maxTreeEntries: this.config.get('context.maxTreeEntries'), folders: roots.multi ? roots.labels : [] });
    this.log.info(`workspace context: ${files} files indexed in ${Date.now() - started} ms${roots.multi ? ` from ${roots.folders.length} folders` : ''}${truncated ? ' (stopped at the file limit)' : ''}; ${index.exclusions().length} left out`);
    const waiting = [...during.values()];
    during = undefined;
    for (const { uri, deleted } of waiting) apply(uri, deleted);
    this.watchers.push(...watchers);
  }

  /**
   * A folder in a git repository is bound by git's ignore files outside it too (see
   * outerGitignores): the .gitignore files above it (a package of a monorepo), the
   * repository's info/exclude and the user's global excludes file. Reads them into the index,
   * and re-reads them when one is created, changed or deleted (walking the folders they no
   * longer leave out). The watchers start before the first read, so no edit in between is missed.
   */
  private async followOuterGitignores(feeder: WorkspaceFeeder, label: string, folder: { name: string; path: string }): Promise<vscode.Disposable[]> {
    const repo = await findRepository(folder.path, process.env, vscode.workspace.isTrusted);
    if (!repo) return [];
    let following = '';
    const read = async () => {
      const used = feeder.index.setOuterGitignores(label, await outerGitignores(folder.path, repo)).join(', ');
      await feeder.rulesChanged(label);
      if (used !== following) this.log.info(`workspace context: ${folder.name} follows ${used ? `git's ignore rules outside it (${used})` : 'no git ignore rules from outside it'}`);
      following = used;
    };
    const files = [...repo.above.map((dir) => path.join(dir, '.gitignore')), ...(repo.infoExclude ? [repo.infoExclude] : []), repo.globalExcludes];
    const watchers = files.map((file) => vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file))));
    const disposables = watchers.flatMap((w) => [w, w.onDidCreate(read), w.onDidChange(read), w.onDidDelete(read)]);
    await read();
    return disposables;
  }

  /** A folder was added or removed: the next request scans the new set. */
  private foldersChanged(): void {
    this.roots = WorkspaceContext.currentRoots();
    this.rebuild(`workspace folders changed (${this.folderNames || 'none'})`);
  }

  /** Drops the index (and any scan still running); the next request scans again. */
  private rebuild(why: string): void {
    this.generation++;
    this.stopScan?.abort();
    for (const d of this.watchers) d.dispose();
    this.watchers = [];
    this.index = undefined;
    this.feeder = undefined;
    this.renderer = undefined;
    this.scanning = undefined;
    this.publishPinned();
    this.log.info(`${why}: the context is rebuilt on the next request`);
  }

  dispose(): void {
    this.stopScan?.abort();
    for (const d of [...this.watchers, ...this.disposables]) d.dispose();
  }
}

/**
 * A scan still running after this long shows its progress in the status bar: requests that
 * want the context wait for it, and the user should know why.
 */
const SLOW_SCAN_MS = 1000;

/** "Ladder: reading the workspace… 12,345 files" in the status bar until the scan ends, counting up. */
function showScanProgress(index: WorkspaceIndex, scan: Promise<unknown>): void {
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Ladder' }, async (progress) => {
    const report = () => progress.report({ message: `reading the workspace… ${index.fileCount.toLocaleString('en-US')} files` });
    report();
    const ticker = setInterval(report, 500);
    await scan.catch(() => undefined);
    clearInterval(ticker);
  });
}

/** Files over a folder review's bounds named one by one in its report; more are counted. */
const MAX_NAMED_SKIPPED = 10;

/** Files indexed across all folders, as scanFolder's own default for one. */
const MAX_FILES = 50_000;
