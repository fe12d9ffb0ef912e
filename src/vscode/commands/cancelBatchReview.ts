import { CommandIds } from '../commandIds';
import type { Command } from './command';

/** Cancels a pending batch review (palette, while one is pending) and says what was billed. */
export const cancelBatchReviewCommand: Command = {
  id: CommandIds.cancelBatchReview,
  run: (c, id) => c.reviews.batches.cancel(typeof id === 'string' ? id : undefined),
};
