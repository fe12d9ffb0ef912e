/**
 * A local stand-in for the Anthropic Messages API (spec: ../shared/anthropic-api.md),
 * faithful enough that the official SDK, unmodified, talks to it through `baseURL`.
 * Loopback only (127.0.0.1). Any non-empty key is accepted unless `requireKey` is set.
 *
 * In process:
 *   const standin = await start({ port: 0 });
 *   const client = new Anthropic({ apiKey: 'test', baseURL: standin.url, maxRetries: 0 });
 *   standin.script.enqueue({ text: 'hi' });                 // next /v1/messages answer
 *   standin.script.enqueue({ json: { names: [...] } });     // JSON sent as text
 *   standin.script.enqueue({ toolUse: { name: 'x', input: {} } });
 *   standin.script.when({ model: 'claude-opus-4-8', system: /Ladder task: review/ }, { text: '…' }, { times: 2 });
 *   standin.script.fault(faults.overloaded(), { times: 2 }); // 529, 529, then the reply
 *   standin.script.fault(faults.midStreamError(2));          // `event: error` after 2 deltas
 *   standin.clock.advance(6 * 60_000);                       // expire 5m cache entries
 *   standin.log;                                             // RequestLogEntry[] (keys redacted)
 *   standin.reset(); await standin.close();
 * Reply fields: text | json | toolUse | content, thinking, stopReason, deltas (per block), delayMs
 * (between deltas), outputTokens, fault. Fault types: status (status, retryAfter,
 * retryAfterMs, shouldRetry, errorType), midStreamError, reset, slowFirstByte (delayMs),
 * hang, garbled (first), noMessageStop, noDeltaUsage, oddUsage (field, value, event); `afterDeltas` says
 * where a stream breaks. Order per request: fault queue, then reply
 * queue, then matchers, then the default responder (answers per `Ladder task:` header).
 *
 * Out of process (`npm run standin -- --port N`, first line `listening on http://127.0.0.1:PORT`),
 * JSON control endpoints, no auth:
 *   GET  /_standin/health                → { ok, url }
 *   GET  /_standin/log?since=SEQ         → { entries: RequestLogEntry[] }
 *   POST /_standin/reset                 → clears log, cache, script, batches, clock offset
 *   GET  /_standin/clock                 → { now }
 *   POST /_standin/clock   { advanceMs } → { now }
 *   POST /_standin/faults  { fault, times?, endpoint?, match? } | { faults: [...] }
 *   POST /_standin/replies { reply } | { replies: [...] } (queued) | with match (+ times) → matcher
 *   POST /_standin/script/clear
 *   GET  /_standin/cache                 → { entries: [{ modelId, tokens, ttl, expiresInMs, hits }] }
 *   POST /_standin/config  { minCacheable?: { [model]: n }, batchLatencyMs? }
 * `match` is { model?, system?, lastUser? }, each a substring or { regex, flags? };
 * `endpoint` is messages (default) | count_tokens | batches | models | any.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchStore } from './batches';
import { PromptCache } from './cache';
import { ControllableClock } from './clock';
import type { StandinContext } from './context';
import { handleControl } from './control';
import { CacheDiagnostics } from './diagnostics';
import { statusFailure } from './faults';
import { RequestLog, redactHeaders, type RequestLogEntry } from './log';
import { handleCountTokens, handleMessages } from './messages';
import { listModels, retrieveModel } from './models';
import { defaultReply } from './responder';
import { Script, type FaultEndpoint, type ScriptApi } from './script';
import { ApiFailure, errorBody, newRequestId, readBody, sendError, sendJson } from './wire';

export { faults, type Fault } from './faults';
export type { RequestLogEntry } from './log';
export type { Matcher, Reply, ReplyContext, ScriptApi } from './script';

/** Options for start(). */
export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Bodies above this many bytes get 413 request_too_large (default 32 MiB, the API's limit). */
  maxBodyBytes?: number;
  /** Per-model overrides of the minimum cacheable prefix (by model id or alias). */
  minCacheable?: Record<string, number>;
  /** When set, only this key is accepted (otherwise any non-empty key). */
  requireKey?: string;
  /** Stand-in clock milliseconds a batch stays in_progress (default 0). */
  batchLatencyMs?: number;
  /** Oldest log entries are dropped beyond this (default 2000; entries keep whole request bodies). */
  maxLogEntries?: number;
}

/** A running stand-in. */
export interface Standin {
  /** `http://127.0.0.1:PORT`, usable as the SDK's baseURL. */
  readonly url: string;
  readonly port: number;
  /** Every /v1 request in arrival order (live array; reset() empties it in place). */
  readonly log: RequestLogEntry[];
  readonly clock: { now(): number; advance(ms: number): void };
  readonly script: ScriptApi;
  /** Live prompt-cache entries. */
  cacheEntries(): ReturnType<PromptCache['view']>;
  /** Clears log, cache, script, batches and the clock offset. */
  reset(): void;
  close(): Promise<void>;
}

