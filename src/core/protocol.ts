import { z } from 'zod';
import type { StepType } from './steps';

/**
 * The contract between Ladder's prompts and the model's answers. Both the extension and
 * the local API stand-in's default responder rely on it, so it lives in one place.
 *
 * Prompt conventions:
 * - The system blocks are the workspace context, then the pinned files, then the stable
 *   instructions for the task (src/core/prompt/request.ts): the workspace part is shared by
 *   every task, so it comes first and stays cached when the task changes. The LAST system
 *   block (the instructions) starts with the line `Ladder task: <stepType>` (or
 *   `Ladder task: difficulty` / `Ladder task: reviewJudge`); a request with a single system
 *   block (no workspace) has the header at its start. Read it with taskOfSystem, never by
 *   searching the whole system text: workspace files may contain that phrase.
 * - The last user message carries the material after the cached prefix:
 *   `File: <path>`, `Lines: <start>-<end>`, `Language: <id>`, a fenced code block with the
 *   selection, then `Request: <text>`.
 * - Edit steps (rename excepted) answer with exactly one fenced code block holding the
 *   full replacement for the selection; other text around it is ignored.
 */
export type PromptTask = StepType | 'difficulty' | 'reviewJudge';

const TASK_HEADER_PREFIX = 'Ladder task: ';

export function taskHeader(task: PromptTask): string {
  return `${TASK_HEADER_PREFIX}${task}`;
}

/**
 * Reads the task out of one system block's text, which must open with the header (a header
 * further down is workspace text quoting it, not Ladder's); undefined when it does not.
 */
export function parseTaskHeader(systemText: string): PromptTask | undefined {
  const match = /^Ladder task: ([A-Za-z]+)/.exec(systemText);
  return match?.[1] as PromptTask | undefined;
}

/** The task of a request from its system blocks' texts: the last block that opens with the header. */
export function taskOfSystem(blockTexts: readonly string[]): PromptTask | undefined {
  for (let i = blockTexts.length - 1; i >= 0; i--) {
    const task = parseTaskHeader(blockTexts[i] ?? '');
    if (task) return task;
  }
  return undefined;
}

/** rename: a few candidate names, best first. */
export const RenameAnswer = z.object({
  names: z.array(z.object({ name: z.string().min(1), why: z.string() })).min(1).max(10),
});
export type RenameAnswer = z.infer<typeof RenameAnswer>;

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const FindingCategory = z.enum([
  'security', 'correctness', 'concurrency', 'performance', 'reliability', 'maintainability', 'style', 'docs',
]);
export type FindingCategory = z.infer<typeof FindingCategory>;

/** One review finding as the first (labour/execute) pass reports it. Lines are 1-based. */
export const Finding = z.object({
  file: z.string().min(1),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  severity: Severity,
  category: FindingCategory,
  confidence: z.number().min(0).max(1),
  message: z.string().min(1),
});
export type Finding = z.infer<typeof Finding>;

export const FindingsAnswer = z.object({
  findings: z.array(Finding),
  summary: z.string().optional(),
});
export type FindingsAnswer = z.infer<typeof FindingsAnswer>;

/** The judgment tier's verdict on each escalated finding, by its index in the list it was sent. */
export const Verdict = z.object({
  index: z.number().int().min(0),
  verdict: z.enum(['confirm', 'reject', 'rewrite']),
  message: z.string().optional(),
  severity: Severity.optional(),
});
export type Verdict = z.infer<typeof Verdict>;

export const JudgeAnswer = z.object({
  verdicts: z.array(Verdict),
  /** Findings the judge adds that the first pass missed. */
  added: z.array(Finding).default([]),
  summary: z.string().min(1),
});
export type JudgeAnswer = z.infer<typeof JudgeAnswer>;

/** The optional LLM difficulty check for low-confidence classifications. */
export const DifficultyAnswer = z.object({
  tier: z.enum(['H', 'S', 'O', 'F']),
  confidence: z.number().min(0).max(1),
  reason: z.string().min(1),
});
export type DifficultyAnswer = z.infer<typeof DifficultyAnswer>;

/**
 * Bodies of fenced blocks, paired line by line: a fence opens with ``` (or more) and an
 * optional language, and closes with the same fence alone on a line, so a closing fence
 * is never taken for the opening of the next block. Bodies come with LF line ends: an
 * answer in CRLF (a model echoing a Windows file) would leave a CR on the body's last line,
 * which the editor then applies as one more line break.
 */
export function fencedBlocks(text: string): { lang: string; body: string }[] {
  const blocks: { lang: string; body: string }[] = [];
  let open: { fence: string; lang: string; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!open) {
      const start = /^\s*(`{3,})([\w+.#-]*)\s*$/.exec(line);
      if (start?.[1]) open = { fence: start[1], lang: start[2] ?? '', lines: [] };
    } else if (line.trim() === open.fence) {
      blocks.push({ lang: open.lang, body: open.lines.join('\n') });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

/**
 * Pulls a JSON object out of a model's text: a fenced block first (```json, ```JSON,
 * ```jsonc or no language), then each balanced `{…}` in the text in turn, so a brace in
 * the prose around it ("the `{}` default") or a code snippet before it does not hide it.
 * With `accept`, the first object it accepts (an answer's schema); without, the first that
 * parses. Returns undefined when there is none.
 */
export function extractJson(text: string, accept: (value: unknown) => boolean = () => true): unknown {
  for (const candidate of jsonCandidates(text)) {
    if (!candidate.trim()) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (accept(value)) return value;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** The first JSON object in a model's text that `schema` accepts, parsed by it (see extractJson). */
export function extractAnswer<S extends z.ZodType>(text: string, schema: S): z.output<S> | undefined {
  let answer: z.output<S> | undefined;
  extractJson(text, (value) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) answer = parsed.data;
    return parsed.success;
  });
  return answer;
}

/** Fenced JSON blocks, then balanced objects, produced one at a time: a good first candidate scans no further. */
function* jsonCandidates(text: string): Generator<string> {
  for (const block of fencedBlocks(text)) if (/^(json|jsonc)?$/i.test(block.lang)) yield block.body;
  yield* balancedObjects(text);
}

/** Opening braces tried at most: an answer with none acceptable stays linear-ish, not quadratic. */
const MAX_OBJECT_STARTS = 64;

/** Each `{…}` whose braces balance (braces inside JSON strings do not count), in order of its opening brace. */
function* balancedObjects(text: string): Generator<string> {
  let tried = 0;
  for (let start = text.indexOf('{'); start >= 0 && tried++ < MAX_OBJECT_STARTS; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        yield text.slice(start, i + 1);
        break;
      }
    }
  }
}

/** The body of the first fenced code block, or undefined. */
export function extractCodeBlock(text: string): string | undefined {
  return fencedBlocks(text)[0]?.body;
}
