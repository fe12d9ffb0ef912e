import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { otherWindowOpen } from '../../../src/vscode/windows';

test("another window's saved state is told apart from a closed window's by its extension host", () => {
  const host = hostname();
  assert.equal(otherWindowOpen({ pid: process.ppid, host }), true, 'a live process of this host');
  assert.equal(otherWindowOpen({ pid: process.pid, host }), false, 'this window is no other');
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(gone);
  assert.equal(otherWindowOpen({ pid: gone, host }), false, 'a process that ended (a reloaded window)');
  assert.equal(otherWindowOpen({ pid: process.ppid, host: `not-${host}` }), false, 'another host: no way to tell, taken as gone');
  for (const saved of [undefined, null, 'x', {}, { pid: '1', host }]) assert.equal(otherWindowOpen(saved), false, JSON.stringify(saved));
});
