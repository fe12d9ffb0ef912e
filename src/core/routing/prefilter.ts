/**
 * A cheap test that tells the rule loop which patterns cannot match a request, so it does not
 * scan it with them. Every match of a pattern starts with one of its openings, its first two to
 * four characters ("race" at a word start for `\brace`, "fsyn" anywhere for `fsync`), and a
 * request holds few of a pattern's openings or none: on the dev requests four scans in five are
 * skipped. The openings are worked out once from the pattern's own source; the request's are
 * indexed once per classification. The test says "cannot match" only when that is certain:
 * a pattern the analysis does not understand, or whose match can open with any character or
 * be shorter than two, is always scanned.
 */

/** The longest opening compared, and the shortest worth filtering on. */
const OPENING = 4;
const SHORTEST = 2;
/** Openings are hashed into this many slots; two sharing a slot only make the test less selective. */
const SLOT_BITS = 16;
const MIX = 0x9e3779b1;
const step = (h: number, code: number): number => Math.imul(h ^ code, MIX);
/** The slot of an opening, from the running hash of its characters and its length. */
const slot = (h: number, length: number): number => Math.imul(h ^ length, MIX) >>> (32 - SLOT_BITS);
function slotOfString(s: string): number {
  let h = 0;
  for (let k = 0; k < s.length; k++) h = step(h, s.charCodeAt(k));
  return slot(h, s.length);
}

/** How a pattern's matches can open: at a word start (after a leading `\b`) or anywhere (hashed slots). */
export interface Openings {
  readonly wordStart: Uint16Array;
  readonly anywhere: Uint16Array;
  /** The alternatives anchored at the start of the text, tested as they are; null when there are none. */
  readonly anchored: RegExp | null;
}

// --- the pattern, parsed just far enough to know how its matches can begin ---

type Node =
  | { kind: 'chars'; codes: readonly number[] | null } // null: any character
  | { kind: 'assert'; wordBoundary: boolean; textStart?: boolean }
  | { kind: 'alt'; alts: Node[][] }
  | { kind: 'rep'; node: Node; min: number; max: number };

/** Beyond this, a character class counts as "any character". */
const MAX_CLASS = 64;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const DIGITS = range(48, 57);
const SPACES = [9, 10, 11, 12, 13, 32];
const ESCAPED_CODES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, f: 12, v: 11, '0': 0 };

class Unsupported extends Error {}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  /** The top-level alternatives, each with its own source. */
  parse(): { nodes: Node[]; source: string }[] {
    const starts = [0];
    const alts = this.alternatives(starts);
    if (this.i < this.src.length) throw new Unsupported(`unexpected ${this.src[this.i]}`);
    return alts.map((nodes, k) => ({ nodes, source: this.src.slice(starts[k], k + 1 < starts.length ? starts[k + 1]! - 1 : this.src.length) }));
  }

  private alternatives(starts?: number[]): Node[][] {
    const alts: Node[][] = [[]];
    while (this.i < this.src.length && this.src[this.i] !== ')') {
      if (this.src[this.i] === '|') {
        this.i++;
        alts.push([]);
        starts?.push(this.i);
        continue;
      }
      const atom = this.atom();
      alts[alts.length - 1]!.push(this.quantified(atom));
    }
    return alts;
  }

  private atom(): Node {
    const ch = this.src[this.i++]!;
    if (ch === '\\') return this.escape(false);
    if (ch === '[') return this.charClass();
    if (ch === '.') return { kind: 'chars', codes: null };
    if (ch === '^') return { kind: 'assert', wordBoundary: false, textStart: true };
    if (ch === '$') return { kind: 'assert', wordBoundary: false };
    if (ch === '(') return this.group();
    if ('*+?'.includes(ch)) throw new Unsupported('quantifier without an atom');
    return { kind: 'chars', codes: [ch.charCodeAt(0)] };
  }

  private group(): Node {
    let lookaround = false;
    if (this.src[this.i] === '?') {
      const next = this.src[this.i + 1];
      if (next === ':') this.i += 2;
      else if (next === '=' || next === '!') { this.i += 2; lookaround = true; }
      else if (next === '<' && (this.src[this.i + 2] === '=' || this.src[this.i + 2] === '!')) { this.i += 3; lookaround = true; }
      else throw new Unsupported('named or unknown group');
    }
    const alts = this.alternatives();
    if (this.src[this.i++] !== ')') throw new Unsupported('unclosed group');
    // A lookaround only narrows where a match may be; ignoring it keeps the openings a superset.
    return lookaround ? { kind: 'assert', wordBoundary: false } : { kind: 'alt', alts };
  }

  private escape(inClass: boolean): Node {
    const ch = this.src[this.i++];
    if (ch === undefined) throw new Unsupported('trailing backslash');
    if (ch === 'b') return inClass ? { kind: 'chars', codes: [8] } : { kind: 'assert', wordBoundary: true };
    if (ch === 'B') return { kind: 'assert', wordBoundary: false };
    if (ch === 'd') return { kind: 'chars', codes: DIGITS };
    if (ch === 's') return { kind: 'chars', codes: SPACES };
    if ('wWDSpPkc'.includes(ch) || /[1-9]/.test(ch)) return { kind: 'chars', codes: null };
    if (ch === 'x' || ch === 'u') {
      const digits = ch === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) throw new Unsupported('escape');
      this.i += digits;
      return { kind: 'chars', codes: [parseInt(hex, 16)] };
    }
    return { kind: 'chars', codes: [ESCAPED_CODES[ch] ?? ch.charCodeAt(0)] };
  }

  private charClass(): Node {
    if (this.src[this.i] === '^') {
      this.skipClass();
      return { kind: 'chars', codes: null };
    }
    const codes = new Set<number>();
    let any = false;
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      const from = this.classMember();
      if (from === null) { any = true; continue; }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const to = this.classMember();
        if (to === null || to.length !== 1 || from.length !== 1) { any = true; continue; }
        for (const c of range(from[0]!, to[0]!)) codes.add(c);
      } else {
        for (const c of from) codes.add(c);
      }
    }
    if (this.src[this.i++] !== ']') throw new Unsupported('unclosed class');
    return { kind: 'chars', codes: any || codes.size > MAX_CLASS ? null : [...codes] };
  }

  /** One member of a class: its codes, or null for "any". */
  private classMember(): readonly number[] | null {
    const ch = this.src[this.i++]!;
    if (ch !== '\\') return [ch.charCodeAt(0)];
    const node = this.escape(true);
    return node.kind === 'chars' ? node.codes : null;
  }

  private skipClass(): void {
    while (this.i < this.src.length && this.src[this.i] !== ']') this.i += this.src[this.i] === '\\' ? 2 : 1;
    this.i++;
  }

  private quantified(atom: Node): Node {
    const ch = this.src[this.i];
    let min: number;
    let max: number;
    if (ch === '?') { min = 0; max = 1; this.i++; }
    else if (ch === '*') { min = 0; max = Infinity; this.i++; }
    else if (ch === '+') { min = 1; max = Infinity; this.i++; }
    else if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom; // a literal brace
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length;
    } else {
      return atom;
    }
    if (this.src[this.i] === '?') this.i++; // lazy: same language
    if (atom.kind === 'assert') return atom;
    return { kind: 'rep', node: atom, min, max };
  }
}

