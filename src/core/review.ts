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
  if (escalated.length > 0) return `review pass 2: ${escalated.length} finding(s) need judgment (${[...new Set(escalated.map((e) => e.reason))].join(', ')})`;
  if (security) return 'review pass 2: a security review is always judged';
  if (codeRisks.length === 0) return undefined;
  return `review pass 2: the code ${sayCodeRisks(codeRisks)}, and the first pass raised nothing that needs judgment`;
}

/** Splits first-pass findings into those that go to judgment (with their reason) and the rest. */
export function triage(findings: readonly Finding[]): { escalate: { finding: Finding; reason: string }[]; keep: Finding[] } {
  const escalate: { finding: Finding; reason: string }[] = [];
  const keep: Finding[] = [];
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
  first: { tier: Tier; model: string },
  kept: readonly Finding[],
  escalated: readonly { finding: Finding; reason: string }[],
  judge: { tier: Tier; model: string; answer: JudgeAnswer } | undefined,
): ReviewMerge {
  const result: ReviewMerge = { kept: kept.map((f) => ({ ...f, foundBy: first.tier, foundByModel: first.model })), rejected: [] };
  const verdicts = new Map<number, Verdict>();
  for (const v of judge?.answer.verdicts ?? []) verdicts.set(v.index, v);
  escalated.forEach(({ finding, reason }, index) => {
    const base: ReviewedFinding = { ...finding, foundBy: first.tier, foundByModel: first.model, escalated: reason };
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
  for (const added of judge?.answer.added ?? []) {
    result.kept.push({ ...added, foundBy: judge!.tier, foundByModel: judge!.model, confirmedBy: judge!.tier, confirmedByModel: judge!.model, verdict: 'confirm' });
  }
  const order = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
  result.kept.sort((a, b) => order[a.severity] - order[b.severity] || a.file.localeCompare(b.file) || a.startLine - b.startLine);
  return result;
}

/** Splits long material into chunks of whole lines so each first-pass call stays small. */
export function chunkLines(text: string, startLine: number, maxLines = 400): { text: string; startLine: number; endLine: number }[] {
  const lines = text.split('\n');
  const chunks: { text: string; startLine: number; endLine: number }[] = [];
  for (let i = 0; i < lines.length; i += maxLines) {
    const part = lines.slice(i, i + maxLines);
    chunks.push({ text: part.join('\n'), startLine: startLine + i, endLine: startLine + i + part.length - 1 });
  }
  return chunks;
}
