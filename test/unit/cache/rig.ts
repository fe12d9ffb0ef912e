// The scripted cache session over the fixture workspace, run through the real SDK (the
// AnthropicGateway) against the in-process stand-in. Shared by the cache tests and by
// test/bench/cache.ts, so the figures and the checks measure the same session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import type { UsageLike } from '../../../src/core/pricing/cost';
import { CacheHealth } from '../../../src/core/prompt/cacheHealth';
import type { CacheObservation, CacheUsage } from '../../../src/core/prompt/cacheHealth';
import type { MessagesRequestBody, PromptPlan, SelectionInput } from '../../../src/core/prompt/request';
import { PromptSession } from '../../../src/core/prompt/session';
import type { SessionTurn } from '../../../src/core/prompt/session';
import type { TtlSetting } from '../../../src/core/prompt/ttl';
import { AnthropicGateway } from '../../../src/llm/anthropic';
import { FIXTURE_WORKSPACE, loadWorkspace, pinFile } from '../../support/fsWorkspace';
import { start } from '../../support/standin/server';
import type { RequestLogEntry, Standin } from '../../support/standin/server';

/**
 * Haiku 4.5, the labour tier's default, has the highest minimum cacheable prefix (4096): the
 * fixture's context alone is under it, so catalog.ts is pinned to lift context + pinned over it.
 */
export const CACHE_MODEL = 'claude-haiku-4-5';
export const PINNED_FILE = 'src/catalog.ts';
/** Stand-in clock time between turns: a developer asking follow-ups, well inside the 5m TTL. */
export const TURN_GAP_MS = 40_000;

/** A fixture file's text as it is on disk. */
export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURE_WORKSPACE, path), 'utf8');
}

/** A selection of whole lines of a fixture file, as the editor would send it. */
export function fixtureSelection(path: string, startLine: number, endLine: number): SelectionInput {
  const lines = fixtureText(path).split('\n').slice(startLine - 1, endLine);
  return { path, startLine, endLine, languageId: 'typescript', text: lines.join('\n') };
}

/**
 * Ten turns of one developer's session: questions, explanations and reviews over the fixture,
 * switching task three times (each switch writes only that task's instructions).
 */
export function scriptedTurns(): SessionTurn[] {
  const math = fixtureSelection('src/util/math.ts', 1, 9);
  const session = fixtureSelection('src/auth/session.ts', 28, 37);
  const server = fixtureSelection('src/index.ts', 5, 18);
  return [
    { question: 'What does this workspace do?' },
    { question: 'Which dependencies does the web package use?' },
    { task: 'explain', selection: math, question: 'Explain total().' },
    { task: 'explain', selection: server, question: 'Explain the request handler.' },
    { question: 'How are products searched in the catalogue?' },
    { task: 'review', selection: session, question: 'Review requireSession.' },
    { task: 'review', selection: math, question: 'Review total().' },
    { question: 'Is findProduct case-sensitive?' },
    { task: 'explain', selection: session, question: 'Explain how the session is checked.' },
    { question: 'Where would caching of search results go?' },
  ];
}

/** What one turn sent, what the SDK returned and what the stand-in logged for it. */
export interface TurnResult {
  readonly plan: PromptPlan;
  /** The body as sent (without markers when the turn was sent uncached). */
  readonly body: MessagesRequestBody;
  readonly text: string;
  /** Usage as the SDK returned it. */
  readonly usage: UsageLike;
  /** The stand-in's record of the same request. */
  readonly logged: RequestLogEntry;
  /** CacheHealth's verdict; undefined for turns sent without markers. */
  readonly observation?: CacheObservation;
}

export interface RigOptions {
  readonly model?: string;
  readonly trusted?: boolean;
  readonly ttl?: TtlSetting;
  /** Pin nothing (the context alone is then under Haiku 4.5's minimum). */
  readonly noPin?: boolean;
}

/** A stand-in, a gateway on it, the fixture index, a prompt session and its cache health. */
export interface CacheRig {
  readonly standin: Standin;
  readonly index: WorkspaceIndex;
  readonly session: PromptSession;
  readonly health: CacheHealth;
  /** Plans, sends and observes one turn; `cacheMarkers: false` sends the same body without markers. */
  turn(turn: SessionTurn, options?: { readonly cacheMarkers?: boolean }): Promise<TurnResult>;
  /** Runs turns one after another, `TURN_GAP_MS` of stand-in time apart. */
  run(turns: readonly SessionTurn[], options?: { readonly cacheMarkers?: boolean }): Promise<TurnResult[]>;
  close(): Promise<void>;
}

/** The usage fields CacheHealth reads, from the SDK's usage. */
export function cacheUsageOf(usage: UsageLike): CacheUsage {
  return { input_tokens: usage.input_tokens ?? 0, cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0, cache_read_input_tokens: usage.cache_read_input_tokens ?? 0 };
}

/** The same request with every cache_control marker removed: the "without caching" baseline. */
export function withoutCacheMarkers(body: MessagesRequestBody): MessagesRequestBody {
  const strip = <T extends { readonly cache_control?: unknown }>(block: T): Omit<T, 'cache_control'> => {
    const { cache_control: _dropped, ...rest } = block;
    return rest;
  };
  return { ...body, system: body.system.map(strip), messages: body.messages.map((m) => ({ ...m, content: m.content.map(strip) })) };
}

/** Starts a rig; close() it when done. */
export async function startCacheRig(options: RigOptions = {}): Promise<CacheRig> {
  const standin = await start({ port: 0 });
  const gateway = new AnthropicGateway({ baseURL: standin.url, getApiKey: () => Promise.resolve('sk-ant-test-standin-only'), timeoutMs: 10_000, maxRetries: 0 });
  const index = loadWorkspace(FIXTURE_WORKSPACE);
  if (!options.noPin) pinFile(index, FIXTURE_WORKSPACE, PINNED_FILE);
  const health = new CacheHealth();
  const session = new PromptSession({ index, model: options.model ?? CACHE_MODEL, task: 'ask', maxTokens: 1024, trusted: options.trusted ?? true, ttl: options.ttl ?? '5m', health });

  const turn = async (spec: SessionTurn, turnOptions: { readonly cacheMarkers?: boolean } = {}): Promise<TurnResult> => {
    const cached = turnOptions.cacheMarkers ?? true;
    const plan = session.plan(spec);
    const body = cached ? plan.body : withoutCacheMarkers(plan.body);
    const seen = standin.log.length;
    if (cached) health.expectHit(plan, standin.clock.now());
    let streaming = false;
    const response = await gateway.send({
      body,
      onUsage: () => {
        // message_start: from here on this call's cache writes are readable (as in the extension).
        if (cached && !streaming) health.streamStarted(plan, standin.clock.now());
        streaming = true;
      },
    });
    const logged = standin.log[seen];
    if (!logged || standin.log.length !== seen + 1) throw new Error(`expected exactly one logged request for this turn, saw ${standin.log.length - seen}`);
    const observation = cached ? health.observe(plan, cacheUsageOf(response.usage), standin.clock.now()) : undefined;
    return { plan, body, text: response.text, usage: response.usage, logged, ...(observation ? { observation } : {}) };
  };

  return {
    standin,
    index,
    session,
    health,
    turn,
    async run(turns, runOptions) {
      const results: TurnResult[] = [];
      for (const spec of turns) {
        if (results.length > 0) standin.clock.advance(TURN_GAP_MS);
        results.push(await turn(spec, runOptions));
      }
      return results;
    },
    close: () => standin.close(),
  };
}
