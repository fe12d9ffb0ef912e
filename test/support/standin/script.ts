import type { StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { Fault } from './faults';
import type { MessagesRequest } from './validate';

/**
 * What tests script: replies (a FIFO queue, then matchers, then the default responder)
 * and faults (consumed per request, before any reply, so "fail twice then answer" is
 * `fault(overloaded, { times: 2 })` plus a queued reply).
 */

/** One block of a scripted reply. */
export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

/**
 * A scripted reply. Shorthands: `text`, `json` (sent as JSON text), `toolUse`; `content`
 * gives full control and wins over them. Without `stopReason`, a reply with a tool_use
 * stops with `tool_use`, otherwise `end_turn` (or `max_tokens`/`stop_sequence` when the
 * request's limits cut it).
 */
export interface Reply {
  text?: string;
  json?: unknown;
  toolUse?: { name: string; input: Record<string, unknown>; id?: string } | { name: string; input: Record<string, unknown>; id?: string }[];
  content?: ReplyBlock[];
  /** Thinking text, sent first when the request enables thinking (a default is made up otherwise). */
  thinking?: string;
  stopReason?: StopReason;
  /** How many deltas each block is streamed in (default: by length, at least 3 for text). */
  deltas?: number;
  /** Real milliseconds between streamed deltas (for abort tests). */
  delayMs?: number;
  /** Overrides the counted output tokens. */
  outputTokens?: number;
  /** A fault applied to the request this reply answers. */
  fault?: Fault;
}

/** What a reply function sees. */
export interface ReplyContext {
  readonly model: string;
  /** All system text joined by blank lines. */
  readonly system: string;
  /** The text of the last user message. */
  readonly lastUser: string;
  readonly request: MessagesRequest;
}

export type ReplySource = Reply | ((context: ReplyContext) => Reply);

/** Strings match as substrings; RegExps are tested. All given fields must match. */
export interface Matcher {
  model?: string | RegExp;
  system?: string | RegExp;
  lastUser?: string | RegExp;
}

export type FaultEndpoint = 'messages' | 'count_tokens' | 'batches' | 'models' | 'any';

export interface FaultOptions {
  /** How many requests the fault applies to (default 1). */
  times?: number;
  match?: Matcher;
  /** Which endpoint the fault applies to (default `messages`). */
  endpoint?: FaultEndpoint;
}

/** The scripting surface of a running stand-in. */
export interface ScriptApi {
  /** Queues replies for the next /v1/messages requests, one each, in order. */
  enqueue(...replies: ReplySource[]): void;
  /** Answers matching requests once the queue is empty; `times` bounds it (default: forever). */
  when(matcher: Matcher, reply: ReplySource, options?: { times?: number }): void;
  /** Injects a fault into the next matching request(s). */
  fault(fault: Fault, options?: FaultOptions): void;
  /** Drops every scripted reply, matcher and fault. */
  clear(): void;
  /** How much is still scripted. */
  pending(): { queued: number; matchers: number; faults: number };
}

interface MatcherRule {
  matcher: Matcher;
  reply: ReplySource;
  remaining: number;
}

interface FaultRule {
  fault: Fault;
  remaining: number;
  match: Matcher | undefined;
  endpoint: FaultEndpoint;
}

/** Joins every text block of a content list. */
export function blocksText(content: readonly { type: string; raw: Record<string, unknown> }[]): string {
  return content.filter((b) => b.type === 'text').map((b) => String(b.raw.text)).join('\n');
}

/** The context a reply or matcher sees for a request. */
export function replyContext(request: MessagesRequest): ReplyContext {
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  return {
    model: request.modelId,
    system: request.system.map((b) => String(b.raw.text)).join('\n\n'),
    lastUser: lastUser ? blocksText(lastUser.content) : '',
    request,
  };
}

function test(pattern: string | RegExp | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);
}

/** Whether a matcher accepts a request. */
export function matches(matcher: Matcher, context: ReplyContext): boolean {
  return test(matcher.model, context.model) && test(matcher.system, context.system) && test(matcher.lastUser, context.lastUser);
}

export function resolveReply(source: ReplySource, context: ReplyContext): Reply {
  return typeof source === 'function' ? source(context) : source;
}

/** The in-memory script a server consults for every request. */
export class Script implements ScriptApi {
  private queue: ReplySource[] = [];
  private rules: MatcherRule[] = [];
  private faultRules: FaultRule[] = [];

  enqueue(...replies: ReplySource[]): void {
    this.queue.push(...replies);
  }

  when(matcher: Matcher, reply: ReplySource, options: { times?: number } = {}): void {
    this.rules.push({ matcher, reply, remaining: options.times ?? Number.POSITIVE_INFINITY });
  }

  fault(fault: Fault, options: FaultOptions = {}): void {
    this.faultRules.push({ fault, remaining: options.times ?? 1, match: options.match, endpoint: options.endpoint ?? 'messages' });
  }

  clear(): void {
    this.queue = [];
    this.rules = [];
    this.faultRules = [];
  }

  pending(): { queued: number; matchers: number; faults: number } {
    return {
      queued: this.queue.length,
      matchers: this.rules.length,
      faults: this.faultRules.reduce((n, rule) => n + (Number.isFinite(rule.remaining) ? rule.remaining : 1), 0),
    };
  }

  /** Consumes the first fault for this endpoint whose matcher accepts the request. */
  takeFault(endpoint: Exclude<FaultEndpoint, 'any'>, context: ReplyContext | undefined): Fault | undefined {
    const index = this.faultRules.findIndex((rule) =>
      (rule.endpoint === 'any' || rule.endpoint === endpoint) && (!rule.match || (context !== undefined && matches(rule.match, context))));
    const rule = this.faultRules[index];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.faultRules.splice(index, 1);
    return rule.fault;
  }

  /** The next scripted reply for a request: the queue first, then matchers. */
  takeReply(context: ReplyContext): Reply | undefined {
    const queued = this.queue.shift();
    if (queued !== undefined) return resolveReply(queued, context);
    const index = this.rules.findIndex((rule) => matches(rule.matcher, context));
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return resolveReply(rule.reply, context);
  }
}
