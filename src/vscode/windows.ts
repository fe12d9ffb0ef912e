import * as os from 'node:os';

/**
 * Windows on one workspace share its workspaceState (two code-server tabs on a folder, say)
 * but not each other's live work: state one window saved names it by its extension host, so
 * another does not take its live work for what a reload or a close cut off.
 */
export interface WindowId {
  pid: number;
  host: string;
}

export const THIS_WINDOW: WindowId = { pid: process.pid, host: os.hostname() };

/** Whether a process of this host is running (one of another user's counts as running). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `owner` (as saved; anything) is another window still open on this host. */
export function otherWindowOpen(owner: unknown): boolean {
  const { pid, host } = (typeof owner === 'object' && owner !== null ? owner : {}) as Partial<Record<keyof WindowId, unknown>>;
  return typeof pid === 'number' && host === THIS_WINDOW.host && pid !== THIS_WINDOW.pid && running(pid);
}
