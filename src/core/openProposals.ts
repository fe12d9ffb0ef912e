import { z } from 'zod';
import { formatUsd } from './ledger/format';

/**
 * A proposed edit whose diff is open, as kept in workspaceState: the command that made it, the
 * file it edits (as the workspace names it) and what its calls cost. The proposal itself is not
 * kept (it holds a whole file, and its Accept lives in memory); this is so a window that reloads
 * meanwhile can say what was lost.
 */
export interface OpenProposal {
  readonly command: string;
  readonly file: string;
  readonly micros: number;
}

/** An OpenProposal as read back; one in any other shape is dropped. */
export const savedProposal: z.ZodType<OpenProposal> = z.object({ command: z.string(), file: z.string(), micros: z.number() });

/** What the next window says of the proposals the last one left open. */
export function notKeptMessage(proposals: readonly OpenProposal[]): string {
  const [only] = proposals;
  if (proposals.length === 1 && only) return `Ladder: a ${only.command} proposal for ${only.file} (${formatUsd(only.micros)}) was open when the window closed or reloaded, and was not kept. Run ${only.command} again to see it.`;
  const each = proposals.map((p) => `${p.command} for ${p.file} (${formatUsd(p.micros)})`);
  return `Ladder: ${proposals.length} proposals were open when the window closed or reloaded, and were not kept: ${each.join('; ')}. Run them again to see them.`;
}
