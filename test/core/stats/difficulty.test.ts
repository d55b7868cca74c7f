import assert from 'node:assert/strict';
import { byDifficulty } from '../../../src/core/stats/difficulty';

describe('byDifficulty', () => {
  it('bins [lo, hi) with the last bin closed', () => {
    // J = 0 → [0,.2); 0.2 → [.2,.4); 0.8 and 1 → [.8,1]
    const bins = byDifficulty([0, 0.2, 0.8, 1], [0.5, 0.2, 1, 1]);
    assert.deepEqual(bins, [
      { range: [0, 0.2], tasks: 1, accuracy: 0, filteredAccuracy: 0.5, gap: 0.5 },
      { range: [0.2, 0.4], tasks: 1, accuracy: 0.2, filteredAccuracy: 0.2, gap: 0 },
      { range: [0.8, 1], tasks: 2, accuracy: 0.9, filteredAccuracy: 1, gap: 1 - 0.9 },
    ]);
  });

  it('puts J = c/n exactly on an edge into the upper bin (3/5 = 0.6 in floating point)', () => {
    assert.deepEqual(byDifficulty([3 / 5], [3 / 5]).map((b) => b.range), [[0.6, 0.8]]);
  });

  it('accepts custom edges and leaves tasks outside them out', () => {
    // edges [0.5, 1]: J 0.25 falls outside; 0.5 and 0.75 → the one bin
    assert.deepEqual(byDifficulty([0.25, 0.5, 0.75], [0, 1, 1], [0.5, 1]), [{ range: [0.5, 1], tasks: 2, accuracy: 0.625, filteredAccuracy: 1, gap: 0.375 }]);
    assert.throws(() => byDifficulty([0.5], [0.5], [0.5, 0.5]), /increasing/);
    assert.throws(() => byDifficulty([0.5], [0.5], [0]), /increasing/);
  });
});
