import * as vscode from 'vscode';
import { parseSettings, SETTINGS_SECTION, strictestCap } from '../core/settings/schema';
import type { SettingKey, Settings } from '../core/settings/schema';

/**
 * Settings a workspace must not be able to loosen. The endpoint decides where the API key
 * is sent; the exception-tier opt-in decides spend. They are application-scoped in
 * package.json, and read here from the user's own level only, so even a workspace file
 * that sets them has no effect.
 */
const USER_LEVEL_ONLY: ReadonlySet<SettingKey> = new Set<SettingKey>(['api.baseUrl', 'routing.allowExceptionTier']);

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
    const capErrors: string[] = [];
    const { settings, errors } = parseSettings((key) => {
      if (USER_LEVEL_ONLY.has(key)) return config.inspect(key)?.globalValue;
      if (key === 'routing.accessCap') {
        const levels = config.inspect(key);
        const cap = strictestCap([
          { level: 'user', value: levels?.globalValue },
          { level: 'workspace', value: levels?.workspaceValue },
          { level: 'folder', value: levels?.workspaceFolderValue },
        ]);
        capErrors.push(...cap.errors);
        return cap.value;
      }
      return config.get(key);
    });
    // Only what is newly wrong: editing another setting does not repeat a warning already shown.
    const all = [...capErrors, ...errors];
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
