import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Message, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { CachePlan } from './cache';
import type { StandinContext } from './context';
import { defaultErrorMessage, statusFailure, statusForErrorType, type Fault } from './faults';
import type { RequestLogEntry } from './log';
import {
  blockTokens, buildOutput, defaultDeltaCount, makeMessage, makeUsage, splitJson, splitText, wireBlock,
  type OutBlock, type Output,
} from './output';
import { renderPrompt, type RenderedPrompt } from './render';
import { replyContext, type Reply } from './script';
import { countTokens } from './tokens';
import { validateMessagesBody, type MessagesRequest } from './validate';
import { ApiFailure, randomId, sendJson, sseEvent, startSse } from './wire';

/**
 * POST /v1/messages and /v1/messages/count_tokens. Order of work, as the API does it:
 * validate → render → (status fault) → plan the cache → generate → deliver. Cache writes
 * become readable and usage becomes billable at the response's first byte.
 */

/** Everything about one generated answer before it is delivered. */
export interface Prepared {
  readonly request: MessagesRequest;
  readonly prompt: RenderedPrompt;
  readonly plan: CachePlan;
  readonly output: Output;
  readonly usage: Usage;
  readonly message: Message;
  readonly reply: Reply;
}

/** Renders and checks the prompt size. */
export function renderChecked(request: MessagesRequest): RenderedPrompt {
  const prompt = renderPrompt(request);
  if (prompt.totalTokens > request.model.maxInputTokens) {
    throw new ApiFailure(400, 'invalid_request_error', `prompt is too long: ${prompt.totalTokens} tokens > ${request.model.maxInputTokens} maximum`);
  }
  return prompt;
}

/** Plans the cache and builds the answer; nothing is committed yet. */
export function prepare(ctx: StandinContext, request: MessagesRequest, prompt: RenderedPrompt, reply: Reply, serviceTier: 'standard' | 'batch'): Prepared {
  const plan = ctx.cache.plan(prompt, ctx.minCacheable(request.model));
  const output = buildOutput(reply, request);
  const usage = makeUsage(plan, output, request, serviceTier);
  const id = randomId('msg_01');
  const diagnostics = ctx.diagnostics.diagnose(request.previousMessageId, prompt.fingerprint, plan.cacheRead);
  ctx.diagnostics.remember(id, prompt.fingerprint, plan.cacheRead + plan.cacheWrite5m + plan.cacheWrite1h);
  return { request, prompt, plan, output, usage, message: makeMessage(id, request, output, usage, diagnostics), reply };
}

/** The reply for a request: scripted first, then the default responder. */
export function chooseReply(ctx: StandinContext, request: MessagesRequest): Reply {
  const context = replyContext(request);
  return ctx.script.takeReply(context) ?? ctx.defaultReply(context);
}

/** POST /v1/messages/count_tokens: exactly the prompt total /v1/messages would bill. */
export function handleCountTokens(ctx: StandinContext, res: ServerResponse, body: unknown, entry: RequestLogEntry): void {
  const request = validateMessagesBody(body, 'count_tokens');
  const fault = ctx.script.takeFault('count_tokens', replyContext(request));
  if (fault?.type === 'status') throw statusFailure(fault);
  const prompt = renderChecked(request);
  entry.status = 200;
  sendJson(res, 200, { input_tokens: prompt.totalTokens }, entry.requestId);
}

function billed(prepared: Prepared, outputTokens: number): Usage {
  return { ...prepared.usage, output_tokens: outputTokens };
}

/** Resolves when the client has gone away (or at once if it already has). */
function clientGone(req: IncomingMessage, res: ServerResponse): { signal: AbortSignal } {
  const controller = new AbortController();
  const onClose = (): void => { if (!res.writableFinished) controller.abort(); };
  res.once('close', onClose);
  req.once('aborted', onClose);
  return { signal: controller.signal };
}

function write(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve();
      return;
    }
    res.write(chunk, () => resolve());
  });
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** POST /v1/messages. */
export async function handleMessages(
  ctx: StandinContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  entry: RequestLogEntry,
): Promise<void> {
  const request = validateMessagesBody(body, 'messages');
  const prompt = renderChecked(request);
  let fault: Fault | undefined = ctx.script.takeFault('messages', replyContext(request));
  if (fault?.type === 'status') {
    entry.fault = `status ${fault.status}`;
    throw statusFailure(fault);
  }
  const reply = chooseReply(ctx, request);
  fault = fault ?? reply.fault;
  if (fault?.type === 'status') {
    entry.fault = `status ${fault.status}`;
    throw statusFailure(fault);
  }
  if (fault) entry.fault = fault.type;
  const prepared = prepare(ctx, request, prompt, reply, 'standard');
  const { signal } = clientGone(req, res);

  if (fault?.type === 'slowFirstByte') {
    await ctx.sleep(fault.delayMs, signal);
    if (signal.aborted) {
      entry.outcome = 'aborted';
      return;
    }
  }
  if (request.stream) await deliverStream(ctx, res, entry, prepared, fault, signal);
  else await deliverJson(res, entry, prepared, fault, signal);
}

