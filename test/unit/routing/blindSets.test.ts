// Regression guard over the self-labelled blind sets. Each was labelled by the rubric before
// the router first saw it (first-run figures are in the commit that added it); the rules were
// tuned on all but the newest afterwards, so passing here says the router has not regressed,
// not how it generalises. The targets are the thresholds. heldout-*.jsonl sets were
// written after the rules were frozen and measured once; they have floors of their own below.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, parseEvalFile, routeFile } from '../../../src/core/routing/eval';
import type { EvalMetrics } from '../../../src/core/routing/eval';
import { fakeEstimate } from '../../support/fixtures/routing/builders';

const FIXTURES = join(__dirname, '../../support/fixtures/routing');
const TARGETS = { accuracy: 0.8, underRouting: 0.06, costVsOracle: 1.12 };
const BLIND_SETS = readdirSync(FIXTURES).filter((name) => /^blind-[\w-]+\.jsonl$/.test(name)).sort();

/** A fixture set scored by the whole router (rules + wording model). */
function scored(name: string): EvalMetrics {
  const { items, errors } = parseEvalFile(readFileSync(join(FIXTURES, name), 'utf8'), name);
  assert.deepEqual(errors, []);
  const metrics = evaluate(routeFile(items).routed, { estimateCostUsd: fakeEstimate });
  assert.ok(metrics, 'the set is labelled');
  return metrics;
}

interface Floor {
  accuracy: number;
  underRouting: number;
  /** Severe under-routes allowed; none unless stated. */
  severe?: number;
}

/** Every file matching `pattern` has a floor, and each set holds it. */
function holdsFloors(pattern: RegExp, floors: Readonly<Record<string, Floor>>): void {
  test('every such set has a floor', () => {
    assert.deepEqual(readdirSync(FIXTURES).filter((name) => pattern.test(name)).sort(), Object.keys(floors).sort());
  });
  for (const [name, floor] of Object.entries(floors)) {
    test(name, () => {
      const metrics = scored(name);
      assert.ok(metrics.accuracy >= floor.accuracy, `accuracy ${metrics.accuracy} < ${floor.accuracy}`);
      assert.ok(metrics.underRouting <= floor.underRouting, `under-routing ${metrics.underRouting} > ${floor.underRouting}`);
      assert.ok(metrics.counts.severe <= (floor.severe ?? 0), `${metrics.counts.severe} severe under-routes`);
    });
  }
}

describe('router meets the issue targets on the blind sets', () => {
  test('the blind sets are present', () => {
    assert.ok(BLIND_SETS.length >= 2, `found ${BLIND_SETS.join(', ')}`);
  });

  for (const name of BLIND_SETS) {
    test(name, () => {
      const metrics = scored(name);
      assert.ok(metrics.n >= 60, `${metrics.n} items`);
      assert.ok(metrics.accuracy >= TARGETS.accuracy, `accuracy ${metrics.accuracy}`);
      assert.ok(metrics.underRouting <= TARGETS.underRouting, `under-routing ${metrics.underRouting}`);
      assert.equal(metrics.counts.severe, 0, 'severe under-routing');
      assert.ok(metrics.cost.vsOracle <= TARGETS.costVsOracle, `cost ${metrics.cost.vsOracle}× oracle`);
    });
  }
});

// The held-out sets were measurements once (first-run figures are in the commits that added
// them); since then the rules were tuned on them and the wording model is trained on them, so
// these floors are in-sample figures less two points: a change to the rules or a retrain that
// quietly loses ground fails here, and severe under-routing stays at zero everywhere. What the
// router does on requests it has not seen is measured with
// `npm run train-router -- --hold-out SET,SET` on a set that has not been tuned on.
// heldout-q and heldout-r were lowered three points at stop 16, when the model's judgment
// floor began to read calibrated probabilities: five labour requests of theirs now stay at
// execute ("Fix compilation on Solaris"). Held out from training, P-S stayed at 74.8% with
// under-routing 10.1% → 9.9%, and the adversarial sets lost three severe misses.
// heldout-p was lowered one point at stop 17: the retrain after the everyday-hazard rules
// (one own-table request, "Password reset tokens never expire", became surer) moved "Convert
// to python3", which heldout-p, heldout-r and other-v all hold, from execute to labour. Held
// out from training, P-S stayed at 74.8% and 9.9% under-routed.
const HELD_OUT_FLOORS: Readonly<Record<string, Floor>> = {
  'heldout-e.jsonl': { accuracy: 0.98, underRouting: 0.02 },
  'heldout-g.jsonl': { accuracy: 0.96, underRouting: 0.04 },
  'heldout-h.jsonl': { accuracy: 0.96, underRouting: 0.02 },
  'heldout-i.jsonl': { accuracy: 0.94, underRouting: 0.03 },
  'heldout-j.jsonl': { accuracy: 0.96, underRouting: 0.03 },
  'heldout-k.jsonl': { accuracy: 0.92, underRouting: 0.04 },
  'heldout-l.jsonl': { accuracy: 0.89, underRouting: 0.04 },
  'heldout-m.jsonl': { accuracy: 0.90, underRouting: 0.05 },
  'heldout-n.jsonl': { accuracy: 0.87, underRouting: 0.06 },
  'heldout-o.jsonl': { accuracy: 0.87, underRouting: 0.05 },
  'heldout-p.jsonl': { accuracy: 0.83, underRouting: 0.07 },
  'heldout-q.jsonl': { accuracy: 0.93, underRouting: 0.02 },
  'heldout-r.jsonl': { accuracy: 0.79, underRouting: 0.06 },
  'heldout-s.jsonl': { accuracy: 0.94, underRouting: 0.03 },
};

