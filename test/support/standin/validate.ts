import { lookupModel, type StandinModel } from './modelTable';
import { ApiFailure } from './wire';

/**
 * Request validation with the API's status codes and messages that name the field
 * (`messages.1.content.0.text: …`). Only what the API rejects is rejected; everything
 * the SDK can send passes.
 */

export type CacheTtl = '5m' | '1h';

/** A normalised content block; `raw` keeps the original for rendering and echoing. */
export interface BlockIn {
  readonly type: string;
  readonly raw: Record<string, unknown>;
  readonly cacheTtl?: CacheTtl;
}

export interface MessageIn {
  readonly role: 'user' | 'assistant' | 'system';
  readonly content: readonly BlockIn[];
}

export interface ToolIn {
  readonly name: string;
  readonly raw: Record<string, unknown>;
  readonly cacheTtl?: CacheTtl;
}

/** A validated /v1/messages (or count_tokens) body. */
export interface MessagesRequest {
  readonly modelId: string;
  readonly model: StandinModel;
  readonly maxTokens: number;
  readonly messages: readonly MessageIn[];
  readonly system: readonly BlockIn[];
  readonly tools: readonly ToolIn[];
  readonly toolChoice: Record<string, unknown> | undefined;
  readonly thinking: Record<string, unknown> | undefined;
  readonly stopSequences: readonly string[];
  readonly stream: boolean;
  readonly topLevelCacheTtl?: CacheTtl;
  readonly speed: 'standard' | 'fast' | null;
  readonly inferenceGeo: string | null;
  /** Present when the request opted into cache diagnostics; null means "first turn". */
  readonly previousMessageId?: string | null;
}

export type Endpoint = 'messages' | 'count_tokens' | 'batch';

