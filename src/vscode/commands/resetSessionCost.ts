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
    // The session budget counts from the reset too: a reached limit no longer stops requests.
    const limit = c.config.get('budget.session');
    const budget = limit > 0 ? ` The session budget (${formatUsd(Math.round(limit * 1_000_000))}) starts over too.` : '';
    void vscode.window.showInformationMessage(`Ladder: ${reset}${budget} The ledger keeps every call.`);
  },
};
