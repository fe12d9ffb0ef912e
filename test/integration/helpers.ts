import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import { until } from './editor';
import type { LadderApi } from '../../src/extension';

/** Activates Ladder (if needed) and returns its API. */
export async function ladder(): Promise<LadderApi> {
  const extension = vscode.extensions.getExtension<LadderApi>('ladder-dev.ladder');
  if (!extension) throw new Error('Ladder is not installed in this extension host');
  return extension.isActive ? extension.exports : extension.activate();
}

/**
 * Updates a Ladder setting and waits until Ladder has read it: VS Code tells extensions of the
 * change after `update` resolves, so a test that acts at once could race it (in loaded runs a
 * budget set just before an Ask was not yet in force). A value already in place changes nothing
 * and is not waited for. `scope` is the folder whose settings a WorkspaceFolder target writes.
 */
export async function setLadder(key: string, value: unknown, target: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global, scope?: vscode.Uri): Promise<void> {
  const { container } = await ladder();
  const config = () => vscode.workspace.getConfiguration('ladder', scope);
  const level = { [vscode.ConfigurationTarget.Global]: 'globalValue', [vscode.ConfigurationTarget.Workspace]: 'workspaceValue', [vscode.ConfigurationTarget.WorkspaceFolder]: 'workspaceFolderValue' } as const;
  const written = () => isDeepStrictEqual(config().inspect(key)?.[level[target]], value);
  if (written()) return;
  // Ladder's own change event, for the change that carries this value (not an earlier one still on its way).
  let read = false;
  const listener = container.config.onDidChange(() => {
    read ||= written();
  });
  try {
    await config().update(key, value, target);
    await until(`Ladder to read ${key}`, () => read || undefined);
  } finally {
    listener.dispose();
  }
}
