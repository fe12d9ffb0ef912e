import { CommandIds } from '../commandIds';
import { selectionFor } from '../editorSelection';
import type { Command } from './command';

/** Right-click → Review with Escalation: the selection (or the file when nothing is selected). */
export const reviewSelectionCommand: Command = {
  id: CommandIds.reviewSelection,
  run: async (c, uri) => {
    const selection = await selectionFor(c, { uri });
    if (!selection) return undefined;
    return await c.reviews.review({ command: 'review', title: 'Review with Escalation', selection });
  },
};

/** Review File: the whole file, from the editor or the explorer. */
export const reviewFileCommand: Command = {
  id: CommandIds.reviewFile,
  run: async (c, uri) => {
    const selection = await selectionFor(c, { uri, wholeFile: true });
    if (!selection) return undefined;
    return await c.reviews.review({ command: 'review', title: 'Review File', selection });
  },
};

/** Security Review: every finding the first pass reports is judged. */
export const securityReviewCommand: Command = {
  id: CommandIds.securityReview,
  run: async (c, uri) => {
    const selection = await selectionFor(c, { uri });
    if (!selection) return undefined;
    return await c.reviews.review({ command: 'securityReview', title: 'Security Review', selection, security: true });
  },
};
