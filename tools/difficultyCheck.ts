// The eval's --check: runs the router's optional difficulty check for real, so what the
// labour-tier second opinion adds to the deterministic router can be measured on a labelled
// file. It is the extension's check (the same prompt, answer validation and bounds from
// src/core/routing/difficulty.ts, sent through src/llm's gateway on the official SDK); only
// the access cap differs: the eval scores routes without one, so the check may raise to the
// exception tier as the rules may.
import { costOfUsage, microsToUsd, picosToMicros, pricedTokens } from '../src/core/pricing/cost';
import type { UsageLike } from '../src/core/pricing/cost';
import { classifyRequest } from '../src/core/routing/classifier';
import { applyDifficultyAnswer, buildDifficultyRequest, difficultyBody, shouldCheckDifficulty } from '../src/core/routing/difficulty';
import { classifyInputOf, routedItemOf } from '../src/core/routing/eval';
import type { EvalItem, RoutedItem } from '../src/core/routing/eval';
import { DEFAULT_LADDER } from '../src/core/routing/policy';
import { ModelCallError } from '../src/core/task/ports';
import type { CallFailureKind } from '../src/core/task/ports';
import { AnthropicGateway } from '../src/llm/anthropic';

export interface CheckOptions {
  baseURL: string;
  apiKey: string;
  /** Check routes whose confidence is below this (the extension's default is 0.55). */
  threshold: number;
  /** The model the checks go to (default: the labour tier's, as in the extension). */
  model?: string;
  /** Calls in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface CheckStats {
  model: string;
  threshold: number;
  /** Items below the threshold, each sent once. */
  requests: number;
  raised: number;
  lowered: number;
  agreed: number;
  /** A valid answer that moved nothing: unsure, refused by the bounds, or no tier that way. */
  kept: number;
  invalid: number;
  failed: number;
  failures: Partial<Record<CallFailureKind, number>>;
  inputTokens: number;
  outputTokens: number;
  /** Billed for the checks, priced from each call's usage with the dated table. */
  usd: number;
}

export interface CheckResult {
  routed: RoutedItem[];
  /** One log line per checked item (what the check said and what was done), else undefined. */
  logs: (string | undefined)[];
  stats: CheckStats;
}

/** Failures that every further call would repeat: stop at the first one. */
const FATAL: ReadonlySet<CallFailureKind> = new Set(['auth', 'permission', 'billing', 'notFound']);

export class FatalCheckError extends Error {}

export async function runDifficultyChecks(items: readonly EvalItem[], options: CheckOptions): Promise<CheckResult> {
  const model = options.model ?? DEFAULT_LADDER.H;
  const setting = { mode: 'belowThreshold' as const, threshold: options.threshold };
  const gateway = new AnthropicGateway({
    baseURL: options.baseURL,
    getApiKey: () => Promise.resolve(options.apiKey),
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
  });
  const inputs = items.map(classifyInputOf);
  const classifications = inputs.map(classifyRequest);
  const routed = items.map((item, i) => routedItemOf(item, classifications[i]!));
  const logs: (string | undefined)[] = items.map(() => undefined);
  const stats: CheckStats = {
    model, threshold: options.threshold, requests: 0, raised: 0, lowered: 0, agreed: 0, kept: 0, invalid: 0, failed: 0,
    failures: {}, inputTokens: 0, outputTokens: 0, usd: 0,
  };
  let picos = 0;
  const bill = (usage: UsageLike | undefined) => {
    if (!usage) return;
    const tokens = pricedTokens(usage);
    stats.inputTokens += tokens.prompt;
    stats.outputTokens += tokens.output;
    picos += costOfUsage(model, usage).picos;
  };

  const queue = classifications.flatMap((c, i) => (shouldCheckDifficulty(c, setting) ? [i] : []));
  stats.requests = queue.length;
  let next = 0;
  let fatal: ModelCallError | undefined;
  const worker = async () => {
    while (next < queue.length && !fatal) {
      const i = queue[next++]!;
      const c = classifications[i]!;
      const request = buildDifficultyRequest(inputs[i]!, c);
      let text: string;
      try {
        const response = await gateway.send({ body: difficultyBody(request, model) });
        bill(response.usage);
        text = response.text;
      } catch (err) {
        if (!(err instanceof ModelCallError)) throw err;
        bill(err.details.usage);
        stats.failed++;
        stats.failures[err.kind] = (stats.failures[err.kind] ?? 0) + 1;
        logs[i] = `difficulty check failed (${err.kind}: ${err.message}); kept the router's tier`;
        if (FATAL.has(err.kind)) fatal ??= err;
        continue;
      }
      const outcome = applyDifficultyAnswer(c, text, { cap: 'F' });
      const signal = outcome.classification.signals[outcome.classification.signals.length - 1];
      if (!outcome.valid) stats.invalid++;
      else if (signal === 'difficulty.raised') stats.raised++;
      else if (signal === 'difficulty.lowered') stats.lowered++;
      else if (signal === 'difficulty.agreed') stats.agreed++;
      else stats.kept++;
      routed[i] = routedItemOf(items[i]!, outcome.classification);
      logs[i] = outcome.log;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  if (fatal) {
    throw new FatalCheckError(`the difficulty check stopped: ${fatal.message} (${fatal.kind}${fatal.details.status ? `, HTTP ${fatal.details.status}` : ''})`);
  }
  stats.usd = microsToUsd(picosToMicros(picos));
  return { routed, logs, stats };
}

/** Two plain-text lines: what the checks did and what they cost. */
export function formatCheckStats(stats: CheckStats): string {
  const failures = Object.entries(stats.failures).map(([kind, n]) => `${n} ${kind}`).join(', ');
  return [
    `difficulty check    ${stats.requests} requests below ${stats.threshold} to ${stats.model}: ${stats.raised} raised, ${stats.lowered} lowered, ` +
      `${stats.agreed} agreed, ${stats.kept} kept, ${stats.invalid} invalid answers, ${stats.failed} failed calls${failures ? ` (${failures})` : ''}`,
    `billed for checks   $${stats.usd.toFixed(6)} for ${stats.inputTokens} input and ${stats.outputTokens} output tokens (priced from usage)`,
  ].join('\n');
}
