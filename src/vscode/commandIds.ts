/**
 * Every command Ladder contributes, in one documented list. package.json's
 * `contributes.commands` must match it (a unit test checks).
 */
export const CommandIds = {
  /** Show the output channel. */
  showLogs: 'ladder.showLogs',
  /** Store the Anthropic API key in SecretStorage. */
  setApiKey: 'ladder.setApiKey',
  /** Remove the stored API key. */
  clearApiKey: 'ladder.clearApiKey',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
