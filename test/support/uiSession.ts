/**
 * What a UI test drives: the local API stand-in, a code-server with the packaged extension
 * (startLadderServer), and headless Chromium on its workbench.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startLadderServer } from './ladderServer';
import type { LadderServerOptions, LadderServer } from './ladderServer';
import { start } from './standin/server';
import type { Standin } from './standin/server';
import { openWorkbench } from './workbench';

export interface UiSession {
  standin: Standin;
  server: LadderServer;
  page: Page;
  close(): Promise<void>;
}

/** Starts all three in `runDir`; `close` stops what started, the last first (also when starting failed part-way). */
export async function openUiSession(runDir: string, options: Omit<LadderServerOptions, 'runDir' | 'apiBaseUrl'> = {}): Promise<UiSession> {
  const started: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    const standin = await start({ port: 0 });
    started.push(() => standin.close());
    const server = await startLadderServer({ runDir, apiBaseUrl: standin.url, ...options });
    started.push(() => server.stop());
    const browser = await launchBrowser(join(runDir, 'chromium'));
    started.push(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());
    await openWorkbench(page, server.url, server.workspace);
    return { standin, server, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}
