import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { editableOrSay, selectionFor } from '../editorSelection';
import { refusedUntrusted } from '../requestRunner';
import type { Command } from './command';
import { proposeEdit, sendableEdit } from './proposeEdit';

export const refactorSelectionCommand: Command = {
  id: CommandIds.refactorSelection,
  run: async (c, uri, goal) => {
    // Before asking what to do: nothing is sent from an untrusted workspace, a read-only view
    // cannot take the edit, nor an answer hold too much code.
    if (refusedUntrusted()) return undefined;
    const selection = await selectionFor(c, { uri });
    if (!selection || !editableOrSay(selection.document, 'Refactor Selection') || !sendableEdit(selection, 'Refactor Selection')) return undefined;
    const question = typeof goal === 'string' ? goal : await vscode.window.showInputBox({
      title: 'Ladder: Refactor Selection',
      prompt: 'What should the refactoring achieve? (Enter for a general clean-up)',
      placeHolder: 'e.g. extract the validation into its own function',
    });
    if (question === undefined) return undefined;
    return proposeEdit(c, {
      command: 'refactor',
      title: 'Refactor Selection',
      task: 'refactor',
      question: question.trim() || 'Refactor this code for clarity without changing its behaviour.',
      selection,
    });
  },
};
