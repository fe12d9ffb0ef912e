import * as vscode from 'vscode';
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
 * budget set just before an Ask was not yet in force). Without a change to read, it waits 3 s.
 */
export async function setLadder(key: string, value: unknown, target: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global): Promise<void> {
  const { container } = await ladder();
  let listener: vscode.Disposable | undefined;
  const read = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3_000);
    listener = container.config.onDidChange(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    await vscode.workspace.getConfiguration('ladder').update(key, value, target);
    await read;
  } finally {
    listener?.dispose();
  }
}
