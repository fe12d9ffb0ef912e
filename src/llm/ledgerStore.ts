import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CallRecord, LedgerRecord } from '../core/ledger/record';
import { parseLedgerRecord } from '../core/ledger/record';
import { LedgerKeySet } from './ledgerKeys';
import { LedgerLineScanner } from './ledgerScan';

/**
 * The cost ledger on disk: append-only JSONL, one file per UTC month
 * (`ledger-YYYY-MM.jsonl`) in the extension's global storage.
 *
 * Durability and concurrency, by construction rather than by locking:
 * - Each record is one line written with ONE write() on a descriptor opened with
 *   O_APPEND. The kernel positions and copies an O_APPEND write atomically with respect
 *   to other appenders on a local file system, so two VS Code windows appending at once
 *   interleave whole lines, never bytes.
 * - Nothing is buffered in the process: when `append` returns, the line is in the
 *   kernel's page cache and survives the extension host crashing or being killed. It is
 *   not fsync'd, so an OS crash or power cut can still lose the last records or leave a
 *   torn last line; loading tolerates that.
 * - A torn last line (from such a crash, or a write cut short in any window) is skipped
 *   and reported. Before each append, when the file's size is not where our own last
 *   write left it (another window wrote, or this is our first write), its last byte is
 *   read: a line that does not end in a newline gets one first, so the fragment cannot
 *   swallow our record.
 *
 * Loading reads each line straight from the file's bytes: LedgerLineScanner vouches for
 * the lines this store writes, and every other line (verdicts, other writers' layouts,
 * damage) goes through JSON.parse and the record schema. Keys are kept as bytes in a
 * LedgerKeySet rather than as strings, so the garbage collector never walks them.
 */

const FILE_PATTERN = /^ledger-(\d{4}-\d{2})\.jsonl$/;
const CHUNK_BYTES = 1 << 20;
/** Lines whose keys are looked up together. */
const BATCH = 64;
const NEWLINE = 0x0a;
/** A little under a typical record line, so a reservation errs on the large side. */
const TYPICAL_LINE_BYTES = 400;

/**
 * A line the loader could not use. `torn`: an unterminated last line; `corrupt`: anything
 * else; `unreadable`: the file itself could not be opened or read from `line` on.
 */
export interface LoadProblem {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  kind: 'torn' | 'corrupt' | 'unreadable';
  message: string;
}

/** What a load or reload found. Records themselves go to the caller's sink. */
export interface LoadReport {
  records: number;
  /** Lines whose record was already known (idempotent re-appends, or our own lines on reload). */
  duplicates: number;
  problems: LoadProblem[];
}

/** Something to stop: a watch. */
export interface Stoppable {
  dispose(): void;
}

/** The identity a record is deduplicated on: its callId, or for verdicts their whole content. */
function recordKey(record: LedgerRecord): string {
  if (record.kind === 'verdict') return `verdict\u0000${record.taskId}\u0000${record.callId ?? ''}\u0000${record.verdict}\u0000${record.time}`;
  return record.callId;
}

/** The monthly file a record belongs to (by its UTC time). */
export function ledgerFileName(time: string): string {
  return `ledger-${time.slice(0, 7)}.jsonl`;
}

interface FileState {
  /** Bytes parsed so far: always just after a newline. */
  offset: number;
  /** Complete lines parsed so far, for problem line numbers. */
  lines: number;
}

interface Writer {
  fd: number;
  /** The file's size just after our last whole write; -1 when unknown (none yet, or cut short). */
  end: number;
}

/** The append-only JSONL ledger. Synchronous appends; asynchronous, streaming loads. */
export class LedgerStore {
  private readonly known = new LedgerKeySet();
  /** Records scanSync read from a file before any load or reload handed them on. */
  private found: LedgerRecord[] = [];
  private readonly files = new Map<string, FileState>();
  private readonly writers = new Map<string, Writer>();
  private dirReady = false;
  private readonly oneByte = Buffer.alloc(1);

  private readonly chunkBytes: number;
  private readonly scanner = new LedgerLineScanner();
  /** The records of a batch of lines (see takeLines), and where their keys are. */
  private readonly batch: CallRecord[] = [];
  private readonly keyStarts = new Int32Array(BATCH);
  private readonly keyEnds = new Int32Array(BATCH);
  private readonly keyHashes = new Int32Array(BATCH);

  /** `chunkBytes` (default 1 MiB) is the read size; tests make it tiny to cross line boundaries. */
  constructor(readonly dir: string, options: { chunkBytes?: number } = {}) {
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  }

