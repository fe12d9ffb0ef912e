import * as vscode from 'vscode';
import { start } from '../support/standin/server';
import type { Standin } from '../support/standin/server';
import { revertAll, snapshotWorkspace } from './editor';
import { ladder } from './helpers';

/** A fake key: the stand-in accepts any; tests check it never leaks anywhere. */
export const TEST_KEY = 'sk-ant-test-0123456789abcdefghij';

let standin: Standin | undefined;

/** The stand-in this extension host talks to (started once for the whole suite). */
export function api(): Standin {
  if (!standin) throw new Error('the stand-in is not running');
  return standin;
}

/**
 * Starts the local API stand-in inside the extension host and points Ladder at it through
 * the user-level (application-scoped) setting, as a user would; stores a test key.
 */
export async function setUpSuite(): Promise<void> {
  standin = await start({ port: 0 });
  const config = vscode.workspace.getConfiguration('ladder');
  await config.update('api.baseUrl', standin.url, vscode.ConfigurationTarget.Global);
  // One SDK retry keeps the retry path exercised without slowing the suite.
  await config.update('api.maxRetries', 1, vscode.ConfigurationTarget.Global);
  const { container } = await ladder();
  await container.apiKey.set(TEST_KEY);
  await container.cost.ready;
}

export async function tearDownSuite(): Promise<void> {
  await standin?.close();
}

/** Resets the stand-in's log and script between tests. */
export function resetApi(): void {
  standin?.reset();
}

/**
 * The usual hooks of a suite against the stand-in: started once, reset before each test,
 * and every file put back as the suite found it after each.
 */
export function standInSuite(): void {
  before(setUpSuite);
  after(tearDownSuite);
  beforeEach(resetApi);
  before(snapshotWorkspace);
  afterEach(revertAll);
}
