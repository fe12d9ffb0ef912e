import { extractCodeBlock } from '../protocol';
import type { CheckResult } from './runStep';

/** Prose answers (explain, ask): anything but an empty answer passes. */
export function checkNonEmpty(text: string): CheckResult<string> {
  return text.trim() ? { ok: true, value: text } : { ok: false, reason: 'the answer is empty' };
}

/** Edit answers: exactly the replacement, in one fenced block, not empty. */
export function checkEditAnswer(text: string): CheckResult<string> {
  const code = extractCodeBlock(text);
  if (code === undefined) return { ok: false, reason: 'the answer has no fenced code block' };
  if (code.trim().length === 0) return { ok: false, reason: 'the code block is empty' };
  return { ok: true, value: code };
}
