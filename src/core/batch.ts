import { z } from 'zod';
import { fnv1a } from './hash';
import { TIERS } from './tiers';
import type { Tier } from './tiers';
import type { UsageLike } from './pricing/cost';

/**
 * A folder review sent as one Message Batch (half price, answered within 24 h): what is kept
 * of it in workspaceState so a window reload picks it up again, how often it is checked, and
 * what each result comes to. No SDK here: results arrive as plain JSON shapes.
 */

/** The first check, and the longest wait between two: 15 s doubling to 5 min. */
const FIRST_POLL_MS = 15_000;
const LONGEST_POLL_MS = 5 * 60_000;

/** How long to wait before check number `checks` (0 for the first) of a pending batch. */
export function pollDelayMs(checks: number): number {
  return Math.min(LONGEST_POLL_MS, FIRST_POLL_MS * 2 ** Math.min(Math.max(0, checks), 10));
}

/** The custom_id of a review's part (1-based): unique in its batch, as the API requires. */
export function partCustomId(part: number): string {
  return `part-${part}`;
}

/**
 * The ledger's call id for a batch result: the same for the same result whenever it is read,
 * so a result recorded before a window reload is not recorded again after it.
 */
export function batchCallId(batchId: string, customId: string): string {
  return `${batchId}/${customId}`;
}

/** A part's text as sent, for matching it to the folder as read again when the batch ends. */
export function partKey(text: string): string {
  return `${text.length}:${fnv1a(text).toString(16)}`;
}

/** The key (partKey) of each file's lines in a part's digest, by path (a file is in a part once: at most one slice of it). */
export function fileKeys(text: string, parts: readonly { path: string; firstLine: number; lastLine: number }[]): Record<string, string> {
  const lines = text.split('\n');
  return Object.fromEntries(parts.map((p) => [p.path, partKey(lines.slice(p.firstLine - 1, p.lastLine).join('\n'))]));
}

/**
 * The files of a part now whose lines no part of the batch held when it was sent: what changed
 * meanwhile. Empty when the batch kept no file keys (sent by an earlier version).
 */
export function changedFiles(now: Readonly<Record<string, string>>, sent: readonly { files?: Readonly<Record<string, string>> | undefined }[]): string[] {
  if (!sent.some((p) => p.files)) return [];
  const known = new Set(sent.flatMap((p) => Object.entries(p.files ?? {}).map(([path, key]) => `${path}\n${key}`)));
  return Object.entries(now).filter(([path, key]) => !known.has(`${path}\n${key}`)).map(([path]) => path);
}

const tier = z.enum(TIERS as [Tier, ...Tier[]]);

/** A batch sent and not yet finished, as kept across a window reload. */
export const PendingBatch = z.object({
  id: z.string().min(1),
  /** The folder's URI; undefined for the workspace. */
  folder: z.string().optional(),
  /** How the user was told of the folder ("src (3 files)"). */
  where: z.string(),
  taskId: z.string().min(1),
  /** What each custom_id covers: the part's number, its files (and their lines' keys), its text's key (partKey), and where it was routed. */
  parts: z.array(z.object({
    customId: z.string(),
    part: z.number().int().min(1),
    key: z.string(),
    /** Each file's lines in the part (fileKeys), to name the files that changed before it ended. */
    files: z.record(z.string(), z.string()).optional(),
    tier,
    model: z.string().min(1),
    reasons: z.array(z.string()),
  })),
  submitted: z.iso.datetime(),
  /** Cancel was asked: when it ends, what it billed is recorded and no review follows. */
  canceled: z.boolean().optional(),
});
export type PendingBatch = z.infer<typeof PendingBatch>;

/**
 * Which window finishes an ended batch. Windows on one workspace do not see each other's
 * workspaceState, so each may hold the same pending batch: the one that creates the batch's
 * claim file first (exclusively) finishes it, and marks the claim `done` when it has. A claim is
 * a window's extension host: its process id and host, and `owner`, one per BatchReviews.
 */
export const BatchClaim = z.object({
  owner: z.string().min(1),
  pid: z.number().int(),
  host: z.string(),
  /** When the claim was made (ISO). */
  time: z.iso.datetime(),
  /** The review finished (or, cancelled, was booked): nothing is left to do. */
  done: z.boolean().optional(),
});
export type BatchClaim = z.infer<typeof BatchClaim>;

/**
 * How long a claim that is not done holds when its process cannot be seen to have ended (it
 * runs on another host, or its id was reused): finishing takes minutes (judgment's call and its
 * retries), so an hour only ever expires a window that died.
 */
export const CLAIM_HOLDS_MS = 60 * 60_000;

/**
 * How long a claim file is kept: a window that closed with the batch still in its list (its
 * workspaceState written last) must find it done when the workspace opens again. A batch's
 * results are kept 29 days.
 */
export const CLAIM_KEPT_MS = 30 * 24 * 60 * 60_000;

/**
 * What a batch's claim means to the window `me` that reads it: `done`, nothing to do; `held` by
 * another window that is finishing it (send nothing, look again later); `mine`, an earlier try
 * of this window that stopped part-way; or `abandoned` by a window that died finishing it. Mine
 * and abandoned alike may have sent judgment: the batch is finished without sending it again.
 * `claim` is undefined when the file could not be read (written that instant, or damaged): it
 * then holds for CLAIM_HOLDS_MS from `writtenAt`, the file's time.
 */
export function claimStanding(
  claim: BatchClaim | undefined,
  writtenAt: number,
  me: { owner: string; host: string; now: number; running(pid: number): boolean },
): 'done' | 'held' | 'mine' | 'abandoned' {
  if (!claim) return me.now - writtenAt > CLAIM_HOLDS_MS ? 'abandoned' : 'held';
  if (claim.done) return 'done';
  if (claim.owner === me.owner) return 'mine';
  if (claim.host === me.host && !me.running(claim.pid)) return 'abandoned';
  return me.now - Date.parse(claim.time) > CLAIM_HOLDS_MS ? 'abandoned' : 'held';
}

/** One line of a batch's results, as the API sends it (only what Ladder reads). */
export interface BatchResultLine {
  custom_id: string;
  result:
    | { type: 'succeeded'; message: { model?: string; content: readonly { type: string; text?: string }[]; usage: unknown } }
    | { type: 'errored'; error?: { error?: { type?: string; message?: string } } }
    | { type: 'canceled' }
    | { type: 'expired' };
}

/** A result as the review uses it: an answer with its billed usage, or why there is none (not billed). */
export type BatchAnswer = { customId: string; text: string; usage: UsageLike } | { customId: string; unanswered: string };

/** What a result line comes to. `normalise` reads the usage block as the gateway reads a stream's. */
export function batchAnswer(line: BatchResultLine, normalise: (usage: unknown) => UsageLike): BatchAnswer {
  const { custom_id: customId, result } = line;
  if (result.type === 'succeeded') {
    const text = result.message.content.flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('');
    const usage = normalise(result.message.usage);
    // A batch result is billed at batch rates: a result without its service_tier is not priced at full.
    return { customId, text, usage: { ...usage, service_tier: usage.service_tier ?? 'batch' } };
  }
  if (result.type === 'errored') {
    const error = result.error?.error;
    return { customId, unanswered: `its batch request failed (${[error?.type, error?.message].filter(Boolean).join(': ') || 'no reason given'}); not billed` };
  }
  return { customId, unanswered: result.type === 'canceled' ? 'its batch request was cancelled before it ran; not billed' : 'its batch request expired after 24 hours unanswered; not billed' };
}
