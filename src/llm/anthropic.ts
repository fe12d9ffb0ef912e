import Anthropic from '@anthropic-ai/sdk';
import type { UsageLike } from '../core/pricing/cost';
import { ModelCallError } from '../core/task/ports';
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
    // What arrived, for the output count when the stream breaks before its final usage.
    let received = '';
    let finalUsage = false;
    const fetchWithAttempts: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!res.ok) retried.push({ status: res.status, requestId: res.headers.get('request-id') ?? undefined });
      return res;
    };
    try {
      const stream = client.withOptions({ fetch: fetchWithAttempts }).messages.stream(request.body as Anthropic.MessageStreamParams, {
        signal: request.signal,
      });
      stream.on('streamEvent', (event) => {
        if (event.type === 'message_start') {
          usage = { ...(event.message.usage as UsageLike) };
          request.onUsage?.(usage);
        } else if (event.type === 'message_delta') {
          usage = mergeDeltaUsage(usage, event.usage as Partial<UsageLike>);
          finalUsage = true;
          request.onUsage?.(usage);
        }
      });
      stream.on('text', (delta) => {
        received += delta;
        request.onText?.(delta);
      });
      const message = await stream.finalMessage();
      requestId = stream.request_id ?? undefined;
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      return { text, usage: message.usage as UsageLike, requestId, stopReason: message.stop_reason, retried };
    } catch (err) {
      // The output was billed as it was generated, but the API's count of it comes only at
      // the end: message_start says 1. Estimate it from the text that arrived instead.
      const estimated = usage && !finalUsage ? estimateTokens(received, String(request.body.model)) : 0;
      const outputEstimated = usage !== undefined && estimated > (usage.output_tokens ?? 0);
      throw toCallError(err, outputEstimated ? { ...usage, output_tokens: estimated } : usage, retried, outputEstimated);
    }
  }

  async countTokens(body: MessagesRequestBody, signal?: AbortSignal): Promise<number> {
    const client = await this.sdk();
    try {
      const { model, system, messages } = body;
      const result = await client.messages.countTokens({ model, system, messages } as Anthropic.MessageCountTokensParams, { signal, maxRetries: 0, timeout: 5_000 });
      return result.input_tokens;
    } catch (err) {
      throw toCallError(err, undefined, []);
    }
  }
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

function toCallError(err: unknown, usage: UsageLike | undefined, retried: UnbilledAttempt[], outputEstimated = false): ModelCallError {
  if (err instanceof ModelCallError) return err;
  const details = { usage, retried, ...(outputEstimated ? { outputEstimated } : {}) };
  if (err instanceof Anthropic.APIUserAbortError) return new ModelCallError('cancelled', 'Request cancelled.', details);
  if (err instanceof Anthropic.APIConnectionTimeoutError) return new ModelCallError('timeout', 'The request timed out.', details);
  if (err instanceof Anthropic.APIConnectionError) {
    return new ModelCallError(usage ? 'streamError' : 'network', usage ? 'The connection dropped mid-answer.' : `Could not reach the API (${err.message}).`, details);
  }
  if (err instanceof Anthropic.APIError) {
    const requestId = err.requestID ?? undefined;
    const apiMessage = (err.error as { error?: { message?: string } } | undefined)?.error?.message ?? err.message;
    if (err.status === undefined) {
      // An `event: error` inside the stream: billed up to that point.
      const type = (err.error as { error?: { type?: string } } | undefined)?.error?.type;
      const kind: CallFailureKind = type === 'overloaded_error' ? 'overloaded' : 'streamError';
      return new ModelCallError(kind, `The stream failed: ${apiMessage}`, { ...details, requestId });
    }
    const retryAfter = Number(err.headers?.get('retry-after'));
    return new ModelCallError(kindOfStatus(err.status), apiMessage, {
      ...details,
      // The attempt that finally failed is this error; the retried ones came before it.
      retried: retried.slice(0, -1),
      status: err.status,
      requestId,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (err instanceof Error && /stream ended without producing/i.test(err.message)) {
    return new ModelCallError('streamError', 'The connection dropped mid-answer.', details);
  }
  // Once the answer had started (usage came), any other failure is the stream breaking,
  // e.g. undici's "terminated" on a connection reset: billed, and worth a fallback.
  if (usage) return new ModelCallError('streamError', 'The connection dropped mid-answer.', details);
  return new ModelCallError('network', err instanceof Error ? err.message : String(err), details);
}
