/**
 * One offline Ladder environment: the packaged extension installed into a fresh
 * code-server, a copy of the demo workspace, and the extension pointed at a local API
 * endpoint through the application-scoped `ladder.api.baseUrl` user setting.
 * Used by `npm start` and the UI tests.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, repoRoot, startCodeServer } from './codeServer';
import type { CodeServerHandle } from './codeServer';

export const demoWorkspace = join(repoRoot, 'test', 'support', 'fixtures', 'demo');

export function vsixPath(): string {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return join(repoRoot, `ladder-${version}.vsix`);
}

export interface LadderServerOptions {
  runDir: string;
  apiBaseUrl: string;
  port?: number;
  userSettings?: Record<string, unknown>;
  workspaceTrust?: boolean;
}

export interface LadderServer extends CodeServerHandle {
  workspace: string;
}

export async function startLadderServer(options: LadderServerOptions): Promise<LadderServer> {
  const vsix = vsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  rmSync(options.runDir, { recursive: true, force: true });
  mkdirSync(options.runDir, { recursive: true });
  const workspace = join(options.runDir, 'workspace');
  cpSync(demoWorkspace, workspace, { recursive: true });
  installExtension(options.runDir, vsix);
  const server = await startCodeServer({
    runDir: options.runDir,
    workspace,
    port: options.port,
    workspaceTrust: options.workspaceTrust,
    userSettings: { 'ladder.api.baseUrl': options.apiBaseUrl, ...options.userSettings },
  });
  return { ...server, workspace };
}
