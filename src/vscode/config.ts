import * as vscode from 'vscode';
import { parseSettings, SETTINGS_SECTION } from '../core/settings/schema';
import type { SettingKey, Settings } from '../core/settings/schema';
import { minTier } from '../core/tiers';
import type { Tier } from '../core/tiers';
import { isTier } from '../core/tiers';

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
    const { settings, errors } = parseSettings((key) => {
      if (USER_LEVEL_ONLY.has(key)) return config.inspect(key)?.globalValue;
      if (key === 'routing.accessCap') return strictestCap(config.inspect<string>(key));
      return config.get(key);
    });
    if (errors.length > 0) this.reportErrors(errors);
    return settings;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** The access cap is a ceiling: every level may lower it, none may raise another's. */
function strictestCap(inspected: { globalValue?: string; workspaceValue?: string; workspaceFolderValue?: string } | undefined): unknown {
  const values = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue].filter((v) => v !== undefined);
  if (values.length === 0) return undefined;
  const invalid = values.find((v) => !isTier(v));
  if (invalid !== undefined) return invalid;
  return (values as Tier[]).reduce((a, b) => minTier(a, b));
}
