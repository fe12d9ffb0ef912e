import Anthropic from '@anthropic-ai/sdk';
import type { UsageLike } from '../core/pricing/cost';
import { ModelCallError, UNSENDABLE_KEY } from '../core/task/ports';
import { estimateTokens } from '../core/models';
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
 * for what was billed), notes the attempts the SDK retried, and turns every failure into
 * a ModelCallError whose kind the routing policy understands.
 */
export class AnthropicGateway implements ModelPort {
  private client: Anthropic | undefined;
  private clientKey: string | undefined;

  constructor(private readonly options: GatewayOptions) {}

  private async sdk(): Promise<Anthropic> {
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
    return this.client;
  }

  async send(request: ModelRequest): Promise<ModelResponse> {
    const client = await this.sdk();
    const retried: UnbilledAttempt[] = [];
    let usage: UsageLike | undefined;
    let requestId: string | undefined;
    // What was generated (answer, thinking, tool input), for the output count when the stream breaks before its final usage.
    let received = '';
    let finalUsage = false;
    // The SDK's timeout covers the wait for the response's headers only: a stream that stops
    // after them would wait for ever (and the difficulty check runs before there is a Cancel
    // button). So the same timeout also bounds the silence between events.
    const watchdog = new AbortController();
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        watchdog.abort();
      }, this.options.timeoutMs);
    };
    const fetchWithAttempts: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!res.ok) {
        retried.push({ status: res.status, requestId: res.headers.get('request-id') ?? undefined });
        // The statuses the SDK retries, while it has retries left (the first attempt, then maxRetries more).
        const retryable = res.status === 429 || res.status === 408 || res.status === 409 || res.status >= 500;
        if (retryable && retried.length <= this.options.maxRetries) request.onRetry?.(res.status, retryAfterSeconds(res.headers));
      } else {
        // Known before the answer starts, so a billed call that breaks keeps the id to reconcile it by.
        requestId = res.headers.get('request-id') ?? undefined;
        touch();
      }
      return res;
    };
    try {
      const stream = client.withOptions({ fetch: fetchWithAttempts }).messages.stream(request.body as Anthropic.MessageStreamParams, {
        signal: request.signal ? AbortSignal.any([request.signal, watchdog.signal]) : watchdog.signal,
      });
      stream.on('streamEvent', (event) => {
        touch();
        if (event.type === 'message_start') {
          usage = { ...(event.message.usage as UsageLike) };
          request.onUsage?.(usage);
        } else if (event.type === 'message_delta') {
          usage = mergeDeltaUsage(usage, event.usage as Partial<UsageLike>);
          finalUsage = true;
          request.onUsage?.(usage);
        } else if (event.type === 'content_block_delta') {
          received += generatedText(event.delta);
        }
      });
      stream.on('text', (delta) => request.onText?.(delta));
      const message = await stream.finalMessage();
      requestId = stream.request_id ?? requestId;
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      return { text, usage: message.usage as UsageLike, requestId, stopReason: message.stop_reason, retried };
    } catch (err) {
      // The output was billed as it was generated, but the API's count of it comes only at
      // the end: message_start says 1. Estimate it from what arrived instead, thinking included.
      const estimated = usage && !finalUsage ? estimateTokens(received, String(request.body.model)) : 0;
      const outputEstimated = usage !== undefined && estimated > (usage.output_tokens ?? 0);
      const billed = outputEstimated ? { ...usage, output_tokens: estimated } : usage;
      if (stalled && !request.signal?.aborted) {
        const seconds = Math.round(this.options.timeoutMs / 1000);
        // Once the answer had started it was billed: a broken stream, worth a fallback.
        throw new ModelCallError(usage ? 'streamError' : 'timeout', `Nothing arrived for ${seconds} s, so the request was abandoned.`, {
          usage: billed, retried, silentSeconds: seconds, ...(outputEstimated ? { outputEstimated } : {}), ...(requestId ? { requestId } : {}),
        });
      }
      throw toCallError(err, billed, retried, outputEstimated, requestId);
    } finally {
      clearTimeout(timer);
    }
  }

  async countTokens(body: MessagesRequestBody, signal?: AbortSignal): Promise<number> {
    const client = await this.sdk();
    try {
      const { model, system, messages } = body;
      // A count is an optional refinement: 5 s in all, body included (the SDK's timeout stops at the headers).
      const deadline = AbortSignal.timeout(COUNT_TOKENS_MS);
      const result = await client.messages.countTokens({ model, system, messages } as Anthropic.MessageCountTokensParams, {
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline, maxRetries: 0, timeout: COUNT_TOKENS_MS,
      });
      return result.input_tokens;
    } catch (err) {
      throw toCallError(err, undefined, []);
    }
  }
}

const COUNT_TOKENS_MS = 5_000;

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
function mergeDeltaUsage(previous: UsageLike | undefined, delta: Partial<UsageLike>): UsageLike {
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

function toCallError(err: unknown, usage: UsageLike | undefined, retried: UnbilledAttempt[], outputEstimated = false, requestId?: string): ModelCallError {
  if (err instanceof ModelCallError) return err;
  const details = { usage, retried, ...(outputEstimated ? { outputEstimated } : {}), ...(requestId ? { requestId } : {}) };
  if (err instanceof Anthropic.APIUserAbortError) return new ModelCallError('cancelled', 'Request cancelled.', details);
  if (err instanceof Anthropic.APIConnectionTimeoutError) return new ModelCallError('timeout', 'The request timed out.', details);
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
    return new ModelCallError(kindOfStatus(err.status), apiMessage, {
      ...details,
      // The attempt that finally failed is this error; the retried ones came before it.
      retried: retried.slice(0, -1),
      status: err.status,
      requestId: err.requestID ?? undefined,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  // A 200 whose stream ended before its first event, or before anything usable: not billed, and worth a fallback.
  if (err instanceof Error && /stream ended without producing|ended without sending any chunks/i.test(err.message)) {
    return new ModelCallError('streamError', 'The connection dropped mid-answer.', details);
  }
  // Once the answer had started (usage came), any other failure is the stream breaking,
  // e.g. undici's "terminated" on a connection reset: billed, and worth a fallback.
  if (usage) return new ModelCallError('streamError', 'The connection dropped mid-answer.', details);
  return new ModelCallError('network', err instanceof Error ? err.message : String(err), details);
}
