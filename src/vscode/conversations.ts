import * as vscode from 'vscode';
import type { Turn } from '../core/prompt/request';
import type { Tier } from '../core/tiers';
import { compareTiers, maxTier } from '../core/tiers';
import type { EditorSelection } from './requestRunner';

/** An answer in a result view that a follow-up can continue. */
export interface Conversation {
  /** The material of the first question, as it was sent. */
  readonly selection?: EditorSelection;
  /** Every question and answer so far, oldest first. */
  readonly turns: readonly Turn[];
  /** The tier the last answer was routed to (a follow-up's floor), and the model that gave it. */
  readonly tier: Tier;
  readonly model: string;
  /** The model answered on a fallback below `tier` (the routed model was busy). */
  readonly fellBack?: boolean;
}

/**
 * Who gave an answer, as its conversation keeps it: the tier the policy chose when a fallback
 * answered lower (a busy moment does not lower the conversation), and the model that answered.
 */
export function answeredOn(route: { tier: Tier; baseTier: Tier; model: string }): Pick<Conversation, 'tier' | 'model' | 'fellBack'> {
  return { tier: maxTier(route.tier, route.baseTier), model: route.model, ...(compareTiers(route.baseTier, route.tier) > 0 ? { fellBack: true } : {}) };
}

/** How many answers can still be followed up; the oldest are forgotten first. */
const KEPT = 50;

/**
 * The answers in result views (Ask, Explain, review reports and follow-ups), by the view's URI,
 * so Ask a Follow-up can send the conversation so far. `ladder.conversationPaths` lets the view's
 * title bar and context menu offer the command only on such a view (the palette offers it
 * whenever one exists, `ladder.hasConversations`, and asks which). It holds each view's
 * `uri.path`, which is what `resourcePath` is for a scheme other than `file` (`fsPath` has
 * backslashes on Windows, so the menus would never match there).
 */
export class Conversations implements vscode.Disposable {
  private readonly byUri = new Map<string, Conversation & { uri: vscode.Uri }>();

  remember(uri: vscode.Uri, conversation: Conversation): void {
    // Delete first, so the map's order stays the order answers were given.
    this.byUri.delete(uri.toString());
    this.byUri.set(uri.toString(), { ...conversation, uri });
    for (const key of [...this.byUri.keys()].slice(0, Math.max(0, this.byUri.size - KEPT))) this.byUri.delete(key);
    void vscode.commands.executeCommand('setContext', 'ladder.conversationPaths', [...this.byUri.values()].map((c) => c.uri.path));
    void vscode.commands.executeCommand('setContext', 'ladder.hasConversations', true);
  }

  get(uri: vscode.Uri): Conversation | undefined {
    return this.byUri.get(uri.toString());
  }

  /** Every answer that can be followed up, with its view, the newest first. */
  recent(): (Conversation & { uri: vscode.Uri })[] {
    return [...this.byUri.values()].reverse();
  }

  dispose(): void {
    this.byUri.clear();
  }
}
