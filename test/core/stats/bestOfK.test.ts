import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bestOfKCurve } from '../../../src/core/stats/bestOfK';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { assertClose, kSubsets, scoreArb } from './fixtures';

/** Best sample of a subset by the documented order: higher score, then lower index; null lowest. */
function bestOf(subset: number[], scores: (number | null)[]): number {
  const key = (i: number): number => scores[i] ?? -Infinity;
  return subset.reduce((best, i) => (key(i) > key(best) || (key(i) === key(best) && i < best) ? i : best));
}

describe('bestOfKCurve', () => {
  it('matches hand values', () => {
    // scores [0.2, 0.9, 0.5], correct [1, 0, 1]; ranking #1(w), #2(c), #0(c)
    // k=1: 2/3. k=2: subsets {0,1}→#1 w, {0,2}→#2 c, {1,2}→#1 w → 1/3. k=3: #1 → 0
    const curve = bestOfKCurve(Float64Array.of(0.2, 0.9, 0.5), Uint8Array.of(1, 0, 1), Int32Array.of(0, 3), 3);
    [2 / 3, 1 / 3, 0].forEach((v, i) => assertClose(curve[i], v));
  });

  it('breaks ties by lower index and ranks nulls last', () => {
    // scores [null, 0.5, 0.5], correct [1, 0, 1]: ranking #1(w), #2(c), #0(c); k=3 picks #1 → 0
    // k=2: {0,1}→#1 w, {0,2}→#2 c, {1,2}→#1 w → 1/3
    const curve = bestOfKCurve(Float64Array.of(MISSING_SCORE, 0.5, 0.5), Uint8Array.of(1, 0, 1), Int32Array.of(0, 3), 3);
    [2 / 3, 1 / 3, 0].forEach((v, i) => assertClose(curve[i], v));
  });

  it('equals brute-force enumeration of k-subsets (n ≤ 8), averaged over tasks', () => {
    const task = fc.array(fc.record({ score: scoreArb, correct: fc.boolean() }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 3 }), (tasks) => {
        const maxK = Math.min(...tasks.map((t) => t.length));
        const rows = tasks.flat();
        const starts = Int32Array.from([0, ...tasks.map((_, i) => tasks.slice(0, i + 1).reduce((n, t) => n + t.length, 0))]);
        const curve = bestOfKCurve(
          Float64Array.from(rows, (r) => r.score ?? MISSING_SCORE),
          Uint8Array.from(rows, (r) => (r.correct ? 1 : 0)),
          starts,
          maxK,
        );
        assert.equal(curve.length, maxK);
        for (let k = 1; k <= maxK; k++) {
          let expected = 0;
          for (const t of tasks) {
            const scores = t.map((r) => r.score);
            const subsets = kSubsets(t.length, k);
            expected += subsets.filter((s) => t[bestOf(s, scores)]?.correct).length / subsets.length / tasks.length;
          }
          assertClose(curve[k - 1], expected, `best-of-${k}`);
        }
      }),
    );
  });
});
