import assert from 'node:assert/strict';
import fc from 'fast-check';
import { selectorScore, selectorVerifiers, taskWeights } from '../../../src/core/filter/weights';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { linearQuantile } from '../../../src/core/filter/quantile';

const mc = parseSelector('mc');
const weightsOf = (scores: (number | null)[], filter: string): number[] => taskWeights(scores.map((s) => ({ mc: s })), mc, parseFilter(filter));

describe('selectorScore', () => {
  it('reads a verifier; null or missing gives null', () => {
    assert.equal(selectorScore({ mc: 0.3 }, mc), 0.3);
    assert.equal(selectorScore({ mc: null }, mc), null);
    assert.equal(selectorScore({ 'cot-score': 0.3 }, mc), null);
  });

  it('mean averages the parts, and takes their minimum, both null if any part is', () => {
    assert.equal(selectorScore({ mc: 0.2, 'cot-score': 0.6 }, parseSelector('mean(mc,cot-score)')), (0.2 + 0.6) / 2);
    assert.equal(selectorScore({ mc: 0.2, 'cot-score': 0.6 }, parseSelector('and(mc,cot-score)')), 0.2);
    assert.equal(selectorScore({ mc: 0.2, 'cot-score': null }, parseSelector('mean(mc,cot-score)')), null);
    assert.equal(selectorScore({ mc: 0.2 }, parseSelector('and(mc,cot-score)')), null);
    // mean(and(0.2, 0.6), 0.9) = (min(0.2,0.6) + 0.9)/2 = 0.55
    assert.equal(selectorScore({ a: 0.2, b: 0.6, c: 0.9 }, parseSelector('mean(and(a,b),c)')), (0.2 + 0.9) / 2);
  });

  it('lists the verifiers a selector reads, once each', () => {
    assert.deepEqual(selectorVerifiers(parseSelector('and(mc,mean(cot-score,mc))')), ['mc', 'cot-score']);
  });
});

