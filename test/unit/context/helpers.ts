// Shared helpers for context and prompt tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/context/workspaceIndex';
import type { WorkspaceIndexOptions } from '../../../src/core/context/workspaceIndex';

const ALPHABETS = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  hex: '0123456789abcdef',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  tok: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
} as const;

/** A deterministic random-looking string (a stand-in for a real key; never a real one). */
export function randomish(length: number, alphabet: keyof typeof ALPHABETS, seed: number): string {
  const chars = ALPHABETS[alphabet];
  let state = (seed * 2654435761) >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out += chars[(state >>> 0) % chars.length];
  }
  return out;
}

/** An index fed from a path → text map, in the order given. */
export function indexOf(files: Record<string, string | Uint8Array | { size: number }>, options?: WorkspaceIndexOptions): WorkspaceIndex {
  const index = new WorkspaceIndex(options);
  for (const [path, content] of Object.entries(files)) index.setFile(path, content);
  return index;
}

/** A small workspace as a path → text map (no secrets), for index and prefix tests. */
export function sampleFiles(): Record<string, string> {
  return {
    'package.json': '{\n  "name": "sample",\n  "version": "1.0.0"\n}\n',
    'README.md': '# Sample\n\nA sample workspace.\n',
    'src/index.ts': "export const answer = 42;\n",
    'src/lib/util.ts': 'export function id<T>(x: T): T {\n  return x;\n}\n',
    'src/lib/strings.ts': "export const greet = (name: string) => `hi ${name}`;\n",
    'test/index.test.ts': "import { answer } from '../src/index';\n",
    'docs/guide.md': '# Guide\n',
  };
}

/** Writes a path → text map under `root`, making folders as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}
