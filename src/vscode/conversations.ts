import * as vscode from 'vscode';
import { z } from 'zod';
import type { SelectionInput, Turn } from '../core/prompt/request';
import { KEPT_VIEWS, newestWithin, readSaved, SAVED_VERSION } from '../core/resultViews';
import type { Tier } from '../core/tiers';
import { compareTiers, maxTier, TIERS } from '../core/tiers';

/** An answer in a result view that a follow-up can continue. */
export interface Conversation {
  /** The material of the first question, as it was sent. */
  readonly selection?: SelectionInput;
  /** Every question and answer so far, oldest first. */
  readonly turns: readonly Turn[];
  /** The tier the last answer was routed to (a follow-up's floor), and the model that gave it. */
  readonly tier: Tier;
  readonly model: string;
  /** The model answered on a fallback below `tier` (the routed model was busy). */
  readonly fellBack?: boolean;
  /**
   * What gave the answer: Ask (a follow-up too) and Explain Selection, whose last question
   * Answer Again One Tier Up can ask again, or a review, whose findings come from passes a
   * single question cannot repeat. Absent in what an earlier version saved.
   */
  readonly task?: 'ask' | 'explain' | 'review';
}

/** Whether Answer Again One Tier Up can ask a conversation's last question again. */
export function canAnswerAgain(conversation: Conversation): conversation is Conversation & { task: 'ask' | 'explain' } {
  return conversation.task === 'ask' || conversation.task === 'explain';
}

/** A conversation as kept: with its view and when its last answer came (ms since the epoch). */
export type Remembered = Conversation & { readonly uri: vscode.Uri; readonly at: number };

/** How a result view ended that holds no answer to continue; 'reloaded': a window reload cut it off. */
export type Unfinished = 'cancelled' | 'failed' | 'reloaded';

/** How an unfinished answer ended, as a message says it: `this answer was cancelled`. */
export function howItEnded(how: Unfinished): string {
  return how === 'cancelled' ? 'was cancelled' : how === 'failed' ? 'failed' : 'was cut off by a window reload';
}

/**
 * Who gave an answer, as its conversation keeps it: the tier the policy chose when a fallback
 * answered lower (a busy moment does not lower the conversation), and the model that answered.
 */
export function answeredOn(route: { tier: Tier; baseTier: Tier; model: string }): Pick<Conversation, 'tier' | 'model' | 'fellBack'> {
  return { tier: maxTier(route.tier, route.baseTier), model: route.model, ...(compareTiers(route.baseTier, route.tier) > 0 ? { fellBack: true } : {}) };
}

/**
 * The workspaceState keys: the newest KEPT_VIEWS conversations within SAVED_CHARS, counted as
 * stored (JSON), and the views that ended without an answer. Each conversation carries its
 * selection and every turn so far; VS Code keeps the extension's whole state, the result views
 * too (ResultDocuments), as one JSON string, rewrites it on each save and warns above 512 KiB.
 */
const SAVED_KEY = 'ladder.conversations';
const UNFINISHED_KEY = 'ladder.unfinishedViews';
const SAVED_CHARS = 256 * 1024;

/** A conversation as saved; one in any other shape (damaged, or from another version) is dropped when read. */
const savedConversation = z.object({
  uri: z.string(),
  at: z.number(),
  tier: z.enum(TIERS as [Tier, ...Tier[]]),
  model: z.string(),
  fellBack: z.boolean().optional(),
  task: z.enum(['ask', 'explain', 'review']).optional(),
  turns: z.array(z.object({ question: z.string(), answer: z.string() })).readonly(),
  selection: z.object({
    path: z.string(),
    origins: z.array(z.string()).readonly().optional(),
    leadsOut: z.string().optional(),
    startLine: z.number(),
    endLine: z.number(),
    languageId: z.string(),
    text: z.string(),
  }).optional(),
});
type Saved = Omit<Remembered, 'uri'> & { readonly uri: string };
const savedUnfinished = z.tuple([z.string(), z.enum(['cancelled', 'failed', 'reloaded'])]);

