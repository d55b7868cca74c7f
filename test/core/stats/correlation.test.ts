import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { averageRanks, pearson, spearman, verifierCorrelations } from '../../../src/core/stats/correlation';
import { assertClose } from './fixtures';

describe('correlation', () => {
  it('pearson matches a hand value', () => {
    // x=[1,2,3,4], y=[2,4,5,9]: dx=[−1.5,−.5,.5,1.5], dy=[−3,−1,0,4]; sxy=11, sxx=5, syy=26 → 11/√130
    assertClose(pearson([1, 2, 3, 4], [2, 4, 5, 9]), 11 / Math.sqrt(130));
    assert.equal(pearson([1], [2]), null);
    assert.equal(pearson([0.3, 0.3, 0.3], [1, 2, 3]), null);
  });

  it('average ranks share ties', () => {
    assert.deepEqual(Array.from(averageRanks(Float64Array.of(0.2, 0.1, 0.2, 0.5, 0.2))), [3, 1, 3, 5, 3]);
    assert.deepEqual(Array.from(averageRanks(Float64Array.of(MISSING_SCORE, 0.4, MISSING_SCORE))), [1.5, 3, 1.5]);
  });

  it('spearman with ties matches a hand value', () => {
    // x=[1,2,2,3] → ranks [1,2.5,2.5,4]; y=[1,3,2,4] → ranks [1,3,2,4]
    // dx=[−1.5,0,0,1.5], dy=[−1.5,.5,−.5,1.5]: sxy=4.5, sxx=4.5, syy=5 → 4.5/√22.5
    assertClose(spearman(Float64Array.of(1, 2, 2, 3), Float64Array.of(1, 3, 2, 4)), 4.5 / Math.sqrt(22.5));
    // monotone but non-linear → ρ = 1
    assertClose(spearman(Float64Array.of(0.1, 0.2, 0.3), Float64Array.of(0.01, 0.5, 0.9)), 1);
  });

  it('verifierCorrelations pairs rows where both are present; keys sorted "a~b"', () => {
    // shared rows 0, 1, 3: x=[0.1,0.2,0.3], y=[0.1,0.3,0.2] → r = 0.01/0.02 = 0.5; ranks [1,2,3] vs [1,3,2] → ρ = 0.5
    const columns = new Map([
      ['mc', Float64Array.of(0.1, 0.2, MISSING_SCORE, 0.3, 0.5)],
      ['cot-score', Float64Array.of(0.1, 0.3, 0.9, 0.2, MISSING_SCORE)],
    ]);
    const r = verifierCorrelations(columns);
    assert.deepEqual(Object.keys(r.pearson), ['cot-score~mc']);
    assertClose(r.pearson['cot-score~mc'], 0.5);
    assertClose(r.spearman['cot-score~mc'], 0.5);
  });

  it('the shared-order Spearman of verifierCorrelations equals spearman on the paired rows', () => {
    const cell = fc.option(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { maxLength: 30 }), (rows) => {
        const a = Float64Array.from(rows, ([x]) => x ?? MISSING_SCORE);
        const b = Float64Array.from(rows, ([, y]) => y ?? MISSING_SCORE);
        const both = rows.filter(([x, y]) => x !== null && y !== null);
        const expected = spearman(Float64Array.from(both, ([x]) => x as number), Float64Array.from(both, ([, y]) => y as number));
        const got = verifierCorrelations(new Map([['a', a], ['b', b]])).spearman['a~b'];
        if (expected === null) assert.equal(got, null);
        else assertClose(got, expected);
      }),
    );
  });
});