async function deliverJson(
  res: ServerResponse,
  entry: RequestLogEntry,
  prepared: Prepared,
  fault: Fault | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (fault?.type === 'midStreamError') {
    const type = fault.errorType ?? 'overloaded_error';
    throw new ApiFailure(statusForErrorType(type), type, fault.message ?? defaultErrorMessage(type));
  }
  if (fault?.type === 'reset') {
    entry.outcome = 'reset';
    res.socket?.destroy();
    return;
  }
  if (fault?.type === 'hang') {
    entry.outcome = 'hung';
    await waitForAbort(signal);
    entry.outcome = 'aborted';
    return;
  }
  prepared.plan.commit();
  entry.usage = prepared.usage;
  entry.messageId = prepared.message.id;
  entry.status = 200;
  if (fault?.type === 'garbled') {
    entry.outcome = 'garbled';
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': entry.requestId });
    res.end('{"type":"message",oops');
    return;
  }
  entry.outcome = 'ok';
  sendJson(res, 200, { ...prepared.message, usage: wireUsage(prepared.message.usage, fault, 'message_delta') }, entry.requestId);
}

interface Step {
  readonly sse: string;
  /** Set on deltas: which block grew, and by what. */
  readonly delta?: { index: number; text: string };
  /** A fault may cut the stream right before this step (deltas and message_delta). */
  readonly breakable?: boolean;
  /** Set on a thinking block's signature: the whole block has been produced, billed in full. */
  readonly completes?: number;
}

function blockSteps(block: OutBlock, index: number, deltas: number | undefined): Step[] {
  const steps: Step[] = [];
  if (block.type === 'thinking') {
    steps.push({ sse: sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }) });
    if (index === 0) steps.push({ sse: sseEvent('ping', { type: 'ping' }) });
    const parts = block.thinking ? splitText(block.thinking, deltas ?? defaultDeltaCount(block.thinking)) : [];
    for (const thinking of parts) {
      steps.push({ sse: sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } }), delta: { index, text: thinking }, breakable: true });
    }
    steps.push({ sse: sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }), completes: index });
  } else if (block.type === 'text') {
    steps.push({ sse: sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }) });
    if (index === 0) steps.push({ sse: sseEvent('ping', { type: 'ping' }) });
    for (const text of splitText(block.text, deltas ?? defaultDeltaCount(block.text))) {
      steps.push({ sse: sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }), delta: { index, text }, breakable: true });
    }
  } else {
    steps.push({ sse: sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { ...wireBlock(block), input: {} } }) });
    if (index === 0) steps.push({ sse: sseEvent('ping', { type: 'ping' }) });
    const json = JSON.stringify(block.input);
    for (const part of splitJson(json, deltas ?? Math.max(2, Math.min(8, Math.ceil(json.length / 64))))) {
      steps.push({ sse: sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }), delta: { index, text: part }, breakable: true });
    }
  }
  steps.push({ sse: sseEvent('content_block_stop', { type: 'content_block_stop', index }) });
  return steps;
}

/** The usage a fault sends on the wire for `event` (the bill is not changed). */
function wireUsage<U extends object>(usage: U, fault: Fault | undefined, event: 'message_start' | 'message_delta'): U {
  if (fault?.type !== 'oddUsage' || (fault.event !== undefined && fault.event !== event)) return usage;
  const odd = { ...usage } as Record<string, unknown>;
  if (fault.value === undefined) delete odd[fault.field];
  else odd[fault.field] = fault.value;
  return odd as U;
}

function streamSteps(prepared: Prepared, fault: Fault | undefined): Step[] {
  const { message, usage, output } = prepared;
  const startUsage: Usage = { ...usage, output_tokens: Math.min(1, output.outputTokens) };
  const steps: Step[] = [{ sse: sseEvent('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: wireUsage(startUsage, fault, 'message_start') } }) }];
  output.blocks.forEach((block, index) => steps.push(...blockSteps(block, index, prepared.reply.deltas)));
  steps.push({
    breakable: true,
    sse: sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: output.stopReason, stop_sequence: output.stopSequence, stop_details: null, container: null },
      // undefined drops the key from the JSON.
      usage: fault?.type === 'noDeltaUsage' ? undefined : wireUsage({
        output_tokens: usage.output_tokens,
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        server_tool_use: null,
        output_tokens_details: usage.output_tokens_details,
      }, fault, 'message_delta'),
    }),
  });
  if (fault?.type !== 'noMessageStop') steps.push({ sse: sseEvent('message_stop', { type: 'message_stop' }) });
  return steps;
}

