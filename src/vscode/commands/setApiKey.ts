import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

export const setApiKeyCommand: Command = {
  id: CommandIds.setApiKey,
  run: async (c) => {
    if (await c.apiKey.prompt()) {
      c.log.info('API key stored in secret storage.');
      void vscode.window.showInformationMessage('Ladder: API key stored in VS Code\'s secret storage.');
    }
  },
};

export const clearApiKeyCommand: Command = {
  id: CommandIds.clearApiKey,
  run: async (c) => {
    if ((await c.apiKey.get()) === undefined) {
      void vscode.window.showInformationMessage('Ladder: no API key was set.');
      return;
    }
    await c.apiKey.clear();
    c.log.info('API key removed from secret storage.');
    void vscode.window.showInformationMessage('Ladder: API key removed.');
  },
};
