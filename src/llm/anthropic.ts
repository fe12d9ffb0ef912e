import Anthropic from '@anthropic-ai/sdk';
import type { UsageLike } from '../core/pricing/cost';
import { conservativeTokens, normaliseUsage } from '../core/pricing/cost';
import { redactSecrets } from '../core/redact';
import { ModelCallError, UNSENDABLE_KEY } from '../core/task/ports';
import type { BatchResultLine } from '../core/batch';
import type { MessagesRequestBody } from '../core/prompt/request';
import type { CallFailureKind, ModelPort, ModelRequest, ModelResponse, UnbilledAttempt } from '../core/task/ports';

export interface GatewayOptions {
  baseURL: string;
  /** Asked on every call, so a key set or cleared takes effect at once. */
  getApiKey: () => Promise<string | undefined>;
  timeoutMs: number;
  maxRetries: number;
}

/**
 * The one place Ladder talks to the Messages API, through the official SDK. It streams,
 * reports usage as soon as the API does (so a cancelled or dropped stream still accounts
 * for what was billed), normalised so that odd counts are counted rather than refused,
 * notes the attempts the SDK retried, and turns every failure into a ModelCallError whose
 * kind the routing policy understands, with the key redacted from any message quoting it.
 */
export class AnthropicGateway implements ModelPort {
  private client: Anthropic | undefined;
  private clientKey: string | undefined;

  constructor(private readonly options: GatewayOptions) {}

  private async sdk(): Promise<{ client: Anthropic; key: string }> {
    const key = await this.options.getApiKey();
    if (!key) throw new ModelCallError('auth', 'No Anthropic API key is set.');
    // Never sent: fetch would refuse it with the key in its message, or the server would.
    if (!isApiKeyShaped(key)) throw new ModelCallError('auth', UNSENDABLE_KEY);
    if (!this.client || this.clientKey !== key) {
      this.client = new Anthropic({
        apiKey: key,
        baseURL: this.options.baseURL,
        timeout: this.options.timeoutMs,
        maxRetries: this.options.maxRetries,
        logLevel: 'off',
      });
      this.clientKey = key;
    }
    return { client: this.client, key };
  }

