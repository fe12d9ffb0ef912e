import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const showLogsCommand: Command = {
  id: CommandIds.showLogs,
  run: (c) => c.log.show(),
};
