import { denylistMatch } from '../context/denylist';
import { describeSecretMatches, findSecretLikeStrings } from '../context/secrets';
import type { SecretMatch } from '../context/secrets';
import { fingerprint } from '../context/fingerprint';
import { estimateTokens, findModel } from '../models';
import type { PromptTask } from '../protocol';
import { instructionsFor } from './instructions';
import type { PromptSegment, SegmentName, SegmentPart } from './prefix';
import type { CacheTtl } from './ttl';

/**
 * Builds a Messages API request body around the cached prefix (anthropic-api.md §3). System
 * blocks, in this order: 1 = the workspace context, 2 = pinned files, 3 = the task's
 * instructions (opening with the `Ladder task:` header, src/core/protocol.ts); the selection
 * and the question go in the user message, after the last cache breakpoint, so they never
 * disturb the cached bytes.
 *
 * Why this order: the API caches a prefix, so a change invalidates everything after it. The
 * workspace part is large and shared by every task; the instructions are small and differ per
 * task. With the workspace first, switching task (explain → review) reads context + pinned
 * from cache and writes only the instructions; with the instructions first, every switch
 * re-wrote the whole prefix.
 *
 * Breakpoint rule: a `cache_control` marker closes each segment whose cumulative prefix (the
 * API caches everything up to a marker) reaches the model's minimum cacheable length, so the
 * marker after pinned survives a task switch and the one after context survives a pinned-file
 * edit; a segment below the minimum gets no marker and its SegmentInfo says why. Never more
 * than the API's 4 (the last ones are kept).
 *
 * A follow-up also caches its conversation: a marker on the earlier question the previous
 * request ended with (which that request wrote) and one on the new question (which the next
 * follow-up reads). Markers cost nothing of their own: the API bills each written token once,
 * whatever the number of markers. So the second follow-up and later read the conversation so
 * far at a tenth of the input price instead of resending it in full. In the plan these are
 * `conversation` segments after the system ones, each fingerprinted over every message
 * through its marker, so the next follow-up's boundary has the same key.
 */

/** The API accepts at most this many cache_control markers per request. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** Minimum assumed for a model the table does not know (the lowest published for a mainstream model). */
export const DEFAULT_MIN_CACHEABLE_TOKENS = 1024;

/** The minimal slice of the Messages API request this module produces (no SDK types in core). */
export interface CacheControl {
  readonly type: 'ephemeral';
  readonly ttl?: CacheTtl;
}

export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
  readonly cache_control?: CacheControl;
}

export interface MessageParam {
  readonly role: 'user' | 'assistant';
  readonly content: readonly TextBlock[];
}

export interface MessagesRequestBody {
  readonly model: string;
  readonly max_tokens: number;
  readonly system: readonly TextBlock[];
  readonly messages: readonly MessageParam[];
}

/** The code the user selected; lines are 1-based and inclusive. */
export interface SelectionInput {
  /** How the file is named to the model. */
  readonly path: string;
  /**
   * What the credentials-name check reads in place of `path` when given: the path inside its
   * workspace folder (a multi-root workspace's folder name is no part of it), and where the
   * file really is when that differs (a file outside the workspace, a link's target).
   * Slash-separated; never sent.
   */
  readonly origins?: readonly string[];
  /**
   * Where the file really is when it was opened in a workspace folder through a link that
   * leads out of every one: never sent, as the workspace context never reads through such a
   * link (a link to ~/.m2/settings.xml would hand over a password no rule sees by name).
   */
  readonly leadsOut?: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly languageId: string;
  readonly text: string;
}

/** Estimates tokens when no count from the API is at hand; defaults to models.estimateTokens. */
export type TokenEstimator = (text: string, modelId: string) => number;

