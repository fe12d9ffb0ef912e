import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { editableOrSay, notebookOf, selectionFor } from '../editorSelection';
import type { Command } from './command';
import { EDIT_MAX_TOKENS, sendableEdit, settleVerdict } from './proposeEdit';
import type { RetrySpec } from './proposeEdit';
import type { Container } from '../container';
import type { ProposalEnd } from '../editPreview';
import type { EditorSelection } from '../requestRunner';
import { totalMicros } from '../../core/ledger/record';
import { checkEditAnswer } from '../../core/task/checks';
import { TIER_LABELS } from '../../core/tiers';

/** A notebook cell's tests go in a source file beside the notebook, in the cell's language. */
const CELL_EXTENSIONS: Readonly<Record<string, string>> = { python: '.py', javascript: '.js', typescript: '.ts', r: '.R', julia: '.jl' };

/** `src/orders.ts` → `src/orders.test.ts`; `app.py` → `test_app.py`; a cell of `nb.ipynb` → `test_nb.py`. */
function testFileFor(source: vscode.Uri, languageId: string): vscode.Uri | undefined {
  const cell = source.scheme === 'vscode-notebook-cell';
  if (cell && !CELL_EXTENSIONS[languageId]) return undefined;
  // The notebook's own URI (an untitled notebook's tests go in an untitled editor), without the cell's query.
  const uri = cell ? notebookOf(source).with({ query: '', fragment: '' }) : source;
  const name = uri.path.split('/').pop() ?? 'code';
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = cell ? CELL_EXTENSIONS[languageId]! : dot > 0 ? name.slice(dot) : '';
  const testName = languageId === 'python' ? `test_${stem}${ext}` : languageId === 'go' ? `${stem}_test${ext}` : `${stem}.test${ext}`;
  return vscode.Uri.joinPath(uri, '..', testName);
}

/**
 * The test file's name, or beside an existing one `ladder-orders.test.ts`, then
 * `ladder-2-orders.test.ts`…: a proposal never replaces tests the model did not see. A
 * Python name keeps pytest's and unittest's `test_*.py` shape (`test_app_ladder.py`): a
 * `ladder-` prefix would hide it from both, and a hyphen cannot be imported.
 */
async function freeName(c: Container, wanted: vscode.Uri): Promise<vscode.Uri> {
  const name = wanted.path.split('/').pop() ?? 'tests';
  // An untitled one exists only as an open document; a pending proposal's file, only once accepted.
  const exists = async (uri: vscode.Uri) => c.edits.isProposedFile(uri) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()) || vscode.workspace.fs.stat(uri).then(() => true, () => false);
  const python = /^test_.+\.py$/.exec(name) ? name.slice(0, -3) : undefined;
  const nth = (n: number) => (python ? `${python}_ladder${n === 1 ? '' : `_${n}`}.py` : `ladder-${n === 1 ? '' : `${n}-`}${name}`);
  let candidate = wanted;
  for (let n = 1; await exists(candidate); n++) candidate = vscode.Uri.joinPath(wanted, '..', nth(n));
  return candidate;
}

export const writeTestsCommand: Command = {
  id: CommandIds.writeTests,
  run: async (c, uri) => {
    const selection = await selectionFor(c, { uri });
    // The tests go beside the code: a read-only view has nowhere to put them.
    if (!selection || !editableOrSay(selection.document, 'Write Tests') || !sendableEdit(selection, 'Write Tests', false)) return undefined;
    if (!testFileFor(selection.document.uri, selection.languageId)) {
      void vscode.window.showInformationMessage(`Ladder: Write Tests from a notebook works on ${Object.keys(CELL_EXTENSIONS).join(', ')} cells, which get a test file beside the notebook; nothing was sent.`);
      return undefined;
    }
    return writeTestsFor(c, selection);
  },
};

async function writeTestsFor(c: Container, selection: EditorSelection, retry?: RetrySpec): Promise<ProposalEnd> {
  const outcome = await c.runner.run({
    command: 'tests',
    title: 'Write Tests',
    task: 'tests',
    question: 'Write focused unit tests for this code with the test framework the workspace already uses. Answer with the complete test file.',
    selection,
    maxTokens: EDIT_MAX_TOKENS,
    check: checkEditAnswer,
    ...retry,
  });
  const target = await freeName(c, testFileFor(selection.document.uri, selection.languageId)!);
  // The test file ends its lines as the source does, as an edit in place would.
  const text = outcome.value.endsWith('\n') ? outcome.value : `${outcome.value}\n`;
  const content = selection.document.eol === vscode.EndOfLine.CRLF ? text.replace(/\r?\n/g, '\r\n') : text;
  const proposal = c.edits.proposeNewFile({ target, content, title: `Ladder: Write Tests → ${c.workspace.relativePath(target) ?? target.path.split('/').pop()} — ${outcome.plan.model} (${TIER_LABELS[outcome.plan.tier]})`, why: outcome.plan.reasons.join(' → '), languageId: selection.languageId });
  const verdict = await c.openProposals.whileOpen({ command: 'Write Tests', file: target, micros: totalMicros(outcome.records) }, proposal);
  // The test file is new: the source's code, as it was read, is what a retry reads again.
  settleVerdict(c, outcome, verdict, () => (selection.document.getText(selection.range) === selection.text ? selection : undefined), (next) => writeTestsFor(c, selection, next));
  return verdict;
}
