import type { Message, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { CachePlan } from './cache';
import type { Reply } from './script';
import { countTokens, splitPieces, truncateToTokens } from './tokens';
import type { MessagesRequest } from './validate';
import { randomId } from './wire';

/**
 * Turns a reply into the assistant message the API would send: blocks with ids, the
 * request's `max_tokens` and `stop_sequences` applied, output tokens counted with the
 * model's tokenizer, and the usage object with the cache split.
 */

export type OutBlock =
  | { type: 'thinking'; thinking: string; signature: string; tokens: number }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Output {
  readonly blocks: OutBlock[];
  readonly stopReason: StopReason;
  readonly stopSequence: string | null;
  readonly outputTokens: number;
  /** Part of outputTokens spent on thinking (null when thinking was off). */
  readonly thinkingTokens: number | null;
}

/**
 * The thinking block for a request that enabled thinking: its tokens count as output
 * (capped by `budget_tokens`); with `display: "omitted"` the text is empty but still billed.
 */
function thinkingBlock(reply: Reply, request: MessagesRequest, budget: number): OutBlock | undefined {
  const config = request.thinking;
  if (!config || (config.type !== 'enabled' && config.type !== 'adaptive')) return undefined;
  const generation = request.model.tokenizer;
  const limit = typeof config.budget_tokens === 'number' ? Math.min(config.budget_tokens, budget) : budget;
  const raw = reply.thinking ?? 'Let me work out what is being asked, check the material I was given, and answer in the requested format.';
  const fitted = truncateToTokens(raw, limit, generation);
  if (fitted.tokens === 0) return undefined;
  const omitted = config.display === 'omitted';
  return { type: 'thinking', thinking: omitted ? '' : fitted.text, signature: randomId('sig_', 40), tokens: fitted.tokens };
}

function replyBlocks(reply: Reply): OutBlock[] {
  if (reply.content) {
    return reply.content.map((block) => block.type === 'text'
      ? { type: 'text', text: block.text }
      : { type: 'tool_use', id: block.id ?? randomId('toolu_01'), name: block.name, input: block.input });
  }
  const blocks: OutBlock[] = [];
  if (reply.text !== undefined) blocks.push({ type: 'text', text: reply.text });
  if (reply.json !== undefined) blocks.push({ type: 'text', text: JSON.stringify(reply.json, null, 2) });
  const tools = reply.toolUse === undefined ? [] : Array.isArray(reply.toolUse) ? reply.toolUse : [reply.toolUse];
  for (const tool of tools) blocks.push({ type: 'tool_use', id: tool.id ?? randomId('toolu_01'), name: tool.name, input: tool.input });
  return blocks;
}

/** Tokens a block costs as output. */
export function blockTokens(block: OutBlock, request: MessagesRequest): number {
  const generation = request.model.tokenizer;
  switch (block.type) {
    case 'thinking': return block.tokens;
    case 'text': return countTokens(block.text, generation);
    default: return countTokens(`${block.name} ${JSON.stringify(block.input)}`, generation);
  }
}

/** Applies stop sequences and max_tokens to a reply. */
export function buildOutput(reply: Reply, request: MessagesRequest): Output {
  const generation = request.model.tokenizer;
  const blocks: OutBlock[] = [];
  let budget = request.maxTokens;
  let stopReason: StopReason | undefined;
  let stopSequence: string | null = null;
  const thinking = thinkingBlock(reply, request, budget);
  if (thinking) {
    blocks.push(thinking);
    budget -= blockTokens(thinking, request);
  }
  for (const block of replyBlocks(reply)) {
    if (block.type === 'thinking') continue;
    if (block.type === 'text') {
      let text = block.text;
      let cutAt = -1;
      for (const seq of request.stopSequences) {
        const at = text.indexOf(seq);
        if (at >= 0 && (cutAt < 0 || at < cutAt)) {
          cutAt = at;
          stopSequence = seq;
        }
      }
      if (cutAt >= 0) text = text.slice(0, cutAt);
      const fitted = truncateToTokens(text, budget, generation);
      if (fitted.text) blocks.push({ type: 'text', text: fitted.text });
      budget -= fitted.tokens;
      if (fitted.truncated) {
        stopReason = 'max_tokens';
        stopSequence = null;
        break;
      }
      if (cutAt >= 0) {
        stopReason = 'stop_sequence';
        break;
      }
    } else {
      const cost = blockTokens(block, request);
      if (cost > budget) {
        stopReason = 'max_tokens';
        break;
      }
      budget -= cost;
      blocks.push(block);
    }
  }
  const counted = blocks.reduce((n, block) => n + blockTokens(block, request), 0);
  const natural: StopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  return {
    blocks,
    stopReason: stopReason ?? reply.stopReason ?? natural,
    stopSequence,
    outputTokens: reply.outputTokens ?? counted,
    thinkingTokens: thinking ? blockTokens(thinking, request) : null,
  };
}

/** The full usage object (non-streaming body, `message_start`, batch results). */
export function makeUsage(plan: CachePlan, output: Output, request: MessagesRequest, serviceTier: 'standard' | 'batch'): Usage {
  return {
    input_tokens: plan.uncached,
    output_tokens: output.outputTokens,
    cache_creation_input_tokens: plan.cacheWrite5m + plan.cacheWrite1h,
    cache_read_input_tokens: plan.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: plan.cacheWrite5m, ephemeral_1h_input_tokens: plan.cacheWrite1h },
    server_tool_use: null,
    service_tier: serviceTier,
    inference_geo: request.inferenceGeo,
    output_tokens_details: output.thinkingTokens === null ? null : { thinking_tokens: output.thinkingTokens },
    speed: request.speed,
  };
}

/** Wire form of an output block. */
export function wireBlock(block: OutBlock): Message['content'][number] {
  switch (block.type) {
    case 'thinking': return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'text': return { type: 'text', text: block.text, citations: null };
    default: return { type: 'tool_use', id: block.id, name: block.name, input: block.input, caller: { type: 'direct' } };
  }
}

/** The complete Message body. */
export function makeMessage(id: string, request: MessagesRequest, output: Output, usage: Usage, diagnostics: Message['diagnostics']): Message {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: request.modelId,
    content: output.blocks.map(wireBlock),
    stop_reason: output.stopReason,
    stop_sequence: output.stopSequence,
    stop_details: null,
    container: null,
    diagnostics,
    usage,
  };
}

/** Splits text into about `parts` deltas at tokenizer-piece boundaries. */
export function splitText(text: string, parts: number): string[] {
  const pieces = splitPieces(text);
  const count = Math.max(1, Math.min(parts, pieces.length));
  const target = text.length / count;
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    current += piece;
    if (current.length >= target && out.length < count - 1) {
      out.push(current);
      current = '';
    }
  }
  if (current || out.length === 0) out.push(current);
  return out;
}

/** Splits a JSON string into `parts` chunks anywhere (the SDK only parses the concatenation). */
export function splitJson(json: string, parts: number): string[] {
  const count = Math.max(1, Math.min(parts, json.length));
  const size = Math.ceil(json.length / count);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out.length ? out : [''];
}

/** How many deltas a text gets when the reply does not say. */
export function defaultDeltaCount(text: string): number {
  return Math.max(3, Math.min(32, Math.ceil(text.length / 48)));
}
