import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { calibration, calibrationBin } from '../../../src/core/stats/calibration';
import { assertClose, scoreArb } from './fixtures';
import { naiveCalibration, type NaiveRow } from './naive';

const column = (rows: readonly NaiveRow[]): Float64Array => Float64Array.from(rows, (r) => r.score ?? MISSING_SCORE);
const correctness = (rows: readonly NaiveRow[]): Uint8Array => Uint8Array.from(rows, (r) => (r.correct ? 1 : 0));
const rowsArb = fc.array(fc.record({ score: scoreArb, correct: fc.boolean() }), { minLength: 0, maxLength: 40 });

describe('calibration', () => {
  it('matches the hand-computed case (the mc scores of handSamples)', () => {
    // Scored: 15 of 16 (A#3 has none). Bins (count, mean score, accuracy):
    //   [0.1,0.2): 0.1w 0.1c 0.1c → 3, 0.1, 2/3     [0.2,0.3): 0.2w 0.2c → 2, 0.2, ½
    //   [0.3,0.4): 0.3c 0.3c → 2, 0.3, 1           [0.4,0.5): 0.4c 0.4w → 2, 0.4, ½
    //   [0.6,0.7): 0.6w → 1, 0.6, 0                 [0.7,0.8): 0.7c → 1, 0.7, 1
    //   [0.8,0.9): 0.8c 0.8w → 2, 0.8, ½           [0.9,1]: 0.9c 0.9w → 2, 0.9, ½
    // ECE = (3·17/30 + 2·0.3 + 2·0.7 + 2·0.1 + 0.6 + 0.3 + 2·0.3 + 2·0.4)/15 = 6.2/15
    // RMSCE² = (3·(17/30)² + 2·0.09 + 2·0.49 + 2·0.01 + 0.36 + 0.09 + 2·0.09 + 2·0.16)/15
    // Brier: correct (1−s)²: .01 .49 .04 .09 .36 .49 .64 .81 .81 = 3.74; wrong s²: .36 .04 .01 .81 .64 .16 = 2.02; (3.74 + 2.02)/15
    const rows: NaiveRow[] = [
      [0.9, true], [0.6, false], [0.3, true], [null, false],
      [0.8, true], [0.7, true], [0.2, false], [0.1, false],
      [0.4, true], [0.3, true], [0.2, true], [0.1, true],
      [0.9, false], [0.8, false], [0.1, true], [0.4, false],
    ].map(([score, correct]) => ({ score: score as number | null, correct: correct as boolean }));
    const c = calibration(column(rows), correctness(rows));
    assert.ok(c);
    assert.equal(c.scored, 15);
    assertClose(c.ece, 6.2 / 15, 'ece');
    assertClose(c.rmsce, Math.sqrt((3 * (17 / 30) ** 2 + 0.18 + 0.98 + 0.02 + 0.36 + 0.09 + 0.18 + 0.32) / 15), 'rmsce');
    assertClose(c.brier, 5.76 / 15, 'brier');
    assert.deepEqual(c.bins.map((b) => b.count), [0, 3, 2, 2, 2, 0, 1, 1, 2, 2]);
    // Empty bins have no mean score and no accuracy (and weigh nothing in ECE).
    assert.deepEqual([c.bins[0]?.meanScore, c.bins[0]?.accuracy, c.bins[5]?.accuracy], [null, null, null]);
    assertClose(c.bins[1]?.accuracy, 2 / 3, 'bin 1 accuracy');
    assert.deepEqual([c.bins[9]?.lo, c.bins[9]?.hi], [0.9, 1]);
  });

  it('puts 0 in the first bin and 1 in the last; a bin is ⌊10·s⌋ in double precision', () => {
    assert.deepEqual([0, 0.05, 0.1, 0.3, 0.7, 0.95, 0.99999, 1].map((s) => calibrationBin(s)), [0, 0, 1, 3, 7, 9, 9, 9]);
  });

  it('edge cases: nothing scored is null; constant scores are one bin; no positives', () => {
    assert.equal(calibration(Float64Array.of(MISSING_SCORE, MISSING_SCORE), Uint8Array.of(1, 0)), null);
    const constant = calibration(Float64Array.of(0.7, 0.7, 0.7, 0.7), Uint8Array.of(1, 1, 1, 0));
    assert.ok(constant);
    assertClose(constant.ece, 0.05, 'constant ece');
    assertClose(constant.rmsce, 0.05, 'constant rmsce');
    const noPositives = calibration(Float64Array.of(0, 0.2), Uint8Array.of(0, 0));
    assert.ok(noPositives);
    assertClose(noPositives.brier, 0.02, 'brier');
    assertClose(noPositives.ece, 0.1, 'ece: bins [0,0.1) and [0.2,0.3), each off by its score');
  });

  it('equals a naive per-bin implementation, and a multiplicity equals duplicating the row', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }), (rows, times) => {
        const expected = naiveCalibration(rows);
        const c = calibration(column(rows), correctness(rows));
        if (expected === null) return assert.equal(c, null);
        assert.ok(c);
        assertClose(c.brier, expected.brier, 'brier');
        assertClose(c.ece, expected.ece, 'ece');
        assertClose(c.rmsce, expected.rmsce, 'rmsce');
        assert.deepEqual(c.bins.map((b) => b.count), expected.counts);
        const duplicated = rows.flatMap((r, i) => Array.from({ length: times[i] as number }, () => r));
        const weighted = calibration(column(rows), correctness(rows), times.slice(0, rows.length));
        const plain = naiveCalibration(duplicated);
        if (plain === null) return assert.equal(weighted, null);
        assert.ok(weighted);
        assertClose(weighted.ece, plain.ece, 'weighted ece');
        assertClose(weighted.brier, plain.brier, 'weighted brier');
      }),
    );
  });

  it('is invariant to the order of the samples', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const reversed = rows.slice().reverse();
        const a = calibration(column(rows), correctness(rows));
        const b = calibration(column(reversed), correctness(reversed));
        if (a === null) return assert.equal(b, null);
        assertClose(b?.ece, a.ece, 'ece');
        assertClose(b?.brier, a.brier, 'brier');
      }),
    );
  });
});
