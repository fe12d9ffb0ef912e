import * as vscode from 'vscode';
import { dearerPerCall } from '../core/pricing/cost';
import { tableWithOverrides } from '../core/pricing/priceTable';
import { MODEL_KEYS, alternatesAcrossLevels, boundAcrossLevels, ladderFrom, lastValidAcrossLevels, modelAcrossLevels, parseSettings, SETTINGS_SECTION, lowestSpendAcrossLevels, strictestBudget, strictestCap, strictestEscalations, strictestOnExceeded, userModel } from '../core/settings/schema';
import type { ModelKey, SettingKey, SettingLevel, Settings } from '../core/settings/schema';

function isModelKey(key: SettingKey): key is ModelKey {
  return (MODEL_KEYS as readonly string[]).includes(key);
}

/**
 * Settings a workspace must not be able to set at all. The endpoint decides where the API
 * key is sent; the exception-tier opt-in decides spend, and so do prices (a repository's
 * overrides of $0 would blind the meter and every budget). They are application-scoped in
 * package.json, and read here from the user's own level only, so even a workspace file
 * that sets them has no effect. The access cap, budgets (and what an exceeded one does), escalation limit and the settings that
 * make each request spend more (cache TTL, difficulty check, learning from verdicts) are read from
 * every level, the strictest winning (see strictestOf, lowestSpendAcrossLevels); a tier's model and its alternates
 * from a workspace or folder may not cost more than the user's (see modelAcrossLevels), and the
 * context bounds may not grow past the user's (see boundAcrossLevels).
 */
const USER_LEVEL_ONLY: ReadonlySet<SettingKey> = new Set<SettingKey>(['api.baseUrl', 'api.timeoutSeconds', 'api.maxRetries', 'routing.allowExceptionTier', 'pricing.overrides']);

/** Typed, validated access to `ladder.*` settings. */
export class Config implements vscode.Disposable {
  private current: Settings;
  /** The errors of the last read, so a change elsewhere does not report them again. */
  private reported = new Set<string>();
  /** The settings level the access cap comes from ("user", "workspace", `folder "api"`, "default"). */
  private capLevel: string | undefined;
  private readonly emitter = new vscode.EventEmitter<Settings>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly reportErrors: (errors: string[]) => void) {
    this.current = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS_SECTION)) {
        this.current = this.read();
        this.emitter.fire(this.current);
      }
    });
  }

  get settings(): Settings {
    return this.current;
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.current[key];
  }

  /** Where the access cap is set, when not by default: "user", "workspace", `folder "api"`. */
  get accessCapLevel(): string | undefined {
    return this.capLevel === 'default' ? undefined : this.capLevel;
  }

  private read(): Settings {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const levelsOf = (key: SettingKey): SettingLevel[] => {
      const inspected = config.inspect(key);
      return [
        { level: 'user', value: inspected?.globalValue },
        { level: 'workspace', value: inspected?.workspaceValue },
        { level: 'folder', value: inspected?.workspaceFolderValue },
      ];
    };
    // The access cap is resource-scoped: in a multi-root workspace each folder's own settings may lower it too.
    const capLevels = (): SettingLevel[] => [
      ...levelsOf('routing.accessCap'),
      ...(vscode.workspace.workspaceFile ? vscode.workspace.workspaceFolders ?? [] : []).map((folder) => ({
        level: `folder "${folder.name}"`,
        value: vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect('routing.accessCap')?.workspaceFolderValue,
      })),
    ];
    const levelErrors: string[] = [];
    const take = (result: { value: unknown; errors: string[] }): unknown => {
      levelErrors.push(...result.errors);
      return result.value;
    };
    // Models are compared at the prices you pay: the table with your own overrides.
    const prices = tableWithOverrides(config.inspect('pricing.overrides')?.globalValue).table;
    const pricier = (candidate: string, base: string): string | undefined => dearerPerCall(candidate, base, prices);
    const { settings, errors } = parseSettings((key) => {
      if (USER_LEVEL_ONLY.has(key)) return config.inspect(key)?.globalValue;
      if (key === 'routing.accessCap') {
        const cap = strictestCap(capLevels(), config.inspect('routing.allowExceptionTier')?.globalValue === true);
        this.capLevel = cap.level;
        return take(cap);
      }
      if (key === 'budget.session' || key === 'budget.daily') return take(strictestBudget(key, levelsOf(key)));
      if (key === 'routing.maxEscalations') return take(strictestEscalations(levelsOf(key)));
      if (key === 'budget.onExceeded') return take(strictestOnExceeded(levelsOf(key)));
      if (key === 'cache.ttl' || key === 'routing.difficultyCheck' || key === 'routing.difficultyThreshold' || key === 'routing.learnFromVerdicts') return take(lowestSpendAcrossLevels(key, levelsOf(key)));
      if (isModelKey(key)) return take(modelAcrossLevels(key, levelsOf(key), pricier));
      if (key === 'context.maxTreeEntries' || key === 'context.maxFileBytes') return take(boundAcrossLevels(key, levelsOf(key)));
      if (key === 'models.alternates') {
        const userLadder = ladderFrom((modelKey) => userModel(modelKey, config.inspect(modelKey)?.globalValue));
        return take(alternatesAcrossLevels(levelsOf(key), userLadder, pricier));
      }
      if (key === 'statusBar.show') return take(lastValidAcrossLevels(key, levelsOf(key), '"session" or "today"'));
      return config.get(key);
    }, (key) => (USER_LEVEL_ONLY.has(key) ? 'user' : undefined));
    // Only what is newly wrong: editing another setting does not repeat a warning already shown.
    const all = [...levelErrors, ...errors];
    const fresh = all.filter((e) => !this.reported.has(e));
    this.reported = new Set(all);
    if (fresh.length > 0) this.reportErrors(fresh);
    return settings;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