// --- how matches can begin ---

/** Marks an opening that a `\b` put at the start of the match. */
const WORD_START = '\u0000';
/** Past this many openings a pattern is not worth filtering. */
const MAX_OPENINGS = 4096;

function nullable(node: Node): boolean {
  switch (node.kind) {
    case 'chars': return false;
    case 'assert': return true;
    case 'alt': return node.alts.some((alt) => alt.every(nullable));
    case 'rep': return node.min === 0 || nullable(node.node);
  }
}

/**
 * The strings of at most `limit` characters that a match of `seq` can start with (shorter
 * ones when the match can end sooner), or null when any character can open it. `consumed`:
 * how many characters the opening has so far (at none, a `\b` marks a word-start opening).
 */
function openingsOfSeq(seq: readonly Node[], limit: number, consumed: number): Set<string> | null {
  if (limit === 0 || seq.length === 0) return new Set(['']);
  // An opening may stop at a character that could be anything, once it is long enough.
  const enough = consumed >= SHORTEST;
  const atStart = consumed === 0;
  const [head, ...rest] = seq as [Node, ...Node[]];
  switch (head.kind) {
    case 'assert': {
      const after = openingsOfSeq(rest, limit, consumed);
      if (!after || !(atStart && head.wordBoundary)) return after;
      return new Set([...after].map((s) => (s.startsWith(WORD_START) ? s : WORD_START + s)));
    }
    case 'chars': {
      if (head.codes === null) return enough ? new Set(['']) : null;
      const after = openingsOfSeq(rest, limit - 1, consumed + 1);
      if (!after) return null;
      const out = new Set<string>();
      for (const code of head.codes) for (const s of after) out.add(String.fromCharCode(code) + s);
      return out.size > MAX_OPENINGS ? null : out;
    }
    case 'alt': {
      const out = new Set<string>();
      for (const alt of head.alts) {
        const part = openingsOfSeq([...alt, ...rest], limit, consumed);
        if (!part) return null;
        for (const s of part) out.add(s);
      }
      return out.size > MAX_OPENINGS ? null : out;
    }
    case 'rep': {
      // Every non-empty repetition consumes a character, so at most `limit` of them reach
      // the opening; empty repetitions of a nullable node change nothing.
      const low = nullable(head.node) ? 0 : Math.min(head.min, limit);
      const high = Math.min(head.max, limit);
      const out = new Set<string>();
      for (let k = low; k <= high; k++) {
        const part = openingsOfSeq([...Array<Node>(k).fill(head.node), ...rest], limit, consumed);
        if (!part) return null;
        for (const s of part) out.add(s);
      }
      return out.size > MAX_OPENINGS ? null : out;
    }
  }
}

