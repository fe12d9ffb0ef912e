import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkspaceIndex, exclusionPhrase } from '../core/context/workspaceIndex';
import { PrefixRenderer, workspaceSegments } from '../core/prompt/prefix';
import type { PromptSegment } from '../core/prompt/prefix';
import { CacheHealth } from '../core/prompt/cacheHealth';
import type { Config } from './config';
import type { Log } from './log';
import { feedFile, scanFolder } from './workspaceScan';

const PINNED_KEY = 'ladder.pinnedFiles';

/**
 * The workspace as a cached prompt prefix: an index built once on first use, then kept
 * current by a file watcher (a change re-renders only what it affects), the user's pinned
 * files, and the cache-health tracker that explains misses.
 */
export class WorkspaceContext implements vscode.Disposable {
  readonly cacheHealth = new CacheHealth();
  private index: WorkspaceIndex | undefined;
  private renderer: PrefixRenderer | undefined;
  private scanning: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly root: vscode.WorkspaceFolder | undefined = vscode.workspace.workspaceFolders?.[0];

  constructor(private readonly state: vscode.Memento, private readonly config: Config, private readonly log: Log) {
    this.publishPinned();
  }

  /** The workspace-relative path of a file, or undefined when it is outside the root folder. */
  relativePath(uri: vscode.Uri): string | undefined {
    if (!this.root || uri.scheme !== 'file') return undefined;
    const rel = path.relative(this.root.uri.fsPath, uri.fsPath);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
  }

  /** Context and pinned segments; empty in an untrusted workspace (nothing is sent). */
  async segments(): Promise<{ context?: PromptSegment; pinned?: PromptSegment }> {
    if (!vscode.workspace.isTrusted || !this.root) return {};
    await this.ensureScanned();
    return this.renderer ? workspaceSegments(this.renderer, { trusted: vscode.workspace.isTrusted }) : {};
  }

  pinnedPaths(): string[] {
    return this.state.get<string[]>(PINNED_KEY, []);
  }

  /**
   * Pins a file to every request's context. A file the context would never send (a secret,
   * an ignored, binary or oversized file) is not pinned: `refused` says why.
   */
  async pin(uri: vscode.Uri): Promise<{ rel: string; refused?: string } | undefined> {
    const rel = this.relativePath(uri);
    if (!rel) return undefined;
    await this.ensureScanned();
    const index = this.index;
    if (index && this.root) {
      if (index.pin(rel).needsContent) await feedFile(this.root.uri.fsPath, rel, index, this.config.get('context.maxFileBytes'));
      const status = index.status(rel);
      if (status?.reason) {
        if (!this.pinnedPaths().includes(rel)) index.unpin(rel);
        return { rel, refused: exclusionPhrase(status.reason) };
      }
    }
    await this.state.update(PINNED_KEY, [...new Set([...this.pinnedPaths(), rel])].sort());
    this.publishPinned();
    return { rel };
  }

  /** False when the file was not pinned. */
  async unpin(rel: string): Promise<boolean> {
    const pinned = this.pinnedPaths();
    if (!pinned.includes(rel)) return false;
    await this.state.update(PINNED_KEY, pinned.filter((p) => p !== rel));
    this.index?.unpin(rel);
    this.publishPinned();
    return true;
  }

  /** `ladder.pinnedPaths`: the pinned files' paths, so menus offer Pin or Unpin as fits. */
  private publishPinned(): void {
    const root = this.root;
    const paths = root ? this.pinnedPaths().map((rel) => vscode.Uri.joinPath(root.uri, rel).fsPath) : [];
    void vscode.commands.executeCommand('setContext', 'ladder.pinnedPaths', paths);
  }

  /**
   * Source files under a folder with their text, for an architecture review: only files
   * the index includes (never secret, ignored, binary or huge ones), smallest paths first,
   * bounded in count and size.
   */
  async digest(folderRel: string, limits: { maxFiles: number; maxChars: number }): Promise<{ path: string; text: string }[]> {
    await this.ensureScanned();
    const index = this.index;
    const root = this.root;
    if (!index || !root) return [];
    const prefix = folderRel ? `${folderRel}/` : '';
    const candidates = index.includedPaths().filter((p) => p.startsWith(prefix)).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    const out: { path: string; text: string }[] = [];
    let chars = 0;
    const decoder = new TextDecoder();
    for (const rel of candidates) {
      if (out.length >= limits.maxFiles || chars >= limits.maxChars) break;
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root.uri, rel)).then((b) => b, () => undefined);
      if (!bytes) continue;
      // Re-check with the content: a file whose text holds a key is excluded here too.
      index.setFile(rel, bytes);
      if (!index.status(rel)?.included) continue;
      const text = decoder.decode(bytes).slice(0, Math.max(0, limits.maxChars - chars));
      chars += text.length;
      out.push({ path: rel, text });
    }
    return out;
  }

  private ensureScanned(): Promise<void> {
    this.scanning ??= this.scan();
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const root = this.root;
    if (!root || root.uri.scheme !== 'file') return;
    const maxFileBytes = this.config.get('context.maxFileBytes');
    const index = new WorkspaceIndex({ maxFileBytes });
    for (const rel of this.pinnedPaths()) index.pin(rel);
    const started = Date.now();
    const { files, truncated } = await scanFolder(root.uri.fsPath, index, { maxFileBytes });
    this.index = index;
    this.renderer = new PrefixRenderer(index, { maxTreeEntries: this.config.get('context.maxTreeEntries') });
    this.log.info(`workspace context: ${files} files indexed in ${Date.now() - started} ms${truncated ? ' (stopped at the file limit)' : ''}; ${index.exclusions().length} left out`);

    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*'));
    const update = (uri: vscode.Uri) => {
      const rel = this.relativePath(uri);
      if (rel) void feedFile(root.uri.fsPath, rel, index, maxFileBytes);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(update),
      watcher.onDidChange(update),
      watcher.onDidDelete((uri) => {
        const rel = this.relativePath(uri);
        if (rel) {
          index.deleteFile(rel);
          index.deleteFolder(rel);
        }
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
