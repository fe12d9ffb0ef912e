import * as vscode from 'vscode';
import { effectiveCap, tierUnavailable } from '../../core/routing/policy';
import { TIERS, TIER_LABELS, isTier } from '../../core/tiers';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

/** One-off override for the next request; recorded in the ledger as an override label. */
export const chooseTierCommand: Command = {
  id: CommandIds.chooseTier,
  run: async (c, tierArg) => {
    const ladder = c.config.settings;
    const models = { H: ladder['models.labour'], S: ladder['models.execute'], O: ladder['models.judgment'], F: ladder['models.exception'] };
    const level = c.config.accessCapLevel;
    const cap = { accessCap: ladder['routing.accessCap'], allowExceptionTier: ladder['routing.allowExceptionTier'], ...(level ? { accessCapLevel: level } : {}) };
    const choice = isTier(tierArg) || tierArg === 'auto' ? tierArg : await vscode.window.showQuickPick(
      [
        { label: 'Automatic', description: 'let Ladder route the next request', tier: 'auto' as const },
        ...TIERS.map((tier) => {
          const unavailable = tierUnavailable(tier, cap);
          return { label: `${tier} · ${TIER_LABELS[tier]}`, description: models[tier], tier, ...(unavailable ? { detail: `Not in this workspace: ${unavailable}` } : {}) };
        }),
      ],
      { title: 'Ladder: Choose Tier for Next Request', placeHolder: c.pendingOverride ? `Currently: ${TIER_LABELS[c.pendingOverride]}` : 'The next request only; the access cap still applies' },
    ).then((item) => item?.tier);
    if (choice === undefined) return undefined;
    if (choice === 'auto') {
      c.setOverride(undefined);
      void vscode.window.showInformationMessage('Ladder: the next request is routed automatically.');
      return choice;
    }
    const unavailable = tierUnavailable(choice, cap);
    // Kept as chosen: the cap is applied when the request runs (and the meter shows where it
    // would go now), so turning the opt-in on, or lowering the cap, meanwhile is honoured.
    c.setOverride(choice);
    const used = unavailable ? effectiveCap(cap) : choice;
    void vscode.window.showInformationMessage(unavailable ? `Ladder: ${TIER_LABELS[choice]} is not available here: ${unavailable} (${models[used]}).`
      : `Ladder: the next request goes to the ${TIER_LABELS[used]} tier (${models[used]}).`);
    return choice;
  },
};