const CREATE_FIELDS = new Set([
  'model', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'stop_sequences', 'stream',
  'metadata', 'service_tier', 'speed', 'output_config', 'cache_control', 'container', 'diagnostics',
  'inference_geo', 'temperature', 'top_p', 'top_k', 'context_management', 'mcp_servers',
]);
const COUNT_FIELDS = new Set([
  'model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'cache_control', 'output_config', 'speed',
  'context_management', 'mcp_servers',
]);
const BLOCK_TYPES = new Set([
  'text', 'image', 'document', 'search_result', 'thinking', 'redacted_thinking', 'tool_use', 'tool_result',
  'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result',
  'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result',
  'container_upload',
]);
const UNCACHEABLE_BLOCKS = new Set(['thinking', 'redacted_thinking']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const MAX_BREAKPOINTS = 4;

function bad(message: string): ApiFailure {
  return new ApiFailure(400, 'invalid_request_error', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readCacheControl(value: unknown, where: string): CacheTtl | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad(`${where}.cache_control: Input should be a valid dictionary`);
  if (value.type !== 'ephemeral') throw bad(`${where}.cache_control.type: Input should be 'ephemeral'`);
  const ttl = value.ttl ?? '5m';
  if (ttl !== '5m' && ttl !== '1h') throw bad(`${where}.cache_control.ttl: Input should be '5m' or '1h'`);
  return ttl;
}

function readBlock(value: unknown, where: string): BlockIn {
  if (!isObject(value)) throw bad(`${where}: Input should be a valid dictionary`);
  const type = value.type;
  if (typeof type !== 'string') throw bad(`${where}.type: Field required`);
  if (!BLOCK_TYPES.has(type)) {
    throw bad(`${where}.type: Input tag '${type}' found using 'type' does not match any of the expected tags: ${[...BLOCK_TYPES].map((t) => `'${t}'`).join(', ')}`);
  }
  if (type === 'text') {
    if (typeof value.text !== 'string') throw bad(`${where}.text: Input should be a valid string`);
    if (value.text.length === 0) throw bad(`${where}.text: text content blocks must be non-empty`);
  }
  if (type === 'tool_use' || type === 'server_tool_use') {
    if (typeof value.id !== 'string' || !value.id) throw bad(`${where}.id: Field required`);
    if (typeof value.name !== 'string' || !value.name) throw bad(`${where}.name: Field required`);
    if (!isObject(value.input)) throw bad(`${where}.input: Input should be a valid dictionary`);
  }
  if (type === 'tool_result' && (typeof value.tool_use_id !== 'string' || !value.tool_use_id)) {
    throw bad(`${where}.tool_use_id: Field required`);
  }
  if ((type === 'image' || type === 'document') && !isObject(value.source)) throw bad(`${where}.source: Field required`);
  const cacheTtl = readCacheControl(value.cache_control, where);
  if (cacheTtl && UNCACHEABLE_BLOCKS.has(type)) {
    throw bad(`${where}.cache_control: Cache control cannot be set on ${type} blocks`);
  }
  return cacheTtl ? { type, raw: value, cacheTtl } : { type, raw: value };
}

function readContent(value: unknown, where: string): BlockIn[] {
  if (typeof value === 'string') return value.length === 0 ? [] : [{ type: 'text', raw: { type: 'text', text: value } }];
  if (!Array.isArray(value)) throw bad(`${where}: Input should be a valid string or a valid list`);
  return value.map((block, i) => readBlock(block, `${where}.${i}`));
}

function readSystem(value: unknown): BlockIn[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.length === 0 ? [] : [{ type: 'text', raw: { type: 'text', text: value } }];
  if (!Array.isArray(value)) throw bad('system: Input should be a valid string or a valid list');
  return value.map((block, i) => {
    const read = readBlock(block, `system.${i}`);
    if (read.type !== 'text') throw bad(`system.${i}.type: Input should be 'text'`);
    return read;
  });
}

function readTools(value: unknown): ToolIn[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad('tools: Input should be a valid list');
  const seen = new Set<string>();
  return value.map((tool, i) => {
    const where = `tools.${i}`;
    if (!isObject(tool)) throw bad(`${where}: Input should be a valid dictionary`);
    if (typeof tool.name !== 'string') throw bad(`${where}.name: Field required`);
    if (!TOOL_NAME.test(tool.name)) throw bad(`${where}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    const custom = tool.type === undefined || tool.type === null || tool.type === 'custom';
    if (custom && !isObject(tool.input_schema)) throw bad(`${where}.input_schema: Field required`);
    if (!custom && typeof tool.type !== 'string') throw bad(`${where}.type: Input should be a valid string`);
    if (seen.has(tool.name)) throw bad(`tools: Tool names must be unique. Duplicate name: '${tool.name}'`);
    seen.add(tool.name);
    const cacheTtl = readCacheControl(tool.cache_control, where);
    return cacheTtl ? { name: tool.name, raw: tool, cacheTtl } : { name: tool.name, raw: tool };
  });
}

function readMessages(value: unknown): MessageIn[] {
  if (value === undefined) throw bad('messages: Field required');
  if (!Array.isArray(value)) throw bad('messages: Input should be a valid list');
  if (value.length === 0) throw bad('messages: at least one message is required');
  return value.map((message, i) => {
    const where = `messages.${i}`;
    if (!isObject(message)) throw bad(`${where}: Input should be a valid dictionary`);
    if (message.role === undefined) throw bad(`${where}.role: Field required`);
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') {
      throw bad(`${where}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    if (message.content === undefined) throw bad(`${where}.content: Field required`);
    const content = readContent(message.content, `${where}.content`);
    const isFinalAssistant = i === value.length - 1 && message.role === 'assistant';
    if (content.length === 0 && !isFinalAssistant) {
      throw bad(`${where}.content: all messages must have non-empty content except for the optional final assistant message`);
    }
    return { role: message.role, content };
  });
}

function checkBreakpoints(req: Omit<MessagesRequest, 'model'>): void {
  const marks: { ttl: CacheTtl; where: string }[] = [];
  req.tools.forEach((tool, i) => { if (tool.cacheTtl) marks.push({ ttl: tool.cacheTtl, where: `tools.${i}` }); });
  req.system.forEach((block, i) => { if (block.cacheTtl) marks.push({ ttl: block.cacheTtl, where: `system.${i}` }); });
  req.messages.forEach((message, m) => message.content.forEach((block, i) => {
    if (block.cacheTtl) marks.push({ ttl: block.cacheTtl, where: `messages.${m}.content.${i}` });
  }));
  const total = marks.length + (req.topLevelCacheTtl ? 1 : 0);
  if (total > MAX_BREAKPOINTS) {
    throw bad(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${total}.`);
  }
  let seen5m = false;
  for (const mark of marks) {
    if (mark.ttl === '5m') seen5m = true;
    else if (seen5m) {
      throw bad(`${mark.where}.cache_control: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: \`tools\`, \`system\`, \`messages\`.`);
    }
  }
}

function readModel(body: Record<string, unknown>): { modelId: string; model: StandinModel } {
  if (body.model === undefined) throw bad('model: Field required');
  if (typeof body.model !== 'string' || body.model.length === 0) throw bad('model: Input should be a valid string');
  const model = lookupModel(body.model);
  if (!model) throw new ApiFailure(404, 'not_found_error', `model: ${body.model}`);
  return { modelId: body.model, model };
}

function readMaxTokens(body: Record<string, unknown>, endpoint: Endpoint, model: StandinModel, modelId: string): number {
  if (endpoint === 'count_tokens') return 0;
  const value = body.max_tokens;
  if (value === undefined) throw bad('max_tokens: Field required');
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad('max_tokens: Input should be a valid integer');
  if (value < 0) throw bad('max_tokens: Input should be greater than or equal to 0');
  if (value === 0 && endpoint === 'batch') throw bad('max_tokens: must be greater than 0 in a Message Batch');
  if (value > model.maxOutputTokens) {
    throw bad(`max_tokens: ${value} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${modelId}`);
  }
  return value;
}

function readThinking(value: unknown, model: StandinModel, maxTokens: number, endpoint: Endpoint): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad('thinking: Input should be a valid dictionary');
  const type = value.type;
  if (type !== 'enabled' && type !== 'disabled' && type !== 'adaptive') {
    throw bad("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
  }
  if (model.adaptiveOnly && type !== 'adaptive') {
    throw bad(`thinking.type: '${type}' is not supported for this model; thinking is always adaptive on ${model.id}`);
  }
  if (type === 'enabled') {
    const budget = value.budget_tokens;
    if (typeof budget !== 'number' || !Number.isInteger(budget)) throw bad('thinking.enabled.budget_tokens: Field required');
    if (budget < 1024) throw bad('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (endpoint !== 'count_tokens' && budget >= maxTokens) throw bad('`max_tokens` must be greater than `thinking.budget_tokens`');
  }
  return value;
}

function readToolChoice(value: unknown, tools: readonly ToolIn[]): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad('tool_choice: Input should be a valid dictionary');
  if (value.type !== 'auto' && value.type !== 'any' && value.type !== 'tool' && value.type !== 'none') {
    throw bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  }
  if (value.type === 'tool') {
    if (typeof value.name !== 'string') throw bad('tool_choice.tool.name: Field required');
    if (!tools.some((tool) => tool.name === value.name)) throw bad(`tool_choice.tool.name: Tool '${value.name}' not found in tools`);
  }
  if ((value.type === 'any' || value.type === 'tool') && tools.length === 0) throw bad('tool_choice: tools must be provided when tool_choice is any or tool');
  return value;
}

function readStopSequences(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) throw bad('stop_sequences: Input should be a valid list of strings');
  value.forEach((s: string, i) => { if (!s.trim()) throw bad(`stop_sequences.${i}: each stop sequence must contain non-whitespace`); });
  return value as string[];
}

function checkFinalAssistant(messages: readonly MessageIn[], model: StandinModel): void {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'assistant') return;
  if (model.adaptiveOnly) {
    throw bad(`messages: ${model.id} does not support assistant message prefill. The conversation must end with a user message.`);
  }
  const lastBlock = last.content[last.content.length - 1];
  if (lastBlock?.type === 'text' && /\s$/u.test(String(lastBlock.raw.text))) {
    throw bad('messages: final assistant content cannot end with trailing whitespace');
  }
}

