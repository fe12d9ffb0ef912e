import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { after, before } from 'node:test';
import { lookupModel } from '../../support/standin/modelTable';
import { start, type StartOptions, type Standin } from '../../support/standin/server';
import { countUnits, scaleUnits } from '../../support/standin/tokens';

/** Builders shared by the stand-in's tests. */

export const TEST_KEY = 'sk-ant-test-key-0123456789';

/** Starts one stand-in for the enclosing describe() and closes it afterwards. */
export function useStandin(options: StartOptions = {}): { readonly standin: Standin; client(extra?: ClientOptions): Anthropic } {
  let standin: Standin | undefined;
  before(async () => {
    standin = await start({ port: 0, ...options });
  });
  after(async () => {
    await standin?.close();
  });
  return {
    get standin(): Standin {
      if (!standin) throw new Error('stand-in not started yet');
      return standin;
    },
    client(extra: ClientOptions = {}): Anthropic {
      if (!standin) throw new Error('stand-in not started yet');
      return new Anthropic({ apiKey: TEST_KEY, baseURL: standin.url, maxRetries: 0, ...extra });
    },
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

/** Deterministic prose of at least `tokens` tokens for a model (by the stand-in's tokenizer). */
export function textOfTokens(tokens: number, model: string, seed = 0): string {
  const generation = lookupModel(model)?.tokenizer ?? 'v2';
  const parts: string[] = [];
  // Units are additive across a single space, so the count can be kept as sentences are added.
  let units = 0;
  for (let i = seed; scaleUnits(units, generation) < tokens; i++) {
    const sentence = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]} ${i}.`;
    parts.push(sentence);
    units += countUnits(sentence);
  }
  return parts.join(' ');
}

/** A system block that carries a cache breakpoint. */
export function cachedSystem(text: string, ttl?: '5m' | '1h'): TextBlockParam[] {
  return [{ type: 'text', text, cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' } }];
}

/** A minimal non-streaming request. */
export function request(overrides: Partial<MessageCreateParamsNonStreaming> = {}): MessageCreateParamsNonStreaming {
  return { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }], ...overrides };
}

/** The user message layout of src/core/protocol.ts. */
export function ladderUserMessage(parts: { file?: string; startLine?: number; language?: string; code: string; request?: string }): string {
  const lines = parts.code.split('\n').length;
  const start = parts.startLine ?? 1;
  return [
    `File: ${parts.file ?? 'src/example.ts'}`,
    `Lines: ${start}-${start + lines - 1}`,
    `Language: ${parts.language ?? 'typescript'}`,
    '```' + (parts.language ?? 'typescript'),
    parts.code,
    '```',
    `Request: ${parts.request ?? 'Do the task.'}`,
  ].join('\n');
}

/** Raw HTTP to the stand-in, for what the SDK cannot send (bad JSON, no auth, odd paths). */
export async function raw(url: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const headers = new Headers(init.headers);
  if (!headers.has('anthropic-version')) headers.set('anthropic-version', '2023-06-01');
  if (!headers.has('x-api-key') && !headers.has('authorization')) headers.set('x-api-key', TEST_KEY);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json), method: init.method ?? 'POST' } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (JSONL results, SSE): keep the text.
  }
  return { status: response.status, headers: response.headers, body, text };
}
