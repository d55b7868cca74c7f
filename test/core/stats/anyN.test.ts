import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { selectorColumn, selectorWeights } from '../../../src/core/filter/weights';
import { anyNCurve, anyNSizes, subsetDraws } from '../../../src/core/stats/anyN';
import { buildPool } from '../../../src/core/stats/pool';
import { passAllKCurve } from '../../../src/core/stats/passAtK';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { assertClose, handSamples, runArb, sample } from './fixtures';
import { naiveAnyN, naivePassAllK, naiveSubsetMeans } from './naive';

const noBootstrap = { resamples: 0, seed: 0, level: 0.95 };
const report = (samples: ScoredSample[], selector: string, filter: string) =>
  computeReport(samples, { selector: parseSelector(selector), filter: parseFilter(filter), bootstrap: noBootstrap });
const withCot = (samples: ScoredSample[]): ScoredSample[] =>
  samples.map((s, i) => ({ ...s, scores: { ...s.scores, 'cot-score': [0.2, 0.5, 0.9, 0.5, null][i % 5] ?? null } }));
const filters = fc.oneof(
  fc.constantFrom(0, 0.3, 0.5, 0.7, 1).map((q) => `quantile:${q}`),
  fc.constantFrom(0, 0.25, 0.5, 0.9).map((t) => `threshold:${t}`),
  fc.integer({ min: 1, max: 5 }).map((k) => `topk:${k}`),
  fc.constantFrom(0.05, 0.3, 2).map((b) => `exp:${b}`),
);

