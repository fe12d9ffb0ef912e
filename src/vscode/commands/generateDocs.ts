import { CommandIds } from '../commandIds';
import type { Command } from './command';
import { proposeEdit } from './proposeEdit';

export const generateDocsCommand: Command = {
  id: CommandIds.generateDocs,
  run: (c, uri) => proposeEdit(c, {
    command: 'docs',
    title: 'Generate Docs',
    task: 'docs',
    question: 'Add documentation comments in this language\'s usual style to the declarations in this code. Keep the code itself unchanged.',
    uri,
  }),
};