  async send(request: ModelRequest): Promise<ModelResponse> {
    const { client, key } = await this.sdk();
    const maxRetries = request.maxRetries ?? this.options.maxRetries;
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const retried: UnbilledAttempt[] = [];
    let attempts = 0;
    let usage: UsageLike | undefined;
    const odd: string[] = [];
    let requestId: string | undefined;
    let responded = false;
    // What was generated (answer, thinking, tool input), for the output count when the API's final count is missing.
    let received = '';
    let outputCounted = false;
    let started = false;
    let text = '';
    let stopReason: Anthropic.StopReason | null = null;
    // Set by message_delta: the whole answer and its stop reason have arrived; only message_stop may be missing.
    let finished = false;
    // A retryable attempt whose retry-after was too long to wait for: the SDK was told not to retry it.
    let refusedWait: number | undefined;
    // The SDK's timeout covers the wait for the response's headers only: a stream that stops
    // after them would wait for ever. So the same timeout also bounds the silence between events.
    const watchdog = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, watchdog.signal]) : watchdog.signal;
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        watchdog.abort();
      }, timeoutMs);
    };
    const fetchWithAttempts: typeof fetch = async (input, init) => {
      attempts += 1;
      // The SDK retries while it has retries left: the first attempt, then maxRetries more.
      const retriesLeft = attempts <= maxRetries;
      let res: Response;
      try {
        res = await fetch(input, init);
      } catch (err) {
        // Aborted, but neither by the user nor by the watchdog: the SDK's own timer, and it tries again.
        if (init?.signal?.aborted && !signal.aborted && retriesLeft) {
          retried.push({ timedOutSeconds: timeoutMs / 1000 });
          request.onRetry?.('timeout', undefined);
        } else if (!init?.signal?.aborted && retriesLeft) {
          // No reply at all (refused, reset): the SDK tries again too, and a request already sent may have been processed.
          retried.push({ connectionError: connectionErrorOf(err) });
          request.onRetry?.('network', undefined);
        }
        throw err;
      }
      if (!res.ok) {
        retried.push({ status: res.status, requestId: res.headers.get('request-id') ?? undefined });
        if (retriesLeft && sdkRetries(res)) {
          const wait = retryAfterSeconds(res.headers);
          if (wait !== undefined && wait > LONGEST_RETRY_WAIT_S) {
            // Another model (the routing policy's fallback) answers sooner than the SDK would wait.
            refusedWait = wait;
            const headers = new Headers(res.headers);
            headers.set('x-should-retry', 'false');
            return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
          }
          request.onRetry?.(res.status, wait);
        }
      } else {
        responded = true;
        // Known before the answer starts, so a billed call that breaks keeps the id to reconcile it by.
        requestId = res.headers.get('request-id') ?? undefined;
        touch();
      }
      return res;
    };
    const model = String(request.body.model);
    // The output is billed as it is generated, but the API counts it only in message_delta
    // (message_start says 1). Without that count (a cut stream, a proxy that dropped it),
    // estimate it from what arrived, thinking included, so as never to run low.
    const billedUsage = (): UsageLike | undefined => {
      if (!usage || outputCounted) return usage;
      const estimated = conservativeTokens(received, model);
      return estimated > (usage.output_tokens ?? 0) ? { ...usage, output_tokens: estimated } : usage;
    };
    const usageNote = (): string | undefined => (odd.length > 0 ? `odd usage from the API: ${odd.join('; ')}`.slice(0, 200) : undefined);
    const answer = (billed: UsageLike): ModelResponse => {
      const note = usageNote();
      return { text, usage: billed, requestId, stopReason, retried, ...(note ? { usageNote: note } : {}) };
    };
    try {
      // The raw events, not the SDK's stream helper: the helper throws on a message_delta
      // without usage (a proxy may strip it) after the whole answer has arrived and been billed.
      const events = await client.withOptions({ fetch: fetchWithAttempts }).messages.create(
        { ...(request.body as Anthropic.MessageCreateParamsNonStreaming), stream: true }, { signal, maxRetries, timeout: timeoutMs });
      for await (const event of events) {
        touch();
        // Before message_start there is no message to add to (the helper ignores such events too).
        if (!started && event.type !== 'message_start') continue;
        if (event.type === 'message_start') {
          if (started) throw new Error('Unexpected event order, got message_start before receiving "message_stop"');
          started = true;
          const start = normaliseUsage(event.message.usage);
          usage = start.usage;
          odd.push(...start.odd);
          // An unreadable input count is not "no input": the prompt is known, so it is estimated
          // high, less what the cache fields say was read or written.
          if (start.unreadable.includes('input_tokens')) {
            const cached = (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
            usage = { ...usage, input_tokens: Math.max(0, conservativeTokens(JSON.stringify([request.body.system ?? '', request.body.messages]), model) - cached) };
            odd.push('input_tokens estimated from the prompt');
          }
          request.onUsage?.(usage);
        } else if (event.type === 'message_delta') {
          // Absent usage reads as {} ("no usage"): the counts from message_start stand, the output is estimated.
          const delta = normaliseUsage(event.usage);
          // An unreadable count in the final usage leaves the earlier (or estimated) one standing.
          const readable = Object.fromEntries(Object.entries(delta.usage).filter(([field]) => !delta.unreadable.includes(field))) as UsageLike;
          usage = mergeDeltaUsage(usage, readable);
          odd.push(...delta.odd);
          // Absent, or unreadable (counted as 0 by normaliseUsage): estimated from what arrived.
          outputCounted = readable.output_tokens !== undefined;
          if (!outputCounted) odd.push('no usable output_tokens in the final usage: estimated from the text received');
          stopReason = event.delta.stop_reason;
          finished = true;
          request.onUsage?.(usage);
        } else if (event.type === 'content_block_delta') {
          received += generatedText(event.delta);
          if (event.delta.type === 'text_delta') {
            text += event.delta.text;
            request.onText?.(event.delta.text);
          }
        }
      }
      // The SDK ends the events quietly when aborted (a cancel, or the watchdog).
      if (signal.aborted) throw new Anthropic.APIUserAbortError();
      const billed = billedUsage();
      if (!finished || !billed) throw new Error(started ? 'stream ended without producing the whole message' : 'request ended without sending any chunks');
      return answer(billed);
    } catch (err) {
      const billed = billedUsage();
      const note = usageNote();
      // Everything but message_stop arrived (final usage, stop reason, the whole text), and
      // was billed in full: the answer, not a failure that would buy it again elsewhere.
      if (finished && billed && !request.signal?.aborted && !isErrorEvent(err)) return answer(billed);
      const outputEstimated = billed !== usage;
      const context: FailureContext = { usage: billed, retried, outputEstimated, requestId, responded, key, baseURL: this.options.baseURL, refusedWait, usageNote: note, timeoutSeconds: timeoutMs / 1000 };
      if (stalled && !request.signal?.aborted) {
        const seconds = Math.round(timeoutMs / 1000);
        // Once the answer had started it was billed: a broken stream, worth a fallback.
        throw new ModelCallError(usage ? 'streamError' : 'timeout', `Nothing arrived for ${seconds} s, so the request was abandoned.`, {
          ...detailsOf(context), silentSeconds: seconds,
        });
      }
      throw toCallError(err, context);
    } finally {
      clearTimeout(timer);
    }
  }

  async countTokens(body: MessagesRequestBody, signal?: AbortSignal): Promise<number> {
    const { client, key } = await this.sdk();
    try {
      const { model, system, messages } = body;
      // A count is an optional refinement: 5 s in all, body included (the SDK's timeout stops at the headers).
      const deadline = AbortSignal.timeout(COUNT_TOKENS_MS);
      const result = await client.messages.countTokens({ model, system, messages } as Anthropic.MessageCountTokensParams, {
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline, maxRetries: 0, timeout: COUNT_TOKENS_MS,
      });
      return result.input_tokens;
    } catch (err) {
      throw toCallError(err, { retried: [], responded: false, key, baseURL: this.options.baseURL });
    }
  }

  /** Sends requests as one Message Batch: answered within 24 h, each billed at half price. */
  async createBatch(requests: readonly { customId: string; body: MessagesRequestBody }[]): Promise<BatchState> {
    return this.batchCall(async (client) => batchState(await client.messages.batches.create({
      requests: requests.map((r) => ({ custom_id: r.customId, params: r.body as Anthropic.MessageCreateParamsNonStreaming })),
    })));
  }

  async retrieveBatch(id: string): Promise<BatchState> {
    return this.batchCall(async (client) => batchState(await client.messages.batches.retrieve(id)));
  }

  /** Asks the API to stop a batch: requests not yet run are not billed; it ends soon after. */
  async cancelBatch(id: string): Promise<BatchState> {
    return this.batchCall(async (client) => batchState(await client.messages.batches.cancel(id)));
  }

  /** An ended batch's results, one per request. */
  async batchResults(id: string): Promise<BatchResultLine[]> {
    return this.batchCall(async (client) => {
      const lines: BatchResultLine[] = [];
      for await (const line of await client.messages.batches.results(id)) lines.push(line as BatchResultLine);
      return lines;
    });
  }

  private async batchCall<R>(call: (client: Anthropic) => Promise<R>): Promise<R> {
    const { client, key } = await this.sdk();
    try {
      return await call(client);
    } catch (err) {
      throw toCallError(err, { retried: [], responded: false, key, baseURL: this.options.baseURL });
    }
  }
}

