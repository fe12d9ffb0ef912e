import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Budget, budgetCard, budgetStatus, limitBesideShown, wouldExceed } from '../../../src/core/ledger/budget';

const USD = 1_000_000;

describe('budgets', () => {
  test('no limits: always ok', () => {
    assert.deepEqual(budgetStatus({ sessionMicros: 10 * USD, todayMicros: 10 * USD }, {}), { state: 'ok', limits: [], message: '' });
    assert.equal(wouldExceed({ sessionMicros: 0, todayMicros: 0 }, { sessionMicros: 0 }, 100 * USD).exceeded, false);
  });

  test('warns at 80% and is exceeded at 100%', () => {
    const limits = { sessionMicros: 5 * USD };
    assert.equal(budgetStatus({ sessionMicros: 3_999_999, todayMicros: 0 }, limits).state, 'ok');
    const warn = budgetStatus({ sessionMicros: 4 * USD, todayMicros: 0 }, limits);
    assert.equal(warn.state, 'warn');
    assert.match(warn.message, /80% of the session budget used \(\$1\.00 left of \$5\.00\)/);
    const over = budgetStatus({ sessionMicros: 5 * USD, todayMicros: 0 }, limits);
    assert.equal(over.state, 'exceeded');
    assert.equal(over.limits[0]?.leftMicros, 0);
  });

  test('the worse of session and daily decides', () => {
    const status = budgetStatus({ sessionMicros: 1 * USD, todayMicros: 9 * USD }, { sessionMicros: 5 * USD, dailyMicros: 10 * USD, warnAt: 0.5 });
    assert.equal(status.state, 'warn');
    assert.deepEqual(status.limits.map((l) => [l.scope, l.state]), [['session', 'ok'], ['daily', 'warn']]);
  });

  test('a limit that colours the meter but is not its figure\'s is named beside it', () => {
    const daily = budgetStatus({ sessionMicros: 0, todayMicros: 2 * USD }, { sessionMicros: 5 * USD, dailyMicros: 1 * USD });
    assert.equal(limitBesideShown(daily, 'session'), 'daily limit', '"$0.00" on red says which limit');
    assert.equal(limitBesideShown(daily, 'today'), undefined, 'today\'s figure is the limit\'s own');
    const both = budgetStatus({ sessionMicros: 6 * USD, todayMicros: 6 * USD }, { sessionMicros: 5 * USD, dailyMicros: 1 * USD });
    assert.equal(limitBesideShown(both, 'session'), undefined);
    assert.equal(limitBesideShown(both, 'today'), undefined);
    const session = budgetStatus({ sessionMicros: 5 * USD, todayMicros: 5 * USD }, { sessionMicros: 5 * USD });
    assert.equal(limitBesideShown(session, 'today'), 'session limit');
    assert.equal(limitBesideShown(budgetStatus({ sessionMicros: 0, todayMicros: 0 }, { dailyMicros: USD }), 'session'), undefined, 'nothing to say while ok');
  });

  test('pre-flight: reaching a limit exactly is allowed, crossing it is not', () => {
    const spend = { sessionMicros: 4 * USD, todayMicros: 4 * USD };
    const limits = { sessionMicros: 5 * USD, dailyMicros: 20 * USD };
    assert.equal(wouldExceed(spend, limits, 1 * USD).exceeded, false);
    const check = wouldExceed(spend, limits, 1 * USD + 1);
    assert.equal(check.exceeded, true);
    assert.deepEqual(check.scopes, ['session']);
    assert.match(check.message, /would exceed the session budget \(\$5\.00, \$1\.00 left\)/);
  });

  test('pre-flight counts the requests still running beside it: five at once cannot each pass alone', () => {
    const spend = { sessionMicros: 0.9 * USD, todayMicros: 0.9 * USD };
    const limits = { dailyMicros: 1 * USD };
    const each = 0.075 * USD;
    const passed = [0, 1, 2, 3, 4].map((running) => !wouldExceed(spend, limits, each, running * each).exceeded);
    assert.deepEqual(passed, [true, false, false, false, false]);
    assert.match(wouldExceed(spend, limits, each, each).message, /^this request \(about \$0\.0750, with about \$0\.0750 for requests still running\) would exceed the daily budget \(\$1\.0000, \$0\.0250 left\)/);
  });

  test('Budget reads the live spend each time', () => {
    let spent = 0;
    const budget = new Budget({ dailyMicros: 2 * USD }, () => ({ sessionMicros: spent, todayMicros: spent }));
    assert.equal(budget.status().state, 'ok');
    spent = 2 * USD;
    assert.equal(budget.status().state, 'exceeded');
    assert.equal(budget.wouldExceed(1).exceeded, true);
    budget.setLimits({});
    assert.equal(budget.wouldExceed(1).exceeded, false);
  });
});

