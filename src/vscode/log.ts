import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';

/**
 * The one log of the extension ("Ladder" in the Output panel). Every line passes through
 * redaction, with the current API key among the known secrets.
 */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Ladder', { log: true });
  private secrets: string[] = [];
  /** A closed channel throws on write; a line logged while the window closes is dropped instead. */
  private closed = false;

  setKnownSecret(secret: string | undefined): void {
    this.secrets = secret ? [secret] : [];
  }

  info(message: string): void {
    if (!this.closed) this.channel.info(this.clean(message));
  }

  warn(message: string): void {
    if (!this.closed) this.channel.warn(this.clean(message));
  }

  error(message: string, err?: unknown): void {
    const detail = err === undefined ? '' : `: ${err instanceof Error ? err.message : String(err)}`;
    if (!this.closed) this.channel.error(this.clean(message + detail));
  }

  debug(message: string): void {
    if (!this.closed) this.channel.debug(this.clean(message));
  }

  /** Redacts secrets from text that is about to be shown to the user. */
  clean(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  show(): void {
    this.channel.show(true);
  }

  /** Tells the user something went wrong (redacted), as a warning whose Show Logs button opens this log. */
  warnUser(message: string): void {
    void vscode.window.showWarningMessage(this.clean(message), 'Show Logs').then((choice) => {
      if (choice) this.show();
    });
  }

  dispose(): void {
    this.closed = true;
    this.channel.dispose();
  }
}
