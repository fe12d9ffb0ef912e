import type { Tier } from '../tiers';
import { FNV_OFFSET as FNV_OFFSET_EXPORT, fnv1a, fnvStep as fnvStepExport } from '../hash';
import { TIERS, tierRank } from '../tiers';

/**
 * The router's second stage: a linear model of a request's wording that reads the rules'
 * verdict as one of its inputs and may move the tier by evidence the rules cannot express.
 *
 * Why it exists: hand-written rules plateaued on requests they had never seen (65–76% on
 * fresh changelog wording, each rule round gaining about a point), because what separates
 * "fix X" at execute from "fix X" at judgment is usually domain knowledge spread over many
 * words. A multinomial logistic regression over word and character n-grams, the touched
 * paths, the change size and the rules' own tier, trained on the labelled sets in
 * test/support/fixtures/routing (never on ../shared/routing/dev.jsonl), carries that spread
 * knowledge. For every set it was trained on, the rules' tier it learns from is the one the
 * rules gave on their first run over that set (first-runs.json), so it learns how far to
 * trust the rules on unseen wording, not on wording they were tuned to.
 *
 * The classifier asks it only about single-line free-form requests, worded like commit
 * subjects rather than addressed to the assistant, that the rules are not sure of
 * (readsWording in classifier.ts). Deterministic: fixed weights (tools/trainRouter.ts
 * writes wording-model.json), no randomness, no I/O. The model may raise a tier freely but lowers the rules' tier by at
 * most one step (never from exception), and never to labour when it gives judgment 10% or
 * more (see combine).
 */

/** The weights file as tools/trainRouter.ts writes it. */
export interface WordingModel {
  readonly about: string;
  readonly trainedOn: { readonly items: number; readonly sets: readonly string[] };
  /** Term lists and their inverse document frequencies, one pair per block. */
  readonly words: readonly string[];
  readonly wordIdf: readonly number[];
  readonly chars: readonly string[];
  readonly charIdf: readonly number[];
  readonly paths: readonly string[];
  readonly pathIdf: readonly number[];
  /** Feature-major: weights[f * 4 + k] is feature f's weight for TIERS[k]. */
  readonly weights: readonly number[];
  readonly bias: readonly number[];
  /**
   * Softens the probabilities the classifier reads (see {@link calibrated}); fitted by the
   * trainer on predictions for sets each fold's model never saw.
   */
  readonly temperature: number;
}

/** What the model reads about one request. */
export interface WordingInput {
  readonly text: string;
  readonly paths: readonly string[];
  readonly files: number | undefined;
  readonly lines: number | undefined;
  /** The rules' verdict. */
  readonly ruleTier: Tier;
  readonly ruleConfidence: number;
}

/** A sparse feature vector: parallel index and value arrays. */
export interface Features {
  readonly index: number[];
  readonly value: number[];
}

/**
 * Features after the three term blocks: size (4), the rules' verdict (one-hot 4 + confidence),
 * and the rules' verdict again on a small change (one-hot 4).
 */
export const DENSE_FEATURES = 13;
/**
 * A change this small (lines changed) lets the model weigh the rules' verdict apart: "add
 * `Foo::bar`" or "fix X" over 12 lines is labour far more often than over 300, and a linear
 * model cannot learn that from size and tier features added separately. Measured on the
 * 2,163 requests the model is never trained on, with a model trained as shipped: 40 lines
 * gained 1.1 points on the fresh sets, 0.6 on unseen and 1.0 on other projects with no new
 * severe miss (held-out P-S +0.2); 10 and 20 lines, or four size bands, gained as much or
 * more on the fresh sets but added severe misses on the others.
 */
const SMALL_CHANGE_LINES = 40;
/** Paths are weaker evidence than wording. */
const PATH_SCALE = 0.5;
const WORD = /[a-z_][a-z0-9_]+/g;
const PATH_TOKEN = /[a-z0-9_]+/g;
const SPACE = /\s+/;