/** A Message Batch as Ladder follows it. */
export interface BatchState {
  id: string;
  status: 'in_progress' | 'canceling' | 'ended';
  /** UTC ISO time the batch ended, once it has. */
  endedAt: string | undefined;
  /** Someone asked the API to cancel it (this window, or another on the same batch). */
  cancelled: boolean;
  counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
}

function batchState(batch: Anthropic.Messages.MessageBatch): BatchState {
  return { id: batch.id, status: batch.processing_status, endedAt: batch.ended_at ? new Date(batch.ended_at).toISOString() : undefined, cancelled: batch.cancel_initiated_at != null, counts: batch.request_counts };
}

const COUNT_TOKENS_MS = 5_000;

/**
 * The longest retry-after the SDK is left to wait out. Its own backoff tops out at 8 s; a
 * longer wait is a limit on the minute scale, with the progress toast standing still, while
 * another model (the routing policy's fallback, which the user is told of) answers in seconds.
 */
const LONGEST_RETRY_WAIT_S = 20;

/** Whether the SDK retries this response (given retries left): `x-should-retry` first, then its status rules. */
function sdkRetries(res: Response): boolean {
  const header = res.headers.get('x-should-retry');
  if (header === 'true' || header === 'false') return header === 'true';
  return res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
}

