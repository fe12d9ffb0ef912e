import type { Tier } from '../core/tiers';
import type { CallOutcome, CallRecord, CacheMiss, LedgerUsage } from '../core/ledger/record';

/*
 * A byte-level reader for the ledger lines the store itself writes, so a 100k-record
 * load does not pay for decoding every chunk to a string, JSON.parse building a throwaway
 * object per line, and a second pass validating it.
 *
 * It VOUCHES rather than parses: it reads only the exact layout JSON.stringify gives a
 * record from buildCallRecord (fixed key order, no whitespace, printable ASCII without
 * escapes), and returns a record only when it is certain that JSON.parse +
 * parseLedgerRecord would return an equal one. Anything else (another key order, escapes,
 * non-ASCII, fractions, unknown keys, verdicts, an `sk-ant-` substring, out-of-range
 * values...) gets `undefined`, and the caller takes the full path, which stays the
 * definition and gives the error messages. A unit test holds the two to the same answers
 * over mutated lines.
 *
 * The layout is a fixed alternation of literal bytes (punctuation and keys, and `v`'s
 * only value) and values; the literals are compared 8 bytes at a time, and strings are
 * run through a 32-bit word at a time.
 */

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NINE = 0x39;
const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;

/** Fifteen digits are always below 2^53, so the integer is exact and safe. */
const MAX_DIGITS = 15;
const LABEL_MAX = 200;
const TEXT_MAX = 500;
const SERVICE_TIER_MAX = 40;
const KEY_MARK = 'sk-ant-';

/**
 * FNV-1a, taken a little-endian 32-bit word at a time: how strings are hashed while they
 * are read, and so how the store's key set files callIds (ledgerKeyHash). Defined here,
 * where the hot loop uses them: an imported constant is a getter call per use under the
 * CommonJS transform the tests and benchmarks run through.
 */
export const KEY_HASH_OFFSET = 0x811c9dc5 | 0;
export const KEY_HASH_PRIME = 0x01000193;

/** Direct-mapped string cache: labels repeat (models, commands, reasons, workspace, task). */
const INTERN_SLOTS = 4096;
/** Each cached string's bytes are kept too (up to this many), to compare 8 bytes at a time. */
const INTERN_BYTES = 64;

/** How a value in the layout is read. */
const LABEL = 0;
const TEXT = 1;
const FRESH = 2;
const TIME = 3;
const TIER = 4;
const COUNT = 5;
const SERVICE_TIER = 6;
const OUTCOME = 7;

/** A byte sequence compared in place: 8 bytes at a time when it is that long, else byte by byte. */
interface Literal {
  length: number;
  /** Where each 8-byte piece starts (the last one overlaps the one before when the length is not a multiple of 8). */
  offsets: Int32Array;
  /** Each piece read as a float64: printable ASCII is never a NaN or a zero, so equal values mean equal bytes. */
  pieces: Float64Array;
  bytes: Uint8Array;
}

function literal(text: string): Literal {
  const bytes = Uint8Array.from(Buffer.from(text, 'latin1'));
  const view = new DataView(bytes.buffer);
  const starts: number[] = [];
  if (bytes.length >= 8) {
    for (let at = 0; at + 8 <= bytes.length; at += 8) starts.push(at);
    if (bytes.length % 8 !== 0) starts.push(bytes.length - 8);
  }
  const offsets = Int32Array.from(starts);
  const pieces = Float64Array.from(starts.map((at) => view.getFloat64(at, true)));
  return { length: bytes.length, offsets, pieces, bytes };
}

/**
 * The fixed part of a record line: each literal, then the kind of the value after it.
 * String values stop before their closing quote, which opens the next literal.
 */
const LAYOUT: readonly (readonly [string, number])[] = [
  ['{"v":1,"taskId":"', LABEL],
  ['","callId":"', FRESH],
  ['","time":"', TIME],
  ['","command":"', LABEL],
  ['","stepType":"', LABEL],
  ['","tier":"', TIER],
  ['","model":"', LABEL],
  ['","reason":"', TEXT],
  ['","attempt":', COUNT],
  [',"usage":{"input_tokens":', COUNT],
  [',"output_tokens":', COUNT],
  [',"cache_creation_input_tokens":', COUNT],
  [',"cache_read_input_tokens":', COUNT],
  [',"cache_5m":', COUNT],
  [',"cache_1h":', COUNT],
  [',"service_tier":', SERVICE_TIER],
  ['},"costMicros":', COUNT],
  [',"outcome":"', OUTCOME],
  ['","workspace":"', LABEL],
];
const LAYOUT_LITERALS = LAYOUT.map(([text]) => literal(text));
const LAYOUT_KINDS = Int32Array.from(LAYOUT.map(([, kind]) => kind));
/** Where each value of the fixed part lands: strings by index in `texts`, numbers in `counts`. */
const S_TASK = 0;
const S_CALL = 1;
const S_TIME = 2;
const S_COMMAND = 3;
const S_STEP = 4;
const S_MODEL = 6;
const S_REASON = 7;
const S_WORKSPACE = 18;
const N_ATTEMPT = 8;
const N_INPUT = 9;
const N_OUTPUT = 10;
const N_CREATION = 11;
const N_READ = 12;
const N_5M = 13;
const N_1H = 14;
const N_COST = 16;

