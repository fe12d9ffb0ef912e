import { fingerprint } from '../context/fingerprint';
import { exclusionPhrase } from '../context/workspaceIndex';
import type { ContentFile, PinnedFile, WorkspaceIndex } from '../context/workspaceIndex';

/**
 * The workspace context as prompt segments whose bytes depend only on the index's content:
 * paths sorted by code unit (never locale), text normalised to LF when it entered the index,
 * manifests verbatim (re-serialising JSON would change the bytes the user sees and buys no
 * stability that LF-normalised verbatim text lacks), no timestamps, ids or absolute paths.
 * Two renders of the same workspace are byte-identical whatever order the files were fed in.
 */

/**
 * `conversation`: a follow-up's messages through one of its questions (request.ts); the
 * others are the system prefix.
 */
export type SegmentName = 'instructions' | 'context' | 'pinned' | 'conversation';

/** A piece of a segment with its own fingerprint, so a cache miss can name the file. */
export interface SegmentPart {
  /** `tree`, `manifest:<path>`, `readme:<path>`, `pinned:<path>` or `instructions:<task>`. */
  readonly name: string;
  readonly file?: string;
  readonly fingerprint: string;
  /** For the tree: how `file` last changed it (added, or removed / newly excluded). */
  readonly change?: 'added' | 'removed';
}

/** One cacheable block of the prompt prefix. */
export interface PromptSegment {
  readonly name: SegmentName;
  readonly text: string;
  readonly fingerprint: string;
  readonly parts: readonly SegmentPart[];
}

export interface PrefixOptions {
  /** Entry lines in the file tree. Default 300. */
  readonly maxTreeEntries?: number;
  /** Manifests rendered (shallowest first). Default 12. */
  readonly maxManifests?: number;
  /** Characters per manifest. Default 6000. */
  readonly maxManifestChars?: number;
  /** README head: lines and characters. Defaults 60 and 4000. */
  readonly readmeMaxLines?: number;
  readonly readmeMaxChars?: number;
  /** Characters per pinned file and for all pinned files together. Defaults 60 000 and 240 000. */
  readonly maxPinnedChars?: number;
  readonly maxPinnedTotalChars?: number;
  /**
   * A multi-root workspace's folder names, each a top-level directory of the tree (see
   * WorkspaceRoots); the preamble says so. Empty (the default) for one folder.
   */
  readonly folders?: readonly string[];
}

/** How much work the renderer did; tests use it to prove updates stay incremental. */
export interface RenderStats {
  treeRenders: number;
  sectionRenders: number;
  contextBuilds: number;
  pinnedBuilds: number;
}

/** Something the user may want to know about the rendered context (for the log / UI). */
export interface RenderNote {
  readonly path: string;
  readonly note: string;
}

const DEFAULTS: Required<PrefixOptions> = {
  maxTreeEntries: 300,
  maxManifests: 12,
  maxManifestChars: 6000,
  readmeMaxLines: 60,
  readmeMaxChars: 4000,
  maxPinnedChars: 60_000,
  maxPinnedTotalChars: 240_000,
  folders: [],
};

const LEFT_OUT =
  'Left out on purpose: git-ignored files, files named like credentials (.env, keys, credential stores), ' +
  'files whose content looks like it holds a key, binaries and very large files.';

const INCOMPLETE = 'The workspace has more files than Ladder reads, so the file tree is incomplete: some folders were not read.';

function contextPreamble(folders: readonly string[], incomplete: boolean): string {
  const where = folders.length > 1
    ? `It has ${folders.length} folders (${folders.join(', ')}); each path starts with its folder's name.`
    : 'Paths are relative to the workspace root.';
  return `The workspace this request comes from. ${where} ${LEFT_OUT}${incomplete ? ` ${INCOMPLETE}` : ''}`;
}

const PINNED_PREAMBLE = 'Files the user pinned to every request, in full unless marked as cut.';

interface Section {
  readonly fingerprint: string;
  readonly text: string;
  readonly note?: string;
}

/**
 * Renders and caches the context and pinned segments of one WorkspaceIndex. Each part is
 * re-rendered only when what it shows changed: the tree when the set of included files
 * changed, a manifest / README / pinned section when that file's text changed.
 */
export class PrefixRenderer {
  readonly stats: RenderStats = { treeRenders: 0, sectionRenders: 0, contextBuilds: 0, pinnedBuilds: 0 };
  private readonly options: Required<PrefixOptions>;
  private tree: { version: string; section: Section; part: SegmentPart } | undefined;
  private readonly sections = new Map<string, { source: string; section: Section; used: number }>();
  private build = 0;
  private contextCache: { version: number; segment: PromptSegment | undefined } | undefined;
  private pinnedCache: { version: number; segment: PromptSegment | undefined; notes: RenderNote[] } | undefined;