  /**
   * Appends a record unless one with the same key is already known; returns whether it
   * was written. Throws on I/O errors (disk full, permissions): the caller logs them.
   */
  append(record: LedgerRecord): boolean {
    const key = recordKey(record);
    const name = ledgerFileName(record.time);
    if (!this.files.has(name)) this.scanSync(name);
    if (this.known.hasString(key, false)) return false;
    const writer = this.writer(name);
    const line = `${this.endsMidLine(writer) ? '\n' : ''}${JSON.stringify(record)}\n`;
    const bytes = Buffer.from(line, 'utf8');
    const written = fs.writeSync(writer.fd, bytes, 0, bytes.length);
    if (written !== bytes.length) {
      // A short write left a fragment: the next append reads the last byte again and starts a new line.
      writer.end = -1;
      throw new Error(`ledger write to ${name} was cut short (${written} of ${bytes.length} bytes)`);
    }
    // Had another window written between the check and our write, this is short of the end, and the next append looks.
    writer.end += written;
    this.known.hasString(key, true);
    return true;
  }

  /**
   * Reads every monthly file from the start, oldest first, handing each record to `sink`
   * once. It starts over: build a fresh summary from it, then keep it current with
   * `reload` (other windows) and your own appends. Never throws on bad content: torn and
   * corrupt lines are skipped and reported.
   */
  async load(sink: (record: LedgerRecord) => void): Promise<LoadReport> {
    this.files.clear();
    this.known.clear();
    this.found = [];
    return this.readNew(sink);
  }

  /**
   * Reads what was appended since the last load or reload (another window's records),
   * handing only records not seen before to `sink`.
   */
  async reload(sink: (record: LedgerRecord) => void): Promise<LoadReport> {
    return this.readNew(sink);
  }

  /** Every record on disk (deduplicated), for exports. Does not touch the store's state. */
  async readAll(): Promise<{ records: LedgerRecord[]; problems: LoadProblem[] }> {
    const shadow = new LedgerStore(this.dir, { chunkBytes: this.chunkBytes });
    const records: LedgerRecord[] = [];
    const report = await shadow.load((record) => records.push(record));
    return { records, problems: report.problems };
  }

  /**
   * Whether a record with this one's key was read or written here; with `remember`, one
   * that was not is taken as read from now on (a reload will not hand it on).
   */
  knows(record: LedgerRecord, remember = false): boolean {
    return this.known.hasString(recordKey(record), remember);
  }

