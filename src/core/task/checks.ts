import { fencedBlocks } from '../protocol';
import type { CheckResult } from './runStep';

/** Prose answers (explain, ask): anything but an empty answer passes. */
export function checkNonEmpty(text: string): CheckResult<string> {
  return text.trim() ? { ok: true, value: text } : { ok: false, reason: 'the answer is empty' };
}

/**
 * Edit answers: exactly the replacement, in one fenced block, not empty. Two or more blocks
 * fail: which one replaces the code is a guess (a helper and the code that calls it, or a
 * shell command and the tests), and the wrong guess would replace the user's code.
 */
export function checkEditAnswer(text: string): CheckResult<string> {
  const blocks = fencedBlocks(text);
  if (blocks.length > 1) return { ok: false, reason: `the answer has ${blocks.length} code blocks, not the one replacement` };
  const code = blocks[0]?.body;
  if (code === undefined) return { ok: false, reason: 'the answer has no fenced code block' };
  if (code.trim().length === 0) return { ok: false, reason: 'the code block is empty' };
  return { ok: true, value: code };
}
