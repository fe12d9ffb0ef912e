/**
 * A suite for a workspace the user has not trusted (code-server started with workspace
 * trust on): Ladder must activate in limited mode and send nothing.
 */
import { createMocha, runMocha } from '../mocha';

export function run(): Promise<void> {
  const mocha = createMocha();
  require('./untrusted.itest');
  return runMocha(mocha);
}
