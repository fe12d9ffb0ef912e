import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';
import { STANDIN_MODELS, lookupModel, type StandinModel } from './modelTable';
import { ApiFailure } from './wire';

/** GET /v1/models and /v1/models/{id}, from the stand-in's own model table. */

function info(model: StandinModel): ModelInfo {
  return {
    id: model.id,
    type: 'model',
    display_name: model.displayName,
    created_at: model.createdAt,
    line: model.line,
    max_input_tokens: model.maxInputTokens,
    max_tokens: model.maxOutputTokens,
    capabilities: null,
    lifecycle: model.retiresAt ? 'deprecated' : 'active',
    deprecated_at: null,
    retires_at: model.retiresAt,
  };
}

/** Newest first, with the API's cursor pagination (`after_id`, `before_id`, `limit`). */
export function listModels(query: URLSearchParams): { data: ModelInfo[]; has_more: boolean; first_id: string | null; last_id: string | null } {
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiFailure(400, 'invalid_request_error', 'limit: Input should be an integer between 1 and 1000');
  const all = [...STANDIN_MODELS].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const after = query.get('after_id');
  const before = query.get('before_id');
  let start = after ? all.findIndex((m) => m.id === after) + 1 : 0;
  let end = before ? Math.max(0, all.findIndex((m) => m.id === before)) : all.length;
  if (before && !after) start = Math.max(start, end - limit);
  else end = Math.min(end, start + limit);
  const data = all.slice(start, end).map(info);
  const hasMore = before && !after ? start > 0 : end < all.length;
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}

export function retrieveModel(id: string): ModelInfo {
  const model = lookupModel(id);
  if (!model) throw new ApiFailure(404, 'not_found_error', `model: ${id}`);
  return { ...info(model), id };
}
