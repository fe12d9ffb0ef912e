import * as vscode from 'vscode';
import type { RequestCommand } from '../../core/steps';
import type { PromptTask } from '../../core/protocol';
import { totalMicros } from '../../core/ledger/record';
import { checkEditAnswer } from '../../core/task/checks';
import { estimateTokens } from '../../core/models';
import { TIER_LABELS } from '../../core/tiers';
import type { Tier } from '../../core/tiers';
import type { Container } from '../container';
import { FollowedRange } from '../editPreview';
import type { ProposalEnd } from '../editPreview';
import { editableOrSay, selectionFor } from '../editorSelection';
import type { EditorSelection, RequestOutcome } from '../requestRunner';

/** The same request forced onto a higher tier, in the task it continues. */
export interface RetrySpec {
  tier: Tier;
  tierReasons: string[];
  taskId: string;
  /** Never downgraded for the budget: that would resend to the tier just rejected. */
  noDowngrade: true;
}

/**
 * Asks for a replacement of the selection and opens it as a diff; Accept applies it as one
 * undoable edit. The verdict is recorded in the ledger for the route that produced it, and
 * a rejected edit can be tried again one tier up.
 */
export async function proposeEdit(c: Container, options: EditRequest & { uri?: unknown; selection?: EditorSelection }): Promise<ProposalEnd | 'unchanged' | undefined> {
  const selection = options.selection ?? (await selectionFor(c, { uri: options.uri }));
  if (!selection || !editableOrSay(selection.document, options.title) || !sendableEdit(selection, options.title)) return undefined;
  return proposeOn(c, options, selection);
}

/** An edit's answer is the whole selection again, in at most this many tokens. */
export const EDIT_MAX_TOKENS = 8192;

/**
 * Says why an edit of `selection` cannot succeed, before anything is paid: nothing but
 * whitespace to edit, or (for an edit that `rewrites` the selection) more code than an
 * answer can hold: every tier would be cut off at the same limit, and each would be paid
 * for. Returns true when it can be sent.
 */
export function sendableEdit(selection: EditorSelection, title: string, rewrites = true): boolean {
  if (selection.text.trim() === '') {
    void vscode.window.showInformationMessage(`Ladder: the selection is only whitespace, so ${title} has nothing to work on; nothing was sent.`);
    return false;
  }
  const tokens = editOutputTokens(selection.text);
  if (rewrites && tokens > EDIT_MAX_TOKENS) {
    void vscode.window.showWarningMessage(`Ladder: the selection is about ${tokens.toLocaleString('en-US')} tokens, and ${title} answers with all of it; an answer holds at most ${EDIT_MAX_TOKENS.toLocaleString('en-US')}. Select a smaller part (a function or two); nothing was sent.`);
    return false;
  }
  return true;
}

/** What an edit's answer costs in output: the selection written again (on the newest tokenizer, the larger count). */
export function editOutputTokens(text: string): number {
  return estimateTokens(text, 'claude-opus-4-8');
}

interface EditRequest {
  command: RequestCommand;
  title: string;
  task: PromptTask;
  question: string;
  /** The review finding a fix is for. */
  finding?: { category: string; severity: string };
  /** Called once the edit (or a retry's, one tier up) is applied. */
  onAccepted?: () => void;
}

