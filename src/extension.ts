import * as vscode from 'vscode';
import { Container } from './vscode/container';
import { COMMANDS } from './vscode/commands/all';
import type { Command } from './vscode/commands/command';
import { RequestStopped } from './vscode/requestRunner';

/** What activate() hands to other extensions and to the integration tests. */
export interface LadderApi {
  /** Milliseconds spent inside activate(). */
  readonly activationMs: number;
  readonly container: Container;
}

let active: Container | undefined;

export function activate(context: vscode.ExtensionContext): LadderApi {
  const started = performance.now();
  const container = new Container(context);
  active = container;
  // Not in context.subscriptions: VS Code disposes those without waiting for deactivate's
  // promise. deactivate returns once the requests it stops have recorded what they were
  // billed (test/integration/shutdown.itest.ts), and disposes the container after them.
  for (const command of COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(command.id, (...args: unknown[]) => runAtBoundary(container, command, args)));
  }
  const activationMs = performance.now() - started;
  container.log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, container };
}

/**
 * The command boundary: a request that stopped (already explained to the user) returns
 * nothing; anything unexpected is logged and shown once, with the way to the logs.
 */
async function runAtBoundary(container: Container, command: Command, args: unknown[]): Promise<unknown> {
  try {
    return await command.run(container, ...args);
  } catch (err) {
    if (err instanceof RequestStopped) return undefined;
    container.log.error(`${command.id} failed`, err);
    const message = container.log.clean(err instanceof Error ? err.message : String(err));
    void vscode.window.showErrorMessage(`Ladder: ${message}`, 'Show Logs').then((choice) => {
      if (choice) container.log.show();
    });
    return undefined;
  }
}

/**
 * A window reload or close: requests still streaming are stopped and their billed usage
 * recorded (the ledger and the log still open) before the container is disposed.
 */
export async function deactivate(): Promise<void> {
  const container = active;
  active = undefined;
  if (!container) return;
  try {
    await container.runner.stopAll();
  } finally {
    container.dispose();
  }
}
