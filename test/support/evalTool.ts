import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface EvalRun { status: number; stdout: string; stderr: string }

/**
 * `npm run eval` as a child process, without a real key or base URL in its environment unless
 * `env` gives them. Asynchronous, so a stand-in served from the calling process can answer it.
 */
export function runEvalTool(args: readonly string[], env: Record<string, string> = {}): Promise<EvalRun> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'tools/eval.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '', ...env },
    }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
      done({ status: code, stdout, stderr });
    });
  });
}