export interface BuildRequestInput {
  readonly task: PromptTask;
  readonly model: string;
  /** Defaults to instructionsFor(task). */
  readonly instructions?: string;
  /** From PrefixRenderer / workspaceSegments; omit in an untrusted workspace. */
  readonly context?: PromptSegment;
  readonly pinned?: PromptSegment;
  readonly selection?: SelectionInput;
  /**
   * The whole material `selection` is a part of (a long file reviewed in parts): checked for
   * secrets as the selection is, so no part of a file that holds a key is sent. Not sent itself.
   */
  readonly material?: SelectionInput;
  readonly question: string;
  /**
   * The earlier turns of a conversation, oldest first: the first one's question goes with the
   * selection, and `question` follows the last answer.
   */
  readonly earlier?: readonly Turn[];
  readonly ttl: CacheTtl;
  readonly maxTokens: number;
  readonly estimate?: TokenEstimator;
}

/** One question and its answer, earlier in a conversation. */
export interface Turn {
  readonly question: string;
  readonly answer: string;
}

/** What the plan knows about one segment; enough for logs, the ledger and cache health. */
export interface SegmentInfo {
  readonly name: SegmentName;
  readonly fingerprint: string;
  /** Estimated tokens of this segment alone. */
  readonly tokens: number;
  /** Estimated tokens from the start of the prompt through this segment. */
  readonly cumulativeTokens: number;
  /** Whether a cache_control marker closes this segment. */
  readonly cached: boolean;
  /** Why no marker, when `cached` is false (below the model's minimum, breakpoint limit). */
  readonly skippedReason?: string;
  readonly parts: readonly SegmentPart[];
}

/** A built request and the facts about its prefix. */
export interface PromptPlan {
  readonly task: PromptTask;
  readonly model: string;
  readonly ttl: CacheTtl;
  readonly body: MessagesRequestBody;
  readonly segments: readonly SegmentInfo[];
  /** The segments' texts, for re-estimating on another model (cacheSwitchCost). */
  readonly prefix: readonly PromptSegment[];
  /** cache_control markers placed (≤ MAX_CACHE_BREAKPOINTS). */
  readonly breakpoints: number;
  readonly minCacheableTokens: number;
  /** Estimated tokens of the messages (never cached): the user message, or a follow-up's whole conversation. */
  readonly requestTokens: number;
  /** Always true for now: token figures are local estimates, not count_tokens results. */
  readonly estimated: true;
}

/**
 * Thrown when the selection or question holds a key-like string, or the selection comes from a
 * file whose name marks it as a credentials file or through a link out of the workspace
 * (`file`); the message names no secret.
 */
export class SecretLikeContentError extends Error {
  constructor(
    readonly where: 'selection' | 'question' | 'file',
    readonly matches: readonly SecretMatch[],
    message = `The ${where} looks like it contains ${describeSecretMatches(matches)}. Ladder does not send keys or tokens to the model; remove it and try again.`,
  ) {
    super(message);
    this.name = 'SecretLikeContentError';
  }
}

