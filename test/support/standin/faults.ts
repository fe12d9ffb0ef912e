import { ApiFailure, errorTypeForStatus, type ApiErrorType } from './wire';

/**
 * Faults a test can inject into a request. `status` answers with an HTTP error before any
 * work is done (nothing billed, nothing cached). The others let the request run and break
 * its delivery:
 * - `midStreamError`: `event: error` after `afterDeltas` deltas, then the stream closes
 *   (a non-streaming request gets the equivalent HTTP status instead);
 * - `reset`: the socket is destroyed after `afterDeltas` deltas (before any byte when not streaming,
 *   or with `beforeHeaders`: a connection lost before the reply began, nothing billed);
 * - `slowFirstByte`: nothing is sent for `delayMs` real milliseconds, then the reply goes out;
 * - `hang`: the stream stops after `afterDeltas` deltas (a non-stream request gets no answer)
 *   and stays open until the client gives up;
 * - `garbled`: an event whose JSON does not parse after `afterDeltas` deltas, or in place of
 *   message_start with `first`, then the stream closes (a proxy mangling the reply);
 * - `noMessageStop`: the stream closes after message_delta (answer and final usage sent);
 * - `noDeltaUsage`: message_delta carries no `usage` at all (a proxy that strips it); the bill
 *   is unchanged, and a non-streaming reply keeps its usage;
 * - `oddUsage`: the usage sent on the wire has `field` set to `value` (removed when `value` is
 *   absent), in `event` or in both message_start and message_delta; the bill is unchanged.
 * Usage is billed once the response has started (first byte), as the API bills it.
 */
export type Fault =
  | {
      type: 'status';
      status: number;
      errorType?: ApiErrorType;
      message?: string;
      /** `retry-after` header: seconds, or an HTTP date. */
      retryAfter?: number | string;
      /** `retry-after-ms` header, which the SDK prefers; keeps retry tests fast. */
      retryAfterMs?: number;
      /** `x-should-retry` header, which overrides the SDK's retry policy. */
      shouldRetry?: boolean;
    }
  | { type: 'midStreamError'; afterDeltas?: number; errorType?: ApiErrorType; message?: string }
  | { type: 'reset'; afterDeltas?: number; beforeHeaders?: boolean }
  | { type: 'slowFirstByte'; delayMs: number }
  | { type: 'hang'; afterDeltas?: number }
  | { type: 'garbled'; afterDeltas?: number; first?: boolean }
  | { type: 'noMessageStop' }
  | { type: 'noDeltaUsage' }
  | { type: 'oddUsage'; field: string; value?: unknown; event?: 'message_start' | 'message_delta' };

const DEFAULT_MESSAGES: Partial<Record<ApiErrorType, string>> = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out',
};

/** Shorthands for the faults tests use most. */
export const faults = {
  /** 429 with `retry-after` in seconds (0 lets the SDK's own backoff apply). */
  rateLimited(retryAfterSeconds = 0, extra: { retryAfterMs?: number } = {}): Fault {
    return { type: 'status', status: 429, retryAfter: retryAfterSeconds, ...extra };
  },
  overloaded(extra: { retryAfterMs?: number } = {}): Fault {
    return { type: 'status', status: 529, ...extra };
  },
  serverError(extra: { retryAfterMs?: number } = {}): Fault {
    return { type: 'status', status: 500, ...extra };
  },
  unavailable(extra: { retryAfterMs?: number } = {}): Fault {
    return { type: 'status', status: 503, ...extra };
  },
  midStreamError(afterDeltas = 1, errorType: ApiErrorType = 'overloaded_error'): Fault {
    return { type: 'midStreamError', afterDeltas, errorType };
  },
  reset(afterDeltas = 1): Fault {
    return { type: 'reset', afterDeltas };
  },
  /** The connection drops before the reply begins: the SDK sees a connection error and retries. */
  resetBeforeHeaders(): Fault {
    return { type: 'reset', beforeHeaders: true };
  },
  slowFirstByte(delayMs: number): Fault {
    return { type: 'slowFirstByte', delayMs };
  },
  hang(afterDeltas = 1): Fault {
    return { type: 'hang', afterDeltas };
  },
  garbled(afterDeltas = 1, first = false): Fault {
    return { type: 'garbled', afterDeltas, ...(first ? { first } : {}) };
  },
  noMessageStop(): Fault {
    return { type: 'noMessageStop' };
  },
  noDeltaUsage(): Fault {
    return { type: 'noDeltaUsage' };
  },
  oddUsage(field: string, value?: unknown, event?: 'message_start' | 'message_delta'): Fault {
    return { type: 'oddUsage', field, ...(value !== undefined ? { value } : {}), ...(event ? { event } : {}) };
  },
};

/** The HTTP failure a status fault answers with, headers included. */
export function statusFailure(fault: Extract<Fault, { type: 'status' }>): ApiFailure {
  const type = fault.errorType ?? errorTypeForStatus(fault.status);
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
  return new ApiFailure(fault.status, type, fault.message ?? DEFAULT_MESSAGES[type] ?? `Injected ${fault.status}`, headers);
}

/** The HTTP status a non-streaming request gets for an error type that would arrive mid-stream. */
export function statusForErrorType(type: ApiErrorType): number {
  switch (type) {
    case 'overloaded_error': return 529;
    case 'rate_limit_error': return 429;
    case 'timeout_error': return 504;
    case 'invalid_request_error': return 400;
    default: return 500;
  }
}

/** Default messages for the `event: error` payload. */
export function defaultErrorMessage(type: ApiErrorType): string {
  return DEFAULT_MESSAGES[type] ?? 'Internal server error';
}

/** Checks a fault that came over the control endpoint; returns a reason when it is unusable. */
export function faultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'fault must be an object';
  const fault = value as Record<string, unknown>;
  switch (fault.type) {
    case 'status':
      return typeof fault.status === 'number' && fault.status >= 400 && fault.status <= 599 ? undefined : 'status fault needs a status between 400 and 599';
    case 'slowFirstByte':
      return typeof fault.delayMs === 'number' && fault.delayMs >= 0 ? undefined : 'slowFirstByte needs delayMs';
    case 'midStreamError':
    case 'reset':
    case 'hang':
    case 'garbled':
    case 'noMessageStop':
    case 'noDeltaUsage':
      return undefined;
    case 'oddUsage':
      return typeof fault.field === 'string' && fault.field !== '' ? undefined : 'oddUsage needs a field';
    default:
      return `unknown fault type ${JSON.stringify(fault.type)}`;
  }
}