/** Each alternative's openings at up to four characters: fewer where a run of digits would make too many. */
function openingsOfAlternatives(alts: readonly Node[][]): Set<string> | null {
  const found = new Set<string>();
  for (const alt of alts) {
    let part: Set<string> | null = null;
    for (let l = OPENING; l >= SHORTEST && !part; l--) part = openingsOfSeq(alt, l, 0);
    if (!part) return null;
    for (const s of part) found.add(s);
  }
  return found;
}

const isWordCode = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;

/**
 * The openings of a pattern's matches, or null when the pattern must always be
 * run (a flag that changes matching, a construct the analysis does not know, a match shorter
 * than two characters, or an opening that can be any character).
 */
export function openingsOf(re: RegExp): Openings | null {
  if (/[iuvy]/.test(re.flags)) return null;
  let top: { nodes: Node[]; source: string }[];
  try {
    top = new Parser(re.source).parse();
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  // An alternative anchored at the start of the text is tried at one place only: it is
  // tested as it is, which is cheap, and the rest are filtered by their openings.
  const atTextStart = (nodes: readonly Node[]): boolean => nodes[0]?.kind === 'assert' && nodes[0].textStart === true;
  const anchoredSources = top.filter((a) => atTextStart(a.nodes)).map((a) => a.source);
  const alts = top.filter((a) => !atTextStart(a.nodes)).map((a) => a.nodes);
  const found = openingsOfAlternatives(alts);
  if (!found) return null;
  const wordStart = new Set<number>();
  const anywhere = new Set<number>();
  for (const s of found) {
    const marked = s.startsWith(WORD_START);
    const opening = marked ? s.slice(1) : s;
    if (opening.length < SHORTEST) return null;
    // After `\b`, a word character opens a word; a non-word one only says the previous was a word.
    (marked && isWordCode(opening.charCodeAt(0)) ? wordStart : anywhere).add(slotOfString(opening));
  }
  const anchored = anchoredSources.length > 0 ? new RegExp(anchoredSources.join('|'), re.flags) : null;
  return { wordStart: Uint16Array.from(wordStart), anywhere: Uint16Array.from(anywhere), anchored };
}

/**
 * Which of a list of patterns may match a text, all at once: an inverted index from opening
 * slots to the patterns that have them. Indexing a text walks its own openings (three per
 * character) and marks the patterns listed under each, stamped with a generation number so
 * that the next text needs no clearing; a pattern none of whose openings is present stays
 * unmarked and is not scanned. A pattern without openings (null) is always scanned.
 */
export class PatternFilter {
  /** For each slot, where its entries start in `entries` (compressed sparse rows). */
  private readonly starts: Uint32Array;
  /** A pattern's number times two, plus one when the opening must start a word. */
  private readonly entries: Uint32Array;
  private readonly anchored: readonly (RegExp | null)[];
  private readonly always: Uint8Array;
  private readonly stamps: Uint32Array;
  private generation = 0;

  constructor(patterns: readonly (Openings | null)[]) {
    const slots = 1 << SLOT_BITS;
    const counts = new Uint32Array(slots + 1);
    patterns.forEach((o) => {
      if (!o) return;
      for (const slot of o.wordStart) counts[slot + 1]!++;
      for (const slot of o.anywhere) counts[slot + 1]!++;
    });
    for (let k = 1; k <= slots; k++) counts[k]! += counts[k - 1]!;
    this.starts = counts.slice();
    this.entries = new Uint32Array(counts[slots]!);
    patterns.forEach((o, n) => {
      if (!o) return;
      for (const slot of o.wordStart) this.entries[counts[slot]!++] = n * 2 + 1;
      for (const slot of o.anywhere) this.entries[counts[slot]!++] = n * 2;
    });
    this.anchored = patterns.map((o) => o?.anchored ?? null);
    this.always = Uint8Array.from(patterns, (o) => (o ? 0 : 1));
    this.stamps = new Uint32Array(patterns.length);
  }

  index(text: string): void {
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
    const g = this.generation;
    const { starts, entries, stamps } = this;
    let prevWord = false;
    for (let p = 0; p + SHORTEST <= text.length; p++) {
      const word = isWordCode(text.charCodeAt(p));
      const opensWord = word && !prevWord;
      prevWord = word;
      let h = step(0, text.charCodeAt(p));
      for (let length = SHORTEST; length <= OPENING && p + length <= text.length; length++) {
        h = step(h, text.charCodeAt(p + length - 1));
        const at = slot(h, length);
        for (let k = starts[at]!, end = starts[at + 1]!; k < end; k++) {
          const e = entries[k]!;
          if (opensWord || (e & 1) === 0) stamps[e >>> 1] = g;
        }
      }
    }
  }

  /**
   * False only when pattern `n` cannot match `text`, which is the indexed text or a start of
   * it (its alternatives anchored at the start of the text are tested on `text` itself).
   */
  mayMatch(n: number, text: string): boolean {
    if (this.always[n] === 1 || this.stamps[n] === this.generation) return true;
    const anchored = this.anchored[n];
    return anchored !== null && anchored !== undefined && anchored.test(text);
  }
}
