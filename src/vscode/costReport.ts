import * as vscode from 'vscode';
import { DEFAULT_TASK_SORT, costReportMessage, isTaskSort, taskCallsMessage } from '../core/ledger/report';
import type { CostReportMessage, TaskCallsMessage, TaskSort } from '../core/ledger/report';
import { DEFAULT_OPUS_BASELINE_MODEL } from '../core/pricing/priceTable';
import type { Tier } from '../core/tiers';
import type { CostMeter } from './costMeter';

/** The report's webview type; package.json activates on it so a reload can restore the panel. */
const VIEW_TYPE = 'ladder.costReport';

/**
 * The cost report: a webview with per-task rows and a per-tier/per-day chart. Its script
 * and style live in media/; the data comes from the same summary as the status bar.
 * Hidden, the webview is let go (no retainContextWhenHidden: the report is a few thousand
 * DOM nodes kept for a tab that is rarely looked at); its script keeps the sort, the opened
 * tasks and the scroll position in the webview state and puts them back when shown again.
 */
export class CostReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: vscode.Disposable;
  /** The Tasks table's order, as the webview last said: the rows sent are the first in it. */
  private sort: TaskSort = DEFAULT_TASK_SORT;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly cost: CostMeter,
    private readonly startsOn: (stepType: string, tier: Tier) => Tier | undefined,
  ) {
    this.subscription = vscode.Disposable.from(
      cost.onDidChange(() => this.post()),
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async (panel) => this.restore(panel) }),
    );
  }

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      this.post();
      return this.panel;
    }
    return this.adopt(vscode.window.createWebviewPanel(VIEW_TYPE, 'Ladder Cost Report', vscode.ViewColumn.Active, this.options()));
  }

  /**
   * A report that was open when the window reloaded comes back where it was, with fresh
   * figures. A second one (two were open) is closed: the report is one panel.
   */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.options();
    this.adopt(panel);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
  }

  private adopt(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    this.panel = panel;
    // A new panel starts in the default order; one restored says its own in its 'ready'.
    this.sort = DEFAULT_TASK_SORT;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'costReport.js'));
    const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'costReport.css'));
    const nonce = Array.from({ length: 32 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
    panel.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${panel.webview.cspSource} data:; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}"><title>Ladder Cost Report</title></head>
<body><p id="report-status" class="visually-hidden" role="status"></p><main><h1 class="visually-hidden">Ladder cost report</h1><div id="cost-report"><p>Loading the ledger…</p></div></main>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
    panel.webview.onDidReceiveMessage((message: { type?: string; taskId?: unknown; sort?: unknown }) => {
      if ((message?.type === 'ready' || message?.type === 'sort') && isTaskSort(message.sort)) this.sort = message.sort;
      if (message?.type === 'ready' || message?.type === 'sort') this.post();
      if (message?.type === 'taskCalls' && typeof message.taskId === 'string') {
        void this.taskCalls(message.taskId).then((details) => (details ? panel.webview.postMessage(details) : undefined));
      }
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    this.post();
    return panel;
  }

  /** The message the webview renders (media/costReport.js); returned by the command for tests. */
  data(): CostReportMessage {
    return costReportMessage(this.cost.ledgerSummary, { scope: this.cost.scope, now: new Date(), opusModel: DEFAULT_OPUS_BASELINE_MODEL, sort: this.sort, startsOn: this.startsOn, budget: this.cost.budgetStatus(), unread: this.cost.unreadNote });
  }

  /**
   * A task's calls with their usage and cost, for the row the user opened: read from the
   * ledger, with those still waiting to be written (the row counts them too).
   */
  async taskCalls(taskId: string): Promise<TaskCallsMessage | undefined> {
    const row = this.cost.ledgerSummary.task(taskId);
    if (!row) return undefined;
    return taskCallsMessage(taskId, await this.cost.callsOfTask(taskId, row.firstTime, row.lastTime));
  }

  private post(): void {
    void this.panel?.webview.postMessage(this.data());
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
