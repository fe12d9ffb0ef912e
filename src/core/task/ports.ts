import type { UsageLike } from '../pricing/cost';
import type { MessagesRequestBody } from '../prompt/request';

/**
 * The narrow interfaces a task uses to reach the outside. src/llm implements ModelPort
 * with the official SDK; tests use in-memory fakes.
 */

/** Why a call failed, in the terms the routing policy and the user care about. */
export type CallFailureKind =
  | 'auth'          // 401: key missing or rejected
  | 'permission'    // 403
  | 'billing'       // 402
  | 'notFound'      // 404: model unknown to this endpoint
  | 'badRequest'    // 400 / 422
  | 'tooLarge'      // 413
  | 'rateLimited'   // 429 after the SDK's retries
  | 'overloaded'    // 529 after the SDK's retries
  | 'server'        // 5xx after the SDK's retries
  | 'timeout'
  | 'network'       // connection refused / reset before a response
  | 'streamError'   // an error event or a dropped connection mid-stream
  | 'cancelled';

/**
 * An attempt the SDK made and retried, with no usage: an HTTP error, which the API did not
 * bill, or no response within `timedOutSeconds`, which the API may still have processed and
 * billed (no count came back to say what).
 */
export interface UnbilledAttempt {
  status?: number;
  requestId?: string;
  timedOutSeconds?: number;
  /** The connection failed before a reply began (its error code, or message). */
  connectionError?: string;
}

export interface ModelResponse {
  text: string;
  usage: UsageLike;
  requestId?: string;
  stopReason: string | null;
  /** Attempts before the one that answered (SDK retries of 429/5xx/529 and of timeouts). */
  retried: UnbilledAttempt[];
  /** What was odd in the usage the API sent and how it was counted, for the ledger record's reason. */
  usageNote?: string;
}

/** The gateway's sentence for a stored key it will not send (a character no API key has). */
export const UNSENDABLE_KEY = 'The stored API key has a character no API key has (an invisible or typographic one, from copying it?). Set it again.';

/**
 * A failed call. `usage` is present when the API had started billing (mid-stream failure).
 * `outputEstimated`: the stream ended before the API's final count, so `usage.output_tokens`
 * is estimated from the text received (the API's own count then was only its first token).
 * `silentSeconds`: nothing arrived for that long after the response began, so it was abandoned.
 * `usageNote`: as on ModelResponse.
 */
export class ModelCallError extends Error {
  constructor(
    readonly kind: CallFailureKind,
    message: string,
    readonly details: { status?: number; requestId?: string; usage?: UsageLike; outputEstimated?: boolean; retried?: UnbilledAttempt[]; retryAfterSeconds?: number; silentSeconds?: number; usageNote?: string } = {},
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

export interface ModelRequest {
  body: MessagesRequestBody;
  signal?: AbortSignal;
  /** Streamed text as it arrives. */
  onText?: (delta: string) => void;
  /** Usage as soon as the API reports it (message_start), then cumulatively. */
  onUsage?: (usage: UsageLike) => void;
  /**
   * An attempt the SDK will retry: its HTTP status (429, 5xx, 529) with the wait the API asked
   * for when it said, `timeout` when no response came in time, or `network` when the connection failed first.
   */
  onRetry?: (cause: RetryCause, retryAfterSeconds: number | undefined) => void;
  /** Retries for this request instead of the gateway's setting. */
  maxRetries?: number;
  /** Timeout for this request instead of the gateway's setting, in milliseconds. */
  timeoutMs?: number;
}

/** Why the SDK is trying an attempt again: the HTTP status it answered, or no answer in time. */
export type RetryCause = number | 'timeout' | 'network';

export interface ModelPort {
  send(request: ModelRequest): Promise<ModelResponse>;
  /** Exact prompt tokens for this body on its model; rejects when unreachable. */
  countTokens(body: MessagesRequestBody, signal?: AbortSignal): Promise<number>;
}
