// Runs the same integration suite in desktop VS Code through @vscode/test-electron, for
// contributors whose machine can download VS Code (CI here cannot; it uses code-server).
// Usage: node esbuild.mjs --tests && npx tsx test/integration/runDesktop.ts
// The suite starts the local API stand-in itself, inside the extension host.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const workspace = mkdtempSync(join(tmpdir(), 'ladder-desktop-'));
  cpSync(join(root, 'test', 'support', 'fixtures', 'demo'), workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { ...process.env as Record<string, string> },
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
