// Finite-N honesty: the warning, the half-sample bias correction, and the coverage simulation that
// justifies both (docs/statistics.md, "Finite N").
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { selectorColumn, selectorWeights, taskWeights } from '../../../src/core/filter/weights';
import { bootstrapGap } from '../../../src/core/stats/bootstrap';
import { biasCorrectionUnavailable, finiteN, finiteNWarning, quantileKept } from '../../../src/core/stats/finiteN';
import { buildPool } from '../../../src/core/stats/pool';
import { computeReport } from '../../../src/core/stats/report';
import { summarizeTask } from '../../../src/core/stats/taskSummary';
import type { ScoredSample } from '../../../src/core/stats/types';
import { createRng } from '../../../src/core/util/random';
import { assertClose, handSamples, sample } from './fixtures';
import { naiveFilteredAccuracy, naiveSubsetMeans } from './naive';

describe('finite N', () => {
  it('warns below 32 samples per task for every filter but topk', () => {
    assert.equal(
      finiteNWarning(parseFilter('quantile:0.5'), 8),
      'few samples per task for quantile:0.5 (N = 8 < 32): at small N its filtered accuracy is biased and the interval of the gap may miss the gap of unlimited samples',
    );
    assert.ok(finiteNWarning(parseFilter('threshold:0.5'), 31));
    assert.ok(finiteNWarning(parseFilter('exp:0.1'), 4));
    assert.equal(finiteNWarning(parseFilter('quantile:0.5'), 32), null);
    assert.equal(finiteNWarning(parseFilter('topk:1'), 4), null);
  });

  it('quantileKept is what the quantile filter keeps of n distinct scores (q on a 1/1000 grid)', () => {
    // Off a grid, a (n−1)·q within rounding of an integer can make the cut equal a score and keep one more.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 1000 }).map((j) => j / 1000), (n, q) => {
        const scores = Array.from({ length: n }, (_, i) => ({ mc: (i + 1) / (n + 1) }));
        const kept = taskWeights(scores, parseSelector('mc'), parseFilter(`quantile:${q}`)).filter((w) => w > 0).length;
        assert.equal(quantileKept(n, q), kept);
      }),
    );
  });

  it('offers the half-sample correction for quantile filters on one score with the same kept share at n and n/2', () => {
    const q = parseFilter('quantile:0.5');
    assert.equal(biasCorrectionUnavailable(parseSelector('mc'), q, [8, 8, 4]), null);
    assert.equal(biasCorrectionUnavailable(parseSelector('mc'), parseFilter('threshold:0.5'), [8]), 'offered for quantile filters only, not threshold:0.5');
    assert.match(biasCorrectionUnavailable(parseSelector('and(mc,cot)'), q, [8]) ?? '', /^offered for one score only/);
    assert.equal(biasCorrectionUnavailable(parseSelector('mc'), q, [8, 7]), 'needs an even number of samples in every task; a task has 7');
    // quantile:0.7 keeps 8 − ⌈4.9⌉ = 3 of 8 but 4 − ⌈2.1⌉ = 1 of 4.
    assert.equal(
      biasCorrectionUnavailable(parseSelector('mc'), parseFilter('quantile:0.7'), [8]),
      'quantile:0.7 keeps 3 of 8 samples but 1 of 4: the half-sample extrapolation needs the same kept share',
    );
    assert.equal(biasCorrectionUnavailable(parseSelector('mean(mc,cot)'), parseFilter('quantile:0.75'), [8]), null);
  });

  it('the bias-corrected gap is the mean of 2·J(f[w]|x) − E over n/2-subsets of J(f[w]|x) (the hand case)', () => {
    const samples = handSamples();
    const r = computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter('quantile:0.5'), bootstrap: { resamples: 200, seed: 4, level: 0.95 } });
    const half = naiveSubsetMeans(samples, 'mc', 'quantile:0.5', (n) => n / 2);
    const full = ['A', 'B', 'C', 'D'].map((t) => naiveFilteredAccuracy(samples.filter((s) => s.task === t), 'mc', 'quantile:0.5'));
    const corrected = full.map((f, t) => 2 * f - (half[t] as number));
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const b = r.finiteN.biasCorrected;
    assert.ok(b);
    assertClose(b.filteredAccuracy, mean(corrected), 'filtered');
    assertClose(b.gap, mean(corrected) - r.accuracy, 'gap');
    assertClose(b.halfSampleGap, mean(half) - r.accuracy, 'half-sample gap');
    // Its intervals use the gap's resamples.
    const accuracy = Float64Array.from(r.perTask, (t) => t.accuracy);
    const ci = bootstrapGap(accuracy, Float64Array.from(corrected), new Float64Array(4).fill(Number.NaN), { accuracy: r.accuracy, filteredAccuracy: b.filteredAccuracy, gap: b.gap, relativeGap: null }, r.ci);
    assert.deepEqual(b.ci, { filteredAccuracy: ci.filteredAccuracy, gap: ci.gap });
    assert.equal(r.finiteN.samplesPerTask, 4);
    assert.match(r.finiteN.warning ?? '', /^few samples per task for quantile:0\.5 \(N = 4 < 32\)/);
  });

  it('nothing scored: no warning, no correction', () => {
    const r = computeReport(handSamples().map((s) => ({ ...s, scores: { mc: null } })), { selector: parseSelector('mc'), filter: parseFilter('quantile:0.5') });
    assert.deepEqual(r.finiteN, { samplesPerTask: 4, warning: null, biasCorrected: null, biasCorrectedUnavailable: 'not measured: the selector scored no sample' });
  });

  describe('coverage simulation (50 tasks, quantile:0.5, 200 seeded replicates)', function () {
    this.timeout(120_000);
    // Population: a task's accuracy p is one of 0.1 … 0.9 (uniform); a correct sample's score has CDF
    // s², an incorrect one's 1 − (1 − s)². With unlimited samples the quantile cut t_p solves
    // p·t² + (1 − p)·(1 − (1 − t)²) = q, and J(f[w]|p) = p·(1 − t²)/(1 − q): the population gap is
    // the mean over p of J(f[w]|p) − p. Each replicate draws 50 tasks of N samples, computes the gap's
    // 95 % task-bootstrap interval (500 resamples) and the bias-corrected one, and checks whether each
    // covers the population gap.
    const Q = 0.5;
    const ACCURACIES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const populationGap = ACCURACIES.reduce((sum, p) => {
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < 60; i++) {
        const t = (lo + hi) / 2;
        if (p * t * t + (1 - p) * (1 - (1 - t) ** 2) < Q) lo = t;
        else hi = t;
      }
      const t = (lo + hi) / 2;
      return sum + (p * (1 - t * t)) / (1 - Q) - p;
    }, 0) / ACCURACIES.length;

    function simulate(n: number, replicates: number, corrected: boolean): { coverage: number; correctedCoverage: number; bias: number; correctedBias: number } {
      const rng = createRng(`coverage:${n}`);
      const selector = parseSelector('mc');
      const filter = parseFilter(`quantile:${Q}`);
      let covered = 0;
      let correctedCovered = 0;
      let gapSum = 0;
      let correctedSum = 0;
      for (let r = 0; r < replicates; r++) {
        const samples: ScoredSample[] = [];
        for (let t = 0; t < 50; t++) {
          const p = ACCURACIES[rng.int(ACCURACIES.length)] as number;
          for (let i = 0; i < n; i++) {
            const correct = rng.next() < p;
            const u = rng.next();
            samples.push(sample(`t${String(t).padStart(2, '0')}`, i, correct, { mc: correct ? Math.sqrt(u) : 1 - Math.sqrt(1 - u) }));
          }
        }
        const pool = buildPool(samples);
        const weights = selectorWeights(pool.columns, selector, filter, pool.starts);
        const accuracy = new Float64Array(50);
        const filtered = new Float64Array(50);
        for (let t = 0; t < 50; t++) {
          const s = summarizeTask(pool.correct, weights, pool.starts[t] as number, pool.starts[t + 1] as number);
          accuracy[t] = s.accuracy;
          filtered[t] = s.filteredAccuracy;
        }
        const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;
        const gap = mean(filtered) - mean(accuracy);
        const options = { resamples: 500, seed: r, level: 0.95 };
        const ci = bootstrapGap(accuracy, filtered, new Float64Array(50).fill(Number.NaN), { accuracy: mean(accuracy), filteredAccuracy: mean(filtered), gap, relativeGap: null }, options);
        const [lo, hi] = ci.gap ?? [NaN, NaN];
        if (lo <= populationGap && populationGap <= hi) covered++;
        gapSum += gap;
        if (!corrected) continue;
        const input = { starts: pool.starts, correct: pool.correct, columns: pool.columns, selector, filter, weights, scores: selectorColumn(pool.columns, selector, samples.length) };
        const b = finiteN(input, new Array(50).fill(n), accuracy, filtered, options).biasCorrected;
        const [clo, chi] = b?.ci.gap ?? [NaN, NaN];
        if (clo <= populationGap && populationGap <= chi) correctedCovered++;
        correctedSum += b?.gap ?? NaN;
      }
      return { coverage: covered / replicates, correctedCoverage: correctedCovered / replicates, bias: gapSum / replicates - populationGap, correctedBias: correctedSum / replicates - populationGap };
    }

    it('at 8 samples per task the interval under-covers; the half-sample correction removes most of the bias', () => {
      const at8 = simulate(8, 200, true);
      // Measured with this seed: population gap 0.1759, coverage 0.84, bias −0.0175; corrected 0.94, bias −0.0035.
      assert.ok(Math.abs(populationGap - 0.1759) < 5e-4, `population gap ${populationGap}`);
      assert.ok(at8.coverage >= 0.7 && at8.coverage <= 0.88, `coverage at N = 8: ${at8.coverage}`);
      assert.ok(at8.bias < -0.01, `bias at N = 8: ${at8.bias}`);
      assert.ok(Math.abs(at8.correctedBias) < Math.abs(at8.bias) / 3, `corrected bias ${at8.correctedBias} vs ${at8.bias}`);
      assert.ok(at8.correctedCoverage >= at8.coverage + 0.04, `corrected coverage ${at8.correctedCoverage} vs ${at8.coverage}`);
    });

    it('at 32 samples per task the bias is a quarter and the interval covers about as it says', () => {
      const at32 = simulate(32, 200, false);
      // Measured with this seed: coverage 0.925, bias −0.0041.
      assert.ok(at32.coverage >= 0.88, `coverage at N = 32: ${at32.coverage}`);
      assert.ok(Math.abs(at32.bias) < 0.007, `bias at N = 32: ${at32.bias}`);
    });
  });
});
