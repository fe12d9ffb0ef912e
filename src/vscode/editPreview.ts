import * as vscode from 'vscode';
import { PROPOSAL_SCHEME } from './resultDocuments';
import type { ResultDocuments } from './resultDocuments';

type EditVerdict = 'accepted' | 'rejected';
/** How a proposal ended: a verdict, 'stale' (the file changed meanwhile), or 'dismissed' (its diff was closed without one). */
export type ProposalEnd = EditVerdict | 'stale' | 'dismissed';

interface Proposal {
  readonly uri: vscode.Uri;
  /** The diff's title ("Tidy Selection — claude-haiku-4-5 (labour)"), for a picker. */
  readonly title: string;
  /** True when the target changed after the proposal was made. */
  readonly stale: () => boolean;
  readonly edit: () => vscode.WorkspaceEdit;
  /** After the edit applied: e.g. open the file it created. */
  readonly applied?: () => Promise<unknown>;
  readonly settle: (end: ProposalEnd) => void;
}

/**
 * Proposed edits open as a diff (current file ↔ file with the edit). Accept applies the
 * edit as one undoable change; Reject discards it. Both are also commands in the diff's
 * title bar, so keyboard users and tests reach them the same way.
 */
export class EditPreviews implements vscode.Disposable {
  private readonly proposals = new Map<string, Proposal>();
  /** Files that pending new-file proposals will create. */
  private readonly newFileTargets = new Set<string>();

