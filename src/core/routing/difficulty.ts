import { DifficultyAnswer, extractAnswer, extractJson } from '../protocol';
import { instructionsFor } from '../prompt/instructions';
import { fenceFor } from '../prompt/request';
import type { MessagesRequestBody } from '../prompt/request';
import type { Tier } from '../tiers';
import { TIER_LABELS, compareTiers, tierAbove, tierBelow } from '../tiers';
import type { Settings } from '../settings/schema';
import type { Classification, ClassifyInput } from './classifier';

/**
 * The optional LLM difficulty check: a short labour-tier call that may move a
 * low-confidence classification. Only the pure parts live here; src/llm makes the call and
 * books its cost to the same task.
 *
 * Bounds (decided here, documented for the settings UI):
 * - at most one tier up or down from the deterministic result;
 * - never above the caller's cap (the policy's effective access cap);
 * - never down from judgment or above when the rules saw risk (security, concurrency,
 *   data integrity, memory ordering, architecture, or a risky construct in the selected
 *   code): a cheap model calling risky work easy is exactly the failure routing must not have;
 * - an answer below {@link MIN_ANSWER_CONFIDENCE} is noted and ignored.
 * Anything invalid keeps the deterministic result and says why in `log`.
 */

export interface DifficultySetting {
  mode: 'off' | 'belowThreshold';
  threshold: number;
}

export const DEFAULT_DIFFICULTY_SETTING: Readonly<DifficultySetting> = { mode: 'belowThreshold', threshold: 0.55 };

/** The check's setting as the user configured it. */
export function difficultySettingOf(settings: Settings): DifficultySetting {
  return { mode: settings['routing.difficultyCheck'], threshold: settings['routing.difficultyThreshold'] };
}

/** The answer is one short JSON object; this leaves room for a wordy reason. */
const DIFFICULTY_MAX_TOKENS = 200;
export const MIN_ANSWER_CONFIDENCE = 0.5;
/** Long requests are cut: the check is meant to stay a few hundred tokens. */
export const MAX_REQUEST_CHARS = 2000;
const MAX_PATHS_SHOWN = 5;
/**
 * The selected code the request is about, shown to the check so that "review this" or "fix
 * this" is judged on what "this" is (a string-built SQL query makes a review judgment work).
 * Its head only: about 600 tokens at most, a tenth of a cent on the labour tier.
 */
export const MAX_EXCERPT_LINES = 60;
export const MAX_EXCERPT_CHARS = 2400;

/**
 * Signals of the risk families, in the request's words or in the selected code (`code.*`);
 * the check may not lower a result they put at judgment or above.
 */
const RISK_SIGNAL = /^(security|integrity|exception|complexity|rootCause|architecture|code)\.|^concurrency\.(?!prescribed)|^path\.(securityGuard|riskyRepair)$/;

/** Whether the difficulty check should run for this classification under this setting. */
export function shouldCheckDifficulty(classification: Classification, setting: DifficultySetting = DEFAULT_DIFFICULTY_SETTING): boolean {
  return setting.mode === 'belowThreshold' && classification.confidence < setting.threshold;
}

export interface DifficultyRequest {
  /** The first system block; starts with `Ladder task: difficulty`. */
  system: string;
  /** The user message: context facts, then `Request:` last. */
  user: string;
  maxTokens: number;
}

/** The Messages API body that sends the check to `model` (uncached: it is a few hundred tokens). */
export function difficultyBody(request: DifficultyRequest, model: string): MessagesRequestBody {
  return { model, max_tokens: request.maxTokens, system: [{ type: 'text', text: request.system }], messages: [{ role: 'user', content: [{ type: 'text', text: request.user }] }] };
}

/**
 * Builds the check's prompt: the context facts, the head of the selected code when there is
 * one (`code`: the editor selection, whose secret-like content the caller has already
 * refused), then the request. The deterministic guess is deliberately left out so the answer
 * is a second opinion rather than an echo.
 */
export function buildDifficultyRequest(input: ClassifyInput, _classification: Classification, code?: string): DifficultyRequest {
  const ctx = input.context ?? {};
  const lines: string[] = [`Command: ${input.command}`];
  const paths = ctx.paths ?? [];
  if (ctx.files !== undefined) lines.push(`Files: ${ctx.files}`);
  for (const path of paths.slice(0, MAX_PATHS_SHOWN)) lines.push(`File: ${path}`);
  if (paths.length > MAX_PATHS_SHOWN) lines.push(`(${paths.length - MAX_PATHS_SHOWN} more paths)`);
  if (ctx.linesChanged !== undefined) lines.push(`Lines changed: ${ctx.linesChanged}`);
  if (ctx.selectedLines !== undefined) lines.push(`Selected lines: ${ctx.selectedLines}`);
  if (ctx.languageId) lines.push(`Language: ${ctx.languageId}`);
  if (code !== undefined && code.trim() !== '') lines.push(...excerptLines(code, ctx.languageId));
  const text = input.text.length > MAX_REQUEST_CHARS ? `${input.text.slice(0, MAX_REQUEST_CHARS)} […]` : input.text;
  lines.push(`Request: ${text}`);
  return { system: instructionsFor('difficulty'), user: lines.join('\n'), maxTokens: DIFFICULTY_MAX_TOKENS };
}

