import * as vscode from 'vscode';
import { Severity } from '../../core/protocol';
import { countOf } from '../../core/ledger/format';
import { JUDGED_FINDINGS } from '../../core/routing/classifier';
import { CommandIds } from '../commandIds';
import { selectionOf } from '../editorSelection';
import type { ShownFinding } from '../review';
import type { Command } from './command';
import { describeFinding } from './fixFinding';
import { EDIT_MAX_TOKENS, editOutputTokens, proposeEdit } from './proposeEdit';

/** A finding and the whole lines its code is on now. */
interface Located {
  readonly shown: ShownFinding;
  readonly range: vscode.Range;
}

/**
 * Fix All Review Findings in File: the file's Ladder findings (the light bulb's file, or the
 * active editor's) in one request and one diff. The lines from the first finding to the last
 * are sent as a fix, with every finding listed; the strongest finding routes it (a security or
 * concurrency finding makes it judgment, as Fix Review Finding does for one). Findings whose
 * code changed since the review are left out, and so, when the span is more than one answer
 * holds, are those outside the largest run of findings that fits. Accept removes the
 * diagnostics of the findings sent.
 */
export const fixAllFindingsCommand: Command = {
  id: CommandIds.fixAllFindings,
  run: async (c, uri) => {
    const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : c.editors.current()?.document;
    const all = document ? c.reviews.findingsIn(document) : [];
    if (!document || all.length === 0) {
      void vscode.window.showInformationMessage('Ladder: no review findings in this file. Run Review with Escalation first.');
      return undefined;
    }
    const lines = document.getText().split('\n');
    const located = all.flatMap((shown): Located[] => {
      const range = c.reviews.locate(shown, document, lines);
      return range ? [{ shown, range }] : [];
    }).sort((a, b) => a.range.start.line - b.range.start.line || a.range.end.line - b.range.end.line);
    const changed = all.length - located.length;
    if (located.length === 0) {
      void vscode.window.showWarningMessage(`Ladder: the code of all ${countOf(all.length, 'finding')} changed since the review, so Ladder cannot tell what to fix. Run the review again.`);
      return undefined;
    }
    const fits = (run: readonly Located[]) => editOutputTokens(document.getText(spanOf(run))) <= EDIT_MAX_TOKENS;
    const batch = largestRunThatFits(located, fits);
    const left = located.filter((l) => !batch.includes(l));
    const large = left.filter((l) => !fits([l])).length;
    const apart = left.length - large;
    if (changed > 0 || left.length > 0) {
      const why = [
        changed > 0 ? `${countOf(changed, 'finding')} whose code changed since the review (run the review again for ${changed === 1 ? 'it' : 'them'})` : '',
        large > 0 ? `${countOf(large, 'finding')} whose code alone is more than one answer holds` : '',
        apart > 0 ? `${countOf(apart, 'finding')} too far from the others for one answer (Fix All again once these are done)` : '',
      ].filter(Boolean).join(', and ');
      void vscode.window.showInformationMessage(`Ladder: fixing ${batch.length} of ${countOf(all.length, 'finding')}; left out: ${why}.`);
    }
    const strongest = [...batch].sort((a, b) => rank(b.shown) - rank(a.shown))[0]!.shown.finding;
    const listed = batch.map(({ shown, range }) => `- lines ${range.start.line + 1}-${range.end.line + 1}: ${describeFinding(shown.finding)}`);
    return proposeEdit(c, {
      command: 'fix',
      title: 'Fix All Review Findings',
      task: 'fix',
      question: `Fix these ${batch.length} problems, which a review found in the selected code, each on the lines given; leave the rest of the code as it is:\n${listed.join('\n')}`,
      selection: selectionOf(c, document, spanOf(batch)),
      finding: { category: strongest.category, severity: strongest.severity },
      onAccepted: () => {
        for (const { shown } of batch) c.reviews.fixed(shown);
      },
    });
  },
};

/** Judged categories above the rest, then by severity: the finding that routes the request. */
function rank(shown: ShownFinding): number {
  return (JUDGED_FINDINGS.has(shown.finding.category) ? Severity.options.length : 0) + Severity.options.indexOf(shown.finding.severity);
}

/** The whole lines from the first of `run`'s findings to the last. */
function spanOf(run: readonly Located[]): vscode.Range {
  const end = run.reduce((last, l) => (l.range.end.isAfter(last) ? l.range.end : last), run[0]!.range.end);
  return new vscode.Range(run[0]!.range.start, end);
}

/**
 * The run of consecutive findings (by line) with the most findings whose span one edit's
 * answer can hold, the earliest of equals; the first finding alone when none fits (the edit
 * then says it is too large). The answer is the whole span written again, so a finding 800
 * lines from the next would have the model rewrite everything between them.
 */
function largestRunThatFits(located: readonly Located[], fits: (run: readonly Located[]) => boolean): readonly Located[] {
  let best: readonly Located[] = [];
  let end = 0;
  // A run that fits still fits without its first finding, so the end only moves forward.
  for (let start = 0; start < located.length; start++) {
    // A finding too large on its own starts no run (a small one further down still can).
    if (!fits(located.slice(start, start + 1))) continue;
    end = Math.max(end, start);
    while (end + 1 < located.length && fits(located.slice(start, end + 2))) end++;
    if (end - start + 1 > best.length) best = located.slice(start, end + 1);
  }
  return best.length > 0 ? best : located.slice(0, 1);
}
