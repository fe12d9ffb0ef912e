import * as vscode from 'vscode';
import { estimateTokens } from '../../core/models';
import { contextReport } from '../../core/prompt/contextReport';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

/**
 * Show Workspace Context: what every request from this workspace sends before the question
 * (the cached prefix, byte for byte) and every file left out, with why. Sends nothing.
 */
export const showContextCommand: Command = {
  id: CommandIds.showContext,
  run: async (c) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Ladder sends nothing from an untrusted workspace, so there is no context to show.');
      return undefined;
    }
    const [{ context, pinned }, { exclusions, pinnedNotes }] = await Promise.all([c.workspace.segments(), c.workspace.leftOut()]);
    const model = c.config.get('models.execute');
    const tokens = (text: string) => `about ${estimateTokens(text, model).toLocaleString('en-US')} tokens for ${model}, local estimate`;
    const markdown = contextReport({ ...(context ? { context } : {}), ...(pinned ? { pinned } : {}), pinnedNotes, exclusions, tokens, folders: c.workspace.folderLabels });
    const uri = c.results.create('ladder-result', 'Workspace context.md', markdown, false, { save: false });
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  },
};