describe('router holds its ground on the held-out sets', () => {
  holdsFloors(/^heldout-[\w-]+\.jsonl$/, HELD_OUT_FLOORS);
});

// Sets that neither the rules nor the wording model have been tuned or trained on, so their
// figures are true held-out measurements: other-*.jsonl holds requests from other projects
// (Flask, Koa, hyper, Vite, requests, etcd and their neighbours; training on them lowered
// accuracy on the dev sources' wording), unseen-*.jsonl more requests from the dev sources
// (kept apart so the router always has a benchmark it has never been fitted to). Floors are
// their first-run figures: accuracy less two points, under-routing plus two, and no more
// severe misses than they had (fewer where a general change removed some: other-w, unseen-zb
// and unseen-zd lost one each when size alone stopped meaning labour).
// other-v's under-routing floor is one point higher since stop 17, for the "Convert to
// python3" retrain shift described above (one request of 105).
const OTHER_FLOORS: Readonly<Record<string, Floor>> = {
  'other-t.jsonl': { accuracy: 0.67, underRouting: 0.26, severe: 0 },
  'other-u.jsonl': { accuracy: 0.60, underRouting: 0.23, severe: 1 },
  'other-v.jsonl': { accuracy: 0.75, underRouting: 0.18, severe: 0 },
  'other-w.jsonl': { accuracy: 0.70, underRouting: 0.22, severe: 1 },
  'other-x.jsonl': { accuracy: 0.73, underRouting: 0.11, severe: 1 },
  'other-y.jsonl': { accuracy: 0.68, underRouting: 0.16, severe: 0 },
  'unseen-za.jsonl': { accuracy: 0.74, underRouting: 0.14, severe: 1 },
  'unseen-zb.jsonl': { accuracy: 0.65, underRouting: 0.15 },
  'unseen-zd.jsonl': { accuracy: 0.68, underRouting: 0.20, severe: 1 },
  'unseen-ze.jsonl': { accuracy: 0.69, underRouting: 0.13, severe: 1 },
  'unseen-zf.jsonl': { accuracy: 0.83, underRouting: 0.07, severe: 1 },
};

describe('router on sets it was never tuned or trained on', () => {
  holdsFloors(/^(other|unseen)-[\w-]+\.jsonl$/, OTHER_FLOORS);
});

// 1,067 more requests from the dev sources' changelogs (vue, tokio, redis, esbuild, werkzeug
// and pyjwt, express and octopack), labelled blind by six labellers from the rubric and
// dev.jsonl's habits. First run, rules and model as they stood: 69.4% right, 10.1% under,
// 6 severe. The wording model is not trained on them: training on half of them moved the other
// half by +1.7 and -1.1 points and held-out P-S by -0.3, so they stay a benchmark it has never
// seen. Rules were written against fresh-t and fresh-u only (docs wording, a revert behind a
// scope prefix), which moved no route on any other set; with the model's small-change feature
// (wording.ts) they stand at t 76.5% and u 65.3%, and their floors are those less two points.
// fresh-v to fresh-y hold their first run less two points, with no more severe misses than
// they have now (fresh-x lost its one when size alone stopped meaning labour).
const FRESH_FLOORS: Readonly<Record<string, Floor>> = {
  'fresh-t.jsonl': { accuracy: 0.74, underRouting: 0.14 },
  'fresh-u.jsonl': { accuracy: 0.63, underRouting: 0.10, severe: 1 },
  'fresh-v.jsonl': { accuracy: 0.67, underRouting: 0.08 },
  'fresh-w.jsonl': { accuracy: 0.71, underRouting: 0.19 },
  'fresh-x.jsonl': { accuracy: 0.64, underRouting: 0.15 },
  'fresh-y.jsonl': { accuracy: 0.70, underRouting: 0.05 },
};

describe('router on the fresh changelog sets', () => {
  holdsFloors(/^fresh-[\w-]+\.jsonl$/, FRESH_FLOORS);
});

