/**
 * A suite for a multi-root workspace (two folders, opened from a .code-workspace file):
 * the context, reviews, pins and the secret-file rules cover every folder, and each
 * path carries its folder's name.
 */
import { createMocha, runMocha } from '../mocha';

export function run(): Promise<void> {
  const mocha = createMocha();
  require('./multiRoot.itest');
  return runMocha(mocha);
}
