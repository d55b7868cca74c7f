import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { HarmonicNumbers, riskCoverage, ScoreRanking } from '../../../src/core/stats/riskCoverage';
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

  it('equals risk(i) summed by its definition when tie blocks are long (the closed form of a block’s harmonic sums)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ score: fc.option(fc.constantFrom(0.1, 0.5, 0.9), { nil: null }), correct: fc.boolean() }), { minLength: 1, maxLength: 300 }), (rows) => {
        // risk(i) = (E_b + (i − a_b)·e_b/n_b)/i, term by term, block by block.
        const key = (r: NaiveRow): number => (r.score === null ? -Infinity : r.score);
        let covered = 0;
        let errors = 0;
        let sum = 0;
        for (const s of [...new Set(rows.map(key))].sort((a, b) => b - a)) {
          const block = rows.filter((r) => key(r) === s);
          const wrong = block.filter((r) => !r.correct).length;
          for (let j = 1; j <= block.length; j++) sum += (errors + (j * wrong) / block.length) / (covered + j);
          covered += block.length;
          errors += wrong;
        }
        assertClose(of(rows)?.aurc, sum / rows.length, 'aurc');
      }),
    );
  });

  it('harmonic numbers: the term-by-term sum when small, the asymptotic series when large', () => {
    const h = new HarmonicNumbers();
    h.reserve(10);
    h.reserve(1_000_000);
    let direct = 0;
    let prefix = 0;
    for (let i = 1; i < 70; i++) {
      prefix += direct; // C(i) = H(0) + … + H(i − 1)
      direct += 1 / i;
      assert.ok(Math.abs((h.h[i] as number) - direct) <= 1e-14, `H(${i})`);
      assert.ok(Math.abs((h.c[i] as number) - prefix) <= 1e-12, `C(${i})`);
    }
    // H(i) = ln i + γ + 1/(2i) − 1/(12i²) + 1/(120i⁴) − 1/(252i⁶) + O(i⁻⁸): exact to rounding from i = 70 on.
    const gamma = 0.5772156649015329;
    for (const i of [70, 1000, 9973, 123_457, 1_000_000]) {
      const series = Math.log(i) + gamma + 1 / (2 * i) - 1 / (12 * i * i) + 1 / (120 * i ** 4) - 1 / (252 * i ** 6);
      assert.ok(Math.abs((h.h[i] as number) - series) <= 1e-14, `H(${i}): ${h.h[i]} vs ${series}`);
    }
    assert.deepEqual([h.h[0], h.c[0], h.c[1]], [0, 0, 0]);
  });
});
