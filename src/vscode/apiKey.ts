import * as vscode from 'vscode';
import type { Log } from './log';

const SECRET_KEY = 'ladder.anthropicApiKey';

/**
 * The Anthropic API key, kept only in VS Code's SecretStorage. Nothing else in Ladder
 * stores it; the client asks for it on each use.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The key as last read; secret storage is a round trip to the browser in a remote window. */
  private cached: { key: string | undefined } | undefined;
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Log) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key !== SECRET_KEY) return;
      // Another window may have changed it: read it afresh next time.
      this.cached = undefined;
      this.emitter.fire();
    });
  }

  async get(): Promise<string | undefined> {
    if (!this.cached) {
      const key = (await this.secrets.get(SECRET_KEY)) || undefined;
      this.log.setKnownSecret(key);
      this.cached = { key };
    }
    return this.cached.key;
  }

  async set(key: string): Promise<void> {
    this.log.setKnownSecret(key);
    await this.secrets.store(SECRET_KEY, key);
    this.cached = { key };
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.cached = { key: undefined };
  }

  /** Asks for the key in a password box; returns whether one was stored. */
  async prompt(reason?: string): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: 'Ladder: Set Anthropic API Key',
      prompt: reason ?? 'Stored in VS Code\'s secret storage, never in settings or logs.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-ant-…',
      validateInput: (value) => (value.trim().length < 8 ? 'That is too short to be an API key.' : /\s/.test(value.trim()) ? 'An API key has no spaces.' : undefined),
    });
    if (!key) return false;
    await this.set(key.trim());
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