/*
 * Terms come in two forms that must agree. The trainer builds its vocabulary from the string
 * forms (wordTerms, charTerms, pathTerms). Classification never builds those strings: it
 * scans the text once per block and looks each term up by its 32-bit FNV-1a hash
 * (scanWords, scanChars, scanPaths), which keeps the model within the classifier's time
 * budget. A unit test holds the scanners to the string forms.
 */

/**
 * The model reads the subject line, at most this many characters of it. Its training data
 * is subject lines (median 47 characters; 26 of 2,306 labelled requests have a body), and the
 * rules already read the body for hazards; reading it here too would double the classifier's
 * time on long requests for evidence the model was never trained on.
 */
const SUBJECT_SPAN = 120;

/** The part of the lower-cased text the model reads. */
export function subjectOf(lower: string): string {
  const newline = lower.indexOf('\n');
  return lower.slice(0, Math.min(newline < 0 ? lower.length : newline, SUBJECT_SPAN));
}

/** Word unigrams and adjacent bigrams of the lower-cased text. */
export function wordTerms(lower: string): string[] {
  const tokens = lower.match(WORD) ?? [];
  const terms = tokens.slice();
  for (let i = 1; i < tokens.length; i++) terms.push(`${tokens[i - 1]} ${tokens[i]}`);
  return terms;
}

/** Character 3- to 5-grams inside each space-padded word (a one-letter word counts once, whole). */
export function charTerms(lower: string): string[] {
  const terms: string[] = [];
  for (const word of lower.split(SPACE)) {
    if (word === '') continue;
    const w = ` ${word} `;
    for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= w.length; i++) terms.push(w.slice(i, i + n));
  }
  return terms;
}

/** Name parts of the touched paths. */
export function pathTerms(paths: readonly string[]): string[] {
  return paths.join(' ').toLowerCase().match(PATH_TOKEN) ?? [];
}

const SPACE_CODE = 32;
// Bound once: under the CommonJS transform the tests and benchmarks run through, an imported
// binding is a getter call per use, and the scanners use these once per character.
const FNV_OFFSET = FNV_OFFSET_EXPORT;
const fnvStep = fnvStepExport;

