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

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const INITIAL_SLOTS = 1 << 12;
const INITIAL_BYTES = 1 << 16;

/** A set of keys, each given as bytes or as a string; `has` and `add` in one probe. */
export class LedgerKeySet {
  /** Open addressing, linear probing: entry index + 1, or 0 for an empty slot. */
  private slots: Int32Array = new Int32Array(INITIAL_SLOTS);
  private hashes: Int32Array = new Int32Array(INITIAL_SLOTS >> 1);
  private starts: Int32Array = new Int32Array(INITIAL_SLOTS >> 1);
  private lengths: Int32Array = new Int32Array(INITIAL_SLOTS >> 1);
  private arena: Uint8Array = new Uint8Array(INITIAL_BYTES);
  private used = 0;
  private count = 0;
  private scratch = Buffer.allocUnsafe(256);
  private readonly odd = new Set<string>();

  /** How many keys are held. */
  get size(): number {
    return this.count + this.odd.size;
  }

  /** Forgets every key. */
  clear(): void {
    this.slots = new Int32Array(INITIAL_SLOTS);
    this.hashes = new Int32Array(INITIAL_SLOTS >> 1);
    this.starts = new Int32Array(INITIAL_SLOTS >> 1);
    this.lengths = new Int32Array(INITIAL_SLOTS >> 1);
    this.arena = new Uint8Array(INITIAL_BYTES);
    this.used = 0;
    this.count = 0;
    this.odd.clear();
  }

  /** Whether the key held in bytes [start, end) of `bytes` is in the set; adds it when `add`. */
  hasBytes(bytes: Uint8Array, start: number, end: number, add: boolean): boolean {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), FNV_PRIME);
    const length = end - start;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      if (this.hashes[entry - 1] === hash && this.lengths[entry - 1] === length && this.sameBytes(entry - 1, bytes, start, length)) return true;
      slot = (slot + 1) & mask;
    }
    if (add) this.insert(slot, hash, bytes, start, length);
    return false;
  }

  /** Whether `key` is in the set; adds it when `add`. */
  hasString(key: string, add: boolean): boolean {
    if (SURROGATE.test(key)) {
      const had = this.odd.has(key);
      if (add) this.odd.add(key);
      return had;
    }
    const needed = Buffer.byteLength(key, 'utf8');
    if (needed > this.scratch.length) this.scratch = Buffer.allocUnsafe(needed * 2);
    const length = this.scratch.write(key, 0, 'utf8');
    return this.hasBytes(this.scratch, 0, length, add);
  }

  private sameBytes(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const from = this.starts[entry] as number;
    for (let i = 0; i < length; i++) if (arena[from + i] !== bytes[start + i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, start: number, length: number): void {
    if (this.used + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(start, start + length), this.used);
    const entry = this.count;
    if (entry === this.hashes.length) this.growEntries();
    this.hashes[entry] = hash;
    this.starts[entry] = this.used;
    this.lengths[entry] = length;
    this.used += length;
    this.count += 1;
    this.slots[slot] = entry + 1;
    // Kept at most half full, so probes stay short.
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const size = this.hashes.length * 2;
    const grow = (from: Int32Array): Int32Array => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = (this.hashes[entry] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}
