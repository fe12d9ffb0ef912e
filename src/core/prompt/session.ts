import type { WorkspaceIndex } from '../context/workspaceIndex';
import type { PromptTask } from '../protocol';
import type { CacheHealth } from './cacheHealth';
import { PrefixRenderer, workspaceSegments } from './prefix';
import type { PrefixOptions } from './prefix';
import { buildRequest } from './request';
import type { PromptPlan, SelectionInput, TokenEstimator } from './request';
import { resolveTtl } from './ttl';
import type { TtlSetting } from './ttl';

export interface PromptSessionOptions {
  readonly index: WorkspaceIndex;
  readonly model: string;
  readonly task: PromptTask;
  readonly maxTokens: number;
  /** False in an untrusted workspace: no workspace content goes out. */
  readonly trusted: boolean;
  /** 5m, 1h, or auto (chooseTtl over the health tracker's observed gaps). Default 5m. */
  readonly ttl?: TtlSetting;
  readonly health?: CacheHealth;
  readonly renderer?: PrefixRenderer;
  readonly prefixOptions?: PrefixOptions;
  readonly estimate?: TokenEstimator;
}

/** One turn: a question, optionally over a selection, optionally overriding task or model. */
export interface SessionTurn {
  readonly question: string;
  readonly selection?: SelectionInput;
  readonly task?: PromptTask;
  readonly model?: string;
  readonly maxTokens?: number;
}

/**
 * Produces request plans turn after turn over one workspace index: the prefix is rendered
 * incrementally (only what changed since the last turn) and is byte-identical while the
 * workspace is unchanged, so every turn after the first can read it from cache. Used by the
 * scripted cache session against the stand-in and by anything that replays a conversation.
 */
export class PromptSession {
  readonly renderer: PrefixRenderer;

  constructor(private readonly options: PromptSessionOptions) {
    this.renderer = options.renderer ?? new PrefixRenderer(options.index, options.prefixOptions);
  }

  /** The request plan for a turn (call CacheHealth.expectHit / observe around sending it). */
  plan(turn: SessionTurn): PromptPlan {
    const { context, pinned } = workspaceSegments(this.renderer, { trusted: this.options.trusted });
    const ttl = resolveTtl(this.options.ttl ?? '5m', this.options.health?.ttlStats() ?? { gapsMs: [] });
    return buildRequest({
      task: turn.task ?? this.options.task,
      model: turn.model ?? this.options.model,
      ...(context ? { context } : {}),
      ...(pinned ? { pinned } : {}),
      ...(turn.selection ? { selection: turn.selection } : {}),
      question: turn.question,
      ttl,
      maxTokens: turn.maxTokens ?? this.options.maxTokens,
      ...(this.options.estimate ? { estimate: this.options.estimate } : {}),
    });
  }
}
