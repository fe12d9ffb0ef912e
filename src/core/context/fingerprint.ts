/**
 * Content fingerprints for cache-health bookkeeping. Pure TypeScript (no node:crypto) so the
 * core stays portable; two independent 32-bit lanes give a 64-bit value, which is plenty to
 * tell "this segment changed" apart from "it did not" — it is not a security hash.
 */

/** A 16-hex-digit fingerprint of `text`, stable across runs and platforms. */
export function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The length goes in so that prefixes of each other cannot collide trivially.
  h2 ^= text.length;
  return hex32(h1) + hex32(h2);
}

/** Fingerprint of an ordered list of fingerprints (a prefix chain, a set of parts). */
export function combineFingerprints(parts: readonly string[]): string {
  return fingerprint(parts.join('\n'));
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
