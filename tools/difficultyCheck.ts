// The eval's --check: runs the router's optional difficulty check for real, so what the
// labour-tier second opinion adds to the deterministic router can be measured on a labelled
// file. It is the extension's check (the same prompt, answer validation and bounds from
// src/core/routing/difficulty.ts, sent through src/llm's gateway on the official SDK); only
// the access cap differs: the eval scores routes without one, so the check may raise to the
// exception tier as the rules may.
//
// Answers can be recorded (`record`) and replayed (`recorded`): a replayed answer applies only
// to the exact prompt it was given for (the digest of system prompt and user message), so
// bounds and thresholds can be studied offline without a key, and a changed prompt never
// reuses an old answer.
import { createHash } from 'node:crypto';
import { estimateTokens } from '../src/core/models';
import { costOfUsage, estimateCostUsd, microsToUsd, picosToMicros, pricedTokens } from '../src/core/pricing/cost';
import type { UsageLike } from '../src/core/pricing/cost';
import { applyDifficultyAnswer, buildDifficultyRequest, difficultyBody, shouldCheckDifficulty } from '../src/core/routing/difficulty';
import type { DifficultyRequest } from '../src/core/routing/difficulty';
import { routedItemOf } from '../src/core/routing/eval';
import type { RoutedFile, RoutedItem } from '../src/core/routing/eval';
import { DEFAULT_LADDER } from '../src/core/routing/policy';
import { ModelCallError } from '../src/core/task/ports';
import type { CallFailureKind } from '../src/core/task/ports';
import { AnthropicGateway } from '../src/llm/anthropic';

export interface CheckOptions {
  /** Where live checks go; unused when `recorded` answers are replayed. */
  baseURL?: string;
  apiKey?: string;
  /** Replay these answers (answerKey → text) instead of calling the API. */
  recorded?: ReadonlyMap<string, string>;
  /** Receives every live answer, to be written out and replayed later. */
  record?: (answer: RecordedAnswer) => void;
  /** Check routes whose confidence is below this (the extension's default is 0.55). */
  threshold: number;
  /** The model the checks go to (default: the labour tier's, as in the extension). */
  model?: string;
  /** Calls in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

/** One recorded answer: the item, the digest of the exact prompt, the answer text. */
export interface RecordedAnswer {
  id: string;
  prompt: string;
  text: string;
}

/** SHA-256 of the check's system prompt and user message: what a recorded answer answered. */
function promptDigest(request: DifficultyRequest): string {
  return createHash('sha256').update(request.system).update('\n\n').update(request.user).digest('hex');
}

export function answerKey(id: string, prompt: string): string {
  return `${id} ${prompt}`;
}

export interface CheckStats {
  model: string;
  /** The answers were replayed from a recording: nothing was called or billed. */
  replayed: boolean;
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
  /** Replay only: checked routes with no recorded answer for their exact prompt (kept). */
  unanswered: number;
  failures: Partial<Record<CallFailureKind, number>>;
  inputTokens: number;
  outputTokens: number;
  /** Billed for the checks, priced from each call's usage with the dated table. */
  usd: number;
  /**
   * Replay only: what the replayed checks would have cost live at the labour tier's model, from
   * the local token estimate of each prompt and recorded answer (nothing was billed).
   */
  estimatedUsd?: number;
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

export async function runDifficultyChecks(file: RoutedFile, options: CheckOptions): Promise<CheckResult> {
  const { items, inputs, classifications } = file;
  const model = options.model ?? DEFAULT_LADDER.H;
  const setting = { mode: 'belowThreshold' as const, threshold: options.threshold };
  const { recorded, apiKey, baseURL } = options;
  if (!recorded && (!apiKey || !baseURL)) throw new Error('live difficulty checks need apiKey and baseURL');
  const gateway = recorded ? undefined : new AnthropicGateway({
    baseURL: baseURL!,
    getApiKey: () => Promise.resolve(apiKey!),
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
  });
  const routed = [...file.routed];
  const logs: (string | undefined)[] = items.map(() => undefined);
  const stats: CheckStats = {
    model: recorded ? 'recorded answers' : model, replayed: recorded !== undefined, threshold: options.threshold, requests: 0, raised: 0, lowered: 0, agreed: 0, kept: 0,
    invalid: 0, failed: 0, unanswered: 0, failures: {}, inputTokens: 0, outputTokens: 0, usd: 0,
  };
  let picos = 0;
  let estimated = 0;
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
      const prompt = promptDigest(request);
      let text: string;
      if (!gateway) {
        const answer = recorded!.get(answerKey(items[i]!.id, prompt));
        if (answer === undefined) {
          stats.unanswered++;
          logs[i] = 'no recorded answer for this exact prompt; kept the router\'s tier';
          continue;
        }
        text = answer;
        estimated += estimateCostUsd(model, estimateTokens(`${request.system}\n\n${request.user}`, model), estimateTokens(text, model));
      } else try {
        const response = await gateway.send({ body: difficultyBody(request, model) });
        bill(response.usage);
        text = response.text;
        options.record?.({ id: items[i]!.id, prompt, text });
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
  if (recorded) stats.estimatedUsd = estimated;
  return { routed, logs, stats };
}

/** Two plain-text lines: what the checks did and what they cost. */
export function formatCheckStats(stats: CheckStats): string {
  const failures = Object.entries(stats.failures).map(([kind, n]) => `${n} ${kind}`).join(', ');
  return [
    `difficulty check    ${stats.requests} requests below ${stats.threshold} ${stats.replayed ? 'answered from a recording' : `to ${stats.model}`}: ${stats.raised} raised, ${stats.lowered} lowered, ` +
      `${stats.agreed} agreed, ${stats.kept} kept, ${stats.invalid} invalid answers, ${stats.failed} failed calls${failures ? ` (${failures})` : ''}` +
      (stats.unanswered > 0 ? `, ${stats.unanswered} without a recorded answer` : ''),
    stats.replayed
      ? `billed for checks   nothing: recorded answers were replayed (live at ${DEFAULT_LADDER.H}, about $${(stats.estimatedUsd ?? 0).toFixed(4)}, a local token estimate)`
      : `billed for checks   $${stats.usd.toFixed(6)} for ${stats.inputTokens} input and ${stats.outputTokens} output tokens (priced from usage)`,
  ].join('\n');
}
