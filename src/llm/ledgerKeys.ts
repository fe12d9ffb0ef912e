import { KEY_HASH_OFFSET, KEY_HASH_PRIME } from './ledgerScan';

/*
 * The store's set of record keys (callIds), kept as bytes in typed arrays rather than as
 * 100k JS strings in a Set: the garbage collector never traces it, a load does not copy
 * every callId through the young generation, and it takes less memory. Keys go in either
 * as bytes straight from a ledger line (printable ASCII, so bytes = characters) or as
 * strings, encoded as UTF-8. A string with any surrogate goes to a small ordinary Set
 * instead (UTF-8 turns every lone surrogate into the same bytes), so equality stays
 * exact: such a key can never arrive as bytes, which the scanner only reads as ASCII.
 */

const SURROGATE = /[\ud800-\udfff]/;

/**
 * The hash keys are filed under: FNV-1a over the key's little-endian 32-bit words, then
 * its last 0-3 bytes one at a time. The line scanner computes the same while it reads a
 * callId, so a load does not hash each key twice.
 */
export function ledgerKeyHash(bytes: Uint8Array, start: number, end: number): number {
  let hash = KEY_HASH_OFFSET;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    hash = Math.imul(hash ^ word, KEY_HASH_PRIME);
  }
  for (; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), KEY_HASH_PRIME);
  return hash;
}

const INITIAL_SLOTS = 1 << 12;
const INITIAL_BYTES = 1 << 16;
/** A callId is a UUID: room for this many bytes per reserved key. */
const TYPICAL_KEY_BYTES = 36;

/** A set of keys, each given as bytes or as a string; `has` and `add` in one probe. */
export class LedgerKeySet {
  /**
   * Open addressing with linear probing over (hash, entry + 1) pairs, side by side so a
   * probe touches one cache line; entry 0 marks an empty slot. Kept at most half full.
   */
  private table: Int32Array = new Int32Array(2 * INITIAL_SLOTS);
  private starts: Int32Array = new Int32Array(INITIAL_SLOTS >> 1);
  private lengths: Int32Array = new Int32Array(INITIAL_SLOTS >> 1);
  private arena: Uint8Array = new Uint8Array(INITIAL_BYTES);
  private used = 0;
  private count = 0;
  private scratch = Buffer.allocUnsafe(256);
  /** The last string key encoded into `scratch`, with its length and hash. */
  private lastKey: string | undefined;
  private lastLength = 0;
  private lastHash = 0;
  private readonly odd = new Set<string>();
  private prefetched = 0;

  /** How many keys are held. */
  get size(): number {
    return this.count + this.odd.size;
  }

  /** Forgets every key. */
  clear(): void {
    this.table = new Int32Array(2 * INITIAL_SLOTS);
    this.starts = new Int32Array(INITIAL_SLOTS >> 1);
    this.lengths = new Int32Array(INITIAL_SLOTS >> 1);
    this.arena = new Uint8Array(INITIAL_BYTES);
    this.used = 0;
    this.count = 0;
    this.odd.clear();
  }

  /**
   * Makes room for `count` keys in all, so a large load grows the table once instead of
   * rehashing its way up from a few thousand.
   */
  reserve(count: number): void {
    let slots = this.table.length >> 1;
    while (slots < 2 * count) slots *= 2;
    if (slots > this.table.length >> 1) this.rehash(slots);
    if (this.starts.length < count) this.growEntries(count);
    if (this.arena.length < count * TYPICAL_KEY_BYTES) this.growArena(count * TYPICAL_KEY_BYTES);
  }

  /** Whether the key held in bytes [start, end) of `bytes` is in the set; adds it when `add`. */
  hasBytes(bytes: Uint8Array, start: number, end: number, add: boolean): boolean {
    return this.hasHashed(bytes, start, end, ledgerKeyHash(bytes, start, end), add);
  }

