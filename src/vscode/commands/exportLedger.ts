import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as vscode from 'vscode';
import { csvChunks, jsonChunks } from '../../core/ledger/export';
import { countOf } from '../../core/ledger/format';
import { CommandIds } from '../commandIds';
import type { Command } from './command';

/** Writes the whole ledger as CSV or JSON. Arguments (format, target URI) skip the dialogs. */
export const exportLedgerCommand: Command = {
  id: CommandIds.exportLedger,
  run: async (c, formatArg, targetArg) => {
    const format = formatArg === 'csv' || formatArg === 'json' ? formatArg : await vscode.window.showQuickPick(
      [{ label: 'CSV', format: 'csv' as const }, { label: 'JSON', format: 'json' as const }],
      { title: 'Ladder: Export Cost Ledger' },
    ).then((item) => item?.format);
    if (!format) return undefined;
    const target = targetArg instanceof vscode.Uri ? targetArg : await vscode.window.showSaveDialog({
      title: 'Export Cost Ledger',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), `ladder-ledger.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return undefined;
    const { records, problems } = await c.cost.store.readAll();
    await writeChunks(target, format === 'csv' ? csvChunks(records) : jsonChunks(records, new Date().toISOString()));
    const skipped = problems.length > 0 ? ` (${countOf(problems.length, 'damaged line')} skipped; see logs)` : '';
    for (const p of problems) c.log.warn(`export skipped ${p.file}:${p.line} (${p.kind})`);
    void vscode.window.showInformationMessage(`Ladder: exported ${countOf(records.length, 'ledger record')} to ${target.path.split('/').pop()}${skipped}.`, 'Open').then(
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