/** The optional tail, in the order parseLedgerRecord writes it; then the closing `}`. */
const KIND_CALL = literal('","kind":"call');
const OVERRIDE = literal('","override":"');
const REQUEST_ID = literal('","requestId":"');
const MISS_SEGMENT = literal('","cacheMiss":{"segment":"');
const MISS_CAUSE = literal('","cause":"');
const MISS_DETAIL = literal('","detail":"');
const MISS_END = literal('"}}');
const RECORD_END = literal('"}');
const NULL_VALUE = literal('null');

const TIER_BY_BYTE: (Tier | undefined)[] = new Array<Tier | undefined>(128).fill(undefined);
for (const tier of ['H', 'S', 'O', 'F'] as const) TIER_BY_BYTE[tier.charCodeAt(0)] = tier;
const OUTCOMES: readonly CallOutcome[] = ['ok', 'escalated', 'fellBack', 'failed', 'cancelled'];

const LOW_BITS = 0x01010101;
const HIGH_BITS = 0x80808080 | 0;

/**
 * Whether a little-endian word holds a byte a plain string cannot run on through: below
 * 0x20, above 0x7e, a quote or a backslash. Classic SWAR byte tests, exact as a yes/no.
 */
function hasSpecialByte(w: number): boolean {
  const quote = w ^ 0x22222222;
  const slash = w ^ 0x5c5c5c5c;
  const below = (w - 0x20202020) & ~w;
  const above = (w + LOW_BITS) | w;
  const isQuote = (quote - LOW_BITS) & ~quote;
  const isSlash = (slash - LOW_BITS) & ~slash;
  return ((below | above | isQuote | isSlash) & HIGH_BITS) !== 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const EMPTY = Buffer.alloc(0);

type Latin1Slicer = (this: Buffer, start: number, end: number) => string;
/**
 * Buffer's own latin1 slice, skipping toString's argument handling (a third of the
 * string-making cost at 300k strings a load); toString where a runtime lacks it.
 */
const LATIN1_SLICE = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slicer }).latin1Slice;

function latin1(buf: Buffer, start: number, end: number): string {
  return LATIN1_SLICE !== undefined ? LATIN1_SLICE.call(buf, start, end) : buf.toString('latin1', start, end);
}

/** Reads call-record lines from bytes; one per store (it keeps a small string cache). */
export class LedgerLineScanner {
  /** Where the callId of the last record scanned lies in its buffer (its key, as bytes), and its ledgerKeyHash. */
  callIdStart = 0;
  callIdEnd = 0;
  callIdHash = 0;
  /** After {@link scanLine} found a record: the index of the newline ending its line. */
  lineEnd = 0;
  /** Just after the closing brace of the last record read. */
  private recordEnd = 0;
  private buf: Buffer = EMPTY;
  private view: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
  private end = 0;
  /** The last string scanned: [strStart, strEnd) in `buf`, with its hash. */
  private strStart = 0;
  private strEnd = 0;
  private strHash = 0;
  /** The last integer scanned. */
  private num = 0;
  /** The fixed part's values, by layout index (reused from line to line). */
  private readonly texts: string[] = new Array<string>(LAYOUT.length).fill('');
  private readonly counts: number[] = new Array<number>(LAYOUT.length).fill(0);
  private tier: Tier = 'H';
  private outcome: CallOutcome = 'ok';
  private serviceTier: string | null = null;
  /** The last label or text read (interned). */
  private lastText = '';
  private readonly internHash = new Int32Array(INTERN_SLOTS);
  private readonly internText: string[] = new Array<string>(INTERN_SLOTS).fill('');
  private readonly internBytes = new Uint8Array(INTERN_SLOTS * INTERN_BYTES);
  private readonly internView = new DataView(this.internBytes.buffer);