  /** {@link hasBytes} with the key's {@link ledgerKeyHash} already worked out. */
  hasHashed(bytes: Uint8Array, start: number, end: number, hash: number, add: boolean): boolean {
    const length = end - start;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = table[2 * slot + 1] as number;
      if (entry === 0) break;
      if (table[2 * slot] === hash && this.lengths[entry - 1] === length && this.sameBytes(entry - 1, bytes, start, length)) return true;
      slot = (slot + 1) & mask;
    }
    if (add) this.insert(slot, hash, bytes, start, length);
    return false;
  }

  /**
   * Reads the slot where the lookup of each of the first `count` hashes starts, so that
   * lookups of those keys right after find their slots in cache. Read together, the cache
   * misses of a batch overlap; a lookup per line, between two lines' scanning, waits out
   * each miss on its own (the table is megabytes, read at random).
   */
  prefetch(hashes: Int32Array, count: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let sum = 0;
    for (let i = 0; i < count; i++) sum += table[2 * ((hashes[i] as number) & mask) + 1] as number;
    // Kept, so the reads are not optimized away as unused.
    this.prefetched = sum;
  }

  /** Whether `key` is in the set; adds it when `add`. */
  hasString(key: string, add: boolean): boolean {
    if (key !== this.lastKey) {
      // An append asks twice (before and after its write): encode and hash once.
      this.lastKey = undefined;
      const length = this.encode(key);
      if (length < 0) {
        const had = this.odd.has(key);
        if (add) this.odd.add(key);
        return had;
      }
      this.lastLength = length;
      this.lastHash = ledgerKeyHash(this.scratch, 0, length);
      this.lastKey = key;
    }
    return this.hasHashed(this.scratch, 0, this.lastLength, this.lastHash, add);
  }

  /**
   * Writes `key` as UTF-8 into `scratch` and returns its length, or -1 for a key with a
   * surrogate (kept as a string instead). ASCII, the usual callId, is copied in a loop:
   * cheaper than the two native calls an encode takes.
   */
  private encode(key: string): number {
    if (key.length > this.scratch.length) this.scratch = Buffer.allocUnsafe(key.length * 2);
    const scratch = this.scratch;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) return this.encodeWide(key);
      scratch[i] = c;
    }
    return key.length;
  }

  private encodeWide(key: string): number {
    if (SURROGATE.test(key)) return -1;
    const needed = Buffer.byteLength(key, 'utf8');
    if (needed > this.scratch.length) this.scratch = Buffer.allocUnsafe(needed * 2);
    return this.scratch.write(key, 0, 'utf8');
  }

  private sameBytes(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const from = this.starts[entry] as number;
    for (let i = 0; i < length; i++) if (arena[from + i] !== bytes[start + i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, start: number, length: number): void {
    if (this.used + length > this.arena.length) this.growArena(Math.max(this.arena.length * 2, this.used + length));
    // A plain loop: keys are short, and subarray + set costs a view object per key.
    const arena = this.arena;
    const at = this.used;
    for (let i = 0; i < length; i++) arena[at + i] = bytes[start + i] as number;
    const entry = this.count;
    if (entry === this.starts.length) this.growEntries(entry * 2);
    this.starts[entry] = at;
    this.lengths[entry] = length;
    this.used += length;
    this.count += 1;
    this.table[2 * slot] = hash;
    this.table[2 * slot + 1] = entry + 1;
    if (this.count * 4 > this.table.length) this.rehash(this.table.length);
  }

  private growArena(size: number): void {
    const grown = new Uint8Array(size);
    grown.set(this.arena.subarray(0, this.used));
    this.arena = grown;
  }

  private growEntries(size: number): void {
    const grow = (from: Int32Array): Int32Array => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
  }

  /** Moves every entry into a table of `slots` slots (a power of two). */
  private rehash(slots: number): void {
    const old = this.table;
    const table = new Int32Array(2 * slots);
    const mask = slots - 1;
    if (this.count === 0) {
      this.table = table;
      return;
    }
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i + 1] as number;
      if (entry === 0) continue;
      const hash = old[i] as number;
      let slot = hash & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = hash;
      table[2 * slot + 1] = entry;
    }
    this.table = table;
  }
}
