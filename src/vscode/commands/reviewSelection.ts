import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { selectionFor } from '../editorSelection';
import { folderMaterial } from '../review';
import type { ReviewResult } from '../review';
import type { Container } from '../container';
import type { Command } from './command';

async function isFolder(uri: unknown): Promise<boolean> {
  if (!(uri instanceof vscode.Uri)) return false;
  const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
  return stat !== undefined && (stat.type & vscode.FileType.Directory) !== 0;
}

/** A folder from the explorer: every reviewable file in it, each finding on its own file. */
async function reviewFolder(c: Container, uri: vscode.Uri, title: string, security: boolean, selected: unknown): Promise<ReviewResult | undefined> {
  fromExplorer(selected);
  const material = await folderMaterial(c, uri);
  if (!material) return undefined;
  return await c.reviews.review({ command: security ? 'securityReview' : 'review', title, security, ...material });
}

/**
 * From the Explorer, which passes the selected resources as a second argument (an array): the
 * file, whole, even when it is also the active editor with a selection (the editor's own menu
 * passes no array).
 */
function fromExplorer(selected: unknown): boolean {
  if (Array.isArray(selected) && selected.length > 1) {
    // Several selected in the Explorer: the command is given them all, but reviews one.
    void vscode.window.showInformationMessage(`Ladder reviews one file or folder at a time: the one you right-clicked, not the other ${selected.length - 1} selected. To review files together, right-click their folder.`);
  }
  return Array.isArray(selected);
}

/** Right-click → Review with Escalation: the selection (or the file when nothing is selected), or a folder. */
export const reviewSelectionCommand: Command = {
  id: CommandIds.reviewSelection,
  run: async (c, uri, selected) => {
    if (await isFolder(uri)) return await reviewFolder(c, uri as vscode.Uri, 'Review with Escalation', false, selected);
    const selection = await selectionFor(c, { uri, wholeFile: fromExplorer(selected) });
    if (!selection) return undefined;
    return await c.reviews.review({ command: 'review', title: 'Review with Escalation', selection });
  },
};

/** Review File with Escalation: the whole file, from the editor or the explorer. */
export const reviewFileCommand: Command = {
  id: CommandIds.reviewFile,
  run: async (c, uri, selected) => {
    fromExplorer(selected);
    const selection = await selectionFor(c, { uri, wholeFile: true });
    if (!selection) return undefined;
    return await c.reviews.review({ command: 'review', title: 'Review File with Escalation', selection });
  },
};

/** Security Review: every finding the first pass reports is judged. A selection, a file or a folder. */
export const securityReviewCommand: Command = {
  id: CommandIds.securityReview,
  run: async (c, uri, selected) => {
    if (await isFolder(uri)) return await reviewFolder(c, uri as vscode.Uri, 'Security Review', true, selected);
    const selection = await selectionFor(c, { uri, wholeFile: fromExplorer(selected) });
    if (!selection) return undefined;
    return await c.reviews.review({ command: 'securityReview', title: 'Security Review', selection, security: true });
  },
};
