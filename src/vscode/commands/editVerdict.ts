import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const acceptEditCommand: Command = {
  id: CommandIds.acceptEdit,
  run: (c, uri) => c.edits.accept(uri instanceof vscode.Uri ? uri : undefined),
};

export const rejectEditCommand: Command = {
  id: CommandIds.rejectEdit,
  run: (c, uri) => c.edits.reject(uri instanceof vscode.Uri ? uri : undefined),
};

export const retryAboveCommand: Command = {
  id: CommandIds.retryAbove,
  run: (c) => c.retryAbove.run(),
};
