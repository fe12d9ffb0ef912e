import * as vscode from 'vscode';
import { buildDigest } from '../../core/review';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

const MAX_FILES = 40;
const MAX_CHARS = 120_000;

/** Architecture review of a folder (explorer) or the whole workspace (palette). */
export const architectureReviewCommand: Command = {
  id: CommandIds.architectureReview,
  run: async (c, uri) => {
    const root = vscode.workspace.workspaceFolders?.[0];
    if (!root) {
      void vscode.window.showInformationMessage('Ladder: open a folder to review its architecture.');
      return undefined;
    }
    const folder = uri instanceof vscode.Uri ? c.workspace.relativePath(uri) ?? '' : '';
    const files = await c.workspace.digest(folder, { maxFiles: MAX_FILES, maxChars: MAX_CHARS });
    if (files.length === 0) {
      void vscode.window.showInformationMessage(`Ladder: nothing reviewable in ${folder || 'the workspace'} (secret, ignored and binary files are never sent).`);
      return undefined;
    }
    const { text, parts } = buildDigest(files);
    const document = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    const lastLine = document.lineCount - 1;
    return await c.reviews.review({
      command: 'architectureReview',
      title: 'Architecture Review',
      architecture: { parts, where: `${folder || 'the workspace'} (${files.length} file${files.length === 1 ? '' : 's'})` },
      selection: {
        document,
        range: new vscode.Range(0, 0, lastLine, document.lineAt(lastLine).text.length),
        text,
        path: folder || '.',
        startLine: 1,
        endLine: lastLine + 1,
        languageId: 'plaintext',
      },
    });
  },
};
