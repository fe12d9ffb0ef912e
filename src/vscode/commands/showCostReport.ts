import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const showCostReportCommand: Command = {
  id: CommandIds.showCostReport,
  run: (c) => {
    c.costReport.show();
    return c.costReport.data();
  },
};
