import type { TokenizerGeneration } from './modelTable';

/**
 * A deterministic stand-in tokenizer. It is not Claude's tokenizer (nobody outside
 * Anthropic has that); it only has to be stable, roughly 4 characters a token on English
 * and code, and count the newer generation about 1.3× higher, as the spec says.
 *
 * Pieces: a run of letters (4 characters a token), a run of digits (3 a token), a run of
 * whitespace (a single space is free because it merges into the next word), and any other
 * character alone (punctuation, symbols, non-Latin scripts: one token each).
 */
const PIECE = /[A-Za-z]+|[0-9]+|\s+|[\s\S]/gu;

/** v2 counts are the legacy count scaled by 13/10, rounded up, so the ratio stays near 1.3. */
const V2_NUMERATOR = 13;
const V2_DENOMINATOR = 10;

function pieceUnits(piece: string): number {
  const first = piece.charCodeAt(0);
  if ((first >= 65 && first <= 90) || (first >= 97 && first <= 122)) return Math.ceil(piece.length / 4);
  if (first >= 48 && first <= 57) return Math.ceil(piece.length / 3);
  if (/^\s/u.test(piece)) return piece === ' ' ? 0 : Math.ceil(piece.length / 4);
  return 1;
}

/** Splits text into the tokenizer's pieces; joining them gives the text back. */
export function splitPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/** Converts legacy units into the generation's token count. */
export function scaleUnits(units: number, generation: TokenizerGeneration): number {
  return generation === 'v2' ? Math.ceil((units * V2_NUMERATOR) / V2_DENOMINATOR) : units;
}

/** Legacy units of a text before scaling; additive over concatenated pieces. */
export function countUnits(text: string): number {
  let units = 0;
  for (const piece of splitPieces(text)) units += pieceUnits(piece);
  return units;
}

/** Tokens of one text for a tokenizer generation. */
export function countTokens(text: string, generation: TokenizerGeneration): number {
  return scaleUnits(countUnits(text), generation);
}

/**
 * The longest prefix of `text` that fits in `maxTokens`. `truncated` says whether anything
 * was cut, which is when the API stops with `max_tokens`.
 */
export function truncateToTokens(
  text: string,
  maxTokens: number,
  generation: TokenizerGeneration,
): { text: string; tokens: number; truncated: boolean } {
  let units = 0;
  let kept = '';
  for (const piece of splitPieces(text)) {
    const next = units + pieceUnits(piece);
    if (scaleUnits(next, generation) > maxTokens) {
      return { text: kept, tokens: scaleUnits(units, generation), truncated: true };
    }
    units = next;
    kept += piece;
  }
  return { text: kept, tokens: scaleUnits(units, generation), truncated: false };
}
