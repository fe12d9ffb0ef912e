import { TIERS, TIER_LABELS } from '../tiers';
import type { Tier } from '../tiers';
import type { Aggregate } from './summary';
import type { BudgetStatus } from './budget';
import { countOf, formatTokens, formatUsd, formatUsdAlike, formatUsdExact, opusComparison } from './format';

/** What the status-bar tooltip shows. */
export interface TooltipInput {
  /** Which total the meter shows (a setting). */
  scope: 'session' | 'today';
  /** Whether the workspace is trusted: in Restricted Mode Ladder sends nothing, and says so first. */
  trusted: boolean;
  aggregate: Aggregate;
  /** The model "all-Opus" was priced on, named so the comparison is honest. */
  opusModel: string;
  /** Omitted when no limit is configured. */
  budget?: BudgetStatus;
  /** The last cache note (a miss and its cause); it names workspace files, so it is escaped. */
  cacheNote?: string;
  /** The tier the user chose for the next request (Choose Tier), until a request takes it. */
  next?: { tier: Tier; model: string };
}

/**
 * What "went a tier up" counts, said wherever the count is: a review's first pass whose
 * findings go to judgment is recorded as escalated, though nothing failed.
 */
export const WENT_UP_MEANS = "a failed check redone a tier above, or a review's findings sent to judgment";
/** What the count of failed attempts holds: the SDK's own retries are among them, not only failed requests. */
export const FAILED_MEANS = 'the SDK\'s own retries after an overload, a rate limit, a timeout or a lost connection (recorded at $0), and requests that ended without an answer';

/**
 * An aggregate's attempts as a person counts them: calls that were billed, and attempts
 * recorded at $0 (an overload, a retry, a refused request) that were not.
 */
export function attemptsOf(aggregate: Aggregate): { billed: number; unbilled: number } {
  const unbilled = TIERS.reduce((n, tier) => n + aggregate.tiers[tier].unbilled, 0);
  return { billed: aggregate.calls - unbilled, unbilled };
}

/** "2", or "2 + 3 not billed". */
function callsCell(calls: number, unbilled: number): string {
  return unbilled > 0 ? `${calls - unbilled} + ${unbilled} not billed` : String(calls);
}

/** Escapes the characters Markdown would read as markup, for text that is not ours. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~-]/g, (c) => `\\${c}`);
}

/** The tooltip's line in Restricted Mode, with VS Code's own command to trust the workspace. */
const UNTRUSTED_LINE = '**Restricted Mode:** Ladder sends nothing from this workspace until you trust it. [Manage Workspace Trust](command:workbench.trust.manage)';

/**
 * The status-bar tooltip as Markdown (the vscode layer wraps it in a MarkdownString):
 * Restricted Mode first, if so, then a per-tier table, cache savings, the all-Opus comparison, what went a tier up or fell
 * back, the tier chosen for the next request, and what is left of the budget.
 */
export function costTooltip(input: TooltipInput): string {
  const a = input.aggregate;
  const scopeText = input.scope === 'session' ? 'this session' : 'today';
  const lines: string[] = input.trusted ? [] : [UNTRUSTED_LINE, ''];
  if (a.calls === 0) {
    lines.push(`**Ladder: ${formatUsd(0)} ${scopeText}**: nothing sent yet`, '');
  } else {
    const { billed, unbilled } = attemptsOf(a);
    lines.push(`**Ladder: ${formatUsd(a.micros)} ${scopeText}** (${formatUsdExact(a.micros)} over ${countOf(billed, 'call')}${unbilled > 0 ? `; ${countOf(unbilled, 'attempt')} not billed` : ''})`, '');
  }
  if (input.next) lines.push(`**Next request:** ${TIER_LABELS[input.next.tier]} tier (${escapeMarkdown(input.next.model)}), as you chose; automatic again after it`, '');
  if (a.calls > 0) {
    // "In" is the whole prompt, cache writes and reads included (the report's call details split it).
    lines.push('| Tier | Calls | Tokens in, cache incl. / out | Cost |', '|:--|--:|--:|--:|');
    const used = TIERS.filter((tier) => a.tiers[tier].calls > 0);
    // The Cost column to the same decimals all the way down ("$0.0046" above "$0.0187", not "$0.02").
    const costs = formatUsdAlike(used.map((tier) => a.tiers[tier].micros));
    used.forEach((tier, i) => {
      const t = a.tiers[tier];
      const tokensIn = t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens;
      lines.push(`| ${tier} · ${TIER_LABELS[tier]} | ${callsCell(t.calls, t.unbilled)} | ${formatTokens(tokensIn)} / ${formatTokens(t.outputTokens)} | ${costs[i]} |`);
    });
    lines.push('');
    lines.push(`Cache savings: **${formatUsd(a.cacheSavingsMicros)}** (cache reads against uncached input)  `);
    const vs = opusComparison(a.micros, a.opusMicros);
    const opus = escapeMarkdown(input.opusModel);
    lines.push(`vs all-Opus (${opus}): **${vs.difference} ${vs.direction}${vs.percent ? `, ${vs.percent}` : ''}** (all-Opus: ${vs.allOpus})  `);
    lines.push(`Went a tier up: ${a.escalations} · Fell back: ${a.fallbacks}${a.failures > 0 ? ` · Failed attempts: ${a.failures}` : ''}${a.cancellations > 0 ? ` · Cancelled: ${a.cancellations}` : ''}  `);
    if (a.escalations > 0) lines.push(`_Went a tier up: ${WENT_UP_MEANS}._  `);
    if (a.failures > 0) lines.push(`_Failed attempts: ${FAILED_MEANS}._  `);
  }
  const limits = input.budget?.limits ?? [];
  if (limits.length === 0) {
    lines.push('Budget: no limit set');
  } else {
    // Left and limit to the same decimals: "$0.02 left of $0.02" hid $0.0031 spent.
    const parts = limits.map((l) => {
      const [left, limit] = formatUsdAlike([l.leftMicros, l.limitMicros]);
      return `${left} left of ${limit} (${l.scope})`;
    });
    const flag = input.budget?.state === 'exceeded' ? ' **· limit reached**' : input.budget?.state === 'warn' ? ' **· over 80%**' : '';
    lines.push(`Budget: ${parts.join(' · ')}${flag}`);
  }
  if (input.cacheNote) lines.push('', `**Cache:** ${escapeMarkdown(input.cacheNote)}`);
  return lines.join('\n');
}
