import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { selectionFor } from '../editorSelection';
import { checkNonEmpty } from '../../core/task/checks';
import type { Command } from './command';

export const explainSelectionCommand: Command = {
  id: CommandIds.explainSelection,
  run: async (c, uri) => {
    const selection = await selectionFor(c, { uri });
    if (!selection) return undefined;
    if (!selection.text.trim()) {
      void vscode.window.showInformationMessage('Ladder: Nothing to explain: the selection is empty.');
      return undefined;
    }
    return await c.runner.run({
      command: 'explain',
      title: 'Explain Selection',
      task: 'explain',
      question: 'Explain what this code does, how, and anything surprising in it.',
      selection,
      maxTokens: 4096,
      showResult: true,
      check: checkNonEmpty,
    });
  },
};
