import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { notKeptMessage } from '../../../src/core/openProposals';

describe('proposals left open by a window reload', () => {
  test('the next window names each lost proposal, its file and what it cost', () => {
    const tidy = { command: 'Tidy Selection', file: 'src/orders.ts', micros: 1_300 };
    assert.equal(notKeptMessage([tidy]), 'Ladder: a Tidy Selection proposal for src/orders.ts ($0.0013) was open when the window closed or reloaded, and was not kept. Run Tidy Selection again to see it.');
    assert.equal(notKeptMessage([tidy, { command: 'Write Tests', file: 'src/orders.test.ts', micros: 42_000 }]),
      'Ladder: 2 proposals were open when the window closed or reloaded, and were not kept: Tidy Selection for src/orders.ts ($0.0013); Write Tests for src/orders.test.ts ($0.04). Run them again to see them.');
  });
});
