import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKey';
import { Config } from './config';
import { Log } from './log';
import { CostStatusBar } from './statusBar';

/**
 * The composition root: builds every long-lived piece once, cheaply. Anything that does
 * I/O or talks to the network is created on first use, not here.
 */
export class Container implements vscode.Disposable {
  readonly log: Log;
  readonly config: Config;
  readonly apiKey: ApiKeyStore;
  readonly statusBar: CostStatusBar;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(new Log());
    this.config = this.own(
      new Config((errors) => {
        for (const error of errors) this.log.warn(error);
        void vscode.window.showWarningMessage(`Ladder: ${errors[0]}${errors.length > 1 ? ` (+${errors.length - 1} more, see logs)` : ''}`, 'Open Settings').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'ladder');
        });
      }),
    );
    this.apiKey = this.own(new ApiKeyStore(context.secrets, this.log));
    this.statusBar = this.own(new CostStatusBar());
  }

  private own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
