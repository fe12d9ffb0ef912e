import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Budget, budgetStatus, wouldExceed } from '../../../src/core/ledger/budget';

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

  test('pre-flight: reaching a limit exactly is allowed, crossing it is not', () => {
    const spend = { sessionMicros: 4 * USD, todayMicros: 4 * USD };
    const limits = { sessionMicros: 5 * USD, dailyMicros: 20 * USD };
    assert.equal(wouldExceed(spend, limits, 1 * USD).exceeded, false);
    const check = wouldExceed(spend, limits, 1 * USD + 1);
    assert.equal(check.exceeded, true);
    assert.deepEqual(check.scopes, ['session']);
    assert.match(check.message, /would exceed the session budget \(\$5\.00, \$1\.00 left\)/);
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
