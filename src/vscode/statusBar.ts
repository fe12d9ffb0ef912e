import * as vscode from 'vscode';
import { CommandIds } from './commandIds';

/** Formats dollars for the meter: four decimals below $1 so small sessions are not $0.00. */
export function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/**
 * The cost meter. Its text is the running cost; its tooltip carries the breakdown the
 * ledger summary renders.
 */
export class CostStatusBar implements vscode.Disposable {
  static readonly id = 'ladder.costMeter';
  private readonly item = vscode.window.createStatusBarItem(CostStatusBar.id, vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Ladder Cost Meter';
    this.item.command = CommandIds.showLogs;
    this.update(0, 'session', new vscode.MarkdownString('**Ladder** — no calls yet this session.'));
    this.item.show();
  }

  update(usd: number, scope: 'session' | 'today', tooltip: vscode.MarkdownString, warning = false): void {
    this.item.text = `$(pulse) Ladder ${formatUsd(usd)}`;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Ladder ${scope} cost ${formatUsd(usd)}`, role: 'button' };
    this.item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