  /**
   * Reads `buf` from now on, as {@link scan} and {@link scanLine} do when given another
   * buffer. The store calls it before each chunk's lines, so reading a line never switches
   * buffers: the read optimized on one chunk was thrown away at the next (and at the line
   * spanning two chunks, which {@link scan} reads from a buffer of its own).
   */
  use(buf: Buffer): void {
    if (buf === this.buf) return;
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * The call record on bytes [start, end) of `buf` (one line, without its newline), or
   * `undefined` when the line needs the full parser (which may still accept it).
   */
  scan(buf: Buffer, start: number, end: number): CallRecord | undefined {
    this.use(buf);
    const record = this.read(start, end);
    return record !== undefined && this.recordEnd === end ? record : undefined;
  }

  /**
   * The call record on the line starting at `start` in `buf`, where the line's end is not
   * known yet (at most `limit`): found without searching for the newline first. When it
   * returns a record, `lineEnd` is the index of the newline that ends the line; when it
   * returns `undefined`, the caller finds the line and takes the full path (scanning the
   * line alone would decline it too).
   */
  scanLine(buf: Buffer, start: number, limit: number): CallRecord | undefined {
    if (buf !== this.buf) this.use(buf);
    const record = this.read(start, limit);
    if (record === undefined || this.recordEnd >= limit || buf[this.recordEnd] !== NEWLINE) return undefined;
    this.lineEnd = this.recordEnd;
    return record;
  }

  /**
   * Reads a record from `start` in `buf` and sets `recordEnd` after its closing brace. A record
   * never spans a newline: strings decline on control bytes, and no literal holds one.
   */
  private read(start: number, end: number): CallRecord | undefined {
    this.end = end;
    let pos = start;
    for (let i = 0; i < LAYOUT_LITERALS.length; i++) {
      const lit = LAYOUT_LITERALS[i] as Literal;
      if (!this.matches(pos, lit)) return undefined;
      pos = this.value(pos + lit.length, LAYOUT_KINDS[i] as number, i);
      if (pos < 0) return undefined;
    }
    const texts = this.texts;
    const counts = this.counts;
    if ((counts[N_ATTEMPT] as number) < 1) return undefined;
    const usage: LedgerUsage = {
      input_tokens: counts[N_INPUT] as number, output_tokens: counts[N_OUTPUT] as number, cache_creation_input_tokens: counts[N_CREATION] as number,
      cache_read_input_tokens: counts[N_READ] as number, cache_5m: counts[N_5M] as number, cache_1h: counts[N_1H] as number, service_tier: this.serviceTier,
    };
    // The same fields in the same order as parseLedgerRecord's result.
    const record: CallRecord = {
      v: 1, taskId: texts[S_TASK] as string, callId: texts[S_CALL] as string, time: texts[S_TIME] as string, command: texts[S_COMMAND] as string,
      stepType: texts[S_STEP] as string, tier: this.tier, model: texts[S_MODEL] as string, reason: texts[S_REASON] as string, attempt: counts[N_ATTEMPT] as number,
      usage, costMicros: counts[N_COST] as number, outcome: this.outcome, workspace: texts[S_WORKSPACE] as string,
    };
    return this.tail(pos, record);
  }

  /** The optional fields after `workspace`, each at most once and in order, then `}`. */
  private tail(pos: number, record: CallRecord): CallRecord | undefined {
    if (this.matches(pos, RECORD_END)) {
      this.recordEnd = pos + RECORD_END.length;
      return record;
    }
    if (this.matches(pos, KIND_CALL)) {
      record.kind = 'call';
      pos += KIND_CALL.length;
    }
    if (this.matches(pos, OVERRIDE)) {
      pos = this.value(pos + OVERRIDE.length, TIER, -1);
      if (pos < 0) return undefined;
      record.override = this.tier;
    }
    if (this.matches(pos, REQUEST_ID)) {
      pos = this.value(pos + REQUEST_ID.length, FRESH, -1);
      if (pos < 0) return undefined;
      record.requestId = latin1(this.buf, this.strStart, this.strEnd);
      if (record.requestId.includes(KEY_MARK)) return undefined;
    }
    if (this.matches(pos, MISS_SEGMENT)) {
      const miss: CacheMiss = { segment: '', cause: '', detail: '' };
      pos = this.value(pos + MISS_SEGMENT.length, LABEL, -1);
      if (pos < 0) return undefined;
      miss.segment = this.lastText;
      if (!this.matches(pos, MISS_CAUSE)) return undefined;
      pos = this.value(pos + MISS_CAUSE.length, LABEL, -1);
      if (pos < 0) return undefined;
      miss.cause = this.lastText;
      if (!this.matches(pos, MISS_DETAIL)) return undefined;
      pos = this.value(pos + MISS_DETAIL.length, TEXT, -1);
      if (pos < 0 || !this.matches(pos, MISS_END)) return undefined;
      miss.detail = this.lastText;
      record.cacheMiss = miss;
      this.recordEnd = pos + MISS_END.length;
      return record;
    }
    if (!this.matches(pos, RECORD_END)) return undefined;
    this.recordEnd = pos + RECORD_END.length;
    return record;
  }

  /**
   * Reads one value of `kind` at `pos`; returns where it ends (a string: at its closing
   * quote), or -1 to decline. Layout values (`index` ≥ 0) are stored for the record.
   */
  private value(pos: number, kind: number, index: number): number {
    if (kind === COUNT) {
      pos = this.integer(pos);
      if (pos >= 0 && index >= 0) this.counts[index] = this.num;
      return pos;
    }
    if (kind === SERVICE_TIER) {
      if (this.matches(pos, NULL_VALUE)) {
        this.serviceTier = null;
        return pos + NULL_VALUE.length;
      }
      if (pos >= this.end || this.buf[pos] !== QUOTE) return -1;
      pos = this.string(pos + 1);
      if (pos < 0 || pos - this.strStart > SERVICE_TIER_MAX) return -1;
      const text = this.intern();
      if (text === undefined) return -1;
      this.serviceTier = text;
      return pos + 1;
    }
    pos = this.string(pos);
    if (pos < 0) return -1;
    const length = pos - this.strStart;
    switch (kind) {
      case LABEL:
      case TEXT: {
        if (kind === LABEL ? length === 0 || length > LABEL_MAX : length > TEXT_MAX) return -1;
        const text = this.intern();
        if (text === undefined) return -1;
        this.lastText = text;
        if (index >= 0) this.texts[index] = text;
        return pos;
      }
      case FRESH: {
        // Unique per record (callId, requestId): a fresh string, not worth a cache slot.
        if (length === 0 || length > LABEL_MAX) return -1;
        if (index === S_CALL) {
          const text = latin1(this.buf, this.strStart, pos);
          if (text.includes(KEY_MARK)) return -1;
          this.texts[index] = text;
          this.callIdStart = this.strStart;
          this.callIdEnd = pos;
          // The string's hash is the key hash: whole words then the last bytes, as the
          // callId is followed by a whole literal, so no word was cut short by the end.
          this.callIdHash = this.strHash;
        }
        return pos;
      }
      case TIME:
        if (!this.isTime()) return -1;
        this.texts[index] = latin1(this.buf, this.strStart, pos);
        return pos;
      case TIER: {
        const tier = length === 1 ? TIER_BY_BYTE[this.buf[this.strStart] as number] : undefined;
        if (tier === undefined) return -1;
        this.tier = tier;
        return pos;
      }
      default: {
        for (let i = 0; i < OUTCOMES.length; i++) {
          const outcome = OUTCOMES[i] as CallOutcome;
          if (outcome.length === length && this.sameText(outcome)) {
            this.outcome = outcome;
            return pos;
          }
        }
        return -1;
      }
    }
  }

  /** Whether the bytes at `pos` are `lit`: 8 bytes at a time, or byte by byte when it is shorter. */
  private matches(pos: number, lit: Literal): boolean {
    if (pos + lit.length > this.end) return false;
    const offsets = lit.offsets;
    if (offsets.length > 0) {
      const view = this.view;
      const pieces = lit.pieces;
      for (let i = 0; i < offsets.length; i++) if (view.getFloat64(pos + (offsets[i] as number), true) !== pieces[i]) return false;
      return true;
    }
    const buf = this.buf;
    const bytes = lit.bytes;
    for (let i = 0; i < bytes.length; i++) if (buf[pos + i] !== bytes[i]) return false;
    return true;
  }

  /**
   * The string whose characters start at `pos` (after its opening quote), made only of
   * printable ASCII without escapes, so its bytes are its characters. Returns the
   * position of the closing quote, or -1. Runs a word at a time until a word holds the
   * closing quote (or a byte that makes it decline). Hashes as it goes, word by word
   * then byte by byte: the same as ledgerKeyHash over the string when a whole word
   * follows its closing quote before `end`.
   */
  private string(pos: number): number {
    const buf = this.buf;
    const end = this.end;
    const view = this.view;
    let hash = KEY_HASH_OFFSET;
    let i = pos;
    const lastWord = end - 4;
    while (i <= lastWord) {
      const w = view.getInt32(i, true);
      if (hasSpecialByte(w)) break;
      hash = Math.imul(hash ^ w, KEY_HASH_PRIME);
      i += 4;
    }
    for (; i < end; i++) {
      const c = buf[i] as number;
      if (c === QUOTE) {
        this.strStart = pos;
        this.strEnd = i;
        this.strHash = hash;
        return i;
      }
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
      hash = Math.imul(hash ^ c, KEY_HASH_PRIME);
    }
    return -1;
  }

  /** A non-negative integer without sign, fraction, exponent or leading zero. */
  private integer(pos: number): number {
    const buf = this.buf;
    const limit = Math.min(this.end, pos + MAX_DIGITS + 1);
    let n = 0;
    let i = pos;
    for (; i < limit; i++) {
      const c = buf[i] as number;
      if (c < ZERO || c > NINE) break;
      n = n * 10 + (c - ZERO);
    }
    const digits = i - pos;
    if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && buf[pos] === ZERO)) return -1;
    this.num = n;
    return i;
  }

  private sameText(text: string): boolean {
    const buf = this.buf;
    const start = this.strStart;
    for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  private digit(at: number): number {
    const c = this.buf[at] as number;
    return c >= ZERO && c <= NINE ? c - ZERO : -1;
  }

  private twoDigits(at: number): number {
    const high = this.digit(at);
    const low = this.digit(at + 1);
    return high < 0 || low < 0 ? -1 : high * 10 + low;
  }

  /**
   * The last string as a record time: `YYYY-MM-DDTHH:MM:SS[.fraction]Z` on a real
   * calendar date, exactly what the record schema's time check accepts.
   */
  private isTime(): boolean {
    const s = this.strStart;
    const length = this.strEnd - s;
    if (length < 20) return false;
    const buf = this.buf;
    if (buf[s + 4] !== DASH || buf[s + 7] !== DASH || buf[s + 10] !== UPPER_T || buf[s + 13] !== COLON || buf[s + 16] !== COLON || buf[s + length - 1] !== UPPER_Z) return false;
    const century = this.twoDigits(s);
    const yy = this.twoDigits(s + 2);
    const month = this.twoDigits(s + 5);
    const day = this.twoDigits(s + 8);
    const hour = this.twoDigits(s + 11);
    const minute = this.twoDigits(s + 14);
    const second = this.twoDigits(s + 17);
    if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
    if (length > 20) {
      // A fraction: a dot and at least one digit before the Z.
      if (buf[s + 19] !== DOT || length < 22) return false;
      for (let i = s + 20; i < s + length - 1; i++) if (this.digit(i) < 0) return false;
    }
    return day <= 28 || day <= daysInMonth(century * 100 + yy, month);
  }

  /**
   * The last string, from the cache when the same text was seen recently (one string
   * shared by every record that carries it, which also keeps the heap small).
   * `undefined` when it holds `sk-ant-` (the full path decides whether that is a key).
   */
  private intern(): string | undefined {
    const hash = this.strHash;
    const slot = hash & (INTERN_SLOTS - 1);
    const length = this.strEnd - this.strStart;
    const cached = this.internText[slot] as string;
    if (this.internHash[slot] === hash && cached.length === length && this.sameAsCached(slot, length)) return cached;
    const text = latin1(this.buf, this.strStart, this.strEnd);
    if (text.includes(KEY_MARK)) return undefined;
    // Longer strings are not cached: their slot would need more bytes than it has.
    if (length <= INTERN_BYTES) {
      this.internHash[slot] = hash;
      this.internText[slot] = text;
      const bytes = this.internBytes;
      const base = slot * INTERN_BYTES;
      const buf = this.buf;
      for (let i = 0; i < length; i++) bytes[base + i] = buf[this.strStart + i] as number;
    }
    return text;
  }

  /**
   * Whether the last string's bytes equal the cached bytes of `slot` (same length known),
   * 8 bytes at a time as float64s (both sides are printable ASCII: never a NaN or a
   * zero); the last piece overlaps the one before rather than going byte by byte.
   */
  private sameAsCached(slot: number, length: number): boolean {
    const base = slot * INTERN_BYTES;
    const start = this.strStart;
    if (length < 8) {
      const buf = this.buf;
      const bytes = this.internBytes;
      for (let i = 0; i < length; i++) if (buf[start + i] !== bytes[base + i]) return false;
      return true;
    }
    const view = this.view;
    const cached = this.internView;
    for (let i = 0; i < length - 8; i += 8) if (view.getFloat64(start + i, true) !== cached.getFloat64(base + i, true)) return false;
    return view.getFloat64(start + length - 8, true) === cached.getFloat64(base + length - 8, true);
  }

}
