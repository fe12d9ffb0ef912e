/**
 * FNV-1a over UTF-16 code units, as a signed 32-bit integer: a fast, stable hash for short
 * strings (workspace tags, the router's term lookup). Not for anything an attacker chooses
 * to collide with. The ledger's line scanner hashes bytes a word at a time instead, for speed
 * (ledgerScan.ts), and is not interchangeable with this.
 */
export const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** `hash` with one more code unit mixed in. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** The FNV-1a hash of a whole string. */
export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = fnvStep(hash, text.charCodeAt(i));
  return hash;
}
