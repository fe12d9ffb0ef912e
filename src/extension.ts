import * as vscode from 'vscode';
import { Container } from './vscode/container';
import { COMMANDS } from './vscode/commands/all';

/** What activate() hands to other extensions and to the integration tests. */
export interface LadderApi {
  /** Milliseconds spent inside activate(). */
  readonly activationMs: number;
  readonly container: Container;
}

export function activate(context: vscode.ExtensionContext): LadderApi {
  const started = performance.now();
  const container = new Container(context);
  context.subscriptions.push(container);
  for (const command of COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.run(container, ...args)));
  }
  const activationMs = performance.now() - started;
  container.log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, container };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