describe('any N', () => {
  it('the hand case: threshold:0.5 at k = 2 by the closed form', () => {
    // Per task (kept K with K_c correct, dropped D with D_c correct; none kept w.p. C(D,2)/C(4,2)):
    //   A: K 2 (1 correct), D 2 (1) → 5/6·½ + 1/6·½ = ½      B: K 2 (2), D 2 (0) → 5/6
    //   C: nothing kept → J = 1                              D: K 2 (0), D 2 (1) → 1/6·½ = 1/12
    // filtered (½ + 5/6 + 1 + 1/12)/4 = 29/48; accuracy 9/16.
    const anyN = report(handSamples(), 'mc', 'threshold:0.5').anyN;
    const at2 = anyN?.points.find((p) => p.k === 2);
    assert.ok(at2);
    assertClose(at2.filteredAccuracy, 29 / 48, 'filtered');
    assertClose(at2.gap, 29 / 48 - 9 / 16, 'gap');
    // Relative: C has J = 1 and is left out; A (½ − ½)/½, B (5/6 − ½)/½, D (1/12 − ¼)/¾.
    assertClose(at2.relativeGap, (0 + 2 / 3 - 2 / 9) / 3, 'relative');
    assert.deepEqual([at2.exact, at2.standardError], [true, 0]);
  });

  it('equals enumerating every k-subset of every task (threshold, topk, quantile, exp; one score, mean and and)', () => {
    fc.assert(
      fc.property(runArb, filters, fc.constantFrom('mc', 'mean(mc,cot-score)', 'and(mc,cot-score)'), (run, filter, selector) => {
        const samples = withCot(run);
        const r = report(samples, selector, filter);
        fc.pre(r.anyN !== null);
        for (const p of r.anyN?.points ?? []) {
          const naive = naiveAnyN(samples, selector, filter, p.k);
          // ≤ 8 samples per task and ≤ 6 tasks: every expectation is a closed form or a full enumeration.
          assert.equal(p.exact, true);
          assertClose(p.filteredAccuracy, naive.filteredAccuracy, `filtered at k=${p.k}`);
          assertClose(p.gap, naive.gap, `gap at k=${p.k}`);
          if (naive.relativeGap === null) assert.equal(p.relativeGap, null);
          else assertClose(p.relativeGap, naive.relativeGap, `relative at k=${p.k}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('at k = N of equal tasks it is the report’s gap; topk:1 is best-of-k; k = 1 is no gap', () => {
    fc.assert(
      fc.property(runArb, filters, (run, filter) => {
        const r = report(run, 'mc', filter);
        fc.pre(r.anyN !== null);
        const points = r.anyN?.points ?? [];
        assertClose(points[0]?.gap, 0, 'k = 1');
        if (new Set(r.perTask.map((t) => t.samples)).size === 1) {
          assertClose(points[points.length - 1]?.gap, r.gap as number, 'k = N');
          assertClose(points[points.length - 1]?.relativeGap ?? 0, r.relativeGap ?? 0, 'relative at k = N');
        }
        const best = report(run, 'mc', 'topk:1');
        for (const p of best.anyN?.points ?? []) assertClose(p.filteredAccuracy, best.bestOfK?.[p.k - 1] as number, `best-of-${p.k}`);
      }),
    );
  });

  it('too many subsets to enumerate: a seeded estimate within its standard error', () => {
    // One task of 20 samples at k = 10: C(20, 10) = 184,756 subsets, 1000 drawn.
    const samples = Array.from({ length: 20 }, (_, i) => sample('t', i, i % 3 !== 1, { mc: ((i * 7) % 20) / 20 }));
    const pool = buildPool(samples);
    const selector = parseSelector('mc');
    const filter = parseFilter('quantile:0.6');
    const input = { starts: pool.starts, correct: pool.correct, columns: pool.columns, selector, filter, weights: selectorWeights(pool.columns, selector, filter, pool.starts), scores: selectorColumn(pool.columns, selector, 20) };
    const counts = { samples: [20], correct: [pool.correct.reduce((a, b) => a + b, 0)] };
    const curve = anyNCurve(input, counts, 5);
    assert.deepEqual(curve.points.map((p) => p.k), [1, 2, 4, 8, 16, 20]);
    assert.equal(curve.draws, 1000);
    const at8 = curve.points[3];
    assert.ok(at8 && !at8.exact && at8.standardError > 0);
    const truth = naiveSubsetMeans(samples, 'mc', 'quantile:0.6', () => 8)[0] as number;
    assert.ok(Math.abs(at8.filteredAccuracy - truth) < 4 * at8.standardError, `${at8.filteredAccuracy} vs ${truth} ± ${at8.standardError}`);
    // The same seed draws the same subsets.
    assert.deepEqual(anyNCurve(input, counts, 5), curve);
    assert.notDeepEqual(anyNCurve(input, counts, 6).points[3], at8);
  });

  it('reports every k up to 16, then the powers of two and N; draws ⌈50000/T⌉ within [2, 1000]', () => {
    assert.deepEqual(anyNSizes(1), [1]);
    assert.deepEqual(anyNSizes(16), Array.from({ length: 16 }, (_, i) => i + 1));
    assert.deepEqual(anyNSizes(100), [1, 2, 4, 8, 16, 32, 64, 100]);
    assert.deepEqual(anyNSizes(128), [1, 2, 4, 8, 16, 32, 64, 128]);
    assert.deepEqual([subsetDraws(1), subsetDraws(50), subsetDraws(1319), subsetDraws(30_000), subsetDraws(100_000)], [1000, 1000, 38, 2, 2]);
  });

  it('is not measured when the selector scored nothing', () => {
    const r = report(handSamples().map((s) => ({ ...s, scores: { mc: null } })), 'mc', 'quantile:0.5');
    assert.equal(r.anyN, null);
    assert.equal(r.bestOfNShortfall, null);
  });
});

describe('pass^k and the best-of-N shortfall', () => {
  it('the hand case', () => {
    // Correct per task of 4: A 2, B 2, C 4, D 1. pass^2 = mean of C(c,2)/C(4,2) = (1 + 1 + 6 + 0)/6/4 = 1/3.
    const r = report(handSamples(), 'mc', 'quantile:0.5');
    assert.deepEqual(r.passAllK, passAllKCurve([4, 4, 4, 4], [2, 2, 4, 1], 4));
    assertClose(r.passAllK[1], 1 / 3, 'pass^2');
    assertClose(r.passAllK[3], 1 / 4, 'pass^4: only C');
    // pass@4 = 1 (every task has a correct sample); best-of-4 takes the top mc score: A .9c, B .8c, C .4c, D .9w → ¾.
    assertClose(r.bestOfNShortfall, 1 / 4, 'shortfall');
  });

  it('equals enumeration, pass^1 is the accuracy, and pass^k ≤ pass@k', () => {
    fc.assert(
      fc.property(runArb, (samples) => {
        const r = report(samples, 'mc', 'quantile:0.5');
        assertClose(r.passAllK[0], r.accuracy, 'pass^1');
        r.passAllK.forEach((v, i) => {
          assertClose(v, naivePassAllK(samples, i + 1), `pass^${i + 1}`);
          assert.ok(v <= (r.passAtK[i] as number) + 1e-12);
        });
        if (r.bestOfNShortfall !== null) assert.ok(r.bestOfNShortfall >= -1e-12);
      }),
    );
  });
});
