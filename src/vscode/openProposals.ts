import * as vscode from 'vscode';
import { notKeptMessage, savedProposal } from '../core/openProposals';
import type { OpenProposal } from '../core/openProposals';
import { readSaved, SAVED_VERSION } from '../core/resultViews';
import { THIS_WINDOW, otherWindowOpen } from './windows';

/** The workspaceState key of the proposals whose diff is open (see OpenProposal). */
const SAVED_KEY = 'ladder.openProposals';

/**
 * The proposed edits whose diff is open, kept in workspaceState until each ends (Accept, Reject,
 * its diff closed), so that the next window can say which a reload or close took away, paid for
 * and without a verdict. The diffs themselves are not restored (EditPreviews).
 */
export class OpenProposals implements vscode.Disposable {
  private open: OpenProposal[] = [];
  /** The window is going: its proposals end without a verdict, and stay named for the next one. */
  private closing = false;

  constructor(private readonly state: vscode.Memento) {}

  /** Says once which proposals the last window left open, and forgets them; not another window's, still open. */
  announce(): void {
    const stored = this.state.get<{ owner?: unknown } | undefined>(SAVED_KEY);
    if (otherWindowOpen(stored?.owner)) return;
    const { entries } = readSaved(stored, savedProposal);
    if (stored !== undefined) void this.state.update(SAVED_KEY, undefined);
    if (entries.length > 0) void vscode.window.showInformationMessage(notKeptMessage(entries));
  }

  /** Keeps `proposal` while its diff is open: until `verdict` settles, however it ends. */
  async whileOpen<T>(proposal: { command: string; file: vscode.Uri; micros: number }, verdict: Promise<T>): Promise<T> {
    const entry: OpenProposal = { command: proposal.command, file: vscode.workspace.asRelativePath(proposal.file, false), micros: proposal.micros };
    this.save([...this.open, entry]);
    try {
      return await verdict;
    } finally {
      if (!this.closing) this.save(this.open.filter((p) => p !== entry));
    }
  }

  private save(open: OpenProposal[]): void {
    this.open = open;
    void this.state.update(SAVED_KEY, open.length > 0 ? { version: SAVED_VERSION, entries: open, owner: THIS_WINDOW } : undefined);
  }

  dispose(): void {
    this.closing = true;
  }
}