/** The code's head in a fence it cannot close, saying how much was left out. */
function excerptLines(code: string, languageId: string | undefined): string[] {
  const all = code.replace(/\n$/, '').split('\n');
  const head = all.slice(0, MAX_EXCERPT_LINES).join('\n');
  const shown = head.length > MAX_EXCERPT_CHARS ? head.slice(0, MAX_EXCERPT_CHARS) : head;
  const fence = fenceFor(shown);
  const heading = shown.length < head.length
    ? `Code (cut at ${MAX_EXCERPT_CHARS.toLocaleString('en-US')} characters; ${all.length} line${all.length === 1 ? '' : 's'} in all):`
    : all.length > MAX_EXCERPT_LINES ? `Code (the first ${MAX_EXCERPT_LINES} of ${all.length} lines):` : 'Code:';
  return [
    heading,
    `${fence}${languageId ?? ''}`,
    shown,
    fence,
  ];
}

export interface DifficultyOutcome {
  /** The classification to route on: the deterministic one, or one moved by the answer. */
  classification: Classification;
  changed: boolean;
  /** Whether the answer parsed and validated. */
  valid: boolean;
  /** One line for the log: what the check said and what was done with it. */
  log: string;
}

function keep(classification: Classification, valid: boolean, log: string, note: string): DifficultyOutcome {
  return {
    classification: { ...classification, reasons: [...classification.reasons, note], signals: [...classification.signals, valid ? 'difficulty.kept' : 'difficulty.invalid'] },
    changed: false,
    valid,
    log,
  };
}

/**
 * Applies the check's raw answer text within the bounds described at the top of this file.
 * `bounds.cap` is the highest tier the policy would route to.
 */
export function applyDifficultyAnswer(classification: Classification, rawText: string, bounds: { cap: Tier }): DifficultyOutcome {
  const det = classification.tier;
  // The first object that is an answer: prose may show another object before it.
  const answer = extractAnswer(rawText, DifficultyAnswer);
  if (answer === undefined) {
    const json = extractJson(rawText);
    const issue = json === undefined ? undefined : DifficultyAnswer.safeParse(json).error?.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'answer';
    return keep(classification, false, json === undefined ? 'difficulty check: no JSON object in the answer; kept the rules\' tier'
      : `difficulty check: invalid answer (${where}: ${issue?.message ?? 'does not match the schema'}); kept the rules' tier`,
    'the difficulty check gave no usable answer; kept the rules\' tier');
  }
  const said = `difficulty check said ${answer.tier} (${answer.confidence.toFixed(2)}): ${answer.reason}`;
  if (answer.confidence < MIN_ANSWER_CONFIDENCE) {
    return keep(classification, true, `${said}; ignored below ${MIN_ANSWER_CONFIDENCE} confidence`,
      `the difficulty check was unsure; kept ${TIER_LABELS[det]}`);
  }
  const direction = compareTiers(answer.tier, det);
  if (direction === 0) {
    return {
      classification: {
        ...classification,
        confidence: Math.max(classification.confidence, Math.min(answer.confidence, 0.85)),
        reasons: [...classification.reasons, `the difficulty check agrees: ${answer.reason} → ${TIER_LABELS[det]}`],
        signals: [...classification.signals, 'difficulty.agreed'],
      },
      changed: false,
      valid: true,
      log: `${said}; agrees`,
    };
  }
  let target: Tier | undefined;
  let refusal: string | undefined;
  if (direction > 0) {
    target = tierAbove(det);
    if (target && compareTiers(target, bounds.cap) > 0) {
      refusal = `not raised above the cap (${TIER_LABELS[bounds.cap]})`;
      target = undefined;
    }
  } else if (compareTiers(det, 'O') >= 0 && classification.signals.some((s) => RISK_SIGNAL.test(s))) {
    refusal = 'not lowered: the rules found a concrete risk';
  } else {
    target = tierBelow(det);
  }
  if (!target) {
    return keep(classification, true, `${said}; ${refusal ?? 'no tier in that direction'}`,
      `the difficulty check suggested ${TIER_LABELS[answer.tier]}, ${refusal ?? 'but no tier is left in that direction'}; kept ${TIER_LABELS[det]}`);
  }
  const moved = direction > 0 ? 'raised' : 'lowered';
  return {
    classification: {
      ...classification,
      tier: target,
      confidence: Math.min(answer.confidence, 0.75),
      reasons: [...classification.reasons, `the difficulty check ${moved} it one tier: ${answer.reason} → ${TIER_LABELS[target]}`],
      signals: [...classification.signals, `difficulty.${moved}`],
    },
    changed: true,
    valid: true,
    log: `${said}; ${moved} ${det} → ${target}${answer.tier !== target ? ' (one step at most)' : ''}`,
  };
}