async function proposeOn(c: Container, options: EditRequest, selection: EditorSelection, retry?: RetrySpec): Promise<ProposalEnd | 'unchanged'> {
  // Typing above the selection while the model works, or while its diff is open, moves its
  // code: the edit, and a retry one tier up, go where the code is then.
  const followed = new FollowedRange(selection.document, selection.range);
  let verdict: ProposalEnd = 'stale';
  try {
    const outcome = await c.runner.run({
      command: options.command,
      title: options.title,
      task: options.task,
      question: options.question,
      selection,
      maxTokens: EDIT_MAX_TOKENS,
      expectedOutputTokens: editOutputTokens(selection.text),
      answerSizedByInput: true,
      check: checkEditAnswer,
      ...(options.finding ? { finding: options.finding } : {}),
      ...retry,
    });
    // Typing in the selected code itself leaves nothing the answer fits; a document closed
    // meanwhile keeps its old text, so it is stale whatever it says.
    if (!followed.intact() || followed.original !== selection.text) {
      void vscode.window.showWarningMessage(`Ladder: ${selection.document.isClosed ? 'the file was closed' : 'the selected code changed'} while ${outcome.plan.model} worked on it, so its ${options.title} edit was not proposed. Run the command again.`);
      return 'stale';
    }
    const original = selection.text;
    // In the document's own line endings: a CRLF file's unchanged code must compare equal.
    const crlf = selection.document.eol === vscode.EndOfLine.CRLF;
    const replacement = preserveTrailingNewline(original, crlf ? outcome.value.replace(/\r?\n/g, '\r\n') : outcome.value);
    if (replacement === original) {
      void vscode.window.showInformationMessage(`Ladder: ${options.title} proposed no change (answered by ${outcome.plan.model}).`);
      return 'unchanged';
    }
    verdict = await c.openProposals.whileOpen({ command: options.title, file: selection.document.uri, micros: totalMicros(outcome.records) }, c.edits.propose({
      document: selection.document,
      range: followed.range,
      newText: replacement,
      title: `Ladder: ${options.title} — ${outcome.plan.model} (${TIER_LABELS[outcome.plan.tier]})`,
      why: outcome.plan.reasons.join(' → '),
    }));
    if (verdict === 'accepted') options.onAccepted?.();
    settleVerdict(c, outcome, verdict, () => (followed.intact() ? movedTo(selection, followed.range) : undefined), (next, here) => proposeOn(c, options, here, next), () => followed.dispose());
    return verdict;
  } finally {
    // A rejection's offer keeps following the code until it is taken, replaced or withdrawn.
    if (verdict !== 'rejected') followed.dispose();
  }
}

/** The selection at `range`, its line numbers shifted by as many lines as the code moved. */
function movedTo(selection: EditorSelection, range: vscode.Range): EditorSelection {
  const lines = range.start.line - selection.range.start.line;
  return range.isEqual(selection.range) ? selection : { ...selection, range, startLine: selection.startLine + lines, endLine: selection.endLine + lines };
}

/**
 * Records the verdict against the call that produced the edit. After a rejection, offers
 * the same request on the next tier the policy allows, in the same task (so the ledger
 * shows both attempts and the task's cost covers them). `current` is the selection where its
 * code is now, or undefined once that code changed; `drop` runs when the offer ends unused.
 */
export function settleVerdict(c: Container, outcome: RequestOutcome<unknown>, verdict: ProposalEnd, current: () => EditorSelection | undefined, retry: (spec: RetrySpec, selection: EditorSelection) => Promise<unknown>, drop?: () => void): void {
  if (verdict !== 'accepted' && verdict !== 'rejected') return;
  c.cost.verdict(outcome.taskId, verdict, outcome.records.at(-1)?.callId);
  if (verdict !== 'rejected') return;
  const document = current()?.document;
  c.retryAbove.offer(outcome.plan, c.runner.planAfterRejection(outcome.plan), async (next) => {
    const here = current();
    if (!here || here.document.isClosed) {
      void vscode.window.showWarningMessage(`Ladder: the selected code ${document?.isClosed ? 'was closed' : 'changed'} after the edit was rejected. Select it and run the command again.`);
      return undefined;
    }
    return retry({ tier: next.tier, tierReasons: next.reasons, taskId: outcome.taskId, noDowngrade: true }, here);
  }, { about: document?.uri, ...(drop ? { drop } : {}) });
}

/** A code block drops the selection's final newline; keep the file's shape as it was. */
function preserveTrailingNewline(original: string, replacement: string): string {
  const eol = original.endsWith('\r\n') ? '\r\n' : '\n';
  if (original.endsWith('\n') && !replacement.endsWith('\n')) return `${replacement}${eol}`;
  if (!original.endsWith('\n') && replacement.endsWith('\n')) return replacement.replace(/\r?\n$/, '');
  return replacement;
}
