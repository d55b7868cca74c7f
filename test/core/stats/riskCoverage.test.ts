import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { harmonicRange, riskCoverage, ScoreRanking } from '../../../src/core/stats/riskCoverage';
import { assertClose } from './fixtures';
import { naiveRiskCoverage, type NaiveRow } from './naive';

const ranked = (rows: readonly NaiveRow[]) => {
  const ranking = new ScoreRanking(Float64Array.from(rows, (r) => r.score ?? MISSING_SCORE));
  return { ranking, correct: Uint8Array.from(rows, (r) => (r.correct ? 1 : 0)) };
};
const of = (rows: readonly NaiveRow[], points?: number) => {
  const { ranking, correct } = ranked(rows);
  return riskCoverage(ranking, correct, undefined, points);
};
const row = (score: number | null, correct: boolean): NaiveRow => ({ score, correct });
// Few distinct scores, so ties are common; small enough to enumerate every order of the ties.
const tiedRowsArb = fc.array(fc.record({ score: fc.option(fc.constantFrom(0, 0.3, 0.5, 1), { nil: null, freq: 4 }), correct: fc.boolean() }), { minLength: 1, maxLength: 7 });

describe('risk–coverage', () => {
  it('matches the hand-computed case (the mc scores of handSamples, the unscored sample last)', () => {
    // Best first, tie blocks (samples, errors): 0.9 (2,1), 0.8 (2,1), 0.7 (1,0), 0.6 (1,1), 0.4 (2,1),
    // 0.3 (2,0), 0.2 (2,1), 0.1 (3,1), missing (1,1). Expected errors rise linearly through a block, so the
    // risk at i = 1…16 is ½ ½ ½ ½ 2/5 ½ ½ ½ 4/9 4/10 4.5/11 5/12 (16/3)/13 (17/3)/14 6/15 7/16.
    const rows = [
      row(0.9, true), row(0.6, false), row(0.3, true), row(null, false),
      row(0.8, true), row(0.7, true), row(0.2, false), row(0.1, false),
      row(0.4, true), row(0.3, true), row(0.2, true), row(0.1, true),
      row(0.9, false), row(0.8, false), row(0.1, true), row(0.4, false),
    ];
    const risks = [0.5, 0.5, 0.5, 0.5, 0.4, 0.5, 0.5, 0.5, 4 / 9, 0.4, 4.5 / 11, 5 / 12, 16 / 3 / 13, 17 / 3 / 14, 0.4, 7 / 16];
    const rc = of(rows);
    assert.ok(rc);
    assert.equal(rc.samples, 16);
    assertClose(rc.aurc, risks.reduce((a, b) => a + b, 0) / 16, 'aurc');
    // 9 correct: the best ranking has risk max(0, i − 9)/i.
    assertClose(rc.aurcOptimal, (1 / 10 + 2 / 11 + 3 / 12 + 4 / 13 + 5 / 14 + 6 / 15 + 7 / 16) / 16, 'optimal');
    assertClose(rc.aurcRandom, 7 / 16, 'random');
    // 16 samples ≤ 100 points: one point per sample.
    assert.equal(rc.curve.length, 16);
    rc.curve.forEach((p, i) => {
      assertClose(p.risk, risks[i] as number, `risk at ${i + 1}`);
      assert.equal(p.coverage, (i + 1) / 16);
    });
    assert.deepEqual([rc.curve[0]?.score, rc.curve[14]?.score, rc.curve[15]?.score], [0.9, 0.1, null]);
  });

  it('equals the mean over every order of the ties, computed naively', () => {
    fc.assert(
      fc.property(tiedRowsArb, (rows) => {
        const rc = of(rows);
        const naive = naiveRiskCoverage(rows);
        assert.ok(rc);
        assertClose(rc.aurc, naive.aurc, 'aurc');
        rc.curve.forEach((p, i) => assertClose(p.risk, naive.risk[i] as number, `risk at ${i + 1}`));
      }),
    );
  });

  it('reports ⌈j·N/100⌉ for j = 1…100 when there are more than 100 samples', () => {
    const rows = Array.from({ length: 250 }, (_, i) => row(i / 250, i % 3 === 0));
    const rc = of(rows);
    assert.ok(rc);
    assert.equal(rc.curve.length, 100);
    assert.deepEqual(rc.curve.slice(0, 3).map((p) => p.coverage * 250), [3, 5, 8]);
    assert.equal(rc.curve[99]?.coverage, 1);
    assertClose(rc.curve[99]?.risk, rc.aurcRandom, 'full coverage is the error rate');
  });

  it('edge cases: constant scores give the random AURC; no positives gives 1; all correct gives 0', () => {
    const constant = of([row(0.5, true), row(0.5, false), row(0.5, false), row(0.5, true)]);
    assertClose(constant?.aurc, 0.5, 'constant');
    assertClose(of([row(0.2, false), row(0.9, false)])?.aurc, 1, 'no positives');
    assertClose(of([row(0.2, true), row(null, true)])?.aurc, 0, 'all correct');
    assert.equal(riskCoverage(new ScoreRanking(Float64Array.of(0.5)), Uint8Array.of(1), Int32Array.of(0)), null);
  });

  it('a multiplicity counts a row that often', () => {
    fc.assert(
      fc.property(tiedRowsArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 7, maxLength: 7 }), (rows, times) => {
        const duplicated = rows.flatMap((r, i) => Array.from({ length: times[i] as number }, () => r));
        fc.pre(duplicated.length > 0 && duplicated.length <= 8);
        const { ranking, correct } = ranked(rows);
        assertClose(riskCoverage(ranking, correct, times.slice(0, rows.length))?.aurc, naiveRiskCoverage(duplicated).aurc, 'aurc');
      }),
    );
  });

  it('harmonicRange equals the term-by-term sum over short and long ranges', () => {
    const direct = (a: number, b: number): number => {
      let s = 0;
      for (let i = b; i > a; i--) s += 1 / i;
      return s;
    };
    for (const [a, b] of [[0, 0], [0, 1], [0, 200], [10, 500], [63, 64], [64, 1000], [1000, 1001], [5000, 90000], [123456, 987654]] as const) {
      const expected = direct(a, b);
      assert.ok(Math.abs(harmonicRange(a, b) - expected) <= 1e-13 * Math.max(1, expected), `H(${b}) − H(${a})`);
    }
  });
});