/** Builds the request body and its cache plan. Throws SecretLikeContentError (see above). */
export function buildRequest(input: BuildRequestInput): PromptPlan {
  refuseSecrets('question', input.question);
  if (input.selection) refuseSecretSelection(input.selection);
  if (input.material) refuseSecretSelection(input.material);

  const estimate = input.estimate ?? estimateTokens;
  const model = findModel(input.model);
  const minimum = model?.minCacheableTokens ?? DEFAULT_MIN_CACHEABLE_TOKENS;
  const instructions = input.instructions ?? instructionsFor(input.task);
  const prefix: PromptSegment[] = [];
  // The API rejects empty text blocks, so an empty segment is left out rather than sent.
  if (input.context && input.context.text.length > 0) prefix.push(input.context);
  if (input.pinned && input.pinned.text.length > 0) prefix.push(input.pinned);
  prefix.push({ name: 'instructions', text: instructions, fingerprint: fingerprint(instructions), parts: [{ name: `instructions:${input.task}`, fingerprint: fingerprint(instructions) }] });

  const placement = placeBreakpoints(prefix, input.model, minimum, estimate);
  const cacheControl: CacheControl = { type: 'ephemeral', ttl: input.ttl };
  const system: TextBlock[] = prefix.map((segment, i) =>
    placement[i]?.cached ? { type: 'text', text: segment.text, cache_control: cacheControl } : { type: 'text', text: segment.text },
  );
  const earlier = input.earlier ?? [];
  // A follow-up: the conversation so far, then the new question on its own.
  const messages: MessageParam[] = earlier.flatMap((turn, i) => [
    { role: 'user' as const, content: [{ type: 'text' as const, text: i === 0 ? renderUserMessage(input.selection, turn.question) : `Request: ${turn.question}` }] },
    { role: 'assistant' as const, content: [{ type: 'text' as const, text: turn.answer }] },
  ]);
  const userText = earlier.length > 0 ? `Request: ${input.question}` : renderUserMessage(input.selection, input.question);
  messages.push({ role: 'user', content: [{ type: 'text', text: userText }] });
  const conversation = earlier.length > 0 ? conversationSegments(messages, placement, input.model, minimum, estimate) : [];
  const segments: (SegmentInfo & { messageIndex?: number })[] = conversation.length > 0 ? dropEarliestMarkers([...placement, ...conversation]) : placement;
  const marked = (i: number) => segments[i]?.cached === true;
  const body: MessagesRequestBody = {
    model: input.model,
    max_tokens: input.maxTokens,
    system: system.map((block, i) => (marked(i) || !block.cache_control ? block : { type: 'text', text: block.text })),
    messages: conversation.length === 0 ? messages : messages.map((message, m) => {
      const at = conversation.findIndex((s) => s.messageIndex === m);
      const block = message.content[0];
      return at >= 0 && marked(placement.length + at) && block ? { ...message, content: [{ ...block, cache_control: cacheControl }] } : message;
    }),
  };
  return {
    task: input.task,
    model: input.model,
    ttl: input.ttl,
    body,
    segments: segments.map(({ messageIndex: _, ...info }) => info),
    prefix,
    breakpoints: segments.filter((s) => s.cached).length,
    minCacheableTokens: minimum,
    // A follow-up's conversation segments cover every message.
    requestTokens: conversation.length > 0 ? 0 : tokensOf(messages, input.model, estimate),
    estimated: true,
  };
}

/**
 * A follow-up's two conversation boundaries (see the module comment): through the last
 * earlier question, and through the new one. Each is marked when the prompt through it
 * reaches the model's minimum; `messageIndex` is the message its marker goes on.
 */
function conversationSegments(messages: readonly MessageParam[], system: readonly SegmentInfo[], modelId: string, minimum: number, estimate: TokenEstimator): (SegmentInfo & { messageIndex?: number })[] {
  const last = messages.length - 1;
  const boundaries = [last - 2, last];
  let cumulative = system[system.length - 1]?.cumulativeTokens ?? 0;
  let from = 0;
  return boundaries.map((through) => {
    const tokens = tokensOf(messages.slice(from, through + 1), modelId, estimate);
    cumulative += tokens;
    from = through + 1;
    const print = fingerprint(JSON.stringify(messages.slice(0, through + 1).map((m) => [m.role, m.content.map((b) => b.text)])));
    const base = { name: 'conversation' as const, fingerprint: print, tokens, cumulativeTokens: cumulative, parts: [{ name: `conversation:${through + 1} messages`, fingerprint: print }], messageIndex: through };
    return cumulative >= minimum
      ? { ...base, cached: true }
      : { ...base, cached: false, skippedReason: `prompt through message ${through + 1} is ~${cumulative} tokens (estimated), below ${modelId}'s minimum cacheable ${minimum}: no marker` };
  });
}

/** Estimated tokens of `messages`' text. */
function tokensOf(messages: readonly MessageParam[], modelId: string, estimate: TokenEstimator): number {
  return messages.reduce((sum, m) => sum + m.content.reduce((n, block) => n + estimate(block.text, modelId), 0), 0);
}