const API_VERSIONS = new Set(['2023-06-01', '2026-10-21']);
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

function endpointOf(method: string, path: string): { endpoint: Exclude<FaultEndpoint, 'any'>; id?: string; action?: string } | undefined {
  if (path === '/v1/messages' && method === 'POST') return { endpoint: 'messages' };
  if (path === '/v1/messages/count_tokens' && method === 'POST') return { endpoint: 'count_tokens' };
  if (path === '/v1/messages/batches' && (method === 'POST' || method === 'GET')) return { endpoint: 'batches', action: method === 'POST' ? 'create' : 'list' };
  const batch = /^\/v1\/messages\/batches\/([^/]+)(?:\/(cancel|results))?$/.exec(path);
  if (batch?.[1]) {
    const id = decodeURIComponent(batch[1]);
    if (batch[2] === 'cancel' && method === 'POST') return { endpoint: 'batches', id, action: 'cancel' };
    if (batch[2] === 'results' && method === 'GET') return { endpoint: 'batches', id, action: 'results' };
    if (!batch[2] && method === 'GET') return { endpoint: 'batches', id, action: 'retrieve' };
    if (!batch[2] && method === 'DELETE') return { endpoint: 'batches', id, action: 'delete' };
    return undefined;
  }
  if (path === '/v1/models' && method === 'GET') return { endpoint: 'models' };
  const model = /^\/v1\/models\/([^/]+)$/.exec(path);
  if (model?.[1] && method === 'GET') return { endpoint: 'models', id: decodeURIComponent(model[1]) };
  return undefined;
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key) return key;
  const auth = req.headers.authorization;
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() : undefined;
  return bearer || undefined;
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiFailure(400, 'invalid_request_error', `Invalid JSON in request body: ${(err as Error).message}`);
  }
}

