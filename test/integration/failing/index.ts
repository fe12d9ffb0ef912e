/**
 * A deliberately failing suite. tools/runIntegration.ts runs it through the same harness
 * and requires a non-zero exit, proving that a failure inside the extension host
 * reaches the process exit code.
 */
import assert from 'node:assert/strict';
import { createMocha, runMocha } from '../mocha';

export function run(): Promise<void> {
  const mocha = createMocha({ timeout: 10_000 });
  describe('deliberately failing suite', () => {
    it('fails', () => {
      assert.equal(1 + 1, 3);
    });
  });
  return runMocha(mocha);
}
