import * as vscode from 'vscode';
import { countOf } from '../../core/ledger/format';
import { TIER_LABELS } from '../../core/tiers';
import { checkNonEmpty } from '../../core/task/checks';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

/**
 * Ask a Follow-up: continues the answer in the active result view (Ask, Explain, or an
 * earlier follow-up) with the conversation so far and the same selection. Routed on the new
 * question's words, but never below the tier that gave the answer it follows: a cheaper model
 * would be asked about reasoning it did not do.
 */
export const followUpCommand: Command = {
  id: CommandIds.followUp,
  run: async (c, uri, question) => {
    const target = uri instanceof vscode.Uri ? uri : c.editors.current()?.document.uri;
    const conversation = target ? c.conversations.get(target) : undefined;
    if (!conversation) {
      void vscode.window.showInformationMessage('Ladder: a follow-up continues an answer from Ask or Explain Selection. Open that answer, then run Ask a Follow-up.');
      return undefined;
    }
    const first = conversation.turns[0]?.question ?? '';
    const text = typeof question === 'string' ? question : await vscode.window.showInputBox({
      title: 'Ladder: Ask a Follow-up',
      prompt: `Continues "${first.length > 80 ? `${first.slice(0, 79)}…` : first}" (${countOf(conversation.turns.length, 'answer')} so far, the last from ${conversation.model})`,
      placeHolder: 'e.g. what happens when the list is empty?',
      ignoreFocusOut: true,
    });
    if (!text?.trim()) return undefined;
    const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target?.toString())?.viewColumn;
    return await c.runner.run({
      command: 'ask',
      title: 'Follow-up',
      task: 'ask',
      question: text.trim(),
      quote: text.trim(),
      ...(conversation.selection ? { selection: conversation.selection } : {}),
      earlier: conversation.turns,
      floor: {
        tier: conversation.tier,
        why: conversation.fellBack
          ? `a follow-up stays on the tier the answer it follows was routed to (${TIER_LABELS[conversation.tier]}; ${conversation.model} gave it on a fallback)`
          : `a follow-up stays on the tier that gave the answer it follows (${TIER_LABELS[conversation.tier]}, ${conversation.model})`,
      },
      maxTokens: 4096,
      showResult: true,
      // In the answer's column, not a new one each time; a kept tab, so the answer stays open too.
      ...(column ? { resultColumn: column } : {}),
      check: checkNonEmpty,
    });
  },
};