/** Starts a stand-in on 127.0.0.1. */
export async function start(options: StartOptions = {}): Promise<Standin> {
  const clock = new ControllableClock();
  const cache = new PromptCache(clock);
  const script = new Script();
  const log = new RequestLog(options.maxLogEntries ?? 2_000);
  const diagnostics = new CacheDiagnostics();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let minCacheable: Record<string, number> = { ...options.minCacheable };
  let batchLatencyMs = options.batchLatencyMs ?? 0;
  let url = '';
  const closing = new AbortController();

  const ctx: StandinContext = {
    clock,
    cache,
    script,
    log,
    diagnostics,
    minCacheable: (model) => minCacheable[model.id] ?? model.aliases.map((a) => minCacheable[a]).find((n) => n !== undefined) ?? model.minCacheable,
    baseUrl: () => url,
    defaultReply,
    sleep: (ms, signal) => new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (signal.aborted || closing.signal.aborted) done();
      signal.addEventListener('abort', done, { once: true });
      closing.signal.addEventListener('abort', done, { once: true });
    }),
  };
  const batches = new BatchStore(ctx, () => batchLatencyMs);

  const reset = (): void => {
    log.clear();
    cache.clear();
    script.clear();
    batches.clear();
    diagnostics.clear();
    clock.reset();
  };

  const control = {
    get url() { return url; },
    log: log.entries,
    script,
    reset,
    advanceClock: (ms: number) => {
      clock.advance(ms);
      return clock.now();
    },
    now: () => clock.now(),
    cacheEntries: () => cache.view(),
    configure: (config: { minCacheable?: Record<string, number>; batchLatencyMs?: number }) => {
      if (config.minCacheable) minCacheable = { ...minCacheable, ...config.minCacheable };
      if (config.batchLatencyMs !== undefined) batchLatencyMs = config.batchLatencyMs;
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const method = req.method ?? 'GET';
    const parsedUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = parsedUrl.pathname;

    if (path.startsWith('/_standin/')) {
      const { body: raw, tooLarge } = await readBody(req, maxBodyBytes);
      if (tooLarge) throw new ApiFailure(413, 'request_too_large', `Request exceeds the maximum size of ${maxBodyBytes} bytes`);
      if (!handleControl(control, method, path, parsedUrl.searchParams, parseJson(raw), res, requestId)) {
        throw new ApiFailure(404, 'not_found_error', `Not found: ${method} ${path}`);
      }
      return;
    }

    const retryHeader = req.headers['x-stainless-retry-count'];
    const retryCount = typeof retryHeader === 'string' && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
    const entry: RequestLogEntry = {
      seq: log.nextSeq(),
      requestId,
      method,
      path: parsedUrl.pathname + parsedUrl.search,
      headers: redactHeaders(req.headers),
      body: undefined,
      startedAt: clock.now(),
      ...(retryCount !== undefined ? { retryCount } : {}),
    };
    log.add(entry);
    const began = performance.now();
    res.once('close', () => {
      entry.durationMs = Math.round((performance.now() - began) * 100) / 100;
      if (entry.status === undefined && res.headersSent) entry.status = res.statusCode;
      if (entry.outcome === undefined) entry.outcome = !res.writableFinished ? 'aborted' : res.statusCode < 400 ? 'ok' : 'error';
    });

    try {
      const { body: raw, tooLarge } = await readBody(req, maxBodyBytes);
      if (!tooLarge && raw.length > 0) {
        const text = raw.toString('utf8');
        try {
          entry.body = JSON.parse(text);
        } catch {
          entry.body = text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
        }
      }
      const target = endpointOf(method, path);
      if (!target) throw new ApiFailure(404, 'not_found_error', `Not found: ${method} ${path}`);
      const key = apiKeyOf(req);
      if (!key) throw new ApiFailure(401, 'authentication_error', 'x-api-key header or Authorization: Bearer token is required');
      if (options.requireKey !== undefined && key !== options.requireKey) throw new ApiFailure(401, 'authentication_error', 'invalid x-api-key');
      const version = req.headers['anthropic-version'];
      if (version === undefined) throw new ApiFailure(400, 'invalid_request_error', 'anthropic-version: header is required');
      if (typeof version !== 'string' || !API_VERSIONS.has(version)) {
        throw new ApiFailure(400, 'invalid_request_error', `anthropic-version: invalid version '${String(version)}'; expected one of ${[...API_VERSIONS].join(', ')}`);
      }
      if (tooLarge) throw new ApiFailure(413, 'request_too_large', `Request exceeds the maximum size of ${maxBodyBytes} bytes`);
      const body = method === 'POST' ? parseJson(raw) : undefined;
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        const model = (body as { model?: unknown }).model;
        const stream = (body as { stream?: unknown }).stream;
        if (typeof model === 'string') entry.model = model;
        if (typeof stream === 'boolean') entry.stream = stream;
      }

      if (target.endpoint === 'messages') {
        if (body === undefined) throw new ApiFailure(400, 'invalid_request_error', 'Request body is empty; expected a JSON object');
        await handleMessages(ctx, req, res, body, entry);
        return;
      }
      if (target.endpoint === 'count_tokens') {
        if (body === undefined) throw new ApiFailure(400, 'invalid_request_error', 'Request body is empty; expected a JSON object');
        handleCountTokens(ctx, res, body, entry);
        return;
      }
      const fault = script.takeFault(target.endpoint, undefined);
      if (fault?.type === 'status') {
        entry.fault = `status ${fault.status}`;
        throw statusFailure(fault);
      }
      if (target.endpoint === 'models') {
        entry.status = 200;
        sendJson(res, 200, target.id === undefined ? listModels(parsedUrl.searchParams) : retrieveModel(target.id), requestId);
        return;
      }
      entry.status = 200;
      switch (target.action) {
        case 'create':
          sendJson(res, 200, batches.create(body), requestId);
          return;
        case 'list':
          sendJson(res, 200, batches.list(parsedUrl.searchParams), requestId);
          return;
        case 'retrieve':
          sendJson(res, 200, batches.retrieve(target.id ?? ''), requestId);
          return;
        case 'cancel':
          sendJson(res, 200, batches.cancel(target.id ?? ''), requestId);
          return;
        case 'delete':
          sendJson(res, 200, batches.delete(target.id ?? ''), requestId);
          return;
        case 'results':
          batches.sendResults(target.id ?? '', res, requestId);
          return;
      }
    } catch (err) {
      if (err instanceof ApiFailure) {
        entry.status = err.status;
        entry.outcome = 'error';
        entry.errorType = err.type;
      }
      throw err;
    }
  }

  const server: Server = createServer((req, res) => {
    const requestId = newRequestId();
    route(req, res, requestId).catch((err: unknown) => {
      const failure = err instanceof ApiFailure ? err : new ApiFailure(500, 'api_error', 'Internal server error');
      if (!(err instanceof ApiFailure)) console.error('[standin] unexpected error:', err);
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      sendError(res, failure, requestId);
    });
  });
  // A malformed request line or headers must not take the server down.
  server.on('clientError', (_err, socket) => {
    const requestId = newRequestId();
    const body = JSON.stringify(errorBody('invalid_request_error', 'Malformed HTTP request', requestId));
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nrequest-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`);
    else socket.destroy();
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    log: log.entries,
    clock: { now: () => clock.now(), advance: (ms: number) => clock.advance(ms) },
    script,
    cacheEntries: () => cache.view(),
    reset,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