function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** What `\s` matches. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Receives term hashes from a scanner (the classifier's is a TermTable, which counts them). */
export interface TermSink {
  term(hash: number): void;
}

/** The hashes of wordTerms(lower), in the same order per token (unigram, then its bigram). */
export function scanWords(lower: string, sink: TermSink): void {
  let prev = 0;
  let hasPrev = false;
  for (let i = 0; i < lower.length;) {
    if (!isTokenChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    while (end < lower.length && isTokenChar(lower.charCodeAt(end))) end++;
    let start = i;
    while (start < end && lower.charCodeAt(start) <= 57) start++; // a token cannot start with a digit
    if (end - start >= 2) {
      let h = FNV_OFFSET;
      for (let k = start; k < end; k++) h = fnvStep(h, lower.charCodeAt(k));
      sink.term(h);
      if (hasPrev) {
        let b = fnvStep(prev, SPACE_CODE);
        for (let k = start; k < end; k++) b = fnvStep(b, lower.charCodeAt(k));
        sink.term(b);
      }
      prev = h;
      hasPrev = true;
    }
    i = end;
  }
}

/** The hashes of charTerms(lower). */
export function scanChars(lower: string, sink: TermSink): void {
  for (let i = 0; i < lower.length;) {
    if (isSpace(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i;
    while (end < lower.length && !isSpace(lower.charCodeAt(end))) end++;
    // The padded word " w ": position p is a space at both ends, else lower[i + p - 1].
    const padded = end - i + 2;
    for (let p = 0; p + 3 <= padded; p++) {
      let h = FNV_OFFSET;
      for (let k = 0; k < 5 && p + k < padded; k++) {
        const q = p + k;
        h = fnvStep(h, q === 0 || q === padded - 1 ? SPACE_CODE : lower.charCodeAt(i + q - 1));
        if (k >= 2) sink.term(h);
      }
    }
    i = end;
  }
}

/** The hashes of pathTerms(paths). */
export function scanPaths(paths: readonly string[], sink: TermSink): void {
  for (const path of paths) {
    const lower = path.toLowerCase();
    let h = FNV_OFFSET;
    let inToken = false;
    for (let i = 0; i <= lower.length; i++) {
      const c = i < lower.length ? lower.charCodeAt(i) : -1;
      if (c >= 0 && isTokenChar(c)) {
        h = fnvStep(h, c);
        inToken = true;
      } else if (inToken) {
        sink.term(h);
        h = FNV_OFFSET;
        inToken = false;
      }
    }
  }
}

/**
 * One block's vocabulary as an open-addressing hash table whose 16-byte slots (four to a
 * cache line) carry everything a term needs: hash (int32), feature number (uint16), idf and
 * the four tier weights (int16, in thousandths; the weights file has three decimals), so a
 * term costs one memory access and no string is built or hashed by the engine.
 */
class TermTable implements TermSink {
  private readonly hashes: Int32Array;
  private readonly features: Uint16Array;
  private readonly fixed: Int16Array;
  private readonly mask: number;
  /** Occurrences per slot in the request being read (capped at 255), and the slots hit. */
  private readonly counts: Uint8Array;
  private readonly touched: number[] = [];
  /** tf × idf of the touched slots, before normalising. */
  private readonly tfidf: Float64Array;

  constructor(terms: readonly string[], idf: readonly number[], model: WordingModel, offset: number) {
    let size = 16;
    while (size * 3 < terms.length * 4) size *= 2; // load at most 3/4
    const buffer = new ArrayBuffer(size * SLOT_BYTES);
    this.hashes = new Int32Array(buffer);
    this.features = new Uint16Array(buffer);
    this.fixed = new Int16Array(buffer);
    this.mask = size - 1;
    this.counts = new Uint8Array(size);
    this.tfidf = new Float64Array(size);
    for (let slot = 0; slot < size; slot++) this.features[slot * 8 + 2] = EMPTY;
    terms.forEach((term, i) => {
      const h = fnv1a(term);
      let slot = this.slotOf(h);
      while (this.features[slot * 8 + 2] !== EMPTY && this.hashes[slot * 4] !== h) slot = (slot + 1) & this.mask;
      // Two vocabulary terms with one hash: the first keeps it (the trainer sees the same).
      if (this.features[slot * 8 + 2] !== EMPTY) return;
      const f = offset + i;
      this.hashes[slot * 4] = h;
      this.features[slot * 8 + 2] = f;
      this.fixed[slot * 8 + 3] = toFixed(idf[i] ?? 0);
      for (let k = 0; k < 4; k++) this.fixed[slot * 8 + 4 + k] = toFixed(model.weights[f * 4 + k] ?? 0);
    });
  }

  private slotOf(h: number): number {
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** Counts one occurrence of the term with this hash, if it is in the vocabulary. */
  term(h: number): void {
    for (let slot = this.slotOf(h); ; slot = (slot + 1) & this.mask) {
      if (this.features[slot * 8 + 2] === EMPTY) return;
      if (this.hashes[slot * 4] !== h) continue;
      const n = this.counts[slot]!;
      if (n === 0) this.touched.push(slot);
      if (n < 255) this.counts[slot] = n + 1;
      return;
    }
  }

  /**
   * Turns the counted terms into sub-linear tf × idf, L2-normalised and scaled; adds their
   * weighted sum to `z` and appends them to the shared vector; then forgets the request.
   */
  flush(scale: number, z: Float64Array, keep: boolean): void {
    const touched = this.touched;
    let norm = 0;
    for (let i = 0; i < touched.length; i++) {
      const slot = touched[i]!;
      const n = this.counts[slot]!;
      this.counts[slot] = 0;
      const v = (n === 1 ? 1 : 1 + Math.log(n)) * this.fixed[slot * 8 + 3]! * UNFIX;
      this.tfidf[i] = v;
      norm += v * v;
    }
    const k = norm > 0 ? (scale / Math.sqrt(norm)) * UNFIX : 0;
    for (let i = 0; i < touched.length; i++) {
      const base = touched[i]! * 8;
      const v = this.tfidf[i]! * k;
      z[0]! += v * this.fixed[base + 4]!;
      z[1]! += v * this.fixed[base + 5]!;
      z[2]! += v * this.fixed[base + 6]!;
      z[3]! += v * this.fixed[base + 7]!;
      if (keep) append(this.features[base + 2]!, v * FIXED);
    }
    touched.length = 0;
  }
}
const SLOT_BYTES = 16;
const FIXED = 1000;
const UNFIX = 1 / FIXED;
const EMPTY = 0xffff;

function toFixed(x: number): number {
  const q = Math.round(x * FIXED);
  if (q < -32768 || q > 32767) throw new Error(`wording model value ${x} does not fit the table`);
  return q;
}

interface Index {
  readonly words: TermTable;
  readonly chars: TermTable;
  readonly paths: TermTable;
  /** Feature number of the first dense feature (size, then the rules' verdict). */
  readonly dense: number;
  readonly size: number;
}

const indexes = new WeakMap<WordingModel, Index>();

function indexOf(model: WordingModel): Index {
  let index = indexes.get(model);
  if (!index) {
    const chars = model.words.length;
    const paths = chars + model.chars.length;
    const dense = paths + model.paths.length;
    if (dense + DENSE_FEATURES > EMPTY) throw new Error('wording model has more features than a table slot can number');
    index = {
      words: new TermTable(model.words, model.wordIdf, model, 0),
      chars: new TermTable(model.chars, model.charIdf, model, chars),
      paths: new TermTable(model.paths, model.pathIdf, model, paths),
      dense,
      size: dense + DENSE_FEATURES,
    };
    indexes.set(model, index);
  }
  return index;
}

/** The number of features the model's weights must cover. */
export function featureCount(model: WordingModel): number {
  return indexOf(model).size;
}

/** The vector being built, reused between requests (classification allocates almost nothing). */
let vecIndex = new Int32Array(512);
let vecValue = new Float64Array(512);
let vecLength = 0;
const scores = new Float64Array(4);

function append(f: number, v: number): void {
  if (vecLength === vecIndex.length) {
    const index = new Int32Array(vecLength * 2);
    const value = new Float64Array(vecLength * 2);
    index.set(vecIndex);
    value.set(vecValue);
    vecIndex = index;
    vecValue = value;
  }
  vecIndex[vecLength] = f;
  vecValue[vecLength++] = v;
}

/** Reads one request: fills the shared vector and leaves its linear scores in `scores`. */
function build(model: WordingModel, input: WordingInput, keep: boolean): void {
  const ix = indexOf(model);
  vecLength = 0;
  for (let k = 0; k < 4; k++) scores[k] = model.bias[k]!;
  const subject = subjectOf(input.text.toLowerCase());
  scanWords(subject, ix.words);
  ix.words.flush(1, scores, keep);
  scanChars(subject, ix.chars);
  ix.chars.flush(1, scores, keep);
  scanPaths(input.paths, ix.paths);
  ix.paths.flush(PATH_SCALE, scores, keep);
  const lines = input.lines;
  const files = input.files;
  dense(model, ix.dense, Math.log1p(lines ?? 0) / 3, keep);
  if (lines === undefined) dense(model, ix.dense + 1, 1, keep);
  dense(model, ix.dense + 2, Math.log1p(files ?? 0) / 2, keep);
  if (files === undefined) dense(model, ix.dense + 3, 1, keep);
  dense(model, ix.dense + 4 + tierRank(input.ruleTier), 1, keep);
  dense(model, ix.dense + 8, input.ruleConfidence, keep);
  if (lines !== undefined && lines <= SMALL_CHANGE_LINES) dense(model, ix.dense + 9 + tierRank(input.ruleTier), 1, keep);
}

function dense(model: WordingModel, f: number, v: number, keep: boolean): void {
  for (let k = 0; k < 4; k++) scores[k]! += v * model.weights[f * 4 + k]!;
  if (keep) append(f, v);
}

function softmax(z0: number, z1: number, z2: number, z3: number): number[] {
  const top = Math.max(z0, z1, z2, z3);
  const e0 = Math.exp(z0 - top);
  const e1 = Math.exp(z1 - top);
  const e2 = Math.exp(z2 - top);
  const e3 = Math.exp(z3 - top);
  const sum = e0 + e1 + e2 + e3;
  return [e0 / sum, e1 / sum, e2 / sum, e3 / sum];
}

/** The sparse feature vector of one request under `model`'s vocabulary (a copy, for the trainer). */
export function featurise(model: WordingModel, input: WordingInput): Features {
  build(model, input, true);
  const out: Features = { index: [], value: [] };
  for (let i = 0; i < vecLength; i++) {
    if (vecValue[i] === 0) continue;
    out.index.push(vecIndex[i]!);
    out.value.push(vecValue[i]!);
  }
  return out;
}

/**
 * Softmax of the linear scores of a feature vector, in TIERS order (H, S, O, F): the plain
 * reference that the fused {@link predict} is tested against.
 */
export function probabilities(model: WordingModel, x: Features): number[] {
  const z = model.bias.slice(0, 4);
  for (let i = 0; i < x.index.length; i++) {
    for (let k = 0; k < 4; k++) z[k]! += x.value[i]! * model.weights[x.index[i]! * 4 + k]!;
  }
  return softmax(z[0]!, z[1]!, z[2]!, z[3]!);
}

/** featurise + probabilities in one pass, without allocating the vector: the classifier's path. */
export function predict(model: WordingModel, input: WordingInput): number[] {
  build(model, input, false);
  return softmax(scores[0]!, scores[1]!, scores[2]!, scores[3]!);
}

/**
 * The probabilities at the model's temperature: softmax(z / T), computed from softmax(z) as
 * p^(1/T) renormalised. The classifier reads these (for `combine` and as confidence), so the
 * difficulty check's threshold and the judgment floor read as chances on wording the model
 * was not trained on. The favourite tier is the same at any temperature.
 */
export function calibrated(model: WordingModel, p: readonly number[]): number[] {
  const k = 1 / model.temperature;
  const q = p.map((x) => x ** k);
  const sum = q[0]! + q[1]! + q[2]! + q[3]!;
  return q.map((x) => x / sum);
}

/** The rank of the tier the model gives most (the first of equals), in TIERS order. */
export function favourite(p: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < 4; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

/** Judgment this likely or more keeps an execute route off labour. */
export const JUDGMENT_FLOOR = 0.1;

/**
 * The tier the router settles on, from the rules' tier and the model's probabilities.
 * Measured leave-one-set-out: letting the model lower freely cost severe under-routes
 * (injection- and path-traversal-shaped bugs read as labour), so it lowers one step at most
 * and an execute route with real judgment probability stays at execute. The exception tier
 * is the rules' call alone (2% of the labels: too few for the model to overrule them).
 */
export function combine(ruleTier: Tier, p: readonly number[]): Tier {
  const rule = tierRank(ruleTier);
  let best = favourite(p);
  if (rule === 3) return 'F';
  if (best < rule - 1) best = rule - 1;
  if (best === 0 && rule === 1 && p[2]! + p[3]! >= JUDGMENT_FLOOR) best = 1;
  return TIERS[best]!;
}
