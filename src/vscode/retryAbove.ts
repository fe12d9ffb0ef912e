import * as vscode from 'vscode';
import type { RoutePlan } from '../core/routing/policy';
import { TIER_LABELS } from '../core/tiers';
import { CommandIds } from './commandIds';
import { hasTab } from './editorSelection';

/**
 * After the user rejects an edit, offers the same request on the next tier up. A rejection
 * is evidence that the tier was not enough, like a failed check, but the user decides:
 * a notification button and a command (for keyboard users and tests) run it. Only the
 * latest rejection is on offer.
 */
export class RetryAbove implements vscode.Disposable {
  private pending: (() => Promise<unknown>) | undefined;
  /** Runs when the pending offer ends without being taken (replaced, withdrawn, disposed) or is taken. */
  private drop: (() => void) | undefined;
  /** The document the pending offer is about: closing its last tab withdraws the offer. */
  private about: vscode.Uri | undefined;
  private readonly tabs = vscode.window.tabGroups.onDidChangeTabs((e) => {
    if (this.about && e.closed.length > 0 && !hasTab(this.about)) this.set(undefined);
  });

  /**
   * `next` is the policy's answer for the rejected plan; nothing is offered when it cannot
   * route. `what` was rejected (an edit, names); `about` is the document its request reads.
   */
  offer(rejected: RoutePlan, next: RoutePlan, run: (next: RoutePlan) => Promise<unknown>, options: { what?: string; about?: vscode.Uri; drop?: () => void } = {}): void {
    if (next.outcome !== 'route') {
      this.set(undefined);
      options.drop?.();
      // Said, so the missing offer is not a mystery: the cap, the budget, or the top of the ladder.
      if (next.notice) void vscode.window.showInformationMessage(`Ladder: ${next.notice} No higher tier is offered.`);
      return;
    }
    const retry = () => run(next);
    this.set(retry, options.about, options.drop);
    const button = `Try ${next.model}`;
    void vscode.window.showInformationMessage(
      `Ladder: you rejected ${rejected.model}'s ${options.what ?? 'edit'}. Try the same request on the ${TIER_LABELS[next.tier]} tier (${next.model})?`,
      button,
    ).then((choice) => {
      if (choice !== button) return;
      if (this.pending === retry) void vscode.commands.executeCommand(CommandIds.retryAbove);
      else void vscode.window.showInformationMessage('Ladder: that offer was replaced by a later rejection, used, or withdrawn when its file was closed; Try Rejected Edit One Tier Up runs the latest.');
    });
  }

  /** Runs the offered retry once; resolves with the command's own result. */
  async run(): Promise<unknown> {
    const pending = this.pending;
    this.set(undefined);
    if (!pending) {
      void vscode.window.showInformationMessage('Ladder: there is no rejected edit to try on a higher tier.');
      return undefined;
    }
    return pending();
  }

  private set(pending: (() => Promise<unknown>) | undefined, about?: vscode.Uri, drop?: () => void): void {
    this.drop?.();
    this.drop = pending ? drop : undefined;
    this.pending = pending;
    // Tied to a tab only where one shows it (a cell has none; Fix All from the Explorer opens none): else it stays until replaced.
    this.about = pending && about && about.scheme !== 'vscode-notebook-cell' && hasTab(about) ? about : undefined;
    void vscode.commands.executeCommand('setContext', 'ladder.canRetryAbove', pending !== undefined);
  }

  dispose(): void {
    this.set(undefined);
    this.tabs.dispose();
  }
}