  /**
   * The billed calls of one task, oldest first, each once: for the cost report's task
   * details. Only the monthly files from `from` to `to` (the task's first and last times)
   * are read, and only lines holding the task id in quotes are parsed, so a click does not
   * load the whole ledger. Lines that do not parse are skipped (load reports them).
   * `pending` are records not on disk yet (a failed write waiting to be retried): the
   * task's calls among them are included too.
   */
  async callsOfTask(taskId: string, from: string, to: string, pending: readonly LedgerRecord[] = []): Promise<CallRecord[]> {
    const needle = Buffer.from(JSON.stringify(taskId), 'utf8');
    const first = ledgerFileName(from);
    const last = ledgerFileName(to);
    const calls = new Map<string, CallRecord>();
    for (const name of this.monthlyFiles().filter((n) => n >= first && n <= last)) {
      const data = await fs.promises.readFile(path.join(this.dir, name)).catch(() => Buffer.alloc(0));
      // Each hit's whole line is parsed once; the search goes on after it.
      for (let at = data.indexOf(needle); at !== -1; at = data.indexOf(needle, at)) {
        const start = data.lastIndexOf(NEWLINE, at) + 1;
        const newline = data.indexOf(NEWLINE, at);
        const end = newline === -1 ? data.length : newline;
        let parsed: ReturnType<typeof parseLedgerRecord> | undefined;
        try {
          parsed = parseLedgerRecord(JSON.parse(data.toString('utf8', start, end)));
        } catch {
          parsed = undefined;
        }
        if (parsed && 'record' in parsed && parsed.record.kind !== 'verdict' && parsed.record.taskId === taskId) calls.set(parsed.record.callId, parsed.record);
        at = end;
      }
    }
    for (const record of pending) if (record.kind !== 'verdict' && record.taskId === taskId && !calls.has(record.callId)) calls.set(record.callId, record);
    return [...calls.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  /**
   * Calls `listener` with records other processes append, debounced: on fs.watch events, and
   * every `pollMs` as well, where file events are unreliable.
   */
  watch(listener: (records: LedgerRecord[], report: LoadReport) => void, debounceMs = 200, pollMs = 60_000): Stoppable {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = Promise.resolve();
    const fire = (): void => {
      timer = undefined;
      running = running.then(async () => {
        const records: LedgerRecord[] = [];
        const report = await this.reload((record) => records.push(record));
        if (records.length > 0 || report.problems.length > 0) listener(records, report);
      }).catch(() => undefined);
    };
    this.ensureDir();
    const watcher = fs.watch(this.dir, { persistent: false }, (_event, filename) => {
      if (filename !== null && !FILE_PATTERN.test(String(filename))) return;
      if (timer === undefined) timer = setTimeout(fire, debounceMs);
    });
    // File events are not delivered everywhere (network file systems): read again now and then too.
    const poll = setInterval(() => {
      if (timer === undefined) fire();
    }, pollMs);
    poll.unref?.();
    return {
      dispose: () => {
        if (timer !== undefined) clearTimeout(timer);
        clearInterval(poll);
        watcher.close();
      },
    };
  }

  /** Closes the open append descriptors. */
  close(): void {
    for (const writer of this.writers.values()) fs.closeSync(writer.fd);
    this.writers.clear();
  }

  private ensureDir(): void {
    if (this.dirReady) return;
    fs.mkdirSync(this.dir, { recursive: true });
    this.dirReady = true;
  }

  private writer(name: string): Writer {
    let writer = this.writers.get(name);
    if (writer) return writer;
    this.ensureDir();
    const fd = fs.openSync(path.join(this.dir, name), 'a+');
    writer = { fd, end: -1 };
    this.writers.set(name, writer);
    return writer;
  }

  /**
   * Whether the file ends mid-line: a fragment another window (or our own cut-short write)
   * left. One read past where our last write ended says whether anyone wrote since; only
   * then are the size and the last byte looked at. Leaves `writer.end` at the file's end.
   */
  private endsMidLine(writer: Writer): boolean {
    if (writer.end >= 0 && fs.readSync(writer.fd, this.oneByte, 0, 1, writer.end) === 0) return false;
    writer.end = fs.fstatSync(writer.fd).size;
    if (writer.end === 0) return false;
    fs.readSync(writer.fd, this.oneByte, 0, 1, writer.end - 1);
    return this.oneByte[0] !== NEWLINE;
  }

  private monthlyFiles(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((name) => FILE_PATTERN.test(name)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private async readNew(sink: (record: LedgerRecord) => void): Promise<LoadReport> {
    const report: LoadReport = { records: 0, duplicates: 0, problems: [] };
    for (const name of this.monthlyFiles()) {
      const state = this.files.get(name) ?? { offset: 0, lines: 0 };
      this.files.set(name, state);
      let handle: fs.promises.FileHandle | undefined;
      try {
        handle = await fs.promises.open(path.join(this.dir, name), 'r');
        // Room in the key set for the file's records up front (a line is ~450 bytes).
        const { size } = fs.fstatSync(handle.fd);
        this.known.reserve(this.known.size + Math.ceil(Math.max(0, size - state.offset) / TYPICAL_LINE_BYTES));
        await this.readFrom(handle, name, state, sink, report);
      } catch (err) {
        // One month that cannot be read leaves the others counted; the next read tries it again.
        // Only the file system's errors: one the sink throws is the caller's to see.
        if (!(err instanceof Error && 'syscall' in err)) throw err;
        report.problems.push({ file: name, line: state.lines + 1, kind: 'unreadable', message: `cannot be read: ${(err as Error).message}` });
      } finally {
        await handle?.close();
      }
    }
    // Records an append found first (see scanSync), handed on once, here.
    for (const record of this.found.splice(0)) this.deliver(record, false, sink, report);
    return report;
  }

  private async readFrom(handle: fs.promises.FileHandle, name: string, state: FileState, sink: (record: LedgerRecord) => void, report: LoadReport): Promise<void> {
    // Two buffers: the next chunk is read while this one is parsed.
    const size = this.chunkBytes;
    const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
    let position = state.offset;
    let which = 0;
    let pending = handle.read(buffers[which] as Buffer, 0, size, position);
    let carry: Buffer | undefined;
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      position += bytesRead;
      which = 1 - which;
      pending = handle.read(buffers[which] as Buffer, 0, size, position);
      const data = buffer.subarray(0, bytesRead);
      let from = 0;
      if (carry) {
        // Finish the line split across chunks with a small copy, not a whole-chunk concat.
        const first = data.indexOf(NEWLINE);
        if (first === -1) {
          carry = Buffer.concat([carry, data]);
          continue;
        }
        const joined = Buffer.concat([carry, data.subarray(0, first)]);
        state.lines += 1;
        this.takeBytes(joined, 0, joined.length, name, state.lines, sink, report);
        state.offset += joined.length + 1;
        carry = undefined;
        from = first + 1;
      }
      from = this.takeLines(data, from, name, state, sink, report);
      if (from < data.length) carry = Buffer.from(data.subarray(from));
    }
    // Left unconsumed (offset not advanced): another window may still be writing it.
    if (carry && carry.toString('utf8').trim() !== '') {
      report.problems.push({ file: name, line: state.lines + 1, kind: 'torn', message: `unterminated last line (${carry.length} bytes), skipped: a write cut off by a crash, or one still in progress` });
    }
  }

  /**
   * Takes every complete line of `data` from `from` on, straight from the bytes (no
   * decode of the chunk); returns where the unterminated rest begins. Lines the scanner
   * vouches for are taken a batch at a time: their keys are looked up together (see
   * LedgerKeySet.prefetch), then the records are handed on in order. A line it declines
   * ends the batch and goes to the full parser.
   */
  private takeLines(data: Buffer, from: number, name: string, state: FileState, sink: (record: LedgerRecord) => void, report: LoadReport): number {
    // Up to the last newline only, so every line the loop meets is whole.
    const end = data.lastIndexOf(NEWLINE) + 1;
    const scanner = this.scanner;
    const records = this.batch;
    const { keyStarts, keyEnds, keyHashes } = this;
    scanner.use(data);
    while (from < end) {
      const first = from;
      let count = 0;
      let record: CallRecord | undefined;
      // The scanner finds each line's end itself; only a line it declines is searched for.
      while (count < BATCH && from < end && (record = scanner.scanLine(data, from, end)) !== undefined) {
        records[count] = record;
        keyStarts[count] = scanner.callIdStart;
        keyEnds[count] = scanner.callIdEnd;
        keyHashes[count] = scanner.callIdHash;
        count += 1;
        from = scanner.lineEnd + 1;
      }
      this.known.prefetch(keyHashes, count);
      for (let i = 0; i < count; i++) {
        const known = this.known.hasHashed(data, keyStarts[i] as number, keyEnds[i] as number, keyHashes[i] as number, true);
        this.deliver(records[i] as CallRecord, known, sink, report);
      }
      // Counted once handed on, as a line at a time did: a sink that throws leaves the rest of the batch to be read again.
      state.lines += count;
      state.offset += from - first;
      if (record === undefined && from < end) {
        const newline = data.indexOf(NEWLINE, from);
        state.lines += 1;
        this.takeLine(data.toString('utf8', from, newline), name, state.lines, sink, report);
        state.offset += newline + 1 - from;
        from = newline + 1;
      }
    }
    // The store outlives the load: it keeps no records.
    records.length = 0;
    return from;
  }

  /** One line's bytes: the scanner vouches for the common case, the full parser decides the rest. */
  private takeBytes(data: Buffer, start: number, end: number, file: string, line: number, sink: (record: LedgerRecord) => void, report: LoadReport): void {
    const record = this.scanner.scan(data, start, end);
    if (record === undefined) {
      this.takeLine(data.toString('utf8', start, end), file, line, sink, report);
      return;
    }
    // The key straight from the line's bytes: the callId's characters are its bytes.
    this.deliver(record, this.known.hasHashed(data, this.scanner.callIdStart, this.scanner.callIdEnd, this.scanner.callIdHash, true), sink, report);
  }

  private takeLine(text: string, file: string, line: number, sink: (record: LedgerRecord) => void, report: LoadReport): void {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      report.problems.push({ file, line, kind: 'corrupt', message: 'not JSON (a write torn by an earlier crash?), skipped' });
      return;
    }
    const parsed = parseLedgerRecord(value);
    if ('error' in parsed) {
      report.problems.push({ file, line, kind: 'corrupt', message: `not a ledger record (${parsed.error}), skipped` });
      return;
    }
    this.deliver(parsed.record, this.known.hasString(recordKey(parsed.record), true), sink, report);
  }

  /** Hands on a record whose key was just looked up (and added when new). */
  private deliver(record: LedgerRecord, known: boolean, sink: (record: LedgerRecord) => void, report: LoadReport): void {
    if (known) {
      report.duplicates += 1;
      return;
    }
    report.records += 1;
    sink(record);
  }

  /**
   * Learns the keys already in a file before the first append to it. Its records are kept
   * for the next load or reload to hand on: that read starts after them, and an append can
   * come while a load is still on an older month, or before a reload sees a new file.
   */
  private scanSync(name: string): void {
    const state: FileState = { offset: 0, lines: 0 };
    this.files.set(name, state);
    let data: Buffer;
    try {
      data = fs.readFileSync(path.join(this.dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const ignoreProblems: LoadReport = { records: 0, duplicates: 0, problems: [] };
    this.takeLines(data, 0, name, state, (record) => this.found.push(record), ignoreProblems);
  }
}
