import * as vscode from 'vscode';
import { TIER_LABELS } from '../../core/tiers';
import { checkNonEmpty } from '../../core/task/checks';
import { CommandIds } from '../commandIds';
import { canAnswerAgain, howItEnded } from '../conversations';
import { refusedUntrusted } from '../requestRunner';
import type { Command } from './command';
import { inFront, pickAnswer } from './followUp';

/**
 * Answer Again One Tier Up: the last question of the answer in front (Ask, Explain Selection or
 * a follow-up) asked again, with the same code and the conversation before it, on the next
 * tier the policy allows. An answer the user finds weak is evidence, as a rejected edit is; the
 * escalation is theirs, so the automatic limit does not apply, but the cap and the budget do.
 * The new answer opens beside the old one, so the two can be compared; it is a new task.
 */
export const answerAboveCommand: Command = {
  id: CommandIds.answerAbove,
  run: async (c, uri) => {
    if (refusedUntrusted()) return undefined;
    const front = uri instanceof vscode.Uri ? [uri] : inFront(c);
    const active = front.length === 1 ? front[0] : undefined;
    const unfinished = active && c.conversations.unfinished(active);
    if (unfinished) {
      void vscode.window.showInformationMessage(`Ladder: this answer ${howItEnded(unfinished)} before it finished; run the request again.`);
      return undefined;
    }
    // Reports of the same code in front (one name, two reviews): whichever it is, a review.
    const reviews = front.length > 1 && front.every((f) => c.conversations.get(f)?.task === 'review');
    const shown = active ? c.conversations.get(active) : reviews ? c.conversations.get(front[0] as vscode.Uri) : undefined;
    if (shown && !canAnswerAgain(shown)) {
      void vscode.window.showInformationMessage(shown.task === 'review'
        ? 'Ladder: a review report is not one answer to ask again: run the review again, with Choose Tier for a higher tier.'
        : 'Ladder: this answer was kept by an earlier version of Ladder, which did not note how it was asked. Ask it again with Ask, and Choose Tier for a higher tier.');
      return undefined;
    }
    const target = shown ? active : uri instanceof vscode.Uri ? undefined : await pickAnswer(c, 'Ladder: Answer which again one tier up?', canAnswerAgain);
    const conversation = target && c.conversations.get(target);
    const last = conversation?.turns.at(-1);
    if (!conversation || !last || !canAnswerAgain(conversation)) {
      // Said unless the user dismissed a list of answers.
      if (!c.conversations.recent().some(canAnswerAgain) || uri instanceof vscode.Uri) {
        void vscode.window.showInformationMessage('Ladder: Answer Again One Tier Up asks the question of an answer from Ask, Explain Selection or a follow-up again. Open that answer, then run it.');
      }
      return undefined;
    }
    const next = c.runner.planAboveAnswer(conversation, conversation.task);
    if (next.outcome !== 'route') {
      void vscode.window.showInformationMessage(`Ladder: ${next.notice ?? 'no higher tier is allowed.'} Nothing was sent.`);
      return undefined;
    }
    // In the group to the right of the old answer's, so the two can be read side by side.
    const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString())?.viewColumn;
    return await c.runner.run({
      command: conversation.task,
      title: 'Answer Again',
      task: conversation.task,
      question: last.question,
      ...(conversation.task === 'ask' ? { quote: last.question } : {}),
      ...(conversation.selection ? { selection: conversation.selection } : {}),
      ...(conversation.turns.length > 1 ? { earlier: conversation.turns.slice(0, -1) } : {}),
      tier: next.tier,
      tierReasons: [`asked again: ${conversation.model} gave the answer${conversation.fellBack ? ` on a fallback from ${TIER_LABELS[conversation.tier]}` : ''}`, next.reasons.at(-1) ?? ''],
      // Not back down to the tier whose answer is being redone, for a budget or a fallback.
      noDowngrade: true,
      maxTokens: 4096,
      showResult: true,
      ...(column ? { resultColumn: column + 1 } : {}),
      check: checkNonEmpty,
    });
  },
};
