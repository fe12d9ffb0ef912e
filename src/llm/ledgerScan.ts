import type { Tier } from '../core/tiers';
import type { CallOutcome, CallRecord, CacheMiss, LedgerUsage } from '../core/ledger/record';

/*
 * A byte-level reader for the ledger lines the store itself writes, so a 100k-record
 * load does not pay for decoding every chunk to a string, JSON.parse building a throwaway
 * object per line, and a second pass validating it.
 *
 * It VOUCHES rather than parses: it returns a record only when it is certain that
 * JSON.parse + parseLedgerRecord would return an equal one, and `undefined` for anything
 * it is unsure of (escapes, non-ASCII, whitespace, fractions, unknown or repeated keys,
 * verdicts, an `sk-ant-` substring, out-of-range values...). The caller then takes the
 * full path, which stays the definition and gives the error messages. A unit test holds
 * the two to the same answers over mutated lines.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
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

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Direct-mapped string cache: labels repeat (models, commands, reasons, workspace, task). */
const INTERN_SLOTS = 4096;

/** Top-level keys, in the order the store writes them (the scanner predicts the next one). */
const KEYS = ['v', 'taskId', 'callId', 'time', 'command', 'stepType', 'tier', 'model', 'reason', 'attempt', 'usage', 'costMicros', 'outcome', 'workspace', 'kind', 'override', 'requestId', 'cacheMiss'] as const;
const K_V = 0;
const K_TASK = 1;
const K_CALL = 2;
const K_TIME = 3;
const K_COMMAND = 4;
const K_STEP = 5;
const K_TIER = 6;
const K_MODEL = 7;
const K_REASON = 8;
const K_ATTEMPT = 9;
const K_USAGE = 10;
const K_COST = 11;
const K_OUTCOME = 12;
const K_WORKSPACE = 13;
const K_KIND = 14;
const K_OVERRIDE = 15;
const K_REQUEST = 16;
const K_MISS = 17;
/** Bits of the keys every call record has (v .. workspace). */
const REQUIRED = (1 << (K_WORKSPACE + 1)) - 1;

const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_5m', 'cache_1h', 'service_tier'] as const;
const U_SERVICE_TIER = 6;
const USAGE_REQUIRED = (1 << USAGE_KEYS.length) - 1;

const MISS_KEYS = ['segment', 'cause', 'detail'] as const;
const M_DETAIL = 2;
const MISS_REQUIRED = (1 << MISS_KEYS.length) - 1;

/** A byte sequence compared in place: whole little-endian words first, then the tail bytes. */
interface Literal {
  length: number;
  words: Int32Array;
  bytes: Uint8Array;
}

function literal(text: string): Literal {
  const bytes = Uint8Array.from(Buffer.from(text, 'latin1'));
  const words = new Int32Array(bytes.length >> 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < words.length; i++) words[i] = view.getInt32(i * 4, true);
  return { length: bytes.length, words, bytes };
}

/** Each key as the bytes `"name":`. */
function keyLiterals(keys: readonly string[]): Literal[] {
  return keys.map((key) => literal(`"${key}":`));
}
const TOP_LITERALS = keyLiterals(KEYS);
const USAGE_LITERALS = keyLiterals(USAGE_KEYS);
const MISS_LITERALS = keyLiterals(MISS_KEYS);
const NULL_LITERAL = literal('null');