  /**
   * A proposal's diff closed without Accept or Reject ends it as 'dismissed': no verdict is
   * recorded. Moving the diff to another group, or closing one of two split copies, closes a
   * tab too, but the diff is still there to decide on.
   */
  private readonly closing = vscode.window.tabGroups.onDidChangeTabs((event) => {
    for (const tab of event.closed) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === PROPOSAL_SCHEME && !this.diffTabs(tab.input.modified).length) this.take(tab.input.modified.toString())?.settle('dismissed');
    }
  });

  /** The open tabs showing the proposal at `uri`. */
  private diffTabs(uri: vscode.Uri): vscode.Tab[] {
    return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === uri.toString());
  }

  constructor(private readonly docs: ResultDocuments) {}

  /**
   * Shows the diff and resolves with the user's verdict ('stale' if the range's own text
   * changed meanwhile). Edits elsewhere in the file (typing, or Accept on another proposal in
   * it) move the range and keep the proposal: the range is followed through every change,
   * and the diff's proposed side follows the file, so it shows this edit alone.
   */
  propose(options: { document: vscode.TextDocument; range: vscode.Range; newText: string; title: string; why?: string }): Promise<ProposalEnd> {
    const { document, newText } = options;
    let proposal: vscode.Uri | undefined;
    const withEdit = () => {
      const full = document.getText();
      return full.slice(0, followed.startOffset) + newText + full.slice(followed.endOffset);
    };
    const followed = new FollowedRange(document, options.range, () => {
      if (proposal && followed.intact()) this.docs.set(proposal, withEdit());
    });
    const note = hiddenWhitespaceNote(document, followed.original, newText);
    return this.show(document.uri, withEdit(), options.title, [note, options.why ? `(Why this model: ${options.why})` : ''].filter(Boolean).join(' '), {
      stale: () => !followed.intact(),
      edit: () => {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, followed.range, newText);
        return edit;
      },
    }, (uri) => (proposal = uri)).finally(() => followed.dispose());
  }

  /**
   * Proposes a new file (e.g. generated tests); Accept creates it with the content, saved, and
   * opens it. An `untitled:` target becomes an unsaved editor in `languageId` instead (the
   * code it was made from has no folder to put a file in).
   */
  proposeNewFile(options: { target: vscode.Uri; content: string; title: string; why?: string; languageId?: string }): Promise<ProposalEnd> {
    const { target, content, languageId } = options;
    // Both sides keep the file's own name, so the diff highlights it in its language.
    const empty = this.docs.create(PROPOSAL_SCHEME, target.path.split('/').pop() ?? 'new file', '');
    const key = target.toString();
    this.newFileTargets.add(key);
    return this.show(empty, content, options.title, options.why ? `(Why this model: ${options.why})` : '', {
      stale: () => false,
      edit: () => {
        // One edit, undoable as one. A file is created with its content on disk: a created
        // empty file with the text only in an unsaved, unopened model is easy to lose.
        const edit = new vscode.WorkspaceEdit();
        if (target.scheme === 'untitled') edit.insert(target, new vscode.Position(0, 0), content);
        else edit.createFile(target, { ignoreIfExists: false, contents: new TextEncoder().encode(content) });
        return edit;
      },
      applied: async () => {
        const document = await vscode.workspace.openTextDocument(target);
        const typed = languageId && document.isUntitled && document.languageId !== languageId ? await vscode.languages.setTextDocumentLanguage(document, languageId) : document;
        await vscode.window.showTextDocument(typed, { preview: false });
      },
    }).finally(() => this.newFileTargets.delete(key));
  }

  /** Whether a pending proposal will create the file at `uri` (a second one must pick another name). */
  isProposedFile(uri: vscode.Uri): boolean {
    return this.newFileTargets.has(uri.toString());
  }

  /** `note` follows the question in the notification; `opened` learns the proposal's URI. */
  private async show(left: vscode.Uri, proposed: string, title: string, note: string, target: Pick<Proposal, 'stale' | 'edit' | 'applied'>, opened?: (uri: vscode.Uri) => void): Promise<ProposalEnd> {
    const name = left.path.split('/').pop() ?? 'proposal';
    const uri = this.docs.create(PROPOSAL_SCHEME, name, proposed);
    opened?.(uri);
    const verdict = new Promise<ProposalEnd>((settle) => {
      this.proposals.set(uri.toString(), { uri, title, ...target, settle });
    });
    this.updateContext();
    // Not a preview tab: opening another file to check something must not close the pending diff.
    await vscode.commands.executeCommand('vscode.diff', left, uri, title, { preview: false });
    // The API cannot take this notification back once the diff's own buttons decide, so a late click says so.
    void vscode.window.showInformationMessage(`${title}: apply this edit?${note ? ` ${note}` : ''}`, 'Accept', 'Reject').then((choice) => {
      if (choice && !this.proposals.has(uri.toString())) void vscode.window.showInformationMessage('Ladder: that edit was already accepted, rejected or closed.');
      else if (choice === 'Accept') void this.accept(uri);
      else if (choice === 'Reject') void this.reject(uri);
    });
    return verdict;
  }

  /** The pending proposal whose diff is the active tab, if there is one. */
  private focused(): string | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const key = input instanceof vscode.TabInputTextDiff ? input.modified.toString() : undefined;
    return key !== undefined && this.proposals.has(key) ? key : undefined;
  }

  /**
   * Which proposal a verdict is for: by URI (the diff's own buttons), else the diff in front
   * of the user (the palette), else the only one pending, else the one the user picks (two
   * or more pending and none in front: applying the latest would apply an edit not looked at).
   */
  private async which(uri: vscode.Uri | undefined, verb: 'Accept' | 'Reject'): Promise<string | undefined> {
    if (uri?.scheme === PROPOSAL_SCHEME) return uri.toString();
    const focused = this.focused();
    if (focused || this.proposals.size <= 1) return focused ?? [...this.proposals.keys()][0];
    const items = [...this.proposals.values()].reverse().map((p) => ({ label: p.title, description: p.uri.path.split('/').pop(), key: p.uri.toString() }));
    const picked = await vscode.window.showQuickPick(items, { title: `Ladder: ${verb} which proposed edit?`, placeHolder: `${items.length} edits are waiting for a verdict` });
    return picked?.key;
  }

  /** Removes and returns the proposal at `key` (see which). */
  private take(key: string | undefined): Proposal | undefined {
    const proposal = key ? this.proposals.get(key) : undefined;
    if (proposal) {
      this.proposals.delete(proposal.uri.toString());
      this.updateContext();
    }
    return proposal;
  }

  /** Applies the proposal (see `which` for which one when no URI is given). */
  async accept(uri?: vscode.Uri): Promise<boolean> {
    const proposal = this.take(await this.which(uri, 'Accept'));
    if (!proposal) return false;
    if (proposal.stale()) {
      void vscode.window.showWarningMessage('Ladder: the code the edit replaces changed after it was proposed, so it was not applied. Run the command again.');
      await this.closeDiff(proposal.uri).finally(() => proposal.settle('stale'));
      return false;
    }
    const applied = await vscode.workspace.applyEdit(proposal.edit());
    if (!applied) void vscode.window.showWarningMessage('Ladder: VS Code could not apply the edit (its file may have been created, moved or made read-only meanwhile). Nothing was changed; run the command again.');
    // The command's result comes once the diff is gone, so whatever runs next (the retry
    // offer, another command, a test's clean-up) finds the editor the user is back in.
    try {
      await this.closeDiff(proposal.uri);
      // The edit is in: failing to show its file does not undo it.
      if (applied) await proposal.applied?.().then(undefined, () => undefined);
    } finally {
      proposal.settle(applied ? 'accepted' : 'stale');
    }
    return applied;
  }

  async reject(uri?: vscode.Uri): Promise<boolean> {
    const proposal = this.take(await this.which(uri, 'Reject'));
    if (!proposal) return false;
    await this.closeDiff(proposal.uri).finally(() => proposal.settle('rejected'));
    return true;
  }

  /** Shows Accept/Reject in the palette only while a proposal is open. */
  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'ladder.hasProposal', this.proposals.size > 0);
  }

  private async closeDiff(uri: vscode.Uri): Promise<void> {
    const tabs = this.diffTabs(uri);
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.closing.dispose();
    // Closing the window is not a verdict on the tier, as closing the diff is not.
    for (const proposal of this.proposals.values()) proposal.settle('dismissed');
    this.proposals.clear();
  }
}

