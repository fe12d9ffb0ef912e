import * as vscode from 'vscode';
import { countOf } from '../../core/ledger/format';
import { TIER_LABELS } from '../../core/tiers';
import { whereOf } from '../../core/resultViews';
import { checkNonEmpty } from '../../core/task/checks';
import { CommandIds } from '../commandIds';
import type { Container } from '../container';
import { howItEnded } from '../conversations';
import type { Remembered } from '../conversations';
import { refusedUntrusted } from '../requestRunner';
import type { Command } from './command';

/** Asks which recent answer (of those `keep` accepts), the newest first; undefined when there are none or none is picked. */
export async function pickAnswer(c: Container, title = 'Ladder: Follow up which answer?', keep: (answer: Remembered) => boolean = () => true): Promise<vscode.Uri | undefined> {
  const recent = c.conversations.recent().filter(keep);
  if (recent.length === 0) return undefined;
  const picked = await vscode.window.showQuickPick(recent.map((conversation) => {
    const first = conversation.turns[0]?.question.split('\n')[0] ?? '';
    return {
      label: first.length > 90 ? `${first.slice(0, 89)}…` : first,
      // Questions often read alike ("rename t to total"): the code and the time tell them apart.
      description: `${conversation.selection ? whereOf(conversation.selection) : 'no selection'} · ${timeOf(conversation.at)}`,
      detail: `${countOf(conversation.turns.length, 'answer')}, the last from ${conversation.model}`,
      uri: conversation.uri,
    };
  }), { title, placeHolder: 'The newest first', ignoreFocusOut: true });
  return picked?.uri;
}

/**
 * What is in front: the active text editor's document, or the answers a Markdown preview in
 * front may show (a review report shows as one), matched by the preview's title. Two reviews
 * of the same code share a name, and the tab does not say which it is: the caller acts on one
 * only when it is the only one. Never the editor last worked in, as other commands read it:
 * with the cost report or another preview in front, that would act on, and pay for, an answer
 * out of sight.
 */
export function inFront(c: Container): vscode.Uri[] {
  const editor = vscode.window.activeTextEditor;
  if (editor) return [editor.document.uri];
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!(tab?.input instanceof vscode.TabInputWebview) || !tab.input.viewType.endsWith('markdown.preview')) return [];
  // The Markdown extension titles a preview "[Preview] name" (locked, as reports open) or "Preview name".
  const name = tab.label.replace(/^\[Preview\] |^Preview /, '');
  return c.conversations.recent().filter((answer) => answer.uri.path.split('/').pop() === name).map((answer) => answer.uri);
}

/** `14:05` today, `3 Mar 14:05` before (the local clock). */
function timeOf(at: number): string {
  const when = new Date(at);
  const time = `${String(when.getHours()).padStart(2, '0')}:${String(when.getMinutes()).padStart(2, '0')}`;
  return when.toDateString() === new Date().toDateString() ? time : `${when.getDate()} ${when.toLocaleString('en-US', { month: 'short' })} ${time}`;
}

/**
 * Ask a Follow-up: continues the answer in the active result view (Ask, Explain, a review
 * report, or an earlier follow-up) with the conversation so far and the same selection; from
 * anywhere else, it asks which recent answer to continue. Routed on the new
 * question's words, but never below the tier that gave the answer it follows: a cheaper model
 * would be asked about reasoning it did not do.
 */
export const followUpCommand: Command = {
  id: CommandIds.followUp,
  run: async (c, uri, question) => {
    // Before an answer is picked or the question typed: it would be thrown away.
    if (refusedUntrusted()) return undefined;
    const front = uri instanceof vscode.Uri ? [uri] : inFront(c);
    const active = front.length === 1 ? front[0] : undefined;
    // On the view of an answer that did not finish, that is the answer meant: say why it cannot go on.
    const unfinished = active && c.conversations.unfinished(active);
    if (unfinished) {
      void vscode.window.showInformationMessage(`Ladder: this answer ${howItEnded(unfinished)} before it finished, so it cannot be continued. Ask again.`);
      return undefined;
    }
    // Off an answer's view or a report's preview, pick the answer.
    const target = active && c.conversations.get(active) ? active : uri instanceof vscode.Uri ? undefined : await pickAnswer(c);
    const conversation = target ? c.conversations.get(target) : undefined;
    if (!target || !conversation) {
      if (c.conversations.recent().length === 0 || uri instanceof vscode.Uri) {
        void vscode.window.showInformationMessage('Ladder: a follow-up continues an answer from Ask, Explain Selection or a review. Open that answer, then run Ask a Follow-up.');
      }
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
