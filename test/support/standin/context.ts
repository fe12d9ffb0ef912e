import type { PromptCache } from './cache';
import type { ControllableClock } from './clock';
import type { CacheDiagnostics } from './diagnostics';
import type { RequestLog } from './log';
import type { StandinModel } from './modelTable';
import type { Reply, ReplyContext, Script } from './script';

/** The state one running stand-in shares between its handlers. */
export interface StandinContext {
  readonly clock: ControllableClock;
  readonly cache: PromptCache;
  readonly script: Script;
  readonly log: RequestLog;
  readonly diagnostics: CacheDiagnostics;
  /** The model's minimum cacheable prefix, after any per-server override. */
  minCacheable(model: StandinModel): number;
  /** Absolute base URL (for batch `results_url`). */
  baseUrl(): string;
  /** The reply when nothing is scripted. */
  defaultReply(context: ReplyContext): Reply;
  /** Real-time waits that close() must cancel. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
