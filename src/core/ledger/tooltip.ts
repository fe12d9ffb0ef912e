import { TIERS, TIER_LABELS } from '../tiers';
import type { Aggregate } from './summary';
import type { BudgetStatus } from './budget';
import { formatTokens, formatUsd, formatUsdExact, opusComparison } from './format';

/** What the status-bar tooltip shows. */
export interface TooltipInput {
  /** Which total the meter shows (a setting). */
  scope: 'session' | 'today';
  aggregate: Aggregate;
  /** The model "all-Opus" was priced on, named so the comparison is honest. */
  opusModel: string;
  /** Omitted when no limit is configured. */
  budget?: BudgetStatus;
}

/** Escapes the characters Markdown would read as markup, for text that is not ours. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~-]/g, (c) => `\\${c}`);
}

/**
 * The status-bar tooltip as Markdown (the vscode layer wraps it in a MarkdownString):
 * a per-tier table, cache savings, the all-Opus comparison, escalations and fallbacks,
 * and what is left of the budget.
 */
export function costTooltip(input: TooltipInput): string {
  const a = input.aggregate;
  const scopeText = input.scope === 'session' ? 'this session' : 'today';
  const lines: string[] = [];
  lines.push(`**Ladder: ${formatUsd(a.micros)} ${scopeText}** (${formatUsdExact(a.micros)}, ${a.calls} ${a.calls === 1 ? 'call' : 'calls'})`, '');
  lines.push('| Tier | Calls | Tokens in / out | Cost |', '|:--|--:|--:|--:|');
  for (const tier of TIERS) {
    const t = a.tiers[tier];
    if (t.calls === 0) continue;
    const tokensIn = t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens;
    lines.push(`| ${tier} · ${TIER_LABELS[tier]} | ${t.calls} | ${formatTokens(tokensIn)} / ${formatTokens(t.outputTokens)} | ${formatUsd(t.micros)} |`);
  }
  if (a.calls === 0) lines.push('| — | 0 | 0 / 0 | $0.00 |');
  lines.push('');
  lines.push(`Cache savings: **${formatUsd(a.cacheSavingsMicros)}** (cache reads against uncached input)  `);
  const vs = opusComparison(a.micros, a.opusMicros);
  const opus = escapeMarkdown(input.opusModel);
  lines.push(`vs all-Opus (${opus}): **${vs.difference} ${vs.direction}${vs.percent ? `, ${vs.percent}` : ''}** (all-Opus: ${vs.allOpus})  `);
  lines.push(`Escalations: ${a.escalations} · Fallbacks: ${a.fallbacks}${a.failures > 0 ? ` · Failed: ${a.failures}` : ''}${a.cancellations > 0 ? ` · Cancelled: ${a.cancellations}` : ''}  `);
  const limits = input.budget?.limits ?? [];
  if (limits.length === 0) {
    lines.push('Budget: no limit set');
  } else {
    const parts = limits.map((l) => `${formatUsd(l.leftMicros)} left of ${formatUsd(l.limitMicros)} (${l.scope})`);
    const flag = input.budget?.state === 'exceeded' ? ' **· limit reached**' : input.budget?.state === 'warn' ? ' **· over 80%**' : '';
    lines.push(`Budget: ${parts.join(' · ')}${flag}`);
  }
  return lines.join('\n');
}
