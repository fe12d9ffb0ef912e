import * as vscode from 'vscode';
import { parseSettings, SETTINGS_SECTION, strictestBudget, strictestCap } from '../core/settings/schema';
import type { SettingKey, Settings } from '../core/settings/schema';

/**
 * Settings a workspace must not be able to set at all. The endpoint decides where the API
 * key is sent; the exception-tier opt-in decides spend, and so do prices (a repository's
 * overrides of $0 would blind the meter and every budget). They are application-scoped in
 * package.json, and read here from the user's own level only, so even a workspace file
 * that sets them has no effect. The access cap and budgets are read from every level, the
 * strictest winning (see strictestOf).
 */
const USER_LEVEL_ONLY: ReadonlySet<SettingKey> = new Set<SettingKey>(['api.baseUrl', 'routing.allowExceptionTier', 'pricing.overrides']);

/** Typed, validated access to `ladder.*` settings. */
export class Config implements vscode.Disposable {
  private current: Settings;
  /** The errors of the last read, so a change elsewhere does not report them again. */
  private reported = new Set<string>();
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

  private read(): Settings {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const levelErrors: string[] = [];
    const { settings, errors } = parseSettings((key) => {
      if (USER_LEVEL_ONLY.has(key)) return config.inspect(key)?.globalValue;
      if (key === 'routing.accessCap' || key === 'budget.session' || key === 'budget.daily') {
        const inspected = config.inspect(key);
        const levels = [
          { level: 'user', value: inspected?.globalValue },
          { level: 'workspace', value: inspected?.workspaceValue },
          { level: 'folder', value: inspected?.workspaceFolderValue },
        ];
        const strictest = key === 'routing.accessCap' ? strictestCap(levels) : strictestBudget(key, levels);
        levelErrors.push(...strictest.errors);
        return strictest.value;
      }
      return config.get(key);
    });
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
