import type { IncomingHttpHeaders } from 'node:http';
import type { Usage } from '@anthropic-ai/sdk/resources/messages';

/** One request as the stand-in saw it. Control calls (`/_standin/*`) are not logged. */
export interface RequestLogEntry {
  /** Sequence number, from 1, in arrival order. */
  readonly seq: number;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** Lower-cased headers; `x-api-key` and `authorization` are redacted. */
  readonly headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it did not parse, or undefined when empty. */
  body: unknown;
  /** Stand-in clock time (ms) when the request arrived. */
  readonly startedAt: number;
  /** Real milliseconds until the response ended (undefined while it is still open). */
  durationMs?: number;
  /** HTTP status sent (200 for a stream that later failed). */
  status?: number;
  /** `x-stainless-retry-count` as a number, when the SDK sent it. */
  readonly retryCount?: number;
  model?: string;
  stream?: boolean;
  /** How it ended. */
  outcome?: 'ok' | 'error' | 'mid_stream_error' | 'reset' | 'aborted' | 'hung' | 'garbled' | 'no_message_stop';
  /** Which fault was applied, if any. */
  fault?: string;
  /** What the API would bill for this request (also when it failed after streaming started). */
  usage?: Usage;
  /** The message id the response carried. */
  messageId?: string;
  /** For an error response: the error type. */
  errorType?: string;
}

const REDACTED = '[redacted]';

/** Headers with credentials replaced, keeping the auth *style* visible for tests. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (name === 'x-api-key') out[name] = REDACTED;
    else if (name === 'authorization') out[name] = /^bearer\s/i.test(text) ? `Bearer ${REDACTED}` : REDACTED;
    else out[name] = text;
  }
  return out;
}

/** A bounded, append-only log. */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly maxEntries: number) {}

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
