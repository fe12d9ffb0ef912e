import { countOf } from './format';
import { NEWER_VERSION } from './record';

/** A ledger line a read could not use, as the store reports it. */
export interface UnreadLine {
  file: string;
  line: number;
  kind: 'torn' | 'corrupt';
  message: string;
}

/**
 * The ledger lines no figure counts: each damaged line once, however often it is read, and the
 * unterminated last lines of the latest read only (one another window was still writing is
 * counted once it ends, and is then no longer unread).
 */
export class UnreadLines {
  private lines = new Map<string, UnreadLine>();

  /**
   * Takes a read's problems; `whole` for a read of the whole ledger, which replaces what was
   * known. Returns the lines not known before.
   */
  take(problems: readonly UnreadLine[], whole: boolean): UnreadLine[] {
    const before = this.lines;
    this.lines = new Map(whole ? [] : [...before].filter(([, p]) => p.kind !== 'torn'));
    const key = (p: UnreadLine): string => `${p.file}:${p.line}`;
    for (const p of problems) this.lines.set(key(p), p);
    return problems.filter((p) => !before.has(key(p)));
  }

  get count(): number {
    return this.lines.size;
  }

  /** "3 ledger lines could not be read (1 written by a newer version of Ladder), so totals may be low." */
  get note(): string | undefined {
    if (this.lines.size === 0) return undefined;
    const newer = [...this.lines.values()].filter((p) => p.message.includes(NEWER_VERSION)).length;
    const which = newer === 0 ? '' : newer === this.lines.size ? ` (${newer === 1 ? 'it was' : 'all'} ${NEWER_VERSION})` : ` (${newer} ${NEWER_VERSION})`;
    return `${countOf(this.lines.size, 'ledger line')} could not be read${which}, so totals may be low.`;
  }
}
