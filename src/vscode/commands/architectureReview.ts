import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { folderMaterial } from '../review';
import type { Command } from './command';

/** Architecture review of a folder (explorer) or the whole workspace (palette). */
export const architectureReviewCommand: Command = {
  id: CommandIds.architectureReview,
  run: async (c, uri) => {
    const material = await folderMaterial(c, uri instanceof vscode.Uri ? uri : undefined);
    if (!material) return undefined;
    return await c.reviews.review({ command: 'architectureReview', title: 'Architecture Review', architecture: true, ...material });
  },
};
