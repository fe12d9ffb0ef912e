import { z } from 'zod';

/** How many result views (answers, reports) and conversations a workspace keeps across a window reload. */
export const KEPT_VIEWS = 20;

/**
 * The newest of `items` (the last ones) that fit: at most `count` of them, whose sizes add up
 * to at most `bytes`. One too large on its own is left out, not the older ones behind it.
 * Oldest first, as given.
 */
export function newestWithin<T>(items: readonly T[], count: number, bytes: number, size: (item: T) => number): T[] {
  const kept: T[] = [];
  let total = 0;
  for (let i = items.length - 1; i >= 0 && kept.length < count; i--) {
    const item = items[i] as T;
    const itemSize = size(item);
    if (total + itemSize > bytes) continue;
    total += itemSize;
    kept.unshift(item);
  }
  return kept;
}

/** The code a request was about, as a person reads it: `src/orders.ts 9-23`, or one line alone. */
export function whereOf(selection: { path: string; startLine: number; endLine: number }, short = false): string {
  const file = short ? selection.path.split('/').pop() ?? selection.path : selection.path;
  return `${file} ${selection.startLine === selection.endLine ? selection.startLine : `${selection.startLine}-${selection.endLine}`}`;
}

/**
 * A result view's tab title, after the request: `Ask · what does orderTotal do.md`,
 * `Explain · orders.ts 9-23.md`, `Again · what does orderTotal do.md` (Answer Again, beside
 * the answer it redoes: "Answer" told the two apart by nothing). Short, and a valid file name
 * everywhere (Save As offers it), still `.md` so the answer is highlighted as Markdown.
 */
export function resultViewName(title: string, about: { quote?: string; selection?: { path: string; startLine: number; endLine: number } }): string {
  const verb = title === 'Answer Again' ? 'Again' : title.split(' ')[0] || title;
  // By code points, and without lone surrogates: half an emoji makes the view's URI malformed.
  const words = [...about.quote?.split('\n').find((line) => line.trim())?.replace(/[\\/:*?"<>|\p{Cc}\p{Cs}]/gu, ' ').replace(/\s+/g, ' ').trim() ?? ''];
  const subject = words.length ? (words.length > 40 ? `${words.slice(0, 39).join('').trimEnd()}…` : words.join('')) : about.selection ? whereOf(about.selection, true).replace(/[\\/:*?"<>|]/g, ' ') : '';
  // Windows refuses a name that ends in a dot or a space.
  return `${subject ? `${verb} · ${subject.replace(/[. ]+$/, '')}` : verb}.md`;
}

/** What a view still streaming when the window reloaded shows below what it had received (its request never finished). */
export const CUT_OFF_NOTE = '\n\n---\n_A window reload cut this answer off before it finished. What was billed for it is in the cost report._\n';

/**
 * The views kept across a reload as the next window shows them: each that was still streaming
 * when it was last saved (its key in `streaming`) ends with CUT_OFF_NOTE and is named in `cutOff`.
 */
export function restoredViews(entries: readonly (readonly [string, string])[], streaming: readonly string[]): { views: [string, string][]; cutOff: string[] } {
  const unfinished = new Set(streaming);
  return {
    views: entries.map(([key, text]) => [key, unfinished.has(key) ? `${text.trimEnd()}${CUT_OFF_NOTE}` : text]),
    cutOff: entries.filter(([key]) => unfinished.has(key)).map(([key]) => key),
  };
}

/** The version of what is kept in workspaceState; what was saved in another is dropped when read. */
export const SAVED_VERSION = 1;

/**
 * The entries of a list kept in workspaceState (`{ version, entries }`) that have the shape of
 * `entry`; `damaged` when anything was dropped. Never throws: a damaged or old entry read at
 * activation would stop every command.
 */
export function readSaved<T>(stored: unknown, entry: z.ZodType<T>): { entries: T[]; damaged: boolean } {
  if (stored === undefined) return { entries: [], damaged: false };
  const list = z.object({ version: z.literal(SAVED_VERSION), entries: z.array(z.unknown()) }).safeParse(stored);
  const parsed = list.success ? list.data.entries.map((e) => entry.safeParse(e)) : [];
  return { entries: parsed.flatMap((e) => (e.success ? [e.data] : [])), damaged: !list.success || parsed.some((e) => !e.success) };
}