/** More markers than the API allows: the earliest go (the later ones cover more). */
function dropEarliestMarkers<T extends SegmentInfo>(segments: T[]): T[] {
  let excess = segments.filter((s) => s.cached).length - MAX_CACHE_BREAKPOINTS;
  return segments.map((s) => {
    if (!s.cached || excess <= 0) return s;
    excess--;
    return { ...s, cached: false, skippedReason: `more than ${MAX_CACHE_BREAKPOINTS} cacheable segments: marker kept on later ones` };
  });
}

/**
 * Where the markers go: at the end of every segment whose cumulative prefix reaches the
 * minimum (each marker then gives a partial hit when a later segment changes), keeping the
 * last MAX_CACHE_BREAKPOINTS if there were ever more.
 */
export function placeBreakpoints(prefix: readonly PromptSegment[], modelId: string, minimum: number, estimate: TokenEstimator = estimateTokens): SegmentInfo[] {
  let cumulative = 0;
  const infos = prefix.map((segment) => {
    const tokens = estimate(segment.text, modelId);
    cumulative += tokens;
    return { segment, tokens, cumulative };
  });
  const eligible = infos.flatMap((info, i) => (info.cumulative >= minimum ? [i] : []));
  const kept = new Set(eligible.slice(-MAX_CACHE_BREAKPOINTS));
  return infos.map(({ segment, tokens, cumulative: through }, i) => {
    const base = { name: segment.name, fingerprint: segment.fingerprint, tokens, cumulativeTokens: through, parts: segment.parts };
    if (kept.has(i)) return { ...base, cached: true };
    const skippedReason =
      through < minimum
        ? `prefix through ${segment.name} is ~${through} tokens (estimated), below ${modelId}'s minimum cacheable ${minimum}: no marker`
        : `more than ${MAX_CACHE_BREAKPOINTS} cacheable segments: marker kept on later ones`;
    return { ...base, cached: false, skippedReason };
  });
}

/** The user message per src/core/protocol.ts: File/Lines/Language, fenced selection, Request. */
export function renderUserMessage(selection: SelectionInput | undefined, question: string): string {
  if (!selection) return `Request: ${question}`;
  const fence = fenceFor(selection.text);
  const code = selection.text.endsWith('\n') ? selection.text : `${selection.text}\n`;
  return [
    `File: ${selection.path}`,
    `Lines: ${selection.startLine}-${selection.endLine}`,
    `Language: ${selection.languageId}`,
    `${fence}${selection.languageId}\n${code}${fence}`,
    `Request: ${question}`,
  ].join('\n');
}

/** A backtick fence longer than any run inside the code, so the code cannot close it. */
export function fenceFor(code: string): string {
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function refuseSecretSelection(selection: SelectionInput): void {
  // By name first: a .env or a key file is never sent, even when nothing in it looks like a key.
  const names = selection.origins?.length ? selection.origins : [selection.path];
  const listed = names.map((p) => denylistMatch(p)).find((m) => m !== undefined);
  if (listed) throw new SecretLikeContentError('file', [], `${selection.path} is never sent to the model: its name marks it as a credentials file (${listed.why}).`);
  if (selection.leadsOut !== undefined) throw new SecretLikeContentError('file', [], `${selection.path} is never sent to the model: it is a link out of its workspace folder (to ${selection.leadsOut}), and what such a link leads to is never sent.`);
  refuseSecrets('selection', selection.text, selection);
}

/**
 * `from`: where the text comes from, named in the message (a file review has no selection to
 * speak of), its lines counted as the file counts them.
 */
function refuseSecrets(where: 'selection' | 'question', text: string, from?: { path: string; startLine: number }): void {
  const found = findSecretLikeStrings(text);
  if (found.length === 0) return;
  if (!from) throw new SecretLikeContentError(where, found);
  const matches = found.map((m) => ({ ...m, line: m.line + from.startLine - 1 }));
  throw new SecretLikeContentError(where, matches, `The code from ${from.path} looks like it contains ${describeSecretMatches(matches)}. Ladder does not send keys or tokens to the model; remove it and try again.`);
}
