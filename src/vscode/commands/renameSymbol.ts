import * as vscode from 'vscode';
import { RenameAnswer, extractAnswer } from '../../core/protocol';
import { CommandIds } from '../commandIds';
import { editableOrSay, pathsOf, readOnlyIn } from '../editorSelection';
import type { Container } from '../container';
import type { Command } from './command';
import type { RetrySpec } from './proposeEdit';

/** A suggested name: one token, letters or digits with the marks identifiers use in some language. */
const NAME_SHAPE = /^[\p{L}_$@-][\p{L}\p{N}_$-]*[?!]?$/u;

/** The quick pick's last item: none of the names will do, a rejection of the tier that suggested them. */
const NONE_OF_THESE = 'None of these names';

/**
 * Suggested names for the symbol at the cursor; the chosen one is applied through the
 * language's rename provider, so every reference moves with it (one undoable edit).
 * Picking a name is the accept; "None of these names" is the reject, and offers the next
 * tier as a rejected edit does. Escape, or the list closing when another one opens (Quick
 * Open), is no verdict: a person who only changed their mind has not judged the names, and
 * a rejection moves where Rename starts (see learnFromVerdicts).
 * `pickName` (a name, or `false` for none of them) answers without the list, for callers
 * and tests.
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
    if (!editableOrSay(document, 'Rename Symbol')) return undefined;
    const cursorWord = document.getWordRangeAtPosition(editor.selection.active);
    if (!cursorWord) {
      void vscode.window.showInformationMessage('Ladder: put the cursor on a symbol to rename.');
      return undefined;
    }
    // Names are only worth paying for when something can apply one: ask the language first,
    // and ask it what it would rename (on `let` in `let t = 0`, TypeScript renames `t`).
    const target = await renameTarget(document, cursorWord);
    if ('cannot' in target) {
      void vscode.window.showInformationMessage(`Ladder: \`${target.symbol}\` cannot be renamed here (${target.cannot}), so nothing was sent.`);
      return undefined;
    }
    return suggestAndRename(c, document, target, typeof pickName === 'string' || pickName === false ? pickName : undefined);
  },
};

async function suggestAndRename(c: Container, document: vscode.TextDocument, target: { symbol: string; range: vscode.Range }, pickName?: string | false, retry?: RetrySpec): Promise<string | undefined> {
  const { symbol, range: wordRange } = target;
  const line = wordRange.start.line;
  const from = Math.max(0, line - 15);
  const to = Math.min(document.lineCount - 1, line + 15);
  const range = new vscode.Range(from, 0, to, document.lineAt(to).text.length);
  const outcome = await c.runner.run({
    command: 'rename',
    title: 'Rename Symbol',
    task: 'rename',
    question: `Suggest better names for \`${symbol}\` (line ${line + 1}), following this file's naming conventions.`,
    selection: { document, range, text: document.getText(range), ...pathsOf(c, document.uri), startLine: from + 1, endLine: to + 1, languageId: document.languageId },
    maxTokens: 1024,
    check: (text) => {
      const answer = extractAnswer(text, RenameAnswer);
      if (!answer) return { ok: false, reason: 'the answer is not the rename JSON' };
      // One token of the characters identifiers use across languages (`--primary-color`,
      // `$main`, `@brand`, `valid?`, `größe`); the language's rename provider judges the rest.
      const names = answer.names.filter((n) => NAME_SHAPE.test(n.name) && n.name !== symbol);
      return names.length > 0 ? { ok: true, value: names } : { ok: false, reason: 'no valid identifier among the suggestions' };
    },
    ...retry,
  });
  const callId = outcome.records.at(-1)?.callId;
  const picked = pickName !== undefined
    ? (pickName === false ? 'none' : outcome.value.find((n) => n.name === pickName) ?? { name: pickName, why: '' })
    : await vscode.window.showQuickPick<vscode.QuickPickItem & { name?: string }>([
      ...outcome.value.map((n) => ({ label: n.name, detail: n.why, name: n.name })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: `$(close) ${NONE_OF_THESE}`, detail: `Counts against ${outcome.plan.model}'s names; Ladder offers the next tier` },
    ], {
      title: `Rename ${symbol} — suggested by ${outcome.plan.model}`,
      // Clicking into the editor to look at the symbol is not a rejection of the names.
      ignoreFocusOut: true,
      placeHolder: 'Pick a name (Escape keeps the current one and judges nothing)',
    }).then((item) => (item === undefined ? undefined : item.name === undefined ? 'none' as const : { name: item.name }));
  if (picked === undefined) {
    c.log.info(`rename of ${symbol}: the names were dismissed, no verdict`);
    return undefined;
  }
  if (picked === 'none') {
    c.cost.verdict(outcome.taskId, 'rejected', callId);
    c.retryAbove.offer(outcome.plan, c.runner.planAfterRejection(outcome.plan), async (next) => {
      if (document.isClosed || document.getText(wordRange) !== symbol) {
        void vscode.window.showWarningMessage(`Ladder: \`${symbol}\` ${document.isClosed ? 'was closed' : 'moved or changed'} after its names were rejected. Put the cursor on it and run Rename Symbol again.`);
        return undefined;
      }
      return suggestAndRename(c, document, target, undefined, { tier: next.tier, tierReasons: next.reasons, taskId: outcome.taskId, noDowngrade: true });
    }, { what: 'names', about: document.uri });
    return undefined;
  }
  // Typing while the model worked moves the symbol: the saved position would rename whatever is there now.
  if (document.getText(wordRange) !== symbol) {
    void vscode.window.showWarningMessage(`Ladder: \`${symbol}\` moved or changed while the names were suggested, so nothing was renamed. Put the cursor on it and run Rename Symbol again.`);
    return undefined;
  }
  let edit: vscode.WorkspaceEdit | undefined;
  try {
    edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', document.uri, wordRange.start, picked.name);
  } catch (err) {
    // The provider refused this name (it throws its reason): the suggestion was not usable.
    c.cost.verdict(outcome.taskId, 'rejected', callId);
    void vscode.window.showWarningMessage(`Ladder: ${document.languageId}'s rename refused \`${picked.name}\`: ${err instanceof Error ? err.message : String(err)}. Nothing was changed; run Rename Symbol again for other names.`);
    return undefined;
  }
  if (!edit || edit.size === 0) {
    void vscode.window.showWarningMessage(`Ladder: no rename provider could rename \`${symbol}\` in ${document.languageId}; nothing was changed.`);
    return undefined;
  }
  // A reference in a file you protected: VS Code would change its buffer, and never save it.
  const locked = await readOnlyIn(edit);
  if (locked) {
    void vscode.window.showWarningMessage(`Ladder: renaming \`${symbol}\` would change ${locked}, so nothing was renamed.`);
    return undefined;
  }
  const applied = await vscode.workspace.applyEdit(edit);
  // A rename VS Code could not apply says nothing about the names: no verdict.
  if (applied) c.cost.verdict(outcome.taskId, 'accepted', callId);
  else void vscode.window.showWarningMessage(`Ladder: VS Code could not apply the rename of \`${symbol}\`; nothing was changed.`);
  return applied ? picked.name : undefined;
}

/**
 * What the language would rename from the word at the cursor: the symbol's own range (the
 * word itself, or the name a keyword declares), or why nothing can be renamed there.
 * `vscode.prepareRename` answers with the word even where no provider exists, so a dry run
 * then computes the rename's edit (applying nothing), as the rename itself will.
 */
async function renameTarget(document: vscode.TextDocument, word: vscode.Range): Promise<{ symbol: string; range: vscode.Range } | { symbol: string; cannot: string }> {
  let symbol = document.getText(word);
  let range = word;
  let refused: string | undefined;
  try {
    const prepared = await vscode.commands.executeCommand<vscode.Range | { range: vscode.Range; placeholder?: string } | undefined>('vscode.prepareRename', document.uri, word.start);
    const preparedRange = prepared instanceof vscode.Range ? prepared : prepared?.range;
    if (preparedRange && !preparedRange.isEmpty && preparedRange.isSingleLine) {
      range = preparedRange;
      symbol = document.getText(preparedRange);
    }
  } catch (err) {
    refused = errorText(err);
  }
  try {
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', document.uri, range.start, `${symbol}Renamed`);
    return edit && edit.size > 0 ? { symbol, range } : { symbol, cannot: refused ?? 'no rename provider for this language' };
  } catch (err) {
    return { symbol, cannot: errorText(err) };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error && err.message ? err.message.replace(/\.$/, '') : 'the language refused';
}