describe("the cost report's budget card", () => {
  test('none without limits; otherwise what the next request can spend, and every limit spent', () => {
    assert.equal(budgetCard(budgetStatus({ sessionMicros: 10, todayMicros: 10 }, {})), undefined);
    assert.deepEqual(budgetCard(budgetStatus({ sessionMicros: 20_000, todayMicros: 400_000 }, { sessionMicros: 50_000, dailyMicros: 1_000_000 })), {
      state: 'ok', label: 'Budget', value: '$0.03 left', note: '$0.02 of $0.05 this session · $0.40 of $1.00 today',
    });
    // What is left is the least of the two: $0.03 in the session, though today has $0.60.
    assert.equal(budgetCard(budgetStatus({ sessionMicros: 20_000, todayMicros: 400_000 }, { sessionMicros: 50_000, dailyMicros: 1_000_000 }))?.value, '$0.03 left');
    // The daily limit is at 90%, past its warning mark: the label names it.
    assert.deepEqual(budgetCard(budgetStatus({ sessionMicros: 20_000, todayMicros: 900_000 }, { sessionMicros: 50_000, dailyMicros: 1_000_000 })), {
      state: 'warn', label: 'Budget · today 90% used', value: '$0.03 left', note: '$0.02 of $0.05 this session · $0.90 of $1.00 today',
    });
    assert.equal(budgetCard(budgetStatus({ sessionMicros: 20_000, todayMicros: 950_000 }, { sessionMicros: 50_000, dailyMicros: 1_000_000 }))?.value, '$0.03 left');
    assert.equal(budgetCard(budgetStatus({ sessionMicros: 20_000, todayMicros: 990_000 }, { sessionMicros: 50_000, dailyMicros: 1_000_000 }))?.value, '$0.01 left', 'today now has less left');
    assert.equal(budgetStatus({ sessionMicros: 23_400, todayMicros: 0 }, { sessionMicros: 26_000 }).message, '90% of the session budget used ($0.0026 left of $0.0260)', 'the warning too, not "left of $0.03"');
    assert.equal(wouldExceed({ sessionMicros: 23_400, todayMicros: 0 }, { sessionMicros: 26_000 }, 5_000).message, 'this request (about $0.0050) would exceed the session budget ($0.0260, $0.0026 left)');
    // Seen in a block: "about $0.01 would exceed the session budget ($0.0125, $0.0125 left)", an estimate that reads as fitting.
    assert.equal(wouldExceed({ sessionMicros: 0, todayMicros: 0 }, { sessionMicros: 12_500 }, 12_967).message, 'this request (about $0.0130) would exceed the session budget ($0.0125, $0.0125 left)');
    // Seen in the report: "$0.0026 left" beside "$0.02 of $0.03" for $0.0234 of a $0.026 budget.
    assert.deepEqual(budgetCard(budgetStatus({ sessionMicros: 23_400, todayMicros: 23_400 }, { sessionMicros: 26_000 })), {
      state: 'warn', label: 'Budget · this session 90% used', value: '$0.0026 left', note: '$0.0234 of $0.0260 this session',
    });
    assert.deepEqual(budgetCard(budgetStatus({ sessionMicros: 60_000, todayMicros: 60_000 }, { sessionMicros: 50_000 })), {
      state: 'exceeded', label: 'Budget', value: 'Limit reached', note: '$0.06 of $0.05 this session',
    });
  });
});
