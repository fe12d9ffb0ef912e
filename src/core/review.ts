import { callsSaid, countOf, formatUsdAlike } from './ledger/format';
import { totalMicros } from './ledger/record';
import type { Finding, JudgeAnswer, Verdict } from './protocol';
import { sayCodeRisks } from './routing/codeRisks';
import type { CodeRisk } from './routing/codeRisks';
import type { Tier } from './tiers';

/**
 * The review pipeline's pure parts: which first-pass findings go to the judgment tier,
 * and how its verdicts merge back, keeping who found and who confirmed each finding.
 */

/** Below this the first pass is unsure enough that judgment should look. */
const LOW_CONFIDENCE = 0.6;

/** Why a finding needs judgment, or undefined when the first pass's word is enough. */
export function escalationReason(finding: Finding): string | undefined {
  if (finding.category === 'security') return 'security-related';
  if (finding.category === 'concurrency') return 'concurrency';
  if (finding.severity === 'high' || finding.severity === 'critical') return `${finding.severity} severity`;
  if (finding.confidence < LOW_CONFIDENCE) return `low confidence (${finding.confidence.toFixed(2)})`;
  return undefined;
}

export interface ReviewedFinding extends Finding {
  /** The tier whose pass reported it. */
  foundBy: Tier;
  foundByModel: string;
  /** The judgment tier's verdict, when it was asked. */
  confirmedBy?: Tier;
  confirmedByModel?: string;
  verdict?: Verdict['verdict'];
  /** Why it was escalated. */
  escalated?: string;
}

/** A first-pass finding with the tier and model of the part that found it (parts may answer on different tiers). */
export type FoundFinding = Finding & Pick<ReviewedFinding, 'foundBy' | 'foundByModel'>;

export interface ReviewMerge {
  kept: ReviewedFinding[];
  rejected: ReviewedFinding[];
}

/**
 * Why the judgment pass runs, or undefined when the first pass's word stands: findings that
 * need judgment; a security review (always judged); or risky constructs in the code
 * (codeRisks.ts) that the cheap pass raised nothing about. A query built from strings with no
 * finding that needs judgment is the miss this pass exists for, and the judge is asked to
 * add what the first pass missed.
 */
export function judgmentReason(escalated: readonly { reason: string }[], security: boolean, codeRisks: readonly CodeRisk[]): string | undefined {
  if (escalated.length > 0) return `review pass 2: ${countOf(escalated.length, 'finding')} need${escalated.length === 1 ? 's' : ''} judgment (${[...new Set(escalated.map((e) => e.reason))].join(', ')})`;
  if (security) return 'review pass 2: a security review is always judged';
  if (codeRisks.length === 0) return undefined;
  return `review pass 2: the code ${sayCodeRisks(codeRisks)}, and the first pass raised nothing that needs judgment`;
}

/** Splits first-pass findings into those that go to judgment (with their reason) and the rest. */
export function triage<F extends Finding>(findings: readonly F[]): { escalate: { finding: F; reason: string }[]; keep: F[] } {
  const escalate: { finding: F; reason: string }[] = [];
  const keep: F[] = [];
  for (const finding of findings) {
    const reason = escalationReason(finding);
    if (reason) escalate.push({ finding, reason });
    else keep.push(finding);
  }
  return { escalate, keep };
}

/**
 * Applies the judge's verdicts. A finding the judge did not mention keeps the first pass's
 * word (unconfirmed); a rewrite replaces message/severity; findings the judge adds are its own.
 */
