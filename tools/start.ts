// `npm start`: the extension in a real VS Code (code-server) against the local API
// stand-in, fully offline. Builds and packages the extension, starts both servers on
// 127.0.0.1, prints the URL, and stops everything it started on Ctrl-C.
// Environment: LADDER_PORT (default 8080) for code-server.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '../test/support/codeServer';
import { startLadderServer } from '../test/support/ladderServer';
import { start as startStandin } from '../test/support/standin/server';

const root = resolve(__dirname, '..');

async function choosePort(preferred: number): Promise<number> {
  try {
    return await freePort(preferred);
  } catch {
    const other = await freePort(0);
    console.log(`port ${preferred} is taken; using ${other} instead (set LADDER_PORT to choose)`);
    return other;
  }
}

async function main(): Promise<void> {
  const packaged = spawnSync('npm', ['run', '-s', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (packaged.status !== 0) throw new Error('building the extension failed (npm run package)');

  const standin = await startStandin({ port: 0 });
  const port = await choosePort(Number(process.env.LADDER_PORT ?? 8080));
  const server = await startLadderServer({ runDir: join(root, '.run', 'start'), apiBaseUrl: standin.url, port });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping code-server and the API stand-in…`);
    await server.stop();
    await standin.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  console.log(`
Ladder is running in code-server (VS Code 1.139), offline:

  Open   ${server.url}/?folder=${encodeURIComponent(server.workspace)}

  API stand-in   ${standin.url}  (local; nothing leaves this machine)
  First run "Ladder: Set API Key" and enter any value (e.g. sk-ant-offline-demo):
  the stand-in accepts any key, and Ladder keeps it in VS Code's secret storage.
  Then open src/orders.ts, select a function and try "Ladder: Preview Route",
  right-click → "Review with Escalation", and watch the cost meter.

Press Ctrl-C to stop.`);
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