describe('taskWeights', () => {
  it('threshold keeps score ≥ τ; null never passes', () => {
    assert.deepEqual(weightsOf([0.3, 0.8, null, 0.8, 0.81], 'threshold:0.8'), [0, 1, 0, 1, 1]);
    assert.deepEqual(weightsOf([0, null], 'threshold:0'), [1, 0]);
  });

  it('quantile cuts at the numpy-linear q-quantile of the task and keeps score ≥ cut', () => {
    // [0.1,0.4,0.4,0.9] q=0.5: cut = 0.4 → keeps 0.4, 0.4, 0.9
    assert.deepEqual(weightsOf([0.1, 0.4, 0.4, 0.9], 'quantile:0.5'), [0, 1, 1, 1]);
    // q=0.8: h = 3·0.8 = 2.4 → cut = 0.4 + 0.4·(0.9−0.4) = 0.6 → keeps only 0.9
    assert.deepEqual(weightsOf([0.1, 0.4, 0.4, 0.9], 'quantile:0.8'), [0, 0, 0, 1]);
    // q=0 keeps everything, q=1 keeps every copy of the maximum
    assert.deepEqual(weightsOf([0.1, 0.4, 0.4, 0.9], 'quantile:0'), [1, 1, 1, 1]);
    assert.deepEqual(weightsOf([0.9, 0.3, 0.9], 'quantile:1'), [1, 0, 1]);
    // float trap: 0.1+0.2 = 0.30000000000000004 is the max and must survive q=1
    assert.deepEqual(weightsOf([0.1, 0.1 + 0.2, 0.3], 'quantile:1'), [0, 1, 0]);
  });

  it('quantile cuts a task of any size at the quantile of its sorted scores (a few sorted by insertion, many by the typed sort)', () => {
    const score = fc.oneof(fc.constantFrom(0, 0.25, 0.5, 1, null), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 80 }), fc.double({ min: 0, max: 1, noNaN: true }), (scores, q) => {
        const real = scores.filter((s): s is number => s !== null);
        const sorted = Float64Array.from(real).sort();
        const cut = real.length === 0 ? Infinity : linearQuantile(sorted, q);
        assert.deepEqual(weightsOf(scores, `quantile:${q}`), scores.map((s) => (s !== null && s >= cut ? 1 : 0)));
      }),
      { numRuns: 500 },
    );
  });

  it('quantile ignores nulls in the cut and never keeps them; all-null keeps nothing', () => {
    // non-null sorted [0.2,0.4,0.6], q=0.5: h = 1 → cut 0.4
    assert.deepEqual(weightsOf([0.2, null, 0.6, 0.4], 'quantile:0.5'), [0, 0, 1, 1]);
    assert.deepEqual(weightsOf([null, 0.2], 'quantile:0'), [0, 1]);
    assert.deepEqual(weightsOf([null, null], 'quantile:0'), [0, 0]);
  });

  it('topk keeps the k best, ties by lower index, nulls last', () => {
    // order: 0.9(#1), 0.7(#4), 0.5(#0), 0.5(#2), null(#3)
    assert.deepEqual(weightsOf([0.5, 0.9, 0.5, null, 0.7], 'topk:3'), [1, 1, 0, 0, 1]);
    assert.deepEqual(weightsOf([0.5, 0.9, 0.5, null, 0.7], 'topk:5'), [1, 1, 1, 1, 1]);
    assert.deepEqual(weightsOf([null, null, 0.1], 'topk:2'), [1, 0, 1]);
    assert.deepEqual(weightsOf([0.2, 0.2], 'topk:10'), [1, 1]);
  });

  it('exp weighs exp(s/β) scaled so the task maximum weighs 1; null weighs 0', () => {
    // β=0.5, max 1: w = exp((s−1)/0.5) → exp(−2), exp(−1), 1, 0
    const w = weightsOf([0, 0.5, 1, null], 'exp:0.5');
    const expected = [Math.exp(-2), Math.exp(-1), 1, 0];
    w.forEach((x, i) => assert.ok(Math.abs(x - (expected[i] as number)) < 1e-12));
    // Ratios are those of exp(s/β) whatever the scale.
    const v = weightsOf([0.2, 0.7], 'exp:0.3');
    assert.ok(Math.abs((v[0] as number) / (v[1] as number) - Math.exp(0.2 / 0.3) / Math.exp(0.7 / 0.3)) < 1e-12);
    // No overflow for tiny β: exp(1/1e-4) would be Infinity.
    const tiny = weightsOf([1, 0.99], 'exp:0.0001');
    assert.equal(tiny[0], 1);
    assert.ok(Number.isFinite(tiny[1]) && (tiny[1] as number) >= 0);
    assert.deepEqual(weightsOf([null, null], 'exp:1'), [0, 0]);
  });

  it('and(a,b) filters each part separately and multiplies the weights', () => {
    const scores = [
      { a: 0.9, b: 0.1 },
      { a: 0.2, b: 0.9 },
      { a: 0.8, b: 0.9 },
      { a: 0.95, b: null },
    ];
    // a ≥ 0.5 keeps #0,#2,#3; b ≥ 0.5 keeps #1,#2 → both: #2
    assert.deepEqual(taskWeights(scores, parseSelector('and(a,b)'), parseFilter('threshold:0.5')), [0, 0, 1, 0]);
    // per-part quantile 0.5: a sorted [0.2,0.8,0.9,0.95] → cut 0.85 keeps #0,#3; b non-null [0.1,0.9,0.9] → cut 0.9 keeps #1,#2 → none
    assert.deepEqual(taskWeights(scores, parseSelector('and(a,b)'), parseFilter('quantile:0.5')), [0, 0, 0, 0]);
    // exp multiplies: exp((a−0.95)/1)·exp((b−0.9)/1) at #2 = exp(−0.15)·1
    const w = taskWeights(scores, parseSelector('and(a,b)'), parseFilter('exp:1'));
    assert.ok(Math.abs((w[2] as number) - Math.exp(0.8 - 0.95)) < 1e-12);
    assert.equal(w[3], 0);
  });

  it('mean filters on the averaged score', () => {
    // means: 0.5, 0.55, 0.85 → threshold 0.55 keeps #1, #2
    const scores = [{ a: 0.9, b: 0.1 }, { a: 0.2, b: 0.9 }, { a: 0.8, b: 0.9 }];
    assert.deepEqual(taskWeights(scores, parseSelector('mean(a,b)'), parseFilter('threshold:0.55')), [0, 1, 1]);
  });

  it('rejects scores outside [0,1]', () => {
    assert.throws(() => weightsOf([0.2, 7], 'threshold:0.5'), /sample 1: score of verifier "mc" is 7/);
    assert.throws(() => weightsOf([Number.NaN], 'threshold:0.5'), /NaN/);
  });

  it('quantile keeps at least one sample whenever a score is present', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (scores, q) => {
          const kept = weightsOf(scores, `quantile:${q}`).reduce((a, b) => a + b, 0);
          assert.ok(scores.every((s) => s === null) ? kept === 0 : kept >= 1);
        },
      ),
    );
  });
});