/** Validates a body for an endpoint, throwing ApiFailure the way the API would answer. */
export function validateMessagesBody(body: unknown, endpoint: Endpoint): MessagesRequest {
  if (!isObject(body)) throw bad('Request body must be a JSON object');
  const allowed = endpoint === 'count_tokens' ? COUNT_FIELDS : CREATE_FIELDS;
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) throw bad(`${key}: Extra inputs are not permitted`);
  }
  const { modelId, model } = readModel(body);
  const maxTokens = readMaxTokens(body, endpoint, model, modelId);
  const messages = readMessages(body.messages);
  const system = readSystem(body.system);
  const tools = readTools(body.tools);
  const toolChoice = readToolChoice(body.tool_choice, tools);
  const thinking = readThinking(body.thinking, model, maxTokens, endpoint);
  if ((thinking?.type === 'enabled' || thinking?.type === 'adaptive') && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
    throw bad('tool_choice: Thinking may not be enabled when tool_choice forces tool use.');
  }
  const stopSequences = endpoint === 'count_tokens' ? [] : readStopSequences(body.stop_sequences);
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw bad('stream: Input should be a valid boolean');
  const stream = body.stream === true;
  if (stream && endpoint === 'batch') throw bad('stream: streaming is not supported in a Message Batch');
  if (body.speed !== undefined && body.speed !== null && body.speed !== 'standard' && body.speed !== 'fast') {
    throw bad("speed: Input should be 'standard' or 'fast'");
  }
  if (body.inference_geo !== undefined && body.inference_geo !== null && typeof body.inference_geo !== 'string') {
    throw bad('inference_geo: Input should be a valid string');
  }
  const topLevelCacheTtl = readCacheControl(body.cache_control, 'body');
  let previousMessageId: string | null | undefined;
  if (body.diagnostics !== undefined && body.diagnostics !== null) {
    if (!isObject(body.diagnostics)) throw bad('diagnostics: Input should be a valid dictionary');
    const prev = body.diagnostics.previous_message_id ?? null;
    if (prev !== null && typeof prev !== 'string') throw bad('diagnostics.previous_message_id: Input should be a valid string');
    previousMessageId = prev;
  }
  const request: MessagesRequest = {
    modelId,
    model,
    maxTokens,
    messages,
    system,
    tools,
    toolChoice,
    thinking,
    stopSequences,
    stream,
    speed: (body.speed as 'standard' | 'fast' | null | undefined) ?? null,
    inferenceGeo: (body.inference_geo as string | null | undefined) ?? null,
    ...(topLevelCacheTtl ? { topLevelCacheTtl } : {}),
    ...(previousMessageId !== undefined ? { previousMessageId } : {}),
  };
  checkBreakpoints(request);
  if (endpoint !== 'count_tokens') checkFinalAssistant(messages, model);
  return request;
}