const TIER_BY_BYTE: (Tier | undefined)[] = new Array<Tier | undefined>(128).fill(undefined);
for (const tier of ['H', 'S', 'O', 'F'] as const) TIER_BY_BYTE[tier.charCodeAt(0)] = tier;
const OUTCOMES: readonly CallOutcome[] = ['ok', 'escalated', 'fellBack', 'failed', 'cancelled'];
const CALL_KIND: readonly 'call'[] = ['call'];

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
  private buf: Buffer = EMPTY;
  private view: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
  private end = 0;
  /** The last string scanned: [strStart, strEnd) in `buf`, with its hash. */
  private strStart = 0;
  private strEnd = 0;
  private strHash = 0;
  /** The last integer scanned. */
  private num = 0;
  /** Where the last matched key's `"name":` ended. */
  private keyEnd = 0;
  private usageValue: LedgerUsage | undefined;
  private missValue: CacheMiss | undefined;
  /** Where the callId of the last record scanned lies in its buffer (its key, as bytes). */
  callIdStart = 0;
  callIdEnd = 0;
  private readonly internHash = new Int32Array(INTERN_SLOTS);
  private readonly internText: string[] = new Array<string>(INTERN_SLOTS).fill('');

  /**
   * The call record on bytes [start, end) of `buf` (one line, without its newline), or
   * `undefined` when the line needs the full parser (which may still accept it).
   */
  scan(buf: Buffer, start: number, end: number): CallRecord | undefined {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.end = end;
    if (start >= end || buf[start] !== OPEN) return undefined;
    let pos = start + 1;
    let seen = 0;
    let expected = K_V;
    let v = 0;
    let taskId = '';
    let callId = '';
    let time = '';
    let command = '';
    let stepType = '';
    let tier: Tier = 'H';
    let model = '';
    let reason = '';
    let attempt = 0;
    let usage: LedgerUsage | undefined;
    let costMicros = 0;
    let outcome: CallOutcome = 'ok';
    let workspace = '';
    let override: Tier | undefined;
    let requestId: string | undefined;
    let cacheMiss: CacheMiss | undefined;
    for (;;) {
      const key = this.key(pos, expected, TOP_LITERALS);
      if (key < 0 || (seen & (1 << key)) !== 0) return undefined;
      seen |= 1 << key;
      expected = key + 1;
      pos = this.keyEnd;
      switch (key) {
        case K_V:
        case K_ATTEMPT:
        case K_COST:
          pos = this.integer(pos);
          if (pos < 0) return undefined;
          if (key === K_V) v = this.num;
          else if (key === K_ATTEMPT) attempt = this.num;
          else costMicros = this.num;
          break;
        case K_USAGE:
          pos = this.usage(pos);
          if (pos < 0 || this.usageValue === undefined) return undefined;
          usage = this.usageValue;
          break;
        case K_MISS:
          pos = this.cacheMiss(pos);
          if (pos < 0 || this.missValue === undefined) return undefined;
          cacheMiss = this.missValue;
          break;
        case K_TIER:
        case K_OVERRIDE: {
          pos = this.string(pos);
          if (pos < 0 || this.strEnd - this.strStart !== 1) return undefined;
          const found = TIER_BY_BYTE[buf[this.strStart] as number];
          if (found === undefined) return undefined;
          if (key === K_TIER) tier = found;
          else override = found;
          break;
        }
        case K_OUTCOME: {
          pos = this.string(pos);
          const found = pos < 0 ? undefined : this.oneOf(OUTCOMES);
          if (found === undefined) return undefined;
          outcome = found;
          break;
        }
        case K_KIND:
          // Only `"call"` stays here; a verdict (or anything else) takes the full path.
          pos = this.string(pos);
          if (pos < 0 || this.oneOf(CALL_KIND) === undefined) return undefined;
          break;
        case K_TIME:
          pos = this.string(pos);
          if (pos < 0 || !this.isTime()) return undefined;
          time = latin1(buf, this.strStart, this.strEnd);
          break;
        case K_CALL:
        case K_REQUEST: {
          // Unique per record: a fresh string, not worth a cache slot.
          pos = this.string(pos);
          const length = this.strEnd - this.strStart;
          if (pos < 0 || length === 0 || length > LABEL_MAX) return undefined;
          const text = latin1(buf, this.strStart, this.strEnd);
          if (text.includes(KEY_MARK)) return undefined;
          if (key === K_CALL) {
            callId = text;
            this.callIdStart = this.strStart;
            this.callIdEnd = this.strEnd;
          } else {
            requestId = text;
          }
          break;
        }
        default: {
          // taskId, command, stepType, model, reason, workspace: repeated labels.
          pos = this.string(pos);
          const length = this.strEnd - this.strStart;
          if (pos < 0 || length > (key === K_REASON ? TEXT_MAX : LABEL_MAX) || (length === 0 && key !== K_REASON)) return undefined;
          const text = this.intern();
          if (text === undefined) return undefined;
          if (key === K_TASK) taskId = text;
          else if (key === K_COMMAND) command = text;
          else if (key === K_STEP) stepType = text;
          else if (key === K_MODEL) model = text;
          else if (key === K_REASON) reason = text;
          else workspace = text;
        }
      }
      if (pos >= end) return undefined;
      const next = buf[pos];
      pos += 1;
      if (next === CLOSE) break;
      if (next !== COMMA) return undefined;
    }
    if (pos !== end || (seen & REQUIRED) !== REQUIRED || v !== 1 || attempt < 1 || usage === undefined) return undefined;
    // The same fields in the same order as parseLedgerRecord's result.
    const record: CallRecord = { v: 1, taskId, callId, time, command, stepType, tier, model, reason, attempt, usage, costMicros, outcome, workspace };
    if ((seen & (1 << K_KIND)) !== 0) record.kind = 'call';
    if (override !== undefined) record.override = override;
    if (requestId !== undefined) record.requestId = requestId;
    if (cacheMiss !== undefined) record.cacheMiss = cacheMiss;
    return record;
  }

  /**
   * Matches `"name":` at `pos` against `keys`, trying `expected` first (lines the store
   * wrote have their keys in order). Returns the key's index, or -1.
   */
  private key(pos: number, expected: number, keys: readonly Literal[]): number {
    const guess = keys[expected];
    if (guess !== undefined && this.matches(pos, guess)) {
      this.keyEnd = pos + guess.length;
      return expected;
    }
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as Literal;
      if (k !== expected && this.matches(pos, key)) {
        this.keyEnd = pos + key.length;
        return k;
      }
    }
    return -1;
  }

  private matches(pos: number, literal: Literal): boolean {
    if (pos + literal.length > this.end) return false;
    const view = this.view;
    const words = literal.words;
    let at = pos;
    for (let i = 0; i < words.length; i++, at += 4) if (view.getInt32(at, true) !== words[i]) return false;
    const buf = this.buf;
    const bytes = literal.bytes;
    for (let i = words.length * 4; i < bytes.length; i++, at++) if (buf[at] !== bytes[i]) return false;
    return true;
  }

  /**
   * A JSON string at `pos` made only of printable ASCII without escapes, so its bytes are
   * its characters. Returns the position after the closing quote, or -1. Runs a word at a
   * time until a word holds the closing quote (or a byte that makes it bail).
   */
  private string(pos: number): number {
    const buf = this.buf;
    const end = this.end;
    if (pos >= end || buf[pos] !== QUOTE) return -1;
    const view = this.view;
    let hash = FNV_OFFSET;
    let i = pos + 1;
    const lastWord = end - 4;
    while (i <= lastWord) {
      const w = view.getInt32(i, true);
      if (hasSpecialByte(w)) break;
      hash = Math.imul(hash ^ w, FNV_PRIME);
      i += 4;
    }
    for (; i < end; i++) {
      const c = buf[i] as number;
      if (c === QUOTE) {
        this.strStart = pos + 1;
        this.strEnd = i;
        this.strHash = hash;
        return i + 1;
      }
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
      hash = Math.imul(hash ^ c, FNV_PRIME);
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

  /** Whether the last string equals one of `options`; returns that option. */
  private oneOf<T extends string>(options: readonly T[]): T | undefined {
    const length = this.strEnd - this.strStart;
    for (const option of options) if (option.length === length && this.sameText(option)) return option;
    return undefined;
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
    const cached = this.internText[slot] as string;
    if (this.internHash[slot] === hash && cached.length === this.strEnd - this.strStart && this.sameText(cached)) return cached;
    const text = latin1(this.buf, this.strStart, this.strEnd);
    if (text.includes(KEY_MARK)) return undefined;
    this.internHash[slot] = hash;
    this.internText[slot] = text;
    return text;
  }

  /** The usage object: six counts and a service tier (a string or null). */
  private usage(pos: number): number {
    this.usageValue = undefined;
    const buf = this.buf;
    if (pos >= this.end || buf[pos] !== OPEN) return -1;
    pos += 1;
    let seen = 0;
    let expected = 0;
    let input = 0;
    let output = 0;
    let creation = 0;
    let read = 0;
    let cache5m = 0;
    let cache1h = 0;
    let serviceTier: string | null = null;
    for (;;) {
      const key = this.key(pos, expected, USAGE_LITERALS);
      if (key < 0 || (seen & (1 << key)) !== 0) return -1;
      seen |= 1 << key;
      expected = key + 1;
      pos = this.keyEnd;
      if (key === U_SERVICE_TIER) {
        if (this.matches(pos, NULL_LITERAL)) {
          serviceTier = null;
          pos += NULL_LITERAL.length;
        } else {
          pos = this.string(pos);
          if (pos < 0 || this.strEnd - this.strStart > SERVICE_TIER_MAX) return -1;
          const text = this.intern();
          if (text === undefined) return -1;
          serviceTier = text;
        }
      } else {
        pos = this.integer(pos);
        if (pos < 0) return -1;
        const n = this.num;
        if (key === 0) input = n;
        else if (key === 1) output = n;
        else if (key === 2) creation = n;
        else if (key === 3) read = n;
        else if (key === 4) cache5m = n;
        else cache1h = n;
      }
      if (pos >= this.end) return -1;
      const next = buf[pos];
      pos += 1;
      if (next === CLOSE) break;
      if (next !== COMMA) return -1;
    }
    if (seen !== USAGE_REQUIRED) return -1;
    this.usageValue = {
      input_tokens: input, output_tokens: output, cache_creation_input_tokens: creation,
      cache_read_input_tokens: read, cache_5m: cache5m, cache_1h: cache1h, service_tier: serviceTier,
    };
    return pos;
  }

  /** The cache-miss explanation: segment and cause (labels) and detail (text). */
  private cacheMiss(pos: number): number {
    this.missValue = undefined;
    const buf = this.buf;
    if (pos >= this.end || buf[pos] !== OPEN) return -1;
    pos += 1;
    let seen = 0;
    let expected = 0;
    let segment = '';
    let cause = '';
    let detail = '';
    for (;;) {
      const key = this.key(pos, expected, MISS_LITERALS);
      if (key < 0 || (seen & (1 << key)) !== 0) return -1;
      seen |= 1 << key;
      expected = key + 1;
      pos = this.string(this.keyEnd);
      const length = this.strEnd - this.strStart;
      if (pos < 0 || (key === M_DETAIL ? length > TEXT_MAX : length === 0 || length > LABEL_MAX)) return -1;
      const text = this.intern();
      if (text === undefined) return -1;
      if (key === 0) segment = text;
      else if (key === 1) cause = text;
      else detail = text;
      if (pos >= this.end) return -1;
      const next = buf[pos];
      pos += 1;
      if (next === CLOSE) break;
      if (next !== COMMA) return -1;
    }
    if (seen !== MISS_REQUIRED) return -1;
    this.missValue = { segment, cause, detail };
    return pos;
  }
}
