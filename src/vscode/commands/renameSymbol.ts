import * as vscode from 'vscode';
import { RenameAnswer, extractJson } from '../../core/protocol';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

/**
 * Suggested names for the symbol at the cursor; the chosen one is applied through the
 * language's rename provider, so every reference moves with it (one undoable edit).
 * Picking a name is the accept; dismissing the list is the reject.
 */
export const renameSymbolCommand: Command = {
  id: CommandIds.renameSymbol,
  run: async (c, pickName) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Ladder: put the cursor on a symbol to rename.');
      return undefined;
    }
    const document = editor.document;
    const wordRange = document.getWordRangeAtPosition(editor.selection.active);
    if (!wordRange) {
      void vscode.window.showInformationMessage('Ladder: put the cursor on a symbol to rename.');
      return undefined;
    }
    const symbol = document.getText(wordRange);
    // Names are only worth paying for when something can apply one: ask the language first.
    const cannot = await cannotRename(document.uri, wordRange.start, symbol);
    if (cannot) {
      void vscode.window.showInformationMessage(`Ladder: \`${symbol}\` cannot be renamed here (${cannot}), so nothing was sent.`);
      return undefined;
    }
    const line = wordRange.start.line;
    const from = Math.max(0, line - 15);
    const to = Math.min(document.lineCount - 1, line + 15);
    const range = new vscode.Range(from, 0, to, document.lineAt(to).text.length);
    const outcome = await c.runner.run({
      command: 'rename',
      title: 'Rename Symbol',
      task: 'rename',
      question: `Suggest better names for \`${symbol}\` (line ${line + 1}), following this file's naming conventions.`,
      selection: { document, range, text: document.getText(range), path: c.workspace.relativePath(document.uri) ?? 'untitled', startLine: from + 1, endLine: to + 1, languageId: document.languageId },
      maxTokens: 1024,
      check: (text) => {
        const parsed = RenameAnswer.safeParse(extractJson(text));
        if (!parsed.success) return { ok: false, reason: 'the answer is not the rename JSON' };
        const names = parsed.data.names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n.name) && n.name !== symbol);
        return names.length > 0 ? { ok: true, value: names } : { ok: false, reason: 'no valid identifier among the suggestions' };
      },
    });
    const picked = typeof pickName === 'string'
      ? outcome.value.find((n) => n.name === pickName) ?? { name: pickName, why: '' }
      : await vscode.window.showQuickPick(outcome.value.map((n) => ({ label: n.name, detail: n.why })), {
        title: `Rename ${symbol} — suggested by ${outcome.plan.model}`,
        placeHolder: 'Pick a name (Escape to keep the current one)',
      }).then((item) => (item ? { name: item.label } : undefined));
    if (!picked) {
      c.cost.verdict(outcome.taskId, 'rejected');
      return undefined;
    }
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', document.uri, wordRange.start, picked.name);
    if (!edit || edit.size === 0) {
      void vscode.window.showWarningMessage(`Ladder: no rename provider could rename \`${symbol}\` in ${document.languageId}; nothing was changed.`);
      return undefined;
    }
    const applied = await vscode.workspace.applyEdit(edit);
    c.cost.verdict(outcome.taskId, applied ? 'accepted' : 'rejected');
    return applied ? picked.name : undefined;
  },
};

/**
 * Why the language cannot rename at `position`, or undefined when it can. `vscode.prepareRename`
 * answers with the word even where no provider exists, so a dry run computes a rename's edit
 * (applying nothing), as the rename itself will.
 */
async function cannotRename(uri: vscode.Uri, position: vscode.Position, symbol: string): Promise<string | undefined> {
  try {
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', uri, position, `${symbol}Renamed`);
    return edit && edit.size > 0 ? undefined : 'no rename provider for this language';
  } catch (err) {
    return err instanceof Error && err.message ? err.message.replace(/\.$/, '') : 'the language refused';
  }
}