export function mergeVerdicts(
  kept: readonly FoundFinding[],
  escalated: readonly { finding: FoundFinding; reason: string }[],
  judge: { tier: Tier; model: string; answer: JudgeAnswer } | undefined,
): ReviewMerge {
  const result: ReviewMerge = { kept: [...kept], rejected: [] };
  const verdicts = new Map<number, Verdict>();
  for (const v of judge?.answer.verdicts ?? []) verdicts.set(v.index, v);
  escalated.forEach(({ finding, reason }, index) => {
    const base: ReviewedFinding = { ...finding, escalated: reason };
    const verdict = judge ? verdicts.get(index) : undefined;
    if (!judge || !verdict) {
      result.kept.push(base);
      return;
    }
    const judged: ReviewedFinding = {
      ...base,
      confirmedBy: judge.tier,
      confirmedByModel: judge.model,
      verdict: verdict.verdict,
      ...(verdict.verdict === 'rewrite' && verdict.message ? { message: verdict.message } : {}),
      ...(verdict.severity ? { severity: verdict.severity } : {}),
    };
    (verdict.verdict === 'reject' ? result.rejected : result.kept).push(judged);
  });
  // A finding the judge "adds" at the same place and of the same kind as one it kept is that
  // finding again (a judge that counted lines differently, or named the file another way), not
  // a second problem. One it rejected there is not: rejecting the first pass's wrong reading
  // and adding the real problem in its place is how a judge often corrects it.
  const judged = [...result.kept];
  for (const added of judge?.answer.added ?? []) {
    if (judged.some((f) => f.startLine === added.startLine && f.category === added.category && sameFile(f.file, added.file))) continue;
    result.kept.push({ ...added, foundBy: judge!.tier, foundByModel: judge!.model, confirmedBy: judge!.tier, confirmedByModel: judge!.model, verdict: 'confirm' });
  }
  const order = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
  result.kept.sort((a, b) => order[a.severity] - order[b.severity] || a.file.localeCompare(b.file) || a.startLine - b.startLine);
  return result;
}

/**
 * What judgment did, counted from the merged findings: a judge's own summary may count
 * otherwise (a duplicate it "added" is dropped by mergeVerdicts), so the report's counts are Ladder's.
 */
export function judgmentTally(merged: ReviewMerge, security = false): string {
  const sent = [...merged.kept, ...merged.rejected].filter((f) => f.escalated);
  const verdicts = (v: Verdict['verdict']) => sent.filter((f) => f.confirmedByModel && f.verdict === v).length;
  const unjudged = sent.filter((f) => !f.confirmedByModel).length;
  const added = merged.kept.filter((f) => !f.escalated && f.confirmedByModel).length;
  const read = sent.length === 0
    ? security ? 'Judgment read the code (a security review is always judged);' : 'Judgment checked the risky code the first pass raised nothing about;'
    : `Judgment read ${countOf(sent.length, 'finding')} from the first pass: ${verdicts('confirm')} confirmed, ${verdicts('rewrite')} rewritten, ${verdicts('reject')} rejected${unjudged > 0 ? `, ${unjudged} without a verdict` : ''};`;
  return `${read} it added ${added}. ${countOf(merged.kept.length, 'finding')} in all.`;
}

