import * as vscode from 'vscode';
import { isApiKeyShaped } from '../llm/anthropic';
import { CommandIds } from './commandIds';
import type { Log } from './log';

const SECRET_KEY = 'ladder.anthropicApiKey';

/**
 * The key as pasted, without the spaces around it or one pair of quotes (copied from a .env
 * file or JSON, `"sk-ant-…"` would be stored quotes and all, and every request refused).
 */
export function pastedKey(value: string): string {
  const trimmed = value.trim();
  return /^(["'`]).*\1$/s.test(trimmed) && trimmed.length > 1 ? trimmed.slice(1, -1).trim() : trimmed;
}

/** Why `key` cannot be an API key, in a sentence that does not repeat it; undefined when it can. */
function keyProblem(key: string): string | undefined {
  if (key.length < 8) return 'That is too short to be an API key.';
  if (/\s/.test(key)) return 'An API key has no spaces.';
  if (!isApiKeyShaped(key)) return 'An API key has only plain letters, digits and - _: this one has an invisible or typographic character (from copying it?).';
  // Not stricter: a gateway at ladder.api.baseUrl may take keys of another shape.
  return /["'`]/.test(key) ? 'An API key has no quotes: this one has a quote in it or at one end only.' : undefined;
}

/**
 * The Anthropic API key, kept only in VS Code's SecretStorage. Nothing else in Ladder
 * stores it; the client asks for it on each use.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The key as last read; secret storage is a round trip to the browser in a remote window. */
  private cached: { key: string | undefined } | undefined;
  /** Bumped by every set, clear and outside change, so a read that was under way cannot bring back an old key. */
  private generation = 0;
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Log) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key !== SECRET_KEY) return;
      // Another window may have changed it: read it afresh next time.
      this.cached = undefined;
      this.generation++;
      this.emitter.fire();
    });
  }

  async get(): Promise<string | undefined> {
    if (this.cached) return this.cached.key;
    const generation = this.generation;
    // A key stored in quotes before Set API Key took them off works too.
    const key = pastedKey((await this.secrets.get(SECRET_KEY)) ?? '') || undefined;
    // A set or clear while this read was under way decides: it is newer.
    if (generation !== this.generation) return this.get();
    this.log.setKnownSecret(key);
    this.cached = { key };
    this.publish(key !== undefined);
    return key;
  }

  /** `ladder.apiKeySet`: the walkthrough's first step is done however the key was stored (the command, or the box a first request opens). */
  private publish(set: boolean): void {
    void vscode.commands.executeCommand('setContext', 'ladder.apiKeySet', set);
  }

  async set(key: string): Promise<void> {
    this.generation++;
    this.log.setKnownSecret(key);
    await this.secrets.store(SECRET_KEY, key);
    this.cached = { key };
    this.publish(true);
  }

  async clear(): Promise<void> {
    this.generation++;
    this.log.setKnownSecret(undefined);
    this.cached = { key: undefined };
    await this.secrets.delete(SECRET_KEY);
    this.publish(false);
  }

  /** Whether a key is set, asking for one when not; says so, with Set API Key, when none is given. */
  async ensure(): Promise<boolean> {
    if ((await this.get()) || (await this.prompt('Ladder needs an Anthropic API key. It is kept in VS Code\'s secret storage only.'))) return true;
    void vscode.window.showWarningMessage('Ladder: no API key set, nothing was sent.', 'Set API Key').then((choice) => {
      if (choice) void vscode.commands.executeCommand(CommandIds.setApiKey);
    });
    return false;
  }

  /** Asks for the key in a password box; returns whether one was stored. */
  async prompt(reason?: string): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: 'Ladder: Set Anthropic API Key',
      prompt: reason ?? 'Stored in VS Code\'s secret storage, never in settings or logs.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-ant-…',
      validateInput: (value) => keyProblem(pastedKey(value)),
    });
    const pasted = pastedKey(key ?? '');
    if (!pasted || keyProblem(pasted)) return false;
    await this.set(pasted);
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
