/**
 * Entry of the integration suite. It runs inside the real extension host (code-server via
 * tools/runIntegration.ts, or desktop VS Code via test/integration/runDesktop.ts) and
 * exports `run()` as both harnesses expect.
 */
import { createMocha, runMocha } from './mocha';

export function run(): Promise<void> {
  const mocha = createMocha();
  // Required after the globals exist; the bundler evaluates these lazily.
  require('./activation.itest');
  require('./commands.itest');
  require('./errors.itest');
  require('./moreCommands.itest');
  require('./fixAll.itest');
  require('./firstRun.itest');
  require('./links.itest');
  require('./editPreview.itest');
  require('./batchReview.itest');
  // Last: it deactivates Ladder, for good in this extension host.
  require('./shutdown.itest');
  return runMocha(mocha);
}
