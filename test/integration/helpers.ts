import * as vscode from 'vscode';
import type { LadderApi } from '../../src/extension';

/** Activates Ladder (if needed) and returns its API. */
export async function ladder(): Promise<LadderApi> {
  const extension = vscode.extensions.getExtension<LadderApi>('ladder-dev.ladder');
  if (!extension) throw new Error('Ladder is not installed in this extension host');
  return extension.isActive ? extension.exports : extension.activate();
}
