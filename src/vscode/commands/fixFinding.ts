import * as vscode from 'vscode';
import { provenance } from '../../core/review';
import type { ReviewedFinding } from '../../core/review';
import { CommandIds } from '../commandIds';
import type { Container } from '../container';
import { selectionOf } from '../editorSelection';
import type { ShownFinding } from '../review';
import type { Command } from './command';
import { proposeEdit } from './proposeEdit';

/**
 * Fix Review Finding: the light bulb on a Ladder diagnostic (its argument is the finding's
 * id), or the palette (the finding at the cursor, else a pick of the file's). The finding's
 * lines, or a selection that holds them, are sent as a fix; the proposal opens as a diff,
 * and Accept removes the diagnostic. Routed as a fix: execute, or judgment for a security
 * or concurrency finding.
 */
export const fixFindingCommand: Command = {
  id: CommandIds.fixFinding,
  run: async (c, id) => {
    const shown = typeof id === 'number' ? c.reviews.finding(id) : await pickFinding(c);
    if (!shown) {
      if (typeof id === 'number') void vscode.window.showInformationMessage('Ladder: that finding is no longer shown: its file was reviewed again, or the finding was fixed.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(shown.uri);
    const lines = c.reviews.locate(shown, document);
    const f = shown.finding;
    if (!lines) {
      void vscode.window.showWarningMessage(`Ladder: the code at ${f.file}:${f.startLine} changed since the review, so Ladder cannot tell what to fix. Run the review again.`);
      return undefined;
    }
    // A selection that holds the finding widens what the fix may change (the editor last worked in: the cost report may have the focus).
    const editor = c.editors.current();
    const range = editor?.document === document && !editor.selection.isEmpty && editor.selection.contains(lines)
      ? new vscode.Range(editor.selection.start.line, 0, editor.selection.end.line, document.lineAt(editor.selection.end.line).text.length)
      : lines;
    return proposeEdit(c, {
      command: 'fix',
      title: 'Fix Review Finding',
      task: 'fix',
      question: `Fix this problem, which a review found in the selected code: ${describeFinding(f)}.`,
      selection: selectionOf(c, document, range),
      finding: { category: f.category, severity: f.severity },
      onAccepted: () => c.reviews.fixed(shown),
    });
  },
};

/** A finding as a fix request names it: what is wrong, its category and severity, and who stands behind it. */
export function describeFinding(f: ReviewedFinding): string {
  return `${f.message} (${f.category}, ${f.severity} severity; ${provenance(f)})`;
}

/** The finding at the cursor; else the user picks one of the file's; undefined (after saying why) when there is none. */
async function pickFinding(c: Container): Promise<ShownFinding | undefined> {
  const editor = c.editors.current();
  const inFile = editor ? c.reviews.findingsIn(editor.document) : [];
  if (!editor || inFile.length === 0) {
    void vscode.window.showInformationMessage('Ladder: no review findings in this file. Run Review with Escalation first; then put the cursor on a marked line.');
    return undefined;
  }
  const atCursor = c.reviews.findingsIn(editor.document, editor.selection.active.line);
  if (atCursor.length === 1) return atCursor[0];
  const picked = await vscode.window.showQuickPick(
    (atCursor.length > 0 ? atCursor : inFile).map((shown) => ({
      label: `Line ${shown.finding.startLine}: ${shown.finding.message}`,
      description: `${shown.finding.category}, ${shown.finding.severity}`,
      shown,
    })),
    { title: 'Ladder: Fix Review Finding', placeHolder: 'Which finding should be fixed?' },
  );
  return picked?.shown;
}
