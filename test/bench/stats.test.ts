import assert from 'node:assert/strict';
import { pairedRatio, summarize } from '../../bench/lib/stats';

describe('bench stats', () => {
  it('takes the median of odd and even counts, keeping the runs in measured order', () => {
    assert.deepEqual(summarize([5, 1, 3]), { median: 3, min: 1, max: 5, runs: [5, 1, 3] });
    assert.equal(summarize([4, 1, 3, 2]).median, 2.5);
  });

  it('pairs ratios by repetition before taking the median', () => {
    // Per-pair ratios 2, 0.5, 3: median 2 — the ratio of the medians would be 4 / 3.
    assert.equal(pairedRatio([2, 4, 9], [1, 8, 3]).median, 2);
    assert.deepEqual(pairedRatio([10, 1], [5, 1]).runs, [2, 1]);
    assert.throws(() => pairedRatio([1], [1, 2]), /1 vs 2/);
  });

  it('refuses to summarise nothing', () => {
    assert.throws(() => summarize([]), /no values/);
  });
});
