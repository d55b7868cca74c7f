import assert from 'node:assert/strict';
import { binScores } from '../../../src/core/report/histogram';

describe('binScores', () => {
  it('puts each score in its [lo, hi) bin and 1 in the last bin', () => {
    const h = binScores(
      [
        { score: 0, correct: true },
        { score: 0.2499, correct: false },
        { score: 0.25, correct: true },
        { score: 0.75, correct: false },
        { score: 1, correct: true },
        { score: 1, correct: false },
      ],
      4,
    );
    assert.deepEqual(
      h.bins.map((b) => [b.lo, b.hi, b.correct, b.incorrect]),
      [
        [0, 0.25, 1, 1],
        [0.25, 0.5, 1, 0],
        [0.5, 0.75, 0, 0],
        [0.75, 1, 1, 2],
      ],
    );
    assert.deepEqual(h.unscored, { correct: 0, incorrect: 0 });
  });

  it('counts samples without a score apart', () => {
    const h = binScores([{ score: null, correct: true }, { score: null, correct: false }, { score: Number.NaN, correct: false }], 2);
    assert.deepEqual(h.unscored, { correct: 1, incorrect: 2 });
    assert.equal(h.bins.reduce((s, b) => s + b.correct + b.incorrect, 0), 0);
  });

  it('places the ten cot-score levels in ten different bins of 20', () => {
    const h = binScores(Array.from({ length: 10 }, (_, i) => ({ score: i / 9, correct: true })));
    assert.equal(h.bins.filter((b) => b.correct === 1).length, 10);
  });

  it('rejects a bin count that is not a positive integer', () => {
    assert.throws(() => binScores([], 0), RangeError);
  });
});
