import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const pinFileCommand: Command = {
  id: CommandIds.pinFile,
  run: async (c, uri) => {
    const target = uri instanceof vscode.Uri ? uri : c.editors.current()?.document.uri;
    if (!target) {
      void vscode.window.showInformationMessage('Ladder: open the file to pin (or right-click it in the Explorer), then run Pin File to Context.');
      return undefined;
    }
    const pinned = await c.workspace.pin(target);
    if (!pinned) {
      void vscode.window.showWarningMessage('Ladder: only files inside a workspace folder can be pinned.');
      return undefined;
    }
    if (pinned.refused) {
      void vscode.window.showWarningMessage(`Ladder: ${pinned.rel} is not pinned: ${pinned.refused}${pinned.inContext ? '' : ', so it is never sent'}.`);
      return undefined;
    }
    void vscode.window.showInformationMessage(`Ladder: ${pinned.rel} is pinned to every request's cached context${vscode.workspace.isTrusted ? '' : ' once you trust this workspace (nothing is sent from it until then)'}.`);
    return pinned.rel;
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
    if (!(await c.workspace.unpin(rel))) {
      void vscode.window.showInformationMessage(`Ladder: ${rel} is not pinned.`);
      return undefined;
    }
    void vscode.window.showInformationMessage(`Ladder: ${rel} is no longer pinned.`);
    return rel;
  },
};
