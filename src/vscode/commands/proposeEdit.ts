import * as vscode from 'vscode';
import type { RequestCommand } from '../../core/steps';
import type { PromptTask } from '../../core/protocol';
import { checkEditAnswer } from '../../core/task/checks';
import { TIER_LABELS } from '../../core/tiers';
import type { Container } from '../container';
import { selectionFor } from '../editorSelection';

/**
 * Asks for a replacement of the selection and opens it as a diff; Accept applies it as one
 * undoable edit. The verdict is recorded in the ledger for the route that produced it.
 */
export async function proposeEdit(c: Container, options: { command: RequestCommand; title: string; task: PromptTask; question: string; uri?: unknown }): Promise<'accepted' | 'rejected' | 'stale' | 'unchanged' | undefined> {
  const selection = await selectionFor(c, { uri: options.uri });
  if (!selection) return undefined;
  const outcome = await c.runner.run({
    command: options.command,
    title: options.title,
    task: options.task,
    question: options.question,
    selection,
    maxTokens: 8192,
    check: checkEditAnswer,
  });
  const original = selection.document.getText(selection.range);
  const replacement = preserveTrailingNewline(original, outcome.value);
  if (replacement === original) {
    void vscode.window.showInformationMessage(`Ladder: ${options.title} proposed no change (answered by ${outcome.plan.model}).`);
    return 'unchanged';
  }
  const verdict = await c.edits.propose({
    document: selection.document,
    range: selection.range,
    newText: replacement,
    title: `Ladder: ${options.title} — ${outcome.plan.model} (${TIER_LABELS[outcome.plan.tier]})`,
    why: outcome.plan.reasons.join(' → '),
  });
  if (verdict !== 'stale') c.cost.verdict(outcome.taskId, verdict, outcome.records.at(-1)?.callId);
  return verdict;
}

/** A code block drops the selection's final newline; keep the file's shape as it was. */
function preserveTrailingNewline(original: string, replacement: string): string {
  if (original.endsWith('\n') && !replacement.endsWith('\n')) return `${replacement}\n`;
  if (!original.endsWith('\n') && replacement.endsWith('\n')) return replacement.replace(/\n$/, '');
  return replacement;
}
