import type { CallRecord, LedgerRecord } from '../core/ledger/record';
import type { LedgerSummary } from '../core/ledger/summary';
import { LedgerStore } from './ledgerStore';
import type { LoadReport, Stoppable } from './ledgerStore';

/**
 * The ledger as a window counts it: the store on disk, the running summary it feeds, and
 * the records whose write failed, counted at once and written before the next one.
 *
 * `load` reads the whole ledger into a new summary (and a new store, whose offsets and keys
 * match it) and swaps both in at the end, so the figures never drop while it reads: the
 * first load, and again whenever the summary must be made afresh (the price table changed).
 * What is counted while it reads (this window's calls, other windows' records) is carried
 * over, each record once.
 */
export class LedgerBook {
  private current: LedgerStore;
  private counted: LedgerSummary;
  /** Records counted whose write failed, oldest first. */
  private readonly unsaved: LedgerRecord[] = [];
  /** Records counted while a load reads the ledger, to carry over to its summary. */
  private arrived: LedgerRecord[] | undefined;
  private sessionStart: string | undefined;
  private loading: Promise<unknown> = Promise.resolve();
  /** A load asked for that has not started yet: later asks join it. */
  private queued: Promise<LoadReport> | undefined;
  private watcher: Stoppable | undefined;
  private listener: ((records: LedgerRecord[], report: LoadReport) => void) | undefined;

  /** `newSummary` makes an empty summary with the options (prices, session) in force now. */
  constructor(readonly dir: string, private readonly newSummary: () => LedgerSummary, private readonly maxUnsaved = 10_000) {
    this.current = new LedgerStore(dir);
    this.counted = newSummary();
  }

  get store(): LedgerStore {
    return this.current;
  }

  get summary(): LedgerSummary {
    return this.counted;
  }

  /** Records counted but not yet written. */
  get waiting(): number {
    return this.unsaved.length;
  }

  /**
   * Reads the ledger into a new summary and swaps it in. Loads run one at a time, and the
   * loads asked for while one runs are one more read, made with the options in force then.
   */
  load(): Promise<LoadReport> {
    if (this.queued) return this.queued;
    const run = this.loading.then(() => {
      this.queued = undefined;
      return this.loadNow();
    });
    this.queued = run;
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<LoadReport> {
    const store = new LedgerStore(this.dir);
    const summary = this.newSummary();
    const resetBefore = this.sessionStart;
    this.arrived = [];
    let report: LoadReport;
    try {
      report = await store.load((record) => summary.add(record));
    } catch (err) {
      this.arrived = undefined;
      store.close();
      throw err;
    }
    if (this.sessionStart !== undefined && this.sessionStart !== resetBefore) summary.resetSession(this.sessionStart);
    // Carried over unless the read found it; marked as on disk, so a reload does not count it again.
    for (const record of this.arrived) if (!this.unsaved.includes(record) && !store.knows(record, true)) summary.add(record);
    // Not on disk yet: counted, but left unknown to the store so that it is still written.
    for (const record of this.unsaved) if (!store.knows(record)) summary.add(record);
    this.arrived = undefined;
    const old = this.current;
    this.current = store;
    this.counted = summary;
    old.close();
    if (this.listener) this.startWatch(this.listener);
    return report;
  }

  /** Counts records other windows append, then tells `listener`. Follows the store a load swaps in. */
  watch(listener: (records: LedgerRecord[], report: LoadReport) => void): void {
    this.listener = listener;
    this.startWatch(listener);
  }

  private startWatch(listener: (records: LedgerRecord[], report: LoadReport) => void): void {
    this.watcher?.dispose();
    const store = this.current;
    this.watcher = store.watch((records, report) => {
      // A read that was under way when a load swapped the store: the new one reads the same lines.
      if (store !== this.current) return;
      for (const record of records) this.count(record);
      listener(records, report);
    });
  }

  /**
   * Writes a record (idempotent by key) and counts it. When the ledger refuses the write the
   * record is counted all the same and kept to write before the next one; the error is thrown.
   */
  write(record: LedgerRecord): void {
    try {
      this.saveUnsaved();
      if (this.current.append(record)) this.count(record);
    } catch (err) {
      this.count(record);
      if (this.unsaved.length < this.maxUnsaved) this.unsaved.push(record);
      throw err;
    }
  }

  /**
   * Writes the records whose write failed, oldest first; returns how many, and throws
   * (keeping the rest) while the ledger still refuses.
   */
  saveUnsaved(): number {
    const waiting = this.unsaved.length;
    while (this.unsaved.length > 0) {
      this.current.append(this.unsaved[0] as LedgerRecord);
      this.unsaved.shift();
    }
    return waiting;
  }

  /** A task's calls, oldest first, each once: those on disk and those waiting to be written. */
  callsOfTask(taskId: string, from: string, to: string): Promise<CallRecord[]> {
    return this.current.callsOfTask(taskId, from, to, this.unsaved);
  }

  /** Starts a new session at `start` (see LedgerSummary.resetSession); a load under way keeps it. */
  resetSession(start: string): void {
    this.sessionStart = start;
    this.counted.resetSession(start);
  }

  dispose(): void {
    this.watcher?.dispose();
    this.listener = undefined;
  }

  private count(record: LedgerRecord): void {
    this.counted.add(record);
    this.arrived?.push(record);
  }
}
