import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { refusedUntrusted } from '../requestRunner';
import { folderMaterial } from '../review';
import type { Command } from './command';

/**
 * Review Folder at Batch Price: a folder from the Explorer, or from the palette the workspace
 * (in a multi-root window, the folder picked), its first pass sent as one Message Batch.
 * Returns the pending batch.
 */
export const batchReviewFolderCommand: Command = {
  id: CommandIds.batchReviewFolder,
  run: async (c, uri) => {
    // Before a folder is picked or read.
    if (refusedUntrusted() || !(await c.apiKey.ensure())) return undefined;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = uri instanceof vscode.Uri ? uri : folders.length > 1 ? (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Review which folder at batch price?' }))?.uri : undefined;
    if (!(uri instanceof vscode.Uri) && folders.length > 1 && !folder) return undefined;
    const material = await folderMaterial(c, folder);
    if (!material) return undefined;
    return await c.reviews.batches.submit(material, folder);
  },
};
