import * as vscode from 'vscode';
import { formatUsd } from '../../core/ledger/format';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const resetSessionCostCommand: Command = {
  id: CommandIds.resetSessionCost,
  run: (c) => {
    c.cost.resetSession();
    // A meter set to today's cost keeps its figure: say so, rather than promise $0.00.
    const reset = c.cost.scope === 'today'
      ? `session cost reset. The status bar shows today's cost (${formatUsd(c.cost.shownAggregate().micros)}), which a reset does not change.`
      : 'session cost reset to $0.00.';
    void vscode.window.showInformationMessage(`Ladder: ${reset} The ledger keeps every call.`);
  },
};
