import { CommandIds } from '../commandIds';
import type { Command } from './command';
import { proposeEdit } from './proposeEdit';

export const tidySelectionCommand: Command = {
  id: CommandIds.tidySelection,
  run: (c, uri) => proposeEdit(c, {
    command: 'tidy',
    title: 'Tidy Selection',
    task: 'format',
    question: 'Tidy this code: consistent indentation and spacing, trailing whitespace removed, semicolons and quotes as the file already uses them. Change nothing else.',
    uri,
  }),
};
