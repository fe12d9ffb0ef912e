import type { ServerResponse } from 'node:http';
import type { ErrorObject } from '@anthropic-ai/sdk/resources/shared';
import type { MessageBatch, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import type { StandinContext } from './context';
import { statusFailure } from './faults';
import { chooseReply, prepare, renderChecked } from './messages';
import { validateMessagesBody } from './validate';
import { ApiFailure, randomId } from './wire';

/**
 * Message Batches. A batch is `in_progress` when created and ends once `latencyMs` of the
 * stand-in's clock has passed (0 by default, so the first retrieve sees it ended; advance
 * the clock when a test wants to watch it run). Requests are answered when the batch
 * ends, through the same cache and responder as /v1/messages, with
 * `usage.service_tier: "batch"`; invalid params become `errored` results, as the API
 * validates them asynchronously.
 */

interface BatchRecord {
  readonly id: string;
  readonly seq: number;
  readonly createdAt: number;
  readyAt: number;
  endedAt: number | null;
  cancelInitiatedAt: number | null;
  readonly requests: readonly { customId: string; params: unknown }[];
  results: MessageBatchIndividualResponse[] | null;
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_REQUESTS = 100_000;
const DAY_MS = 24 * 60 * 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function bad(message: string): ApiFailure {
  return new ApiFailure(400, 'invalid_request_error', message);
}

function errored(type: ErrorObject['type'] | 'request_too_large', message: string): MessageBatchIndividualResponse['result'] {
  return { type: 'errored', error: { type: 'error', error: { type, message } as ErrorObject, request_id: null } };
}

export class BatchStore {
  private readonly batches = new Map<string, BatchRecord>();
  private seq = 0;

  constructor(private readonly ctx: StandinContext, private readonly latencyMs: () => number) {}

  /** POST /v1/messages/batches */
  create(body: unknown): MessageBatch {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('Request body must be a JSON object');
    const record = body as Record<string, unknown>;
    for (const key of Object.keys(record)) if (key !== 'requests') throw bad(`${key}: Extra inputs are not permitted`);
    if (record.requests === undefined) throw bad('requests: Field required');
    if (!Array.isArray(record.requests)) throw bad('requests: Input should be a valid list');
    if (record.requests.length === 0) throw bad('requests: List should have at least 1 item after validation, not 0');
    if (record.requests.length > MAX_REQUESTS) throw bad(`requests: List should have at most ${MAX_REQUESTS} items`);
    const seen = new Set<string>();
    const requests = record.requests.map((item: unknown, i) => {
      if (typeof item !== 'object' || item === null) throw bad(`requests.${i}: Input should be a valid dictionary`);
      const { custom_id: customId, params } = item as Record<string, unknown>;
      if (typeof customId !== 'string') throw bad(`requests.${i}.custom_id: Field required`);
      if (!CUSTOM_ID.test(customId)) throw bad(`requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
      if (seen.has(customId)) throw bad(`requests.${i}.custom_id: Duplicate custom_id '${customId}'; custom_id must be unique within a batch`);
      seen.add(customId);
      if (typeof params !== 'object' || params === null || Array.isArray(params)) throw bad(`requests.${i}.params: Input should be a valid dictionary`);
      return { customId, params };
    });
    const now = this.ctx.clock.now();
    const batch: BatchRecord = {
      id: randomId('msgbatch_01'),
      seq: ++this.seq,
      createdAt: now,
      readyAt: now + this.latencyMs(),
      endedAt: null,
      cancelInitiatedAt: null,
      requests,
      results: null,
    };
    this.batches.set(batch.id, batch);
    return this.view(batch);
  }

  private find(id: string): BatchRecord {
    const batch = this.batches.get(id);
    if (!batch) throw new ApiFailure(404, 'not_found_error', `message_batch: ${id} not found`);
    this.advance(batch);
    return batch;
  }

  /** Ends a batch whose time has come: answers (or cancels) every request. */
  private advance(batch: BatchRecord): void {
    if (batch.endedAt !== null || this.ctx.clock.now() < batch.readyAt) return;
    batch.results = batch.requests.map(({ customId, params }) => ({
      custom_id: customId,
      result: batch.cancelInitiatedAt !== null ? { type: 'canceled' } : this.answer(params),
    }));
    batch.endedAt = this.ctx.clock.now();
  }

  private answer(params: unknown): MessageBatchIndividualResponse['result'] {
    try {
      const request = validateMessagesBody(params, 'batch');
      const prompt = renderChecked(request);
      const reply = chooseReply(this.ctx, request);
      if (reply.fault?.type === 'status') {
        const failure = statusFailure(reply.fault);
        return errored(failure.type as ErrorObject['type'], failure.message);
      }
      const prepared = prepare(this.ctx, request, prompt, reply, 'batch');
      prepared.plan.commit();
      return { type: 'succeeded', message: prepared.message };
    } catch (err) {
      if (err instanceof ApiFailure) return errored(err.type as ErrorObject['type'], err.message);
      throw err;
    }
  }

  private view(batch: BatchRecord): MessageBatch {
    const ended = batch.endedAt !== null;
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (ended && batch.results) for (const r of batch.results) counts[r.result.type]++;
    else counts.processing = batch.requests.length;
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : batch.cancelInitiatedAt !== null ? 'canceling' : 'in_progress',
      request_counts: counts,
      created_at: iso(batch.createdAt),
      expires_at: iso(batch.createdAt + DAY_MS),
      ended_at: batch.endedAt === null ? null : iso(batch.endedAt),
      archived_at: null,
      cancel_initiated_at: batch.cancelInitiatedAt === null ? null : iso(batch.cancelInitiatedAt),
      results_url: ended ? `${this.ctx.baseUrl()}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  retrieve(id: string): MessageBatch {
    return this.view(this.find(id));
  }

  /** GET /v1/messages/batches: newest first, cursor pagination by id. */
  list(query: URLSearchParams): { data: MessageBatch[]; has_more: boolean; first_id: string | null; last_id: string | null } {
    const limitText = query.get('limit');
    const limit = limitText === null ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw bad('limit: Input should be an integer between 1 and 1000');
    const all = [...this.batches.values()].sort((a, b) => b.seq - a.seq);
    for (const batch of all) this.advance(batch);
    let start = 0;
    let end = all.length;
    const after = query.get('after_id');
    const before = query.get('before_id');
    if (after) start = all.findIndex((b) => b.id === after) + 1;
    if (before) end = Math.max(0, all.findIndex((b) => b.id === before));
    let page: BatchRecord[];
    let hasMore: boolean;
    if (before && !after) {
      page = all.slice(Math.max(start, end - limit), end);
      hasMore = end - limit > start;
    } else {
      page = all.slice(start, Math.min(end, start + limit));
      hasMore = start + limit < end;
    }
    const data = page.map((b) => this.view(b));
    return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
  }

  /** POST /v1/messages/batches/{id}/cancel: takes effect at the next look. */
  cancel(id: string): MessageBatch {
    const batch = this.find(id);
    if (batch.endedAt === null && batch.cancelInitiatedAt === null) {
      batch.cancelInitiatedAt = this.ctx.clock.now();
      const view = this.view(batch);
      batch.readyAt = batch.cancelInitiatedAt;
      return view;
    }
    return this.view(batch);
  }

  delete(id: string): { id: string; type: 'message_batch_deleted' } {
    const batch = this.find(id);
    if (batch.endedAt === null) throw bad(`Batch ${id} cannot be deleted while it is ${batch.cancelInitiatedAt === null ? 'in progress' : 'canceling'}; cancel it and wait for it to end first.`);
    this.batches.delete(id);
    return { id, type: 'message_batch_deleted' };
  }

  /** GET …/results: JSONL, one result per line, in request order. */
  sendResults(id: string, res: ServerResponse, requestId: string): void {
    const batch = this.find(id);
    if (!batch.results) throw bad(`Batch ${id} has not ended yet; results are available once processing_status is "ended".`);
    const payload = batch.results.map((r) => JSON.stringify(r)).join('\n') + '\n';
    res.writeHead(200, { 'content-type': 'application/binary', 'content-length': Buffer.byteLength(payload), 'request-id': requestId });
    res.end(payload);
  }

  clear(): void {
    this.batches.clear();
  }
}
