import Mocha from 'mocha';
import { format } from 'node:util';

/** Marks the reporter's lines so the harness can tell them from the workbench's own console. */
export const REPORT_PREFIX = '[ladder-test] ';

/**
 * A mocha instance whose suites register through globals (they are bundled into the
 * entry file, not loaded from disk) and whose reporter lines carry REPORT_PREFIX.
 */
export function createMocha(options: Mocha.MochaOptions = {}): Mocha {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(REPORT_PREFIX + format(...args));
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', ...options });
  const grep = process.env.LADDER_TEST_GREP;
  if (grep) mocha.grep(grep);
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  return mocha;
}

export function runMocha(mocha: Mocha): Promise<void> {
  return new Promise((resolveRun, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolveRun()));
  });
}