/** Printable ASCII without spaces: what an API key is, and what an HTTP header can carry. */
export function isApiKeyShaped(key: string): boolean {
  return /^[\x21-\x7e]+$/.test(key);
}

/**
 * How long the API asked us to wait, in whole seconds: `retry-after-ms`, else `retry-after`
 * as seconds or as an HTTP date (both forms are allowed).
 */
export function retryAfterSeconds(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms / 1000);
  const raw = headers?.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : (Date.parse(raw) - now) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/**
 * The output tokens' text a delta carries: answer, thinking, tool input JSON. A signature
 * (an opaque seal on the thinking) and a citation (quoted from the input) are not generated.
 */
function generatedText(delta: Anthropic.RawContentBlockDelta): string {
  if (delta.type === 'text_delta') return delta.text;
  if (delta.type === 'thinking_delta') return delta.thinking;
  if (delta.type === 'input_json_delta') return delta.partial_json;
  return '';
}

/** message_delta usage overwrites the cumulative counts it carries; the 5m/1h split stays from message_start. */
function mergeDeltaUsage(previous: UsageLike | undefined, delta: UsageLike): UsageLike {
  const merged: UsageLike = { ...(previous ?? { input_tokens: 0, output_tokens: 0 }) };
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const value = delta[key];
    if (typeof value === 'number') merged[key] = value;
  }
  return merged;
}

function kindOfStatus(status: number): CallFailureKind {
  if (status === 401) return 'auth';
  if (status === 402) return 'billing';
  if (status === 403) return 'permission';
  if (status === 404) return 'notFound';
  if (status === 413) return 'tooLarge';
  if (status === 429) return 'rateLimited';
  if (status === 529) return 'overloaded';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  return 'badRequest';
}

/** What a failed call had got to, for its error. */
interface FailureContext {
  usage?: UsageLike;
  retried: UnbilledAttempt[];
  outputEstimated?: boolean;
  requestId?: string;
  /** A response with status 200 had arrived: the host was reached, whatever broke after. */
  responded: boolean;
  /** The key sent, redacted from any message that quotes it back. */
  key: string;
  baseURL: string;
  /** The retry-after, in seconds, of an attempt not retried because it asked to wait that long. */
  refusedWait?: number;
  /** How long an attempt waited for the response to begin. */
  timeoutSeconds?: number;
  usageNote?: string;
}

function detailsOf(c: FailureContext): ModelCallError['details'] {
  return {
    usage: c.usage, retried: c.retried,
    ...(c.outputEstimated ? { outputEstimated: true } : {}), ...(c.requestId ? { requestId: c.requestId } : {}), ...(c.usageNote ? { usageNote: c.usageNote } : {}),
  };
}

