// Temporary folders for a test file, removed when the file's tests end (pass or fail),
// so repeated runs do not fill the machine's /tmp.
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

after(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ladder-${name}-`));
  made.push(dir);
  return dir;
}
