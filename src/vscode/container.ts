import * as vscode from 'vscode';
import { settingsWarning } from '../core/settings/schema';
import type { Tier } from '../core/tiers';
import { AnthropicGateway } from '../llm/anthropic';
import { ApiKeyStore } from './apiKey';
import { Config } from './config';
import { CostMeter } from './costMeter';
import { CostReportPanel } from './costReport';
import { Conversations } from './conversations';
import { EditPreviews } from './editPreview';
import { OpenProposals } from './openProposals';
import { RecentEditor } from './editorSelection';
import { RetryAbove } from './retryAbove';
import { Log } from './log';
import { Pricing } from './pricing';
import { RequestRunner } from './requestRunner';
import { ResultDocuments } from './resultDocuments';
import { ReviewService } from './review';
import { WorkspaceContext } from './workspaceContext';

/**
 * The composition root: builds every long-lived piece once, cheaply. The API client and
 * the workspace index are created on first use; the ledger loads after activation.
 */
export class Container implements vscode.Disposable {
  readonly log: Log;
  readonly config: Config;
  readonly apiKey: ApiKeyStore;
  readonly pricing: Pricing;
  readonly cost: CostMeter;
  readonly costReport: CostReportPanel;
  readonly workspace: WorkspaceContext;
  readonly results: ResultDocuments;
  readonly edits: EditPreviews;
  readonly openProposals: OpenProposals;
  readonly retryAbove: RetryAbove;
  readonly runner: RequestRunner;
  readonly reviews: ReviewService;
  readonly conversations: Conversations;
  readonly editors: RecentEditor;
  private client: AnthropicGateway | undefined;
  private override: Tier | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.own(new Log());
    this.config = this.own(
      new Config((errors) => {
        for (const error of errors) this.log.warn(error);
        const { message, setting, level } = settingsWarning(errors);
        void vscode.window.showWarningMessage(`Ladder: ${message}`, 'Open Settings', 'Show Logs').then((choice) => {
          // The tab of the level the bad value is in: the User tab would show a valid value, or none.
          // A folder's settings open after its folder is picked (no command takes the folder itself with a filter).
          const query = setting ?? 'ladder';
          if (choice === 'Open Settings') {
            if (level === 'workspace') void vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', query);
            else if (level?.startsWith('folder')) void vscode.commands.executeCommand('workbench.action.openFolderSettings', { query });
            else void vscode.commands.executeCommand('workbench.action.openSettings', query);
          }
          if (choice === 'Show Logs') this.log.show();
        });
      }),
    );
    this.apiKey = this.own(new ApiKeyStore(context.secrets, this.log));
    // A key stored in an earlier session: the walkthrough's first step shows it done.
    void this.apiKey.get();
    this.pricing = this.own(new Pricing(this.config, this.log));
    this.cost = this.own(new CostMeter(context, this.config, this.log, this.pricing));
    this.costReport = this.own(new CostReportPanel(context.extensionUri, this.cost, (stepType, tier) => this.runner.startsOn(stepType, tier)));
    this.workspace = this.own(new WorkspaceContext(context.workspaceState, this.config, this.log));
    this.results = this.own(new ResultDocuments(context.workspaceState, this.log));
    this.edits = this.own(new EditPreviews(this.results));
    this.openProposals = this.own(new OpenProposals(context.workspaceState));
    this.openProposals.announce();
    this.retryAbove = this.own(new RetryAbove());
    this.runner = new RequestRunner(this);
    this.reviews = this.own(new ReviewService(this));
    this.conversations = new Conversations(context.workspaceState, this.log);
    // An answer a window reload cut off is refused a follow-up as a cancelled one is.
    for (const uri of this.results.cutOff) this.conversations.ended(uri, 'reloaded');
    this.editors = this.own(new RecentEditor());
    // A new endpoint or timeout takes effect on the next request.
    this.own(this.config.onDidChange(() => {
      this.client = undefined;
    }));
  }

  /** The API client, created on first use with the current settings. */
  gateway(): AnthropicGateway {
    this.client ??= new AnthropicGateway({
      baseURL: this.config.get('api.baseUrl'),
      getApiKey: () => this.apiKey.get(),
      timeoutMs: this.config.get('api.timeoutSeconds') * 1000,
      maxRetries: this.config.get('api.maxRetries'),
    });
    return this.client;
  }

  /** The tier the user chose for the next request, if any. */
  get pendingOverride(): Tier | undefined {
    return this.override;
  }

  /** Sets (or clears) the one-off override; the cost meter shows it until a request takes it. */
  setOverride(tier: Tier | undefined): void {
    this.override = tier;
    this.cost.setNextTier(tier);
  }

  /** Consumes the one-off override. */
  takeOverride(): Tier | undefined {
    const tier = this.override;
    this.override = undefined;
    this.cost.setNextTier(undefined);
    return tier;
  }

  private own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
