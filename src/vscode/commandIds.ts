/**
 * Every command Ladder contributes, in one documented list. package.json's
 * `contributes.commands` must match it (a unit test checks).
 */
export const CommandIds = {
  /** Free-form request, routed on its text and the selection. */
  ask: 'ladder.ask',
  /** Continues the answer in the active result view with the conversation so far. */
  followUp: 'ladder.followUp',
  /** The last question of the answer in front asked again on the next tier up. */
  answerAbove: 'ladder.answerAbove',
  /** Suggested names for the symbol at the cursor, applied through the rename provider. */
  renameSymbol: 'ladder.renameSymbol',
  /** Format and clean up the selection (diff preview). */
  tidySelection: 'ladder.tidySelection',
  /** Doc comments for the selection (diff preview). */
  generateDocs: 'ladder.generateDocs',
  /** Tests for the selection, opened as a new untitled file. */
  writeTests: 'ladder.writeTests',
  /** Explanation of the selection, streamed into a result view. */
  explainSelection: 'ladder.explainSelection',
  /** Refactor the selection (diff preview). */
  refactorSelection: 'ladder.refactorSelection',
  /** Review with escalation: cheap first pass, judgment tier on what matters. */
  reviewSelection: 'ladder.reviewSelection',
  /** The same over a whole file (editor or explorer). */
  reviewFile: 'ladder.reviewFile',
  /** Review focused on security, routed to the judgment tier. */
  securityReview: 'ladder.securityReview',
  /** Architecture review of a folder or the workspace. */
  architectureReview: 'ladder.architectureReview',
  /** A folder's review with its first pass sent as one Message Batch: half price, answered within 24 h. */
  batchReviewFolder: 'ladder.batchReviewFolder',
  /** Cancels a pending batch review (palette, while one is pending). */
  cancelBatchReview: 'ladder.cancelBatchReview',
  /** A fix for a review finding (light bulb on a Ladder diagnostic), as a diff. */
  fixFinding: 'ladder.fixFinding',
  /** Every finding in a file fixed in one request, as one diff (palette, or the light bulb when a file has two or more). */
  fixAllFindings: 'ladder.fixAllFindings',
  /** Shows tier, model, reasons and estimated cost without sending anything. */
  previewRoute: 'ladder.previewRoute',
  /** One-off tier override for the next request. */
  chooseTier: 'ladder.chooseTier',
  /** The cost report webview. */
  showCostReport: 'ladder.showCostReport',
  /** Ledger as CSV or JSON. */
  exportLedger: 'ladder.exportLedger',
  /** Start the session meter from zero (the ledger keeps everything). */
  resetSessionCost: 'ladder.resetSessionCost',
  /** Add the current file to every request's cached context. */
  pinFile: 'ladder.pinFile',
  /** Remove a pinned file. */
  unpinFile: 'ladder.unpinFile',
  /** Store the Anthropic API key in SecretStorage. */
  setApiKey: 'ladder.setApiKey',
  /** Remove the stored API key. */
  clearApiKey: 'ladder.clearApiKey',
  /** The cached prefix exactly as sent, and every file left out with why. */
  showContext: 'ladder.showContext',
  /** Show the output channel. */
  showLogs: 'ladder.showLogs',
  /** Apply the proposed edit in the open diff (diff title bar). */
  acceptEdit: 'ladder.acceptEdit',
  /** Discard the proposed edit in the open diff (diff title bar). */
  rejectEdit: 'ladder.rejectEdit',
  /** The last rejected edit's request again, one tier up (offered after Reject). */
  retryAbove: 'ladder.retryAbove',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