/**
 * The answers in result views (Ask, Explain, review reports and follow-ups), by the view's URI,
 * so Ask a Follow-up can send the conversation so far. Kept in workspaceState, as the views are
 * (ResultDocuments), so a restored view can still be followed up after a window reload.
 * `ladder.conversationPaths` lets the view's title bar and context menu offer the command only
 * on such a view (the palette offers it whenever one exists, `ladder.hasConversations`, and asks
 * which). It holds each view's `uri.path`, which is what `resourcePath` is for a scheme other
 * than `file` (`fsPath` has backslashes on Windows, so the menus would never match there).
 * `ladder.answerPaths` and `ladder.hasAnswers` are the same for the answers Answer Again One
 * Tier Up can ask again.
 */
export class Conversations {
  private saved: readonly Saved[];
  private ends: readonly [string, Unfinished][];

  constructor(private readonly state: vscode.Memento, log: { warn(message: string): void }) {
    const saved = readSaved<Saved>(state.get(SAVED_KEY), savedConversation);
    const ends = readSaved(state.get(UNFINISHED_KEY), savedUnfinished);
    this.saved = saved.entries;
    this.ends = ends.entries;
    if (saved.damaged || ends.damaged) log.warn('Dropped conversations saved in a form this version cannot read.');
    this.publish();
  }

  remember(uri: vscode.Uri, conversation: Conversation): void {
    // What was sent of the selection, without the editor's document and range (they do not serialize).
    const selection = conversation.selection && plain(conversation.selection);
    const entry: Saved = { ...conversation, ...(selection ? { selection } : {}), uri: uri.toString(), at: Date.now() };
    // Removed first, so the list's order stays the order answers were given.
    this.saved = newestWithin([...this.saved.filter((c) => c.uri !== entry.uri), entry], KEPT_VIEWS, SAVED_CHARS, (c) => JSON.stringify(c).length);
    void this.state.update(SAVED_KEY, { version: SAVED_VERSION, entries: this.saved });
    this.publish();
  }

  /** Notes a view that ended without an answer, so Ask a Follow-up on it can say why it cannot continue it. */
  ended(uri: vscode.Uri, how: Unfinished): void {
    this.ends = [...this.ends.filter(([key]) => key !== uri.toString()), [uri.toString(), how] as [string, Unfinished]].slice(-KEPT_VIEWS);
    void this.state.update(UNFINISHED_KEY, { version: SAVED_VERSION, entries: this.ends });
  }

  /** How the view at `uri` ended, when it ended without an answer. */
  unfinished(uri: vscode.Uri): Unfinished | undefined {
    return this.ends.find(([key]) => key === uri.toString())?.[1];
  }

  get(uri: vscode.Uri): Remembered | undefined {
    return this.recent().find((c) => c.uri.toString() === uri.toString());
  }

  /** Every answer that can be followed up, with its view, the newest first. */
  recent(): Remembered[] {
    return this.saved.map((c) => ({ ...c, uri: vscode.Uri.parse(c.uri) })).reverse();
  }

  private publish(): void {
    const paths = this.saved.map((c) => vscode.Uri.parse(c.uri).path);
    void vscode.commands.executeCommand('setContext', 'ladder.conversationPaths', paths);
    void vscode.commands.executeCommand('setContext', 'ladder.hasConversations', paths.length > 0);
    const answers = this.saved.filter(canAnswerAgain).map((c) => vscode.Uri.parse(c.uri).path);
    void vscode.commands.executeCommand('setContext', 'ladder.answerPaths', answers);
    void vscode.commands.executeCommand('setContext', 'ladder.hasAnswers', answers.length > 0);
  }
}

function plain(selection: SelectionInput & { document?: unknown; range?: unknown }): SelectionInput {
  const { document: _document, range: _range, ...sent } = selection;
  return sent;
}
