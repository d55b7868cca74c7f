import assert from 'node:assert/strict';
import fc from 'fast-check';
import { passAtK, passAtKCurve } from '../../../src/core/stats/passAtK';
import { assertClose, kSubsets } from './fixtures';

describe('passAtK', () => {
  it('matches hand values', () => {
    // n=5, c=2, k=2: 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7
    assertClose(passAtK(5, 2, 2), 0.7);
    // n=10, c=1, k=3: 1 − C(9,3)/C(10,3) = 1 − 84/120 = 0.3 (= k/n for a single correct sample)
    assertClose(passAtK(10, 1, 3), 0.3);
    // k > n−c: some correct sample is always drawn
    assert.equal(passAtK(4, 3, 2), 1);
    assert.equal(passAtK(4, 0, 4), 0);
  });

  it('equals the fraction of k-subsets containing a correct sample (brute force, n ≤ 9)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n }))), ([n, c, k]) => {
        // samples 0..c−1 are the correct ones
        const subsets = kSubsets(n, k);
        const hits = subsets.filter((s) => s.some((i) => i < c)).length;
        assertClose(passAtK(n, c, k), hits / subsets.length);
      }),
    );
  });

  it('stays exact where binomials overflow (n = 2000)', () => {
    // n=2000, c=1: pass@k = k/n exactly in real arithmetic
    assertClose(passAtK(2000, 1, 1500), 1500 / 2000);
  });

  it('averages over tasks, index k−1 holding k', () => {
    // tasks (n,c) = (3,1), (3,3): k=1: (1/3 + 1)/2; k=2: (1 − C(2,2)/C(3,2) + 1)/2 = (2/3 + 1)/2; k=3: 1
    const curve = passAtKCurve([3, 3], [1, 3], 3);
    [(1 / 3 + 1) / 2, (2 / 3 + 1) / 2, 1].forEach((v, i) => assertClose(curve[i], v));
    assert.throws(() => passAtKCurve([3, 2], [1, 1], 3), /at least 3 samples/);
  });
});
