import * as vscode from 'vscode';
import { formatUsd } from '../../core/ledger/format';
import { SecretLikeContentError } from '../../core/prompt/request';
import { difficultySettingOf, shouldCheckDifficulty } from '../../core/routing/difficulty';
import { TIER_LABELS } from '../../core/tiers';
import { CommandIds } from '../commandIds';
import { askSelection } from './ask';
import type { Command } from './command';

/** Shows tier, model, reasons and estimated cost for a request, without sending it. */
export const previewRouteCommand: Command = {
  id: CommandIds.previewRoute,
  run: async (c, questionArg) => {
    const question = typeof questionArg === 'string' ? questionArg : await vscode.window.showInputBox({
      title: 'Ladder: Preview Route',
      prompt: 'What would you ask with Ladder: Ask? Nothing is answered or billed; Ladder shows where it would go and what it would cost (with a budget set, it counts the prompt with the free token counter, as Ask would). (Review with Escalation is planned differently: a labour pass reads the code, then judgment checks what matters.)',
      value: 'Add input validation to this function',
    });
    if (!question?.trim()) return undefined;
    const selection = await askSelection(c);
    const estimate = await c.runner.estimate(
      // Ask's own prompt (task 'ask'), so the estimate prices what Ask would send.
      { command: 'ask', task: 'ask', title: 'Preview Route', question, ...(selection ? { selection } : {}), maxTokens: 4096, check: () => ({ ok: false, reason: 'preview' }) },
      // Counted as Ask's pre-flight counts (when a budget or the context window hangs on it; the
      // count is free), so the verdict is Ask's. Not from an untrusted workspace: it sends the prompt.
      { countTokens: vscode.workspace.isTrusted, ...(c.pendingOverride ? { override: c.pendingOverride } : {}) },
    ).catch((err: unknown) => {
      // Ask's verdict on a secret file, said as a verdict (not logged as a failure of the preview).
      if (!(err instanceof SecretLikeContentError)) throw err;
      c.log.info(`preview route: not sent: ${err.message}`);
      void vscode.window.showWarningMessage(`Ladder would not send this: ${err.message}`);
      return undefined;
    });
    if (!estimate) return undefined;
    const { plan, classification } = estimate;
    const tooLarge = plan.blocked ? undefined : estimate.tooLarge();
    // As the run decides: a tier you chose skips the check, and so does a request that no model
    // up to the cap has room for, or that the budget blocks. One too large only for the model
    // routed to is checked: the check may raise it to a tier that has room.
    const settings = c.config.settings;
    const checks = !c.pendingOverride && !plan.blocked && !estimate.tooLarge(c.runner.widestWindow()) && shouldCheckDifficulty(classification, difficultySettingOf(settings));
    const cost = formatUsd(Math.round(plan.estimatedCostUsd * 1_000_000));
    const summary = plan.blocked || tooLarge
      ? `Ladder would not send this${tooLarge && checks ? ' unless the difficulty check raises it to a tier with room' : ''}: ${tooLarge ?? plan.notice ?? 'blocked by policy'}`
      : `Ladder would route this to ${TIER_LABELS[plan.tier]} — ${plan.model}, about ${cost} (${estimate.tokenSource}, ${estimate.promptTokens.toLocaleString('en-US')} prompt tokens). Confidence ${classification.confidence.toFixed(2)}.`;
    const check = checks ? ` Confidence is below ${settings['routing.difficultyThreshold']}, so a short ${settings['models.labour']} difficulty check would run first.` : '';
    const why = plan.reasons.join(' → ');
    // The estimate has no workspace context here, and a request would not be sent at all.
    const untrusted = vscode.workspace.isTrusted ? '' : ' This workspace is untrusted: Ladder sends nothing from it (and reads none of it into the context) until you trust it.';
    c.log.info(`preview route: ${summary} Why: ${why}`);
    void vscode.window.showInformationMessage(`${summary}${check}${untrusted} Why: ${why}`, 'Details').then((choice) => {
      if (!choice) return;
      const uri = c.results.create('ladder-result', 'Route preview.md', [
        `# Route preview`, '', `**Request:** ${question}`, '',
        `**Step:** ${classification.stepType.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} · **Tier:** ${TIER_LABELS[plan.tier]} (${plan.tier}) · **Model:** ${plan.model}`, '',
        `**Estimated cost:** ${cost} (${estimate.tokenSource}) · **Confidence:** ${classification.confidence.toFixed(2)}`, '',
        '## Why', ...plan.reasons.map((r) => `- ${r}`), '',
        '## Signals (the classifier\'s rule ids)', ...classification.signals.map((s) => `- \`${s}\``), '',
        '## Prompt segments', ...estimate.prompt.segments.map((s) => `- ${s.name}: ~${s.tokens} tokens, ${s.cached ? 'cached' : `not cached (${s.skippedReason ?? 'no marker'})`}`),
      ].join('\n'), false, { save: false });
      void vscode.window.showTextDocument(uri, { preview: true });
    });
    // The walkthrough's step is done: an Escape in the box above is not.
    void vscode.commands.executeCommand('setContext', 'ladder.routePreviewed', true);
    return { tier: plan.tier, model: plan.model, reasons: plan.reasons, estimatedCostUsd: plan.estimatedCostUsd, tokenSource: estimate.tokenSource, blocked: plan.blocked || tooLarge !== undefined };
  },
};