/** Output tokens of what has been streamed so far (what a failed stream is billed). */
function emittedTokens(prepared: Prepared, emitted: Map<number, string>, completed: ReadonlySet<number>): number {
  let total = 0;
  for (const index of completed) {
    const block = prepared.output.blocks[index];
    if (block) total += blockTokens(block, prepared.request);
  }
  for (const [index, text] of emitted) {
    const block = prepared.output.blocks[index];
    if (!block || completed.has(index)) continue;
    const tokens = countTokens(text, prepared.request.model.tokenizer);
    total += block.type === 'text' ? tokens : Math.min(blockTokens(block, prepared.request), tokens);
  }
  return Math.max(1, total);
}

async function deliverStream(
  ctx: StandinContext,
  res: ServerResponse,
  entry: RequestLogEntry,
  prepared: Prepared,
  fault: Fault | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (fault?.type === 'reset' && fault.beforeHeaders) {
    entry.outcome = 'reset';
    res.socket?.destroy();
    return;
  }
  const steps = streamSteps(prepared, fault);
  prepared.plan.commit();
  entry.messageId = prepared.message.id;
  entry.status = 200;
  startSse(res, entry.requestId);
  const delayMs = prepared.reply.delayMs ?? 0;
  const breaking = fault?.type === 'midStreamError' || fault?.type === 'reset' || fault?.type === 'hang' || fault?.type === 'garbled' ? fault : undefined;

  if (breaking?.type === 'garbled' && breaking.first) {
    entry.usage = billed(prepared, emittedTokens(prepared, new Map(), new Set()));
    entry.outcome = 'garbled';
    res.end(GARBLED('message_start'));
    return;
  }
  if (!breaking && delayMs === 0) {
    entry.usage = prepared.usage;
    entry.outcome = fault?.type === 'noMessageStop' ? 'no_message_stop' : 'ok';
    res.end(steps.map((s) => s.sse).join(''));
    return;
  }

  const deltaCount = steps.filter((s) => s.delta).length;
  const breakAfter = breaking ? Math.min(breaking.afterDeltas ?? Math.ceil(deltaCount / 2), deltaCount) : Number.POSITIVE_INFINITY;
  const emitted = new Map<number, string>();
  const completed = new Set<number>();
  let deltasSent = 0;
  // Billing starts with the first byte; it grows with every delta the client could have seen.
  entry.usage = billed(prepared, emittedTokens(prepared, emitted, completed));
  for (const step of steps) {
    if (signal.aborted) break;
    if (breaking && step.breakable && deltasSent >= breakAfter) {
      await breakStream(res, entry, breaking, signal);
      return;
    }
    if (step.delta) {
      if (deltasSent > 0 && delayMs > 0) await ctx.sleep(delayMs, signal);
      if (signal.aborted) break;
      deltasSent++;
      emitted.set(step.delta.index, (emitted.get(step.delta.index) ?? '') + step.delta.text);
      entry.usage = billed(prepared, emittedTokens(prepared, emitted, completed));
    }
    if (step.completes !== undefined) {
      completed.add(step.completes);
      entry.usage = billed(prepared, emittedTokens(prepared, emitted, completed));
    }
    await write(res, step.sse);
  }
  if (signal.aborted) {
    entry.outcome = 'aborted';
    return;
  }
  entry.usage = prepared.usage;
  entry.outcome = fault?.type === 'noMessageStop' ? 'no_message_stop' : 'ok';
  res.end();
}

/** An event whose data is not JSON: what a proxy that mangles the stream sends. */
const GARBLED = (event: string): string => `event: ${event}\ndata: {"type":"${event}",oops\n\n`;

async function breakStream(res: ServerResponse, entry: RequestLogEntry, fault: Fault, signal: AbortSignal): Promise<void> {
  switch (fault.type) {
    case 'midStreamError': {
      const type = fault.errorType ?? 'overloaded_error';
      entry.outcome = 'mid_stream_error';
      entry.errorType = type;
      res.end(sseEvent('error', { type: 'error', error: { type, message: fault.message ?? defaultErrorMessage(type) }, request_id: entry.requestId }));
      return;
    }
    case 'reset':
      entry.outcome = 'reset';
      res.socket?.destroy();
      return;
    case 'hang':
      entry.outcome = 'hung';
      await waitForAbort(signal);
      entry.outcome = 'aborted';
      return;
    case 'garbled':
      entry.outcome = 'garbled';
      res.end(GARBLED('content_block_delta'));
      return;
    case 'slowFirstByte':
    case 'status':
    case 'noMessageStop':
    case 'noDeltaUsage':
    case 'oddUsage':
      return;
  }
}
