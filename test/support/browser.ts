/**
 * Headless Debian Chromium through playwright-core (never a downloaded browser).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

export const chromiumPath = process.env.LADDER_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(profileDir?: string): Promise<BrowserContext> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}. Install it: apt-get install -y chromium (or run bash tools/setup.sh)`);
  }
  return chromium.launchPersistentContext(profileDir ?? mkdtempSync(join(tmpdir(), 'ladder-chromium-')), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
