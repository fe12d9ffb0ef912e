import type { ServerResponse } from 'node:http';
import { faultProblem, type Fault } from './faults';
import type { CacheEntryView } from './cache';
import type { RequestLogEntry } from './log';
import type { FaultEndpoint, Matcher, Reply, ScriptApi } from './script';
import { ApiFailure, sendJson } from './wire';

/**
 * The control endpoints under /_standin/, for users in another process (the VS Code
 * integration tests, `npm start`). JSON in, JSON out; no auth (the server is loopback-only).
 * Matchers over JSON take a substring, or `{ "regex": "…", "flags": "i" }`.
 */

/** What the control endpoints act on. */
export interface ControlTarget {
  readonly url: string;
  readonly log: RequestLogEntry[];
  readonly script: ScriptApi;
  reset(): void;
  advanceClock(ms: number): number;
  now(): number;
  cacheEntries(): CacheEntryView[];
  configure(config: { minCacheable?: Record<string, number>; batchLatencyMs?: number }): void;
}

const FAULT_ENDPOINTS = new Set(['messages', 'count_tokens', 'batches', 'models', 'any']);

function bad(message: string): ApiFailure {
  return new ApiFailure(400, 'invalid_request_error', message);
}

function pattern(value: unknown, field: string): string | RegExp | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { regex?: unknown }).regex === 'string') {
    const { regex, flags } = value as { regex: string; flags?: unknown };
    try {
      return new RegExp(regex, typeof flags === 'string' ? flags : '');
    } catch (err) {
      throw bad(`${field}: invalid regex: ${(err as Error).message}`);
    }
  }
  throw bad(`${field}: expected a string or { "regex": "…" }`);
}

function readMatcher(value: unknown): Matcher | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw bad('match: expected an object');
  const raw = value as Record<string, unknown>;
  const matcher: Matcher = {};
  const model = pattern(raw.model, 'match.model');
  const system = pattern(raw.system, 'match.system');
  const lastUser = pattern(raw.lastUser, 'match.lastUser');
  if (model !== undefined) matcher.model = model;
  if (system !== undefined) matcher.system = system;
  if (lastUser !== undefined) matcher.lastUser = lastUser;
  return matcher;
}

function readFault(value: unknown): Fault {
  const problem = faultProblem(value);
  if (problem) throw bad(`fault: ${problem}`);
  return value as Fault;
}

function readReply(value: unknown): Reply {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('reply: expected an object');
  const reply = value as Reply;
  if (reply.fault) readFault(reply.fault);
  return reply;
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body: expected a JSON object');
  return body as Record<string, unknown>;
}

/** Handles one control request; returns false when the path is not a control endpoint. */
export function handleControl(target: ControlTarget, method: string, path: string, query: URLSearchParams, body: unknown, res: ServerResponse, requestId: string): boolean {
  const send = (payload: unknown): void => sendJson(res, 200, payload, requestId);
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /_standin/health':
      send({ ok: true, url: target.url });
      return true;
    case 'GET /_standin/log': {
      const since = Number(query.get('since') ?? 0);
      send({ entries: target.log.filter((e) => e.seq > since) });
      return true;
    }
    case 'POST /_standin/reset':
      target.reset();
      send({ ok: true });
      return true;
    case 'GET /_standin/clock':
      send({ now: target.now() });
      return true;
    case 'POST /_standin/clock': {
      const advanceMs = object(body).advanceMs;
      if (typeof advanceMs !== 'number' || advanceMs < 0) throw bad('advanceMs: expected a non-negative number');
      send({ now: target.advanceClock(advanceMs) });
      return true;
    }
    case 'POST /_standin/faults': {
      const raw = object(body);
      const items = Array.isArray(raw.faults) ? raw.faults : [raw];
      for (const item of items) {
        const spec = object(item);
        const endpoint = spec.endpoint ?? 'messages';
        if (typeof endpoint !== 'string' || !FAULT_ENDPOINTS.has(endpoint)) throw bad(`endpoint: expected one of ${[...FAULT_ENDPOINTS].join(', ')}`);
        const times = spec.times ?? 1;
        if (typeof times !== 'number' || times < 1) throw bad('times: expected a positive number');
        const match = readMatcher(spec.match);
        target.script.fault(readFault(spec.fault), { times, endpoint: endpoint as FaultEndpoint, ...(match ? { match } : {}) });
      }
      send({ pending: target.script.pending() });
      return true;
    }
    case 'POST /_standin/replies': {
      const raw = object(body);
      const replies = Array.isArray(raw.replies) ? raw.replies.map(readReply) : [readReply(raw.reply)];
      const match = readMatcher(raw.match);
      if (match) {
        const times = typeof raw.times === 'number' ? raw.times : undefined;
        for (const reply of replies) target.script.when(match, reply, times === undefined ? {} : { times });
      } else {
        target.script.enqueue(...replies);
      }
      send({ pending: target.script.pending() });
      return true;
    }
    case 'POST /_standin/script/clear':
      target.script.clear();
      send({ pending: target.script.pending() });
      return true;
    case 'GET /_standin/cache':
      send({ entries: target.cacheEntries() });
      return true;
    case 'POST /_standin/config': {
      const raw = object(body);
      const config: { minCacheable?: Record<string, number>; batchLatencyMs?: number } = {};
      if (raw.minCacheable !== undefined) {
        const table = object(raw.minCacheable);
        for (const [model, value] of Object.entries(table)) if (typeof value !== 'number' || value < 0) throw bad(`minCacheable.${model}: expected a non-negative number`);
        config.minCacheable = table as Record<string, number>;
      }
      if (raw.batchLatencyMs !== undefined) {
        if (typeof raw.batchLatencyMs !== 'number' || raw.batchLatencyMs < 0) throw bad('batchLatencyMs: expected a non-negative number');
        config.batchLatencyMs = raw.batchLatencyMs;
      }
      target.configure(config);
      send({ ok: true });
      return true;
    }
    default:
      return false;
  }
}
