import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { selectionFor } from '../editorSelection';
import { checkNonEmpty } from '../../core/task/checks';
import type { Container } from '../container';
import { refusedUntrusted, type EditorSelection } from '../requestRunner';
import type { Command } from './command';

/**
 * The material Ask sends with a question: the selection, and nothing when nothing is selected
 * or only blank lines are (an empty code block is paid for and says nothing).
 */
export async function askSelection(c: Container): Promise<EditorSelection | undefined> {
  const editor = c.editors.current();
  const selection = editor && !editor.selection.isEmpty ? await selectionFor(c) : undefined;
  return selection?.text.trim() ? selection : undefined;
}

/** Free-form request: routed on its words, with the selection (if any) as material. */
export const askCommand: Command = {
  id: CommandIds.ask,
  run: async (c, question) => {
    // Before the question is typed: it would be thrown away.
    if (refusedUntrusted()) return undefined;
    const text = typeof question === 'string' ? question : await vscode.window.showInputBox({
      title: 'Ladder: Ask',
      prompt: 'Ask about the selection or the workspace. Ladder picks the tier from what you ask.',
      placeHolder: 'e.g. why does this retry loop never stop?',
      ignoreFocusOut: true,
    });
    if (!text?.trim()) return undefined;
    const selection = await askSelection(c);
    return await c.runner.run({
      command: 'ask',
      title: 'Ask',
      // Routed on its words like any request, but answered in prose whatever step it reads as:
      // a review's findings schema or an edit's block would land raw in the result view.
      task: 'ask',
      question: text.trim(),
      quote: text.trim(),
      ...(selection ? { selection } : {}),
      maxTokens: 4096,
      showResult: true,
      check: checkNonEmpty,
    });
  },
};
