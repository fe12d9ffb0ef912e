import { countOf } from './format';
import { NEWER_VERSION } from './record';

/** A ledger line a read could not use, as the store reports it. */
export interface UnreadLine {
  file: string;
  line: number;
  /** `unreadable`: the whole file from `line` on (it could not be opened or read). */
  kind: 'torn' | 'corrupt' | 'unreadable';
  message: string;
}

/**
 * The ledger lines no figure counts: each damaged line once, however often it is read, and the
 * unterminated last lines and unreadable files of the latest read only (one another window was
 * still writing is counted once it ends, and is then no longer unread; every read tries an
 * unreadable file again).
 */
export class UnreadLines {
  private lines = new Map<string, UnreadLine>();

  /**
   * Takes a read's problems; `whole` for a read of the whole ledger, which replaces what was
   * known. Returns the lines not known before.
   */
  take(problems: readonly UnreadLine[], whole: boolean): UnreadLine[] {
    const before = this.lines;
    this.lines = new Map(whole ? [] : [...before].filter(([, p]) => p.kind === 'corrupt'));
    const key = (p: UnreadLine): string => `${p.file}:${p.line}`;
    for (const p of problems) this.lines.set(key(p), p);
    return problems.filter((p) => !before.has(key(p)));
  }

  get count(): number {
    return this.lines.size;
  }

  /**
   * "3 ledger lines could not be read (1 written by a newer version of Ladder), so totals may be
   * low."; a file that could not be read at all is named, not counted as a line:
   * "ledger-2026-11.jsonl could not be read, so totals may be low."
   */
  get note(): string | undefined {
    if (this.lines.size === 0) return undefined;
    const all = [...this.lines.values()];
    const files = all.filter((p) => p.kind === 'unreadable').map((p) => p.file);
    const lines = all.filter((p) => p.kind !== 'unreadable');
    const newer = lines.filter((p) => p.message.includes(NEWER_VERSION)).length;
    const which = newer === 0 ? '' : newer === lines.length ? ` (${newer === 1 ? 'it was' : 'all'} ${NEWER_VERSION})` : ` (${newer} ${NEWER_VERSION})`;
    const said = [...files, ...(lines.length > 0 ? [countOf(lines.length, 'ledger line')] : [])];
    return `${said.join(' and ')} could not be read${which}, so totals may be low.`;
  }

  /** The unread lines (an unreadable file by the line it stopped at). */
  get all(): UnreadLine[] {
    return [...this.lines.values()];
  }
}