/** The same file named two ways ("a.ts", "src/a.ts", "./src/a.ts"). */
function sameFile(a: string, b: string): boolean {
  const x = a.replace(/^\.\//, '');
  const y = b.replace(/^\.\//, '');
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}

/**
 * Splits long material into chunks of whole lines so each first-pass call stays small. A
 * final newline ends the last line; it does not start an empty one (a file of 800 lines
 * would otherwise send a third, empty, paid part).
 */
export function chunkLines(text: string, startLine: number, maxLines = 400): { text: string; startLine: number; endLine: number }[] {
  const lines = (text.endsWith('\n') && text.length > 1 ? text.slice(0, -1) : text).split('\n');
  const chunks: { text: string; startLine: number; endLine: number }[] = [];
  for (let i = 0; i < lines.length; i += maxLines) {
    const part = lines.slice(i, i + maxLines);
    chunks.push({ text: part.join('\n'), startLine: startLine + i, endLine: startLine + i + part.length - 1 });
  }
  return chunks;
}

/** Who stands behind a finding, as the diagnostics and the report say it. */
export function provenance(f: ReviewedFinding): string {
  // Sent to judgment but never judged: judgment did not run, or gave this one no verdict.
  if (!f.confirmedByModel) return `found by ${f.foundByModel}${f.escalated ? ', not judged' : ''}`;
  // Judged findings carry why they were sent; the judge's own additions were never sent.
  if (!f.escalated) return `added by ${f.confirmedByModel}`;
  const judged = f.verdict === 'reject' ? 'rejected' : f.verdict === 'rewrite' ? 'rewritten' : 'confirmed';
  return `found by ${f.foundByModel}, ${judged} by ${f.confirmedByModel}`;
}

export interface ReviewReport {
  title: string;
  /** "src/orders.ts:9-23" */
  where: string;
  summary: string;
  kept: readonly ReviewedFinding[];
  rejected: readonly ReviewedFinding[];
  /** Each pass's route: model, tier label and reason chain; `part` (from 1) when the first pass read the material in parts. */
  routes: readonly { model: string; tier: string; reasons: readonly string[]; part?: number }[];
  /** Every billed call of the task, in order. */
  calls: readonly { model: string; costMicros: number }[];
  /** Files of a reviewed folder that were not sent, or not whole, and why ('' path: a line of its own, e.g. a count). */
  notReviewed?: readonly { path: string; why: string }[];
}

/** Model text on one line: what a follow-up reads. */
function plain(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * What Markdown reads as markup in model text: links and images (`[`), autolinks and HTML
 * (`<`), entities, emphasis, strikethrough, math (`$`), an address that becomes a mail link
 * (`@`), escapes themselves, and the first `/` of `//`, so neither `https://host` nor `//host`
 * is linkified (`https:\//host` reads the same). A `_` inside a word is no emphasis, so
 * `snake_case` stays as it is. `!`, `(`, `)` and a `>` mid-line do nothing without these.
 */
const MARKUP = /[\\`*[\]<&~$@]|\/(?=\/)|_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_/gu;

/**
 * Model text on one line, as text in the Markdown preview: no image (which it would fetch
 * unasked), link, HTML, or heading, list or quote (its start is escaped too: the text may
 * open a line). A code span of single backticks is left as written: the preview shows its
 * text literally, and every other backtick is escaped, so the spans stay the model's.
 */
function inline(text: string): string {
  return plain(text)
    .split(/((?<!`)`[^`]+`(?!`))/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(MARKUP, '\\$&')))
    .join('')
    .replace(/^(\d+)(?=[.)])|^(?=[#>+-])/, '$1\\');
}

/** Text in a code span, or escaped text when it holds a backtick of its own. */
function code(text: string): string {
  return text.includes('`') ? inline(text) : `\`${plain(text)}\``;
}

/** `inFile`: the report is about this one file, so the item names only its lines. `say`: inline for the report, plain for a follow-up. */
function findingItem(f: ReviewedFinding, n: number, inFile: boolean, say: (text: string) => string): string {
  const lines = f.endLine !== f.startLine ? `${f.startLine}-${f.endLine}` : String(f.startLine);
  return [
    `${n}. **${f.severity} · ${f.category}** · ${inFile ? `line${f.endLine !== f.startLine ? 's' : ''} ${lines}` : code(`${f.file}:${lines}`)}`,
    '',
    `   ${say(f.message)}`,
    '',
    `   *${provenance(f)}${f.escalated ? ` (sent to judgment: ${f.escalated})` : ''}, confidence ${f.confidence.toFixed(2)}.*`,
    '',
  ].join('\n');
}

/** The summary and the findings, kept and rejected: what a follow-up on the report reads as the review's answer. */
export function reviewFindingsText(r: Pick<ReviewReport, 'where' | 'summary' | 'kept' | 'rejected' | 'notReviewed'>): string {
  return findingSections(r, undefined, aboutOneFile(r), plain).join('\n');
}

/** A review of one file: its findings name lines only, not the path again and again. */
function aboutOneFile(r: Pick<ReviewReport, 'where' | 'kept' | 'rejected' | 'notReviewed'>): boolean {
  const all = [...r.kept, ...r.rejected];
  return all.length > 0 && !r.notReviewed?.length && all.every((f) => r.where.startsWith(`${f.file}:`));
}

function findingSections(r: Pick<ReviewReport, 'summary' | 'kept' | 'rejected'>, afterKept: string | undefined, inFile: boolean, say: (text: string) => string): string[] {
  // "No findings." says it once: the summary would say it again above the empty list.
  const summaryNeeded = !/^no findings\.?$/i.test(r.summary.trim());
  const out = [...(summaryNeeded ? [`**Summary.** ${say(r.summary)}`, ''] : []), `## Findings (${r.kept.length})`, ''];
  if (r.kept.length === 0) out.push('No findings.', '');
  r.kept.forEach((f, i) => out.push(findingItem(f, i + 1, inFile, say)));
  if (r.kept.length > 0 && afterKept) out.push(afterKept, '');
  if (r.rejected.length > 0) {
    out.push(`## Rejected by judgment (${r.rejected.length})`, '');
    r.rejected.forEach((f, i) => out.push(findingItem(f, i + 1, inFile, say)));
  }
  return out;
}

/** Past this length a report's heading names the file alone, and the full path goes under it. */
const LONG_WHERE = 60;

/**
 * The review's report as Markdown: findings as a numbered list rather than a table, so each
 * reads whole in a narrow preview beside the code, then the route of each pass and the task's
 * cost, which is the sum of its billed calls (the ledger's figure for the task).
 */
export function reviewReport(r: ReviewReport): string {
  const total = totalMicros(r.calls);
  const heading = r.where.length > LONG_WHERE ? [`# ${r.title}: ${inline(r.where.slice(r.where.lastIndexOf('/') + 1))}`, '', code(r.where)] : [`# ${r.title}: ${inline(r.where)}`];
  const out = [...heading, '', ...findingSections(r, '_Each finding is also in the Problems view; the light bulb on it offers **Fix with Ladder**. To ask about them, run **Ladder: Ask a Follow-up**._', aboutOneFile(r), inline)];
  const notReviewed = r.notReviewed ?? [];
  if (notReviewed.length > 0) {
    out.push('## Not reviewed', '', 'Not sent to a model, or not whole; check these yourself.', '', ...notReviewed.map((f) => `- ${f.path ? `${code(f.path)}: ` : ''}${inline(f.why)}`), '');
  }
  // A difficulty check's reason, in the model's words, is one of the route's reasons.
  // Parts that went the same way are one line: a folder of 7 parts would list it 7 times.
  const lines = new Map<string, number[]>();
  for (const p of r.routes) {
    const line = `${p.model} (${p.tier}): ${inline(p.reasons.join(' → '))}`;
    lines.set(line, [...(lines.get(line) ?? []), ...(p.part !== undefined ? [p.part] : [])]);
  }
  out.push('## Route', '', ...[...lines].map(([line, parts]) => `- ${parts.length > 0 ? `${partsSaid(parts)}: ` : ''}${line}`), '');
  // The total and its parts to the same decimals, so they visibly add up.
  // Attempts the API did not bill are counted, not listed at $0.
  const billed = r.calls.filter((c) => c.costMicros > 0);
  const [totalText, ...callTexts] = formatUsdAlike([total, ...billed.map((c) => c.costMicros)]);
  out.push('---', '', `**Task cost: ${totalText}** over ${callsSaid(r.calls)}${billed.length > 0 ? ` (${billed.map((c, i) => `${c.model} ${callTexts[i]}`).join(', ')})` : ''}.`, '');
  return out.join('\n');
}

/** "part 2", "parts 1-3", "parts 1-2, 4" (ascending numbers). */
function partsSaid(parts: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    let j = i;
    while (parts[j + 1] === parts[j]! + 1) j++;
    runs.push(j > i ? `${parts[i]}-${parts[j]}` : String(parts[i]));
    i = j;
  }
  return `part${parts.length > 1 ? 's' : ''} ${runs.join(', ')}`;
}

