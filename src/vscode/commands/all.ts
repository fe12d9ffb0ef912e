import type { Command } from './command';
import { clearApiKeyCommand, setApiKeyCommand } from './setApiKey';
import { showLogsCommand } from './showLogs';

/** Every command, registered in one loop by extension.ts. */
export const COMMANDS: readonly Command[] = [showLogsCommand, setApiKeyCommand, clearApiKeyCommand];
