/**
 * Runs a bundled mocha suite inside the real extension host of code-server: code-server
 * is started with the smoke-test driver, the workbench is opened in headless Chromium
 * with a `payload` naming the extension under development and the suite, and the exit
 * code the workbench reports through `codeAutomationExit` is returned.
 */
import { appendFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { format } from 'node:util';
import { join, resolve } from 'node:path';
import { launchBrowser } from './browser';
import { startCodeServer } from './codeServer';
import { REPORT_PREFIX } from '../integration/mocha';

export interface SuiteRun {
  /** Absolute path of the extension folder (package.json + dist/). */
  extensionPath: string;
  /** Absolute path of the bundled suite entry exporting run(). */
  testsPath: string;
  /** Fixture folder to open; copied into the run folder so tests may change it. */
  workspace: string;
  /** A `.code-workspace` file inside the fixture to open instead of the folder (multi-root). */
  workspaceFile?: string;
  runDir: string;
  env?: Record<string, string>;
  userSettings?: Record<string, unknown>;
  /**
   * How long the suite may go without a line from its reporter before it counts as hung (default
   * 200 s: the longest test's own timeout is 120 s, and mocha reports it first). Not a cap on the
   * whole run, which grows with the suite and with the machine's load (a loaded 2-core machine
   * took over 300 s for tests that all passed).
   */
  stallMs?: number;
  /** Start with workspace trust on, so the folder opens untrusted (restricted mode). */
  workspaceTrust?: boolean;
  /** Called with each line the suite's reporter prints (default: stdout). */
  onLog?: (line: string) => void;
}

export async function runSuiteInCodeServer(run: SuiteRun): Promise<number> {
  rmSync(run.runDir, { recursive: true, force: true });
  mkdirSync(run.runDir, { recursive: true });
  const workspace = join(run.runDir, 'workspace');
  cpSync(run.workspace, workspace, { recursive: true });

  const server = await startCodeServer({ runDir: run.runDir, workspace, testDriver: true, userSettings: { ...(run.workspaceTrust ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' } : {}), ...run.userSettings }, env: run.env, workspaceTrust: run.workspaceTrust });
  const browser = await launchBrowser(join(run.runDir, 'chromium'));
  try {
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${resolve(p)}`;
    const payload = [
      ['extensionDevelopmentPath', remote(run.extensionPath)],
      ['extensionTestsPath', remote(run.testsPath)],
      ['extensionEnvironment', JSON.stringify(run.env ?? {})],
    ];
    const target = run.workspaceFile ? `workspace=${encodeURIComponent(join(workspace, run.workspaceFile))}` : `folder=${encodeURIComponent(workspace)}`;
    const url = `${server.url}/?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const page = browser.pages()[0] ?? (await browser.newPage());
    const print = run.onLog ?? ((line: string) => process.stdout.write(`${line}\n`));
    const stallMs = run.stallMs ?? 200_000;
    let timer: NodeJS.Timeout | undefined;
    let stalled!: (code: number) => void;
    const timeout = new Promise<number>((resolveTimeout) => {
      stalled = resolveTimeout;
    });
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        print(`suite printed nothing for ${stallMs / 1000} s; see ${workbenchLog} and ${server.logFile}`);
        stalled(124);
      }, stallMs);
    };
    const report = (line: string) => {
      watch();
      print(line);
    };
    // The workbench forwards its whole console; only the reporter's lines are shown, the
    // rest goes to a file next to code-server's own log.
    const workbenchLog = join(run.runDir, 'workbench.log');
    const log = (line: string) => {
      if (line.startsWith(REPORT_PREFIX)) report(line.slice(REPORT_PREFIX.length));
      else appendFileSync(workbenchLog, `${line}\n`);
    };
    const exitCode = new Promise<number>((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    });
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      // A reporter call may span lines (failure details): all of them belong to the report.
      if (text.startsWith(REPORT_PREFIX)) for (const line of text.slice(REPORT_PREFIX.length).split('\n')) report(line);
      else for (const line of text.split('\n')) log(line);
    });
    watch();
    await page.goto(url);
    const code = await Promise.race([exitCode, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}
