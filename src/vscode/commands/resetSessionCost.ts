import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const resetSessionCostCommand: Command = {
  id: CommandIds.resetSessionCost,
  run: (c) => {
    c.cost.resetSession();
    void vscode.window.showInformationMessage('Ladder: session cost reset to $0.00. The ledger keeps every call.');
  },
};
