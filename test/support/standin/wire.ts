import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Writing the API's bytes: ids, JSON bodies, error bodies and named SSE events. Every
 * response carries `request-id`; JSON responses carry `application/json` (without it the
 * SDK hands back a raw string instead of parsing).
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 suffix like the API's ids (`msg_01…`, `req_011…`). */
export function randomId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += BASE62[byte % 62];
  return out;
}

export function newRequestId(): string {
  return randomId('req_011', 24);
}

/** The `error.type` values the API uses, including 413's type the SDK's union lacks. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** A failure the handlers throw or return; the server turns it into the API's error body. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The default `error.type` for an HTTP status, as the API pairs them. */
export function errorTypeForStatus(status: number): ApiErrorType {
  switch (status) {
    case 400: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 402: return 'billing_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 408: return 'timeout_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 504: return 'timeout_error';
    case 529: return 'overloaded_error';
    default: return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The API's error envelope. */
export function errorBody(type: string, message: string, requestId: string | null): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** Sends a JSON body with the headers every API response has. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'request-id': requestId,
    ...extraHeaders,
  });
  res.end(payload);
}

/** Sends an error in the API's shape. */
export function sendError(res: ServerResponse, failure: ApiFailure, requestId: string): void {
  sendJson(res, failure.status, errorBody(failure.type, failure.message, requestId), requestId, failure.headers);
}

/** Starts an SSE response. */
export function startSse(res: ServerResponse, requestId: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': requestId,
  });
  res.flushHeaders();
}

/** One named SSE event; the SDK skips events without an `event:` line. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Reads a request body, keeping at most `limit` bytes; `tooLarge` says more was sent. */
export function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining past the limit: answering 413 before the client finished sending would
      // reset the connection, which the SDK reports as a connection error and retries.
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}