  constructor(
    private readonly index: WorkspaceIndex,
    options: PrefixOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The workspace context segment (tree, manifests, README head); undefined when empty. */
  context(): PromptSegment | undefined {
    const version = this.index.contextVersion;
    if (this.contextCache?.version === version) return this.contextCache.segment;
    this.stats.contextBuilds++;
    const segment = this.buildContext();
    this.sweep('manifest:', 'readme:');
    this.contextCache = { version, segment };
    return segment;
  }

  /** The pinned-files segment; undefined when nothing pinned can be rendered. */
  pinned(): PromptSegment | undefined {
    const version = this.index.pinnedVersion;
    if (this.pinnedCache?.version === version) return this.pinnedCache.segment;
    this.stats.pinnedBuilds++;
    const notes: RenderNote[] = [];
    const segment = this.buildPinned(notes);
    this.sweep('pinned:');
    this.pinnedCache = { version, segment, notes };
    return segment;
  }

  /** Pinned files not rendered or cut, with why (never with their content). */
  pinnedNotes(): readonly RenderNote[] {
    this.pinned();
    return this.pinnedCache?.notes ?? [];
  }

  private buildContext(): PromptSegment | undefined {
    const tree = this.treeSection();
    if (!tree) return undefined;
    const parts: SegmentPart[] = [tree.part];
    const blocks: string[] = [tree.section.text];

    const manifests = this.index.manifests();
    const shown = manifests.slice(0, this.options.maxManifests);
    for (const file of shown) {
      const section = this.section(`manifest:${file.path}`, file, () => {
        const head = headOf(file.content, Number.MAX_SAFE_INTEGER, this.options.maxManifestChars);
        return { text: tagged('manifest', { path: file.path, ...cutAttributes(head) }, head.text) };
      });
      parts.push({ name: `manifest:${file.path}`, file: file.path, fingerprint: section.fingerprint });
      blocks.push(section.text);
    }
    if (manifests.length > shown.length) {
      const rest = manifests.slice(shown.length).map((f) => f.path);
      blocks.push(`<more_manifests count="${rest.length}">\n${rest.slice(0, 20).join('\n')}\n</more_manifests>`);
      parts.push({ name: 'more_manifests', fingerprint: fingerprint(rest.join('\n')) });
    }

    const readme = this.index.readme();
    if (readme) {
      const section = this.section(`readme:${readme.path}`, readme, () => {
        const head = headOf(readme.content, this.options.readmeMaxLines, this.options.readmeMaxChars);
        return { text: tagged('readme', { path: readme.path, ...cutAttributes(head) }, head.text) };
      });
      parts.push({ name: `readme:${readme.path}`, file: readme.path, fingerprint: section.fingerprint });
      blocks.push(section.text);
    }

    const text = `<workspace_context>\n${contextPreamble(this.options.folders, this.index.truncated)}\n\n${blocks.join('\n\n')}\n</workspace_context>`;
    return { name: 'context', text, fingerprint: fingerprint(text), parts };
  }

  private buildPinned(notes: RenderNote[]): PromptSegment | undefined {
    const parts: SegmentPart[] = [];
    const blocks: string[] = [];
    let budget = this.options.maxPinnedTotalChars;
    for (const pinned of this.index.pinnedFiles()) {
      if (!pinned.file) {
        notes.push({ path: pinned.path, note: unavailableNote(pinned.unavailable) });
        continue;
      }
      const file = pinned.file;
      if (budget <= 0) {
        notes.push({ path: file.path, note: 'not sent: the pinned files together exceed the pinned-context budget' });
        continue;
      }
      const cap = Math.min(this.options.maxPinnedChars, budget);
      const section = this.section(`pinned:${file.path}:${cap}`, file, () => {
        const head = headOf(file.content, Number.MAX_SAFE_INTEGER, cap);
        const text = tagged('file', { path: file.path, ...cutAttributes(head) }, head.text);
        return head.cut ? { text, note: `cut to ${head.shownLines} of ${head.totalLines} lines` } : { text };
      });
      if (section.note) notes.push({ path: file.path, note: section.note });
      budget -= section.text.length;
      parts.push({ name: `pinned:${file.path}`, file: file.path, fingerprint: section.fingerprint });
      blocks.push(section.text);
    }
    if (blocks.length === 0) return undefined;
    const text = `<pinned_files>\n${PINNED_PREAMBLE}\n\n${blocks.join('\n\n')}\n</pinned_files>`;
    return { name: 'pinned', text, fingerprint: fingerprint(text), parts };
  }

  private treeSection(): { section: Section; part: SegmentPart } | undefined {
    const tree = this.index.tree;
    if (tree.size === 0) return undefined;
    // An index the host stopped reading at its file cap is incomplete too (see WorkspaceIndex.truncated).
    const version = `${tree.version}:${this.index.truncated}`;
    if (this.tree?.version !== version) {
      this.stats.treeRenders++;
      const rendering = tree.render(this.options.maxTreeEntries);
      const attributes = { files: String(rendering.totalFiles), shown_entries: String(rendering.shownEntries), truncated: rendering.truncated || this.index.truncated ? 'yes' : 'no' };
      const text = tagged('file_tree', attributes, rendering.text);
      const print = fingerprint(text);
      const last = tree.lastChange;
      const part: SegmentPart = last ? { name: 'tree', file: last.path, change: last.kind, fingerprint: print } : { name: 'tree', fingerprint: print };
      this.tree = { version, section: { fingerprint: print, text }, part };
    }
    return { section: this.tree.section, part: this.tree.part };
  }

  /** A cached section, re-rendered only when its file's fingerprint differs. */
  private section(key: string, file: ContentFile, render: () => { text: string; note?: string }): Section {
    const cached = this.sections.get(key);
    if (cached?.source === file.fingerprint) {
      cached.used = this.build;
      return cached.section;
    }
    this.stats.sectionRenders++;
    const rendered = render();
    const section: Section = { ...rendered, fingerprint: fingerprint(rendered.text) };
    this.sections.set(key, { source: file.fingerprint, section, used: this.build });
    return section;
  }

  /** Drops cached sections of deleted or unpinned files; called after each build. */
  private sweep(...prefixes: string[]): void {
    for (const [key, entry] of this.sections) {
      if (entry.used !== this.build && prefixes.some((p) => key.startsWith(p))) this.sections.delete(key);
    }
    this.build++;
  }
}

/**
 * The workspace segments a request may carry. In an untrusted workspace none: no tree, no
 * manifests, no README, no pinned files. (The selection is the user's explicit choice and is
 * handled by the command layer.)
 */
export function workspaceSegments(renderer: PrefixRenderer, trust: { readonly trusted: boolean }): { context?: PromptSegment; pinned?: PromptSegment } {
  if (!trust.trusted) return {};
  const context = renderer.context();
  const pinned = renderer.pinned();
  return { ...(context ? { context } : {}), ...(pinned ? { pinned } : {}) };
}

interface Head {
  readonly text: string;
  readonly shownLines: number;
  readonly totalLines: number;
  readonly cut: boolean;
}

/** The first lines of `text` within both limits; cuts on a line boundary where it can. */
export function headOf(text: string, maxLines: number, maxChars: number): Head {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const lines = body.split('\n');
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (out.length >= maxLines) break;
    const cost = line.length + (out.length > 0 ? 1 : 0);
    if (used + cost > maxChars) {
      // A first line longer than the whole budget is cut mid-line rather than dropped.
      if (out.length === 0) out.push(safeSlice(line, maxChars));
      break;
    }
    out.push(line);
    used += cost;
  }
  const cut = out.length < lines.length || (out.length === 1 && out[0] !== lines[0]);
  return { text: out.join('\n'), shownLines: out.length, totalLines: lines.length, cut };
}

function cutAttributes(head: Head): Record<string, string> {
  return head.cut ? { shown_lines: String(head.shownLines), total_lines: String(head.totalLines) } : {};
}

/** `<tag a="…">\nbody\n</tag>` with attributes in the order given (always the same). */
function tagged(tag: string, attributes: Record<string, string>, body: string): string {
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  return `<${tag}${attrs}>\n${body}\n</${tag}>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Slices at most `n` UTF-16 units without splitting a surrogate pair. */
function safeSlice(text: string, n: number): string {
  if (n <= 0) return '';
  const code = text.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, n - 1) : text.slice(0, n);
}

function unavailableNote(reason: PinnedFile['unavailable']): string {
  if (reason === 'missing') return 'not sent: the file is not in the workspace index';
  if (reason === 'needsContent' || reason === undefined) return 'not sent yet: its text has not been read';
  return `not sent: ${exclusionPhrase(reason)}`;
}
