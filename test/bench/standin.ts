import Anthropic from '@anthropic-ai/sdk';
import { start } from '../support/standin/server';

/**
 * standin_rps: small non-streaming /v1/messages requests per second through the official
 * SDK over loopback, with a fixed number of requests in flight. The default responder
 * answers (no script), so the figure includes validation, rendering, the cache model and
 * the log, as a test would see them.
 */
const CONCURRENCY = 16;
const WARMUP = 200;
const MEASURED = 3000;

async function run(client: Anthropic, total: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello there, stand-in.' }] });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

export async function bench(): Promise<Record<string, number>> {
  const standin = await start({ port: 0, maxLogEntries: 1000 });
  try {
    const client = new Anthropic({ apiKey: 'bench-key', baseURL: standin.url, maxRetries: 0 });
    await run(client, WARMUP);
    const started = performance.now();
    await run(client, MEASURED);
    const seconds = (performance.now() - started) / 1000;
    return { standin_rps: Math.round(MEASURED / seconds) };
  } finally {
    await standin.close();
  }
}