/** An `event: error` inside the stream (an API error without a status). */
function isErrorEvent(err: unknown): boolean {
  return err instanceof Anthropic.APIError && err.status === undefined && !(err instanceof Anthropic.APIUserAbortError) && !(err instanceof Anthropic.APIConnectionError);
}

/** The system's code of a failed fetch ("ECONNRESET"), which undici puts on the error's cause. */
function causeCode(err: unknown): string | undefined {
  const code = err instanceof Error ? (err.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A failed connection as a record names it: its code where there is one, else its message. */
function connectionErrorOf(err: unknown): string {
  return (causeCode(err) ?? (err instanceof Error ? err.message : String(err))).slice(0, 80);
}

/** undici's error when the connection closes under a response being read ("terminated"). */
function isConnectionDrop(err: unknown): boolean {
  const code = causeCode(err);
  return err instanceof Error && (err.message === 'terminated' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET');
}

/** A failure as the routing policy understands it; an error message that quotes the key back (a proxy might) has it redacted. */
function toCallError(err: unknown, context: FailureContext): ModelCallError {
  const error = classify(err, context);
  error.message = redactSecrets(error.message, [context.key]);
  return error;
}

function classify(err: unknown, context: FailureContext): ModelCallError {
  if (err instanceof ModelCallError) return err;
  const { usage, retried, responded, requestId } = context;
  const details = detailsOf(context);
  if (err instanceof Anthropic.APIUserAbortError) return new ModelCallError('cancelled', 'Request cancelled.', details);
  if (err instanceof Anthropic.APIConnectionTimeoutError) {
    // Recorded at $0, as nothing came back to count; the API may still have done the work.
    const waited = context.timeoutSeconds !== undefined ? ` in ${context.timeoutSeconds} s` : '';
    return new ModelCallError('timeout', `No response${waited}, so the request was abandoned; the API may still have processed it and billed it.`, details);
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return new ModelCallError(usage ? 'streamError' : 'network', usage ? 'The connection dropped mid-answer.' : `Could not reach the API (${err.message}).`, details);
  }
  if (err instanceof Anthropic.APIError) {
    const apiRequestId = err.requestID ?? requestId;
    const apiMessage = (err.error as { error?: { message?: string } } | undefined)?.error?.message ?? err.message;
    if (err.status === undefined) {
      // An `event: error` inside the stream: billed up to that point.
      const type = (err.error as { error?: { type?: string } } | undefined)?.error?.type;
      const kind: CallFailureKind = type === 'overloaded_error' ? 'overloaded' : 'streamError';
      return new ModelCallError(kind, `The stream failed: ${apiMessage}`, { ...details, ...(apiRequestId ? { requestId: apiRequestId } : {}) });
    }
    const retryAfter = retryAfterSeconds(err.headers);
    const refused = context.refusedWait !== undefined ? ` (asked to wait ${context.refusedWait} s, longer than Ladder waits: another model may answer sooner)` : '';
    return new ModelCallError(kindOfStatus(err.status), `${apiMessage}${refused}`, {
      ...details,
      // The attempt that finally failed is this error; the retried ones came before it.
      retried: retried.slice(0, -1),
      status: err.status,
      requestId: err.requestID ?? undefined,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  // After a 200 the host was reached: what broke is the stream, billed once it had started,
  // and worth a fallback. A dropped connection (undici's "terminated"), or a stream that ended
  // before its message was whole, says so; anything else is a reply that could not be read
  // (malformed JSON in an event, an HTML page from a proxy, events out of order).
  if (responded || usage) {
    if (isConnectionDrop(err) || (err instanceof Error && /stream ended without producing/i.test(err.message))) {
      return new ModelCallError('streamError', 'The connection dropped mid-answer.', details);
    }
    const why = err instanceof Error ? err.message : String(err);
    return new ModelCallError('streamError', `The API at ${hostOf(context.baseURL)} sent a reply Ladder could not read (${why.slice(0, 160)}).`, details);
  }
  return new ModelCallError('network', err instanceof Error ? err.message : String(err), details);
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}