/**
 * What the diff hides: with diffEditor.ignoreTrimWhitespace (on by default) VS Code does not
 * mark a line whose change is only leading or trailing whitespace, and a tidy-up made of
 * such changes opens as a diff with nothing highlighted. Says how many lines that is, and
 * where the diff shows them. Lines are paired by their trimmed text, in order.
 */
function hiddenWhitespaceNote(document: vscode.TextDocument, original: string, proposed: string): string {
  if (!vscode.workspace.getConfiguration('diffEditor', document).get<boolean>('ignoreTrimWhitespace', true)) return '';
  const before = original.split(/\r?\n/);
  const after = proposed.split(/\r?\n/);
  const b = before.map((line) => line.trim());
  const a = after.map((line) => line.trim());
  let hidden = 0;
  // The lines alike at both ends are paired as they stand; only the middle needs matching.
  let head = 0;
  while (head < b.length && head < a.length && b[head] === a[head]) if (before[head] !== after[head++]) hidden++;
  let tail = 0;
  while (tail < b.length - head && tail < a.length - head && b[b.length - 1 - tail] === a[a.length - 1 - tail]) {
    if (before[before.length - 1 - tail] !== after[after.length - 1 - tail]) hidden++;
    tail++;
  }
  const m = b.length - head - tail;
  const n = a.length - head - tail;
  let common = head + tail;
  // Longest common subsequence of the middle's trimmed lines, in one flat table; a middle too
  // large for a table that size (a million cells, 4 MB) is left uncounted, not worth a stall.
  if (m > 0 && n > 0 && (m + 1) * (n + 1) <= 1_000_000) {
    const width = n + 1;
    const lcs = new Int32Array((m + 1) * width);
    for (let i = m - 1; i >= 0; i--) {
      for (let j = n - 1; j >= 0; j--) {
        lcs[i * width + j] = b[head + i] === a[head + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    common += lcs[0]!;
    for (let i = 0, j = 0; i < m && j < n;) {
      if (b[head + i] === a[head + j]) {
        if (before[head + i] !== after[head + j]) hidden++;
        i++;
        j++;
      } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) i++;
      else j++;
    }
  }
  if (hidden === 0) return '';
  const lines = hidden === 1 ? '1 line' : `${hidden} lines`;
  const only = common === before.length && before.length === after.length;
  return `${only ? `It changes only leading or trailing whitespace, on ${lines},` : `On ${lines} it changes only leading or trailing whitespace,`} which the diff hides: turn on "Show Leading/Trailing Whitespace Differences" (¶) in the diff's title bar to see it.`;
}

/**
 * A range of a document followed through every change to it: typing above it moves it,
 * typing inside it changes its code, and a change across one of its ends loses it. So an
 * edit proposed for some lines still lands on them after other edits to the file.
 */
export class FollowedRange implements vscode.Disposable {
  /** The range's text when following began. */
  readonly original: string;
  private start: number;
  private end: number;
  /** A change straddled an end of the range: where it is now cannot be told. */
  private lost = false;
  private readonly following: vscode.Disposable;

  constructor(private readonly document: vscode.TextDocument, range: vscode.Range, moved?: () => void) {
    this.original = document.getText(range);
    this.start = document.offsetAt(range.start);
    this.end = document.offsetAt(range.end);
    this.following = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document !== document || this.lost) return;
      // In one event the changes run from the end of the file to its start, each in the offsets before the event.
      for (const change of event.contentChanges) {
        const delta = change.text.length - change.rangeLength;
        const changeEnd = change.rangeOffset + change.rangeLength;
        if (changeEnd <= this.start) {
          this.start += delta;
          this.end += delta;
        } else if (change.rangeOffset >= this.end) {
          // after the range: nothing moves
        } else if (change.rangeOffset >= this.start && changeEnd <= this.end) {
          this.end += delta;
        } else {
          this.lost = true;
        }
      }
      moved?.();
    });
  }

  get startOffset(): number {
    return this.start;
  }

  get endOffset(): number {
    return this.end;
  }

  /** Where the range is now. */
  get range(): vscode.Range {
    return new vscode.Range(this.document.positionAt(this.start), this.document.positionAt(this.end));
  }

  /**
   * Whether the range's code is as it was and can still be placed. A closed document keeps
   * its old text for ever (VS Code does not reuse it when the file opens again), and no
   * changes reach it: the range would land on whatever is there now.
   */
  intact(): boolean {
    return !this.lost && !this.document.isClosed && this.document.getText(this.range) === this.original;
  }

  dispose(): void {
    this.following.dispose();
  }
}
