import { createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as vscode from 'vscode';
import { csvChunks, jsonChunks } from '../../core/ledger/export';
import { countOf } from '../../core/ledger/format';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

/** The folder the last export went to (a URI), offered again by the next one. */
const EXPORT_FOLDER_KEY = 'ladder.exportFolder';

/**
 * Writes the whole ledger as CSV or JSON. Arguments (format, target URI) skip the dialogs.
 * The dialog opens outside the workspace (home, or the last folder exported to): the ledger
 * holds every workspace's calls, and its reasons quote code, so it is no file to commit.
 */
export const exportLedgerCommand: Command = {
  id: CommandIds.exportLedger,
  run: async (c, formatArg, targetArg) => {
    const format = formatArg === 'csv' || formatArg === 'json' ? formatArg : await vscode.window.showQuickPick(
      [{ label: 'CSV', format: 'csv' as const }, { label: 'JSON', format: 'json' as const }],
      { title: 'Ladder: Export Cost Ledger' },
    ).then((item) => item?.format);
    if (!format) return undefined;
    const state = c.context.globalState;
    const lastFolder = state.get<string>(EXPORT_FOLDER_KEY);
    const target = targetArg instanceof vscode.Uri ? targetArg : await vscode.window.showSaveDialog({
      title: 'Export Cost Ledger',
      defaultUri: vscode.Uri.joinPath(lastFolder ? vscode.Uri.parse(lastFolder) : vscode.Uri.file(homedir()), `ladder-ledger.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return undefined;
    // The file is read from disk: what waits to be written is written first if it can be, else said.
    const waiting = c.cost.saveWaiting();
    const { records, problems } = await c.cost.store.readAll();
    await writeChunks(target, format === 'csv' ? csvChunks(records) : jsonChunks(records, new Date().toISOString()));
    if (target !== targetArg) await state.update(EXPORT_FOLDER_KEY, vscode.Uri.joinPath(target, '..').toString());
    const skipped = problems.length > 0 ? ` (${countOf(problems.length, 'damaged line')} skipped; see logs)` : '';
    for (const p of problems) c.log.warn(`export skipped ${p.file}:${p.line} (${p.kind})`);
    // Counted as the file holds them: CSV has a row per call, each verdict in its call's row.
    const calls = records.filter((r) => r.kind !== 'verdict').length;
    const verdicts = records.length - calls;
    const written = format === 'json' ? `${countOf(calls, 'call')} and ${countOf(verdicts, 'verdict')}`
      : `${countOf(calls, 'call')}${verdicts > 0 ? ' (your verdicts in their rows)' : ''}`;
    const unsaved = waiting > 0 ? ` ${countOf(waiting, 'record')} the cost meter counts ${waiting === 1 ? 'is' : 'are'} not in it: the ledger could not save ${waiting === 1 ? 'it' : 'them'} yet.` : '';
    void vscode.window.showInformationMessage(`Ladder: exported ${written} to ${target.path.split('/').pop()}${skipped}.${unsaved}`, 'Open').then(
      (choice) => (choice === 'Open' ? vscode.window.showTextDocument(target, { preview: false }) : undefined),
    );
    return { records: records.length, target: target.toString() };
  },
};

/**
 * Writes an export piece by piece: the whole text as one string would pass V8's limit on a
 * long ledger. A file on disk is streamed; another file system takes the bytes whole.
 */
async function writeChunks(target: vscode.Uri, chunks: Iterable<string>): Promise<void> {
  if (target.scheme === 'file') {
    await pipeline(Readable.from(chunks), createWriteStream(target.fsPath));
    return;
  }
  await vscode.workspace.fs.writeFile(target, Buffer.concat(Array.from(chunks, (chunk) => Buffer.from(chunk, 'utf8'))));
}
