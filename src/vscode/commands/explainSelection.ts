import { CommandIds } from '../commandIds';
import { selectionFor } from '../editorSelection';
import { RequestStopped } from '../requestRunner';
import type { Command } from './command';

export const explainSelectionCommand: Command = {
  id: CommandIds.explainSelection,
  run: async (c, uri) => {
    const selection = await selectionFor(c, { uri });
    if (!selection) return undefined;
    try {
      return await c.runner.run({
        command: 'explain',
        title: 'Explain Selection',
        task: 'explain',
        question: 'Explain what this code does, how, and anything surprising in it.',
        selection,
        maxTokens: 4096,
        showResult: true,
        check: (answer) => (answer.trim() ? { ok: true, value: answer } : { ok: false, reason: 'the answer is empty' }),
      });
    } catch (err) {
      if (err instanceof RequestStopped) return undefined;
      throw err;
    }
  },
};
