import type { DifficultyAnswer, Finding, FindingCategory, FindingsAnswer, JudgeAnswer, Severity, Verdict } from '../../../src/core/protocol';
import { extractJson, fencedBlocks } from '../../../src/core/protocol';
import { findDeclarations, languageFamily, parseSelection, type Selection } from './selection';

/**
 * Review answers for the default responder: pattern rules over the selection's lines give
 * findings that point at real lines, a judge that confirms or rejects what it is sent, and
 * a difficulty guess. Plausible and deterministic, not clever.
 */

export type ReviewTask = 'review' | 'securityReview' | 'architecture';

interface LineRule {
  readonly id: string;
  readonly pattern: RegExp;
  readonly category: FindingCategory;
  readonly severity: Severity;
  readonly confidence: number;
  readonly message: string;
  /** Only for these language families (all when absent). */
  readonly families?: readonly string[];
  readonly tasks: readonly ReviewTask[];
}

const ALL: readonly ReviewTask[] = ['review', 'securityReview', 'architecture'];
const REVIEW_AND_SECURITY: readonly ReviewTask[] = ['review', 'securityReview'];

const LINE_RULES: readonly LineRule[] = [
  { id: 'eval', pattern: /\beval\s*\(/, category: 'security', severity: 'high', confidence: 0.9, tasks: ALL,
    message: '`eval` executes arbitrary code built from data; parse the data instead (e.g. JSON.parse) or dispatch through a lookup table.' },
  { id: 'new-function', pattern: /\bnew\s+Function\s*\(/, category: 'security', severity: 'high', confidence: 0.8, tasks: REVIEW_AND_SECURITY,
    message: '`new Function` compiles code at run time, which is `eval` by another name.' },
  { id: 'sql-concat', pattern: /\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^;\n]*?(?:['"`]\s*\+\s*[\w$.]|\$\{|['"]\s*%\s*[\w(]|\{\w+\})/i, category: 'security', severity: 'critical', confidence: 0.85, tasks: ALL,
    message: 'SQL is assembled from strings and variables: an injection risk. Use a parameterised query.' },
  { id: 'html-sink', pattern: /\.(?:innerHTML|outerHTML)\s*\+?=|document\.write\s*\(|dangerouslySetInnerHTML|insertAdjacentHTML\s*\(/, category: 'security', severity: 'high', confidence: 0.8, tasks: ALL,
    message: 'HTML is written from a string: cross-site scripting if any part comes from user input. Use textContent or escape the values.' },
  { id: 'secret', pattern: /(?:api[_-]?key|secret|passw(?:or)?d|token|private[_-]?key|access[_-]?key)\w*['"]?\s*[:=]\s*['"][^'"\s]{8,}['"]|['"](?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{20,})['"]/i, category: 'security', severity: 'high', confidence: 0.75, tasks: ALL,
    message: 'A credential appears to be hard-coded. Load it from the environment or a secret store and rotate the exposed value.' },
  { id: 'shell-injection', pattern: /\bexec(?:Sync)?\s*\(\s*(?:`[^`]*\$\{|['"][^'"]*['"]\s*\+)|os\.system\s*\(|shell\s*=\s*True/, category: 'security', severity: 'high', confidence: 0.8, tasks: REVIEW_AND_SECURITY,
    message: 'A shell command is built from variables: command injection. Pass arguments as an array without a shell.' },
  { id: 'weak-hash', pattern: /createHash\(\s*['"](?:md5|sha1)['"]|hashlib\.(?:md5|sha1)\b/i, category: 'security', severity: 'medium', confidence: 0.6, tasks: REVIEW_AND_SECURITY,
    message: 'MD5/SHA-1 are broken for security purposes; use SHA-256 or a password hash (scrypt, argon2).' },
  { id: 'insecure-random', pattern: /Math\.random\(\)[^\n]*(?:token|secret|password|salt|nonce|session|id\b)|(?:token|secret|password|salt|nonce|session)\w*\s*=\s*[^\n]*Math\.random\(\)/i, category: 'security', severity: 'medium', confidence: 0.5, tasks: REVIEW_AND_SECURITY,
    message: '`Math.random` is predictable; use crypto.randomBytes / crypto.randomUUID for anything secret.' },
  { id: 'plain-http', pattern: /['"`]http:\/\/(?!localhost|127\.0\.0\.1|0\.0\.0\.0)[^'"`\s]+/, category: 'security', severity: 'low', confidence: 0.35, tasks: REVIEW_AND_SECURITY,
    message: 'Plain-HTTP URL: traffic can be read or altered in transit. Prefer HTTPS unless this is deliberately local.' },
  { id: 'loose-equality', pattern: /[^=!<>]==(?!=)(?!\s*null\b)|!=(?!=)(?!\s*null\b)/, category: 'correctness', severity: 'low', confidence: 0.55, tasks: ['review'], families: ['js'],
    message: 'Loose equality coerces types (`0 == ""` is true); use `===` / `!==`.' },
  { id: 'empty-catch', pattern: /catch\s*(?:\([^)]*\))?\s*\{\s*\}|except[^:\n]*:\s*pass\b/, category: 'reliability', severity: 'medium', confidence: 0.6, tasks: REVIEW_AND_SECURITY,
    message: 'The error is swallowed silently; log it, rethrow it, or handle the specific failure.' },
  { id: 'unchecked-index', pattern: /\w\[0\]\.\w/, category: 'correctness', severity: 'low', confidence: 0.35, tasks: ['review'],
    message: 'The first element is used without checking that there is one; an empty result throws here.' },
  { id: 'await-in-loop', pattern: /^\s*for\b.*\)\s*\{?\s*await\b|^\s*for\s*\(.*\bawait\s+\w+\(/, category: 'performance', severity: 'low', confidence: 0.4, tasks: ['review'],
    message: 'Awaiting inside the loop runs the calls one after another; Promise.all would run them concurrently if order does not matter.' },
  { id: 'todo', pattern: /\b(?:TODO|FIXME|HACK|XXX)\b/, category: 'maintainability', severity: 'info', confidence: 0.4, tasks: ['review', 'architecture'],
    message: 'Unfinished work is marked here; track it in an issue or finish it before release.' },
  { id: 'debug-output', pattern: /\bconsole\.(?:log|debug)\s*\(|^\s*print\s*\(/, category: 'style', severity: 'info', confidence: 0.3, tasks: ['review'],
    message: 'Debug output left in; use the project logger or remove it.' },
  { id: 'any-type', pattern: /:\s*any\b|\bas\s+any\b|<any>/, category: 'maintainability', severity: 'low', confidence: 0.35, tasks: ['review', 'architecture'], families: ['js'],
    message: '`any` switches off type checking here; a precise type or `unknown` with a guard would catch mistakes.' },
  { id: 'ts-ignore', pattern: /@ts-ignore/, category: 'maintainability', severity: 'low', confidence: 0.4, tasks: ['review'], families: ['js'],
    message: '`@ts-ignore` hides whatever error is here; prefer `@ts-expect-error` with a reason, or fix the type.' },
];

/** Layers an architecture review looks for mixed in one module. */
const LAYERS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'data access', pattern: /\b(?:SELECT|INSERT|UPDATE|DELETE)\b|\.query\(|\bdb\.|\brepository\b/i },
  { name: 'rendering', pattern: /\bdocument\.|innerHTML|\.render\(|['"`(]\s*<[a-z][\w-]*[\s>/]/ },
  { name: 'request handling', pattern: /\b(?:req|request|res|response)\.(?:body|query|params|send|json|status)\b/ },
  { name: 'file I/O', pattern: /\bfs\.|readFile|writeFile|open\(/ },
];

const LONG_LINE = 120;
const LONG_FUNCTION = 40;
const MANY_PARAMS = 4;
const MAX_FINDINGS = 20;

function finding(sel: Selection, line: number, span: number, rule: Pick<LineRule, 'category' | 'severity' | 'confidence' | 'message'>): Finding {
  const startLine = sel.startLine + line;
  return { file: sel.file, startLine, endLine: startLine + span, severity: rule.severity, category: rule.category, confidence: rule.confidence, message: rule.message };
}

/** Rules that look at more than one line: swallowed errors split over lines, size and shape. */
function structuralFindings(sel: Selection, task: ReviewTask): Finding[] {
  const lines = sel.code.split('\n');
  const out: Finding[] = [];
  lines.forEach((text, i) => {
    const next = lines[i + 1] ?? '';
    if (/catch\s*(?:\([^)]*\))?\s*\{\s*$/.test(text) && /^\s*\}/.test(next) && task !== 'architecture') {
      out.push(finding(sel, i, 1, LINE_RULES.find((r) => r.id === 'empty-catch') as LineRule));
    }
    if (/^\s*except[^:]*:\s*$/.test(text) && /^\s*pass\s*$/.test(next) && task !== 'architecture') {
      out.push(finding(sel, i, 1, LINE_RULES.find((r) => r.id === 'empty-catch') as LineRule));
    }
    if (text.length > LONG_LINE && task === 'review') {
      out.push(finding(sel, i, 0, { category: 'style', severity: 'info', confidence: 0.25, message: `Line is ${text.length} characters long; wrapping it would make diffs easier to read.` }));
    }
    if (task !== 'architecture' && /\b(?:req|request)\.(?:body|query|params)\b/.test(text) && !/valid|schema|parse|sanitiz/i.test(text)) {
      out.push(finding(sel, i, 0, { category: 'security', severity: 'low', confidence: 0.3, message: 'Request input is used without visible validation; check it against a schema before use.' }));
    }
  });
  const family = languageFamily(sel.language);
  const declarations = findDeclarations(sel.code, family);
  declarations.forEach((decl, d) => {
    if (decl.kind === 'class') return;
    const end = declarations[d + 1]?.line ?? lines.length;
    const length = end - decl.line;
    if (length > LONG_FUNCTION && task !== 'securityReview') {
      out.push(finding(sel, decl.line, 0, { category: 'maintainability', severity: 'low', confidence: task === 'architecture' ? 0.5 : 0.35, message: `\`${decl.name}\` runs to about ${length} lines; splitting it would make each part testable on its own.` }));
    }
    if (decl.params.length > MANY_PARAMS && task !== 'securityReview') {
      out.push(finding(sel, decl.line, 0, { category: 'maintainability', severity: 'low', confidence: 0.4, message: `\`${decl.name}\` takes ${decl.params.length} parameters; an options object would make call sites self-describing.` }));
    }
  });
  if (task === 'architecture') {
    // Per file of a digest ("===== path =====" headers), or the whole selection: one module
    // holding two layers is the finding; layers in separate files are the point of files.
    const headers = lines.flatMap((l, i) => (/^===== .+ =====$/.test(l) ? [i] : []));
    const sections = headers.length > 0 ? headers.map((h, k) => ({ from: h + 1, to: headers[k + 1] ?? lines.length })) : [{ from: 0, to: lines.length }];
    for (const { from, to } of sections) {
      const found = LAYERS.flatMap((layer) => {
        const at = lines.slice(from, to).findIndex((l) => layer.pattern.test(l));
        if (at < 0) return [];
        const line = from + at;
        const owner = [...declarations].reverse().find((d) => d.kind !== 'class' && d.line <= line && d.line >= from);
        return [{ name: layer.name, line, owner: owner?.name }];
      });
      if (found.length < 2) continue;
      const said = found.map((f) => `${f.name}${f.owner ? ` (\`${f.owner}\`)` : ''}`);
      const list = said.length === 2 ? said.join(' and ') : `${said.slice(0, -1).join(', ')} and ${said.at(-1)}`;
      out.push(finding(sel, found[0]!.line, 0, { category: 'maintainability', severity: 'medium', confidence: 0.5, message: `This module mixes ${list}; separating the layers would let each be tested and changed alone.` }));
    }
    const imports = lines.filter((l) => /^\s*(?:import\s|from\s+\S+\s+import|const\s+\w+\s*=\s*require\()/.test(l)).length;
    if (imports > 8) out.push(finding(sel, 0, 0, { category: 'maintainability', severity: 'medium', confidence: 0.45, message: `${imports} imports in one place suggests this module has several responsibilities; consider splitting by concern.` }));
    const deep = lines.findIndex((l) => /^(?: {16,}|\t{4,})\S/.test(l));
    if (deep >= 0) out.push(finding(sel, deep, 0, { category: 'maintainability', severity: 'low', confidence: 0.4, message: 'Deeply nested logic here; early returns or extracted helpers would flatten it.' }));
    const globals = lines.findIndex((l) => /^(?:let|var)\s+\w+/.test(l));
    if (globals >= 0) out.push(finding(sel, globals, 0, { category: 'maintainability', severity: 'low', confidence: 0.3, message: 'Module-level mutable state couples everything that touches it; pass it in or wrap it in an object with a clear owner.' }));
  }
  return out;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Findings for a review-style task over a selection. */
export function reviewFindings(sel: Selection, task: ReviewTask): FindingsAnswer {
  const family = languageFamily(sel.language);
  const lines = sel.code.split('\n');
  const found: Finding[] = [];
  const seen = new Set<string>();
  lines.forEach((text, i) => {
    for (const rule of LINE_RULES) {
      if (!rule.tasks.includes(task)) continue;
      if (rule.families && !rule.families.includes(family)) continue;
      if (!rule.pattern.test(text)) continue;
      seen.add(`${i}:${rule.category}`);
      found.push(finding(sel, i, 0, rule));
    }
  });
  for (const extra of structuralFindings(sel, task)) {
    const key = `${extra.startLine - sel.startLine}:${extra.category}`;
    if (!seen.has(key)) found.push(extra);
    seen.add(key);
  }
  found.sort((a, b) => a.startLine - b.startLine || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const findings = found.slice(0, MAX_FINDINGS);
  const security = findings.filter((f) => f.category === 'security').length;
  const worst = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])[0];
  const summary = findings.length === 0
    ? `No issues found in ${sel.file} (${lines.length} lines reviewed).`
    : `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${sel.file}, ${security} security-related; the most serious is at line ${worst?.startLine}: ${worst?.message}`;
  return { findings, summary };
}

function asFinding(value: unknown): Finding | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const f = value as Record<string, unknown>;
  const inner = typeof f.finding === 'object' && f.finding !== null ? (f.finding as Record<string, unknown>) : f;
  if (typeof inner.message !== 'string') return undefined;
  const startLine = typeof inner.startLine === 'number' ? inner.startLine : 1;
  return {
    file: typeof inner.file === 'string' && inner.file ? inner.file : 'selection',
    startLine,
    endLine: typeof inner.endLine === 'number' ? inner.endLine : startLine,
    severity: (typeof inner.severity === 'string' && inner.severity in SEVERITY_RANK ? inner.severity : 'medium') as Severity,
    category: (typeof inner.category === 'string' ? inner.category : 'correctness') as FindingCategory,
    confidence: typeof inner.confidence === 'number' ? inner.confidence : 0.5,
    message: inner.message,
  };
}

/**
 * The findings a judge request lists: a JSON array, `{ findings: [...] }`, or items that
 * carry their own `index`. Returns each with the index the verdict must use.
 */
export function parseJudgedFindings(text: string): { index: number; finding: Finding }[] {
  const candidates: unknown[] = [];
  for (const { body } of fencedBlocks(text)) {
    try {
      candidates.push(JSON.parse(body));
    } catch {
      // Not JSON: the message may also carry the code selection in a fence.
    }
  }
  const arrayStart = text.indexOf('[');
  const arrayEnd = text.lastIndexOf(']');
  if (arrayStart >= 0 && arrayEnd > arrayStart) {
    try {
      candidates.push(JSON.parse(text.slice(arrayStart, arrayEnd + 1)));
    } catch {
      // Fall through to the object form.
    }
  }
  candidates.push(extractJson(text));
  for (const candidate of candidates) {
    const list = Array.isArray(candidate)
      ? candidate
      : typeof candidate === 'object' && candidate !== null && Array.isArray((candidate as { findings?: unknown }).findings)
        ? (candidate as { findings: unknown[] }).findings
        : undefined;
    if (!list) continue;
    const parsed = list
      .map((item, position) => {
        const found = asFinding(item);
        const ownIndex = typeof item === 'object' && item !== null ? (item as { index?: unknown }).index : undefined;
        return found ? { index: typeof ownIndex === 'number' ? ownIndex : position, finding: found } : undefined;
      })
      .filter((x): x is { index: number; finding: Finding } => x !== undefined);
    if (parsed.length > 0) return parsed;
  }
  return [];
}

const LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'info', info: 'info' };

/** The judge's verdicts: confident security/high findings confirmed, weak ones rejected, the rest rewritten. */
export function judge(text: string): JudgeAnswer {
  const judged = parseJudgedFindings(text);
  const verdicts: Verdict[] = judged.map(({ index, finding }) => {
    const serious = finding.severity === 'critical' || finding.severity === 'high';
    if ((finding.category === 'security' && finding.confidence >= 0.6) || (serious && finding.confidence >= 0.5)) {
      return { index, verdict: 'confirm', message: `Confirmed: ${finding.message}` };
    }
    if (finding.confidence < 0.4) {
      return { index, verdict: 'reject', message: 'Not actionable in this context: the pattern is benign here or too speculative to act on.' };
    }
    return { index, verdict: 'rewrite', message: `Valid but overstated: ${finding.message}`, severity: LOWER[finding.severity] };
  });
  // The judge also re-reads the code, when the request carries it, for security issues the first pass missed.
  const sel = parseSelection(text);
  const added: Finding[] = [];
  if (sel.hasCode) {
    const covered = new Set(judged.map(({ finding }) => `${finding.startLine}:${finding.category}`));
    for (const f of reviewFindings(sel, 'securityReview').findings) {
      if (f.category === 'security' && f.confidence >= 0.6 && !covered.has(`${f.startLine}:${f.category}`)) added.push(f);
    }
  }
  const confirmed = verdicts.filter((v) => v.verdict === 'confirm').length;
  const rejected = verdicts.filter((v) => v.verdict === 'reject').length;
  const summary = judged.length === 0 && added.length === 0
    ? 'No findings were submitted for judgment and none were found on re-reading.'
    : `Reviewed ${judged.length} finding${judged.length === 1 ? '' : 's'}: ${confirmed} confirmed, ${rejected} rejected, ${judged.length - confirmed - rejected} rewritten${added.length ? `; ${added.length} added` : ''}.`;
  return { verdicts, added, summary };
}

/** The optional difficulty check: keywords and size decide. */
export function difficulty(text: string): DifficultyAnswer {
  const sel = parseSelection(text);
  const lines = sel.hasCode ? sel.code.split('\n').length : 0;
  const files = new Set([...text.matchAll(/^File:\s*(.+)$/gm)].map((m) => m[1])).size;
  if (/\b(?:novel|research|prove|formal(?:ly)? verif|undocumented protocol)\b/i.test(text)) {
    return { tier: 'F', confidence: 0.55, reason: 'Open-ended work with no established pattern to follow.' };
  }
  if (/\b(?:secur|auth|crypt|vulnerab|injection|concurren|race condition|deadlock|architect|migration|distributed|threat)/i.test(text) || lines > 400 || files > 3) {
    return { tier: 'O', confidence: 0.7, reason: 'Judgment work: security, concurrency or cross-cutting design, or a large amount of material.' };
  }
  if (/\b(?:rename|format|tidy|typo|docstring|comment|lint|indent)/i.test(text) && lines <= 80) {
    return { tier: 'H', confidence: 0.8, reason: 'Mechanical change on a small selection.' };
  }
  if (lines > 80 || files > 1) return { tier: 'S', confidence: 0.65, reason: 'Ordinary implementation work over a moderate amount of code.' };
  return { tier: 'S', confidence: 0.6, reason: 'Routine change; nothing suggests it needs more than the execute tier.' };
}
