import { exclusionPhrase } from '../context/workspaceIndex';
import type { FileStatus } from '../context/workspaceIndex';
import type { PromptSegment, RenderNote } from './prefix';
import { fenceFor } from './request';

/** What "Show Workspace Context" renders: the segments exactly as sent, and what was left out. */
export interface ContextReportInput {
  context?: PromptSegment;
  pinned?: PromptSegment;
  /** Pinned files not rendered or cut, with why. */
  pinnedNotes: readonly RenderNote[];
  /** Files the index knows and leaves out. */
  exclusions: readonly FileStatus[];
  /** In a multi-root workspace, each folder's label in the text (two folders of one name are "app" and "app-2") and its path. */
  folders?: readonly { label: string; path: string }[];
  /** A local token estimate of a text, with the model it is for ("about 1,234 tokens for claude-sonnet-4-6"). */
  tokens: (text: string) => string;
}

/**
 * A Markdown page a person can check: every byte the workspace adds to a request (the cached
 * prefix, fenced so nothing in it can break out), then the files left out and why (see leftOut).
 * Never the content of a left-out file: the reasons name patterns, not what matched.
 */
export function contextReport(input: ContextReportInput): string {
  const out = ['# Ladder: workspace context', ''];
  const sent = [input.context, input.pinned].filter((s): s is PromptSegment => s !== undefined);
  if (sent.length === 0) {
    out.push('Nothing from this workspace is sent before a request: no file is indexed yet, or none can be sent.', '');
  } else {
    // One line per paragraph: the editor wraps it to its width.
    out.push(
      'Every request from this workspace starts with the text below, as a cached prompt prefix; Ladder\'s instructions for the task follow it, then the selection or file the request is about and the question. '
        + 'The text is exactly what is sent. Other files appear in it by name only: a file\'s text is sent when it is a manifest, the README or pinned, '
        + 'or when you select it or review its folder, and never when it is left out below or its text looks like it holds a key.',
      '',
    );
  }
  if (input.folders && input.folders.length > 1) {
    out.push('## Folders', '', 'Each workspace folder is a top-level directory in the text, under this name:', '', ...input.folders.map((f) => `- \`${cell(f.label)}\`: \`${cell(f.path)}\``), '');
  }
  for (const segment of sent) {
    const title = segment.name === 'context' ? 'Workspace context' : 'Pinned files';
    const fence = fenceFor(segment.text);
    out.push(`## ${title} (${input.tokens(segment.text)})`, '', `${fence}text`, segment.text, fence, '');
  }
  if (input.pinnedNotes.length > 0) {
    out.push('## Pinned but not sent in full', '', ...input.pinnedNotes.map((n) => `- \`${n.path}\`: ${n.note}`), '');
  }
  out.push(`## Left out (${files(input.exclusions.length)})`, '');
  if (input.exclusions.length === 0) out.push('No file the index read was left out.');
  else out.push(...leftOut(input.exclusions));
  out.push('', 'Folders that are git-ignored, version-control data or installed dependencies (such as `node_modules`) are not read at all, so their files are not listed.', '');
  return out.join('\n');
}

/** Rows the "Left out" table shows: a folder of 40,000 images made a 2 MB page, and the rest is counted. */
const MAX_LEFT_OUT_ROWS = 200;

/**
 * The left-out files by reason, the rarest first (a `.env` is not buried under thousands of
 * images), as a table of at most MAX_LEFT_OUT_ROWS rows; over that, the count per reason comes first.
 */
function leftOut(exclusions: readonly FileStatus[]): string[] {
  const byWhy = new Map<string, FileStatus[]>();
  for (const f of exclusions) {
    const why = f.reason ? exclusionPhrase(f.reason) : '';
    const group = byWhy.get(why);
    if (group) group.push(f);
    else byWhy.set(why, [f]);
  }
  const groups = [...byWhy].sort((a, b) => a[1].length - b[1].length);
  const rows = groups.flatMap(([, group]) => group).slice(0, MAX_LEFT_OUT_ROWS);
  const table = ['| File | Why | Detail |', '|:--|:--|:--|', ...rows.map((f) => `| \`${cell(f.path)}\` | ${f.reason ? exclusionPhrase(f.reason) : ''} | ${cell(f.detail ?? '')} |`)];
  if (rows.length === exclusions.length) return table;
  let listed = rows.length;
  const unlisted = groups.flatMap(([why, group]) => {
    const shown = Math.min(listed, group.length);
    listed -= shown;
    return shown < group.length ? [`${why}: ${(group.length - shown).toLocaleString('en-US')}`] : [];
  });
  return [
    ...[...groups].sort((a, b) => b[1].length - a[1].length).map(([why, group]) => `- ${why}: ${files(group.length)}`), '',
    ...table, '',
    `… and ${files(exclusions.length - rows.length, 'more ')} (${unlisted.join('; ')}).`,
  ];
}

/** "1 file", "40,000 files", "39,800 more files". */
function files(n: number, more = ''): string {
  return `${n.toLocaleString('en-US')} ${more}file${n === 1 ? '' : 's'}`;
}

/** Text safe inside a Markdown table cell and inline code. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\n/g, ' ');
}
