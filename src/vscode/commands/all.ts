import type { Command } from './command';
import { answerAboveCommand } from './answerAbove';
import { architectureReviewCommand } from './architectureReview';
import { askCommand } from './ask';
import { batchReviewFolderCommand } from './batchReviewFolder';
import { cancelBatchReviewCommand } from './cancelBatchReview';
import { chooseTierCommand } from './chooseTier';
import { acceptEditCommand, rejectEditCommand, retryAboveCommand } from './editVerdict';
import { explainSelectionCommand } from './explainSelection';
import { exportLedgerCommand } from './exportLedger';
import { fixAllFindingsCommand } from './fixAllFindings';
import { fixFindingCommand } from './fixFinding';
import { followUpCommand } from './followUp';
import { generateDocsCommand } from './generateDocs';
import { pinFileCommand, unpinFileCommand } from './pinFile';
import { previewRouteCommand } from './previewRoute';
import { refactorSelectionCommand } from './refactorSelection';
import { renameSymbolCommand } from './renameSymbol';
import { resetSessionCostCommand } from './resetSessionCost';
import { reviewFileCommand, reviewSelectionCommand, securityReviewCommand } from './reviewSelection';
import { clearApiKeyCommand, setApiKeyCommand } from './setApiKey';
import { showContextCommand } from './showContext';
import { showCostReportCommand } from './showCostReport';
import { showLogsCommand } from './showLogs';
import { tidySelectionCommand } from './tidySelection';
import { writeTestsCommand } from './writeTests';

/** Every command, registered in one loop by extension.ts. */
export const COMMANDS: readonly Command[] = [
  askCommand,
  followUpCommand,
  answerAboveCommand,
  renameSymbolCommand,
  tidySelectionCommand,
  generateDocsCommand,
  writeTestsCommand,
  explainSelectionCommand,
  refactorSelectionCommand,
  reviewSelectionCommand,
  reviewFileCommand,
  securityReviewCommand,
  architectureReviewCommand,
  batchReviewFolderCommand,
  cancelBatchReviewCommand,
  fixFindingCommand,
  fixAllFindingsCommand,
  previewRouteCommand,
  chooseTierCommand,
  showCostReportCommand,
  exportLedgerCommand,
  resetSessionCostCommand,
  pinFileCommand,
  unpinFileCommand,
  setApiKeyCommand,
  clearApiKeyCommand,
  showContextCommand,
  showLogsCommand,
  acceptEditCommand,
  rejectEditCommand,
  retryAboveCommand,
];
