import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FAILED_MEANS, WENT_UP_MEANS, attemptsOf, costTooltip } from '../../../src/core/ledger/tooltip';
import { readFileSync } from 'node:fs';
import { LedgerSummary } from '../../../src/core/ledger/summary';
import { budgetStatus } from '../../../src/core/ledger/budget';
import { formatUsd, formatUsdAlike, formatUsdExact, opusComparison } from '../../../src/core/ledger/format';
import { callRecord } from '../../support/fixtures/usage/records';

function summary(): LedgerSummary {
  const s = new LedgerSummary({ sessionStart: '2026-01-01T00:00:00.000Z' });
  s.add(callRecord({ tier: 'H', model: 'claude-haiku-4-5', outcome: 'escalated', usage: { input: 1000, output: 100, cacheRead: 40_000 } }));
  s.add(callRecord({ tier: 'O', model: 'claude-opus-4-8', outcome: 'fellBack', usage: { input: 2000, output: 800 } }));
  return s;
}

describe('status-bar tooltip', () => {
  test('shows the total, a per-tier table, savings, escalations/fallbacks and the budget', () => {
    const s = summary();
    const a = s.session;
    const text = costTooltip({ scope: 'session', trusted: true, aggregate: a, opusModel: 'claude-opus-4-8', budget: budgetStatus({ sessionMicros: a.micros, todayMicros: a.micros }, { sessionMicros: 1_000_000 }) });
    assert.ok(text.startsWith(`**Ladder: ${formatUsd(a.micros)} this session** (${formatUsdExact(a.micros)} over 2 calls)`));
    assert.match(text, /\| Tier \| Calls \| Tokens in, cache incl\. \/ out \| Cost \|/, 'in counts the cache reads and writes too, and says so');
    assert.match(text, new RegExp(`\\| H · labour \\| 1 \\| 41k / 100 \\| \\${formatUsd(a.tiers.H.micros)} \\|`));
    assert.match(text, /\| O · judgment \| 1 \| 2k \/ 800 \| \$0\.0300 \|/, 'the Cost column to the same decimals as the $0.0055 above it, not "$0.03"');
    assert.doesNotMatch(text, /S · execute/, 'tiers without calls are left out');
    assert.match(text, new RegExp(`Cache savings: \\*\\*\\${formatUsd(a.cacheSavingsMicros)}\\*\\*`));
    const vs = opusComparison(a.micros, a.opusMicros);
    assert.ok(text.includes(`vs all-Opus (claude\\-opus\\-4\\-8): **${vs.difference} saved, ${vs.percent}** (all-Opus: ${vs.allOpus})`), text);
    assert.match(text, /^Went a tier up: 1 · Fell back: 1 {2}$/m);
    assert.ok(text.includes(`_Went a tier up: ${WENT_UP_MEANS}._`), 'says what it counts: a review handing its findings to judgment is counted, though nothing failed');
    assert.doesNotMatch(text, /Escalations|Fallbacks/, 'people words, as the cost report has them');
    assert.match(text, new RegExp(`Budget: \\${formatUsd(1_000_000 - a.micros)} left of \\$1\\.00 \\(session\\)`));
  });

  test('the all-Opus comparison shows both figures to the same decimals, and the share saved', () => {
    const aggregate = { ...summary().session, micros: 5_832, opusMicros: 14_632 };
    const text = costTooltip({ scope: 'session', trusted: true, aggregate, opusModel: 'claude-opus-4-8' });
    assert.match(text, /\*\*\$0\.0088 saved, 60%\*\* \(all-Opus: \$0\.0146\)/, 'not "$0.0088 saved (all-Opus: $0.01)", which reads as 88% saved');
    // Seen in a session: $0.0042 spent, $0.0210 on all-Opus read "$0.02 saved (all-Opus: $0.02)".
    assert.deepEqual(opusComparison(4_228, 21_000), { direction: 'saved', difference: '$0.0168', allOpus: '$0.0210', percent: '80%' });
    assert.deepEqual(opusComparison(30_000, 20_000), { direction: 'more', difference: '$0.01', allOpus: '$0.02', percent: '50%' }, 'whole cents need no more decimals');
    assert.deepEqual(opusComparison(0, 0), { direction: 'saved', difference: '$0.00', allOpus: '$0.00' }, 'no share of nothing');
    assert.deepEqual(formatUsdAlike([1_500_000, 250_000]), ['$1.50', '$0.25'], 'cents when both are ten cents or more');
    assert.deepEqual(formatUsdAlike([168_000, 210_000]), ['$0.17', '$0.21']);
    assert.deepEqual(formatUsdAlike([0, 12_345]), ['$0.00', '$0.0123'], 'zero does not count, a cent and a bit does');
    assert.deepEqual(formatUsdAlike([40, 12_345]), ['<$0.0001', '$0.0123']);
    assert.deepEqual(formatUsdAlike([20_000, 50_000]), ['$0.02', '$0.05'], 'whole cents stay cents');
    assert.deepEqual(formatUsdAlike([20_000, 23_400]), ['$0.0200', '$0.0234']);
  });

  test('a small budget: what is left and the limit to the same decimals, as the cost report shows them', () => {
    // Seen in a session: $0.003126 spent of $0.02 read "Budget: $0.02 left of $0.02 (session)".
    const aggregate = { ...summary().session, micros: 3_126 };
    const text = costTooltip({ scope: 'session', trusted: true, aggregate, opusModel: 'claude-opus-4-8', budget: budgetStatus({ sessionMicros: 3_126, todayMicros: 3_126 }, { sessionMicros: 20_000 }) });
    assert.match(text, /Budget: \$0\.0169 left of \$0\.0200 \(session\)$/);
  });

  test('the cache note names workspace files, so Markdown in a file name stays text', () => {
    const text = costTooltip({ scope: 'session', trusted: true, aggregate: summary().session, opusModel: 'claude-opus-4-8', cacheNote: 'miss on pinned:[run](command:workbench.action.terminal.new).ts' });
    assert.ok(text.endsWith('**Cache:** miss on pinned:\\[run\\]\\(command:workbench.action.terminal.new\\).ts'), text);
  });

  test('an empty session and no budget: said in words, not "($0.000000, 0 calls)" over an empty table', () => {
    const s = new LedgerSummary({ sessionStart: '2026-01-01T00:00:00.000Z' });
    const text = costTooltip({ scope: 'today', trusted: true, aggregate: s.session, opusModel: 'claude-opus-4-8' });
    assert.equal(text, '**Ladder: $0.00 today**: nothing sent yet\n\nBudget: no limit set');
  });

  test('attempts recorded at $0 are not counted as calls: "over 2 calls; 3 attempts not billed"', () => {
    // After a 529 fallback the tooltip said "5 calls" on Sonnet, where none of them was billed.
    const s = new LedgerSummary({ sessionStart: '2026-01-01T00:00:00.000Z' });
    const none = { input: 0, output: 0, cacheRead: 0 };
    s.add(callRecord({ tier: 'H', model: 'claude-haiku-4-5', stepType: 'difficulty' }));
    for (const outcome of ['failed', 'failed', 'fellBack'] as const) s.add(callRecord({ tier: 'S', outcome, usage: none }));
    s.add(callRecord({ tier: 'O', model: 'claude-opus-4-8' }));
    const text = costTooltip({ scope: 'session', trusted: true, aggregate: s.session, opusModel: 'claude-opus-4-8' });
    assert.match(text, /over 2 calls; 3 attempts not billed\)/);
    assert.match(text, /^\| S · execute \| 0 \+ 3 not billed \| 0 \/ 0 \| \$0\.00 \|$/m);
    assert.match(text, /^\| O · judgment \| 1 \|/m);
    assert.deepEqual(attemptsOf(s.session), { billed: 2, unbilled: 3 });
    // "Failed: 2" read as two failed requests, where both were the SDK's own retries.
    assert.match(text, /^Went a tier up: 0 · Fell back: 1 · Failed attempts: 2 {2}$/m);
    assert.ok(text.includes(`_Failed attempts: ${FAILED_MEANS}._`), 'says the SDK retries are among them');
  });

  test('the tier chosen for the next request shows until a request takes it', () => {
    const text = costTooltip({ scope: 'session', trusted: true, aggregate: summary().session, opusModel: 'claude-opus-4-8', next: { tier: 'O', model: 'claude-opus-4-8' } });
    assert.match(text, /^\*\*Next request:\*\* judgment tier \(claude\\-opus\\-4\\-8\), as you chose; automatic again after it$/m);
    assert.doesNotMatch(costTooltip({ scope: 'session', trusted: true, aggregate: summary().session, opusModel: 'claude-opus-4-8' }), /Next request/);
  });

  test('in Restricted Mode the first line says nothing is sent until the workspace is trusted, with the way to trust it', () => {
    const untrusted = costTooltip({ scope: 'session', trusted: false, aggregate: summary().session, opusModel: 'claude-opus-4-8' });
    assert.equal(untrusted.split('\n')[0], '**Restricted Mode:** Ladder sends nothing from this workspace until you trust it. [Manage Workspace Trust](command:workbench.trust.manage)');
    assert.doesNotMatch(costTooltip({ scope: 'session', trusted: true, aggregate: summary().session, opusModel: 'claude-opus-4-8' }), /Restricted Mode|trust/);
  });

  test('the cost report words "went a tier up" and "failed" as the tooltip does', () => {
    const script = readFileSync('media/costReport.js', 'utf8');
    for (const sentence of [WENT_UP_MEANS, FAILED_MEANS]) assert.ok(script.includes(sentence.replace(/'/g, "\\'")), `media/costReport.js carries: ${sentence}`);
  });
});