// Editor asks: what users type about the code in front of them, from assistant docs
// (editor-a), from prompts users wrote (editor-b) and from sources neither used (editor-c),
// labelled blind. The editor-ask rules were written against editor-a, then editor-b (first
// run 57.1%), then editor-c (first run 61.9%): in-sample floors, today's figures less two
// points. editor-d (questions developers asked about their own code on issue trackers and
// Q&A sites; first run 70.1%) is never tuned or trained on, so its floor is its first run less
// two points, with no more severe misses than it had.
const EDITOR_FLOORS: Readonly<Record<string, Floor>> = {
  'editor-a.jsonl': { accuracy: 0.76, underRouting: 0.07 },
  'editor-b.jsonl': { accuracy: 0.68, underRouting: 0.10, severe: 2 },
  'editor-c.jsonl': { accuracy: 0.68, underRouting: 0.12 },
  'editor-d.jsonl': { accuracy: 0.68, underRouting: 0.17, severe: 2 },
  // Six more blind sets, each in the voices of eight kinds of developer, written for this
  // round, with rules written in rounds against some and measured on the rest without reading
  // them. Against editor-e (first run 63.7%); then editor-f and editor-g (63.1% → 65.0% and
  // 48.8% → 48.8% before being read); then editor-h and editor-i (unread through three rounds:
  // 56.3% → 63.7% and 55.6% → 60.6%). editor-j and editor-k are still unread: 64.4% → 71.9%
  // and 58.1% → 65.0% over all four rounds. Floors: today's figures less two points, with no
  // more severe misses than today.
  'editor-e.jsonl': { accuracy: 0.77, underRouting: 0.14, severe: 2 },
  'editor-f.jsonl': { accuracy: 0.82, underRouting: 0.09 },
  'editor-g.jsonl': { accuracy: 0.64, underRouting: 0.15, severe: 3 },
  'editor-h.jsonl': { accuracy: 0.76, underRouting: 0.14, severe: 2 },
  'editor-i.jsonl': { accuracy: 0.73, underRouting: 0.13, severe: 1 },
  'editor-j.jsonl': { accuracy: 0.69, underRouting: 0.15, severe: 0 },
  'editor-k.jsonl': { accuracy: 0.63, underRouting: 0.16, severe: 0 },
  // editor-l was written and labelled at stop 15 by two helpers that never saw the router
  // (writer and labeller agree on 89.2%), and measured once, unread: 63.3% (62.5% on the code
  // before that stop), 13.3% under-routed, 1 severe. Floor: that run less two points.
  'editor-l.jsonl': { accuracy: 0.61, underRouting: 0.16, severe: 1 },
};

describe('router on editor asks', () => {
  holdsFloors(/^editor-[\w-]+\.jsonl$/, EDITOR_FLOORS);
});

// Adversarial requests, labelled blind: risky work in innocent words (no "security", "race",
// "CVE"...), alarming words on trivial work, and ordinary requests between them. The hazard
// families in hazards.ts for untrusted input, injection sinks, secret equality, weakened
// controls, durability and dropped fences were written against adversarial-a (first run 70.0%,
// 24.4% under-routed, 12 severe); its floor is today's figure less two points.
const ADVERSARIAL_FLOORS: Readonly<Record<string, Floor>> = {
  'adversarial-a.jsonl': { accuracy: 0.83, underRouting: 0.12, severe: 3 },
  // adversarial-b and adversarial-c, blind sets of the same design, were measured before and
  // after those families without being read (64.4% → 67.5%, 9 → 7 severe; 67.5% → 70.0%,
  // 12 → 10 severe); a third round of families was then written against them. Floors: today's
  // figures less two points.
  'adversarial-b.jsonl': { accuracy: 0.77, underRouting: 0.16, severe: 0 },
  'adversarial-c.jsonl': { accuracy: 0.81, underRouting: 0.12, severe: 3 },
  // adversarial-d is the holdout for all three rounds, never read: 56.9% before them and 61.3%
  // after (17 → 16 severe). Risky work described in innocent words is mostly knowledge that
  // surface rules do not carry; that is what the difficulty check is for.
  'adversarial-d.jsonl': { accuracy: 0.59, underRouting: 0.31, severe: 11 },
  // adversarial-e: the same design, written and labelled at stop 15 by two helpers that never
  // saw the router (they agree on 94.2%), measured once, unread: 63.3%, 25.0% under-routed,
  // 11 severe (12 on the code before that stop). Floor: that run less two points.
  'adversarial-e.jsonl': { accuracy: 0.61, underRouting: 0.27, severe: 10 },
};

describe('router on adversarial phrasing', () => {
  holdsFloors(/^adversarial-[\w-]+\.jsonl$/, ADVERSARIAL_FLOORS);
});