/**
 * What the user was told when a pass stopped, as one sentence of a review's summary: the
 * first letter capitalised, unless the sentence starts with a model id, which is never.
 */
export function toldAsSentence(told: string): string {
  const text = told.replace(/^Ladder: /, '').trim();
  const capital = /^[a-z]+(?![\w.-])/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** One file of a digest: its path and the digest lines its text occupies (1-based). */
export interface DigestPart {
  path: string;
  firstLine: number;
  lastLine: number;
  /** The file's own number for the part's first line, when the part is a slice of a long file (1 otherwise). */
  fromLine?: number;
}

/** Files as one text, and where each file's lines landed in it (see buildDigest). */
export interface Digest {
  text: string;
  parts: DigestPart[];
  /** How many lines `text` has. */
  lines: number;
}

/**
 * Many files as one text for a single review pass: each file's text after a
 * `===== path =====` line, files apart by a blank line, and where each file's lines landed,
 * so findings can be taken back to the file they are about. A file given with `fromLine` is
 * a slice of a longer one.
 */
export function buildDigest(files: readonly { path: string; text: string; fromLine?: number }[]): Digest {
  const lines: string[] = [];
  const parts: DigestPart[] = [];
  files.forEach((f, i) => {
    if (i > 0) lines.push('');
    lines.push(`===== ${f.path} =====`);
    const firstLine = lines.length + 1;
    lines.push(...f.text.replace(/\r?\n$/, '').split(/\r?\n/));
    parts.push({ path: f.path, firstLine, lastLine: lines.length, ...(f.fromLine && f.fromLine > 1 ? { fromLine: f.fromLine } : {}) });
  });
  return { text: lines.join('\n'), parts, lines: lines.length };
}

/**
 * A folder's files as digests of at most about `maxLines` lines each, for a review pass per
 * digest: small files share one, and a file longer than that is cut into slices of whole
 * lines, each its own digest. Files keep their order.
 */
export function digestChunks(files: readonly { path: string; text: string }[], maxLines = 400): Digest[] {
  const slices: { path: string; text: string; fromLine: number; lines: number }[] = [];
  for (const f of files) {
    const lines = f.text.replace(/\r?\n$/, '').split(/\r?\n/);
    for (let i = 0; i < lines.length; i += maxLines) {
      const part = lines.slice(i, i + maxLines);
      slices.push({ path: f.path, text: part.join('\n'), fromLine: i + 1, lines: part.length });
    }
  }
  const groups: (typeof slices)[] = [];
  let size = 0;
  for (const slice of slices) {
    // A header and a blank line come with each file.
    const cost = slice.lines + 2;
    const current = groups.at(-1);
    if (!current || size + cost > maxLines + 2) {
      groups.push([slice]);
      size = cost;
    } else {
      current.push(slice);
      size += cost;
    }
  }
  return groups.map((group) => buildDigest(group));
}

/** What the review asks of a model that reads a digest, so its findings name real files. */
export const DIGEST_LOCATIONS =
  'The material is several files, each after a line `===== path =====`. In each finding give `file` as that path, and line numbers counted within that file.';

/** A finding pointing outside the material is the model's miscount, not the code's: it goes to the nearest line inside. */
export function clampTo<F extends { startLine: number; endLine: number }>(f: F, chunk: { startLine: number; endLine: number }): F {
  const startLine = Math.min(Math.max(f.startLine, chunk.startLine), chunk.endLine);
  return { ...f, startLine, endLine: Math.min(Math.max(f.endLine, startLine), chunk.endLine) };
}

/**
 * A digest finding in its own file's lines. A finding that names one of the files has that
 * file's lines, as asked (a line outside the part's own lines but inside its digest lines is
 * read as a digest line, a model's likely slip); one that names the digest as a whole (or
 * nothing known) has digest lines, and goes to the file they fall in; a file's header line
 * counts as its first line.
 */
export function locateInDigest(f: Finding, parts: readonly DigestPart[]): Finding {
  const path = f.file.replace(/^\.\//, '');
  const named = parts.find((p) => p.path === path);
  const ownLines = (p: DigestPart) => ({ from: p.fromLine ?? 1, to: (p.fromLine ?? 1) + p.lastLine - p.firstLine });
  const slip = named !== undefined && (f.startLine < ownLines(named).from || f.startLine > ownLines(named).to) && f.startLine >= named.firstLine && f.startLine <= named.lastLine;
  const digestLines = !named || slip;
  const part = digestLines ? (named ?? parts.find((p) => f.startLine <= p.lastLine) ?? parts.at(-1)) : named;
  if (!part) return f;
  const { from, to } = ownLines(part);
  const shift = digestLines ? from - part.firstLine : 0;
  return clampTo({ ...f, file: part.path, startLine: f.startLine + shift, endLine: f.endLine + shift }, { startLine: from, endLine: to });
}
