import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const pinFileCommand: Command = {
  id: CommandIds.pinFile,
  run: async (c, uri) => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target) return undefined;
    const rel = await c.workspace.pin(target);
    if (!rel) {
      void vscode.window.showWarningMessage('Ladder: only files inside the workspace folder can be pinned.');
      return undefined;
    }
    void vscode.window.showInformationMessage(`Ladder: ${rel} is pinned to every request's cached context.`);
    return rel;
  },
};

export const unpinFileCommand: Command = {
  id: CommandIds.unpinFile,
  run: async (c, uri) => {
    const pinned = c.workspace.pinnedPaths();
    const fromUri = uri instanceof vscode.Uri ? c.workspace.relativePath(uri) : undefined;
    const rel = fromUri ?? (pinned.length === 0 ? undefined : await vscode.window.showQuickPick(pinned, { title: 'Ladder: Unpin File' }));
    if (!rel) {
      if (pinned.length === 0) void vscode.window.showInformationMessage('Ladder: no files are pinned.');
      return undefined;
    }
    await c.workspace.unpin(rel);
    void vscode.window.showInformationMessage(`Ladder: ${rel} is no longer pinned.`);
    return rel;
  },
};
