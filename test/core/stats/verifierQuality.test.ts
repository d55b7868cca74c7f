import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { bootstrapGap } from '../../../src/core/stats/bootstrap';
import { expectedConfusion, filterRates } from '../../../src/core/stats/filterQuality';
import { computeReport } from '../../../src/core/stats/report';
import { bootstrapStatistics } from '../../../src/core/stats/taskBootstrap';
import type { ScoredSample } from '../../../src/core/stats/types';
import { createRng } from '../../../src/core/util/random';
import { assertClose, handSamples, runArb, sample } from './fixtures';
import { naiveCalibration, naiveRiskCoverage, naiveRows } from './naive';

const report = (samples: ScoredSample[], selector: string, filter: string, resamples = 0) =>
  computeReport(samples, { selector: parseSelector(selector), filter: parseFilter(filter), bootstrap: { resamples, seed: 3, level: 0.95 } });

describe('filter quality', () => {
  it('rates of a hand-computed confusion, and their edge cases', () => {
    const r = filterRates({ keptCorrect: 5, keptWrong: 3, droppedCorrect: 4, droppedWrong: 4 });
    assert.deepEqual(r, { precision: 5 / 8, recall: 5 / 9, specificity: 4 / 7, balancedAccuracy: (5 / 9 + 4 / 7) / 2, f1: 10 / 17 });
    // No positives: recall, balanced accuracy undefined; F1 = 0 once something is kept.
    assert.deepEqual(filterRates({ keptCorrect: 0, keptWrong: 2, droppedCorrect: 0, droppedWrong: 1 }), { precision: 0, recall: null, specificity: 1 / 3, balancedAccuracy: null, f1: 0 });
    // Nothing kept and no positives: F1 has no denominator.
    assert.deepEqual(filterRates({ keptCorrect: 0, keptWrong: 0, droppedCorrect: 0, droppedWrong: 3 }), { precision: null, recall: null, specificity: 1, balancedAccuracy: null, f1: null });
    // No negatives: specificity undefined.
    assert.equal(filterRates({ keptCorrect: 1, keptWrong: 0, droppedCorrect: 1, droppedWrong: 0 }).specificity, null);
  });

  it('counts a weight w as w kept and 1 − w dropped (exp: the expected confusion of rejection sampling)', () => {
    assert.deepEqual(expectedConfusion(Uint8Array.of(1, 0, 1), Float64Array.of(1, 0.25, 0.5)), { keptCorrect: 1.5, keptWrong: 0.25, droppedCorrect: 0.5, droppedWrong: 0.75 });
  });
});

describe('verifier quality in the report', () => {
  it('the hand case: mc at quantile:0.5 (partial: A#3 has no score)', () => {
    const [q] = report(handSamples(), 'mc', 'quantile:0.5').verifierQuality;
    assert.ok(q);
    assert.deepEqual([q.selector, q.samples, q.scored, q.measured, q.partial], ['mc', 16, 15, true, true]);
    assertClose(q.ece, 6.2 / 15, 'ece (calibration.test.ts)');
    assertClose(q.brier, 5.76 / 15, 'brier');
    // Kept per task (quantile cuts 0.6, 0.45, 0.25, 0.6): A .9c .6w, B .8c .7c, C .4c .3c, D .9w .8w.
    assert.deepEqual(q.atFilter?.confusion, { keptCorrect: 5, keptWrong: 3, droppedCorrect: 4, droppedWrong: 4 });
    assert.deepEqual([q.atFilter?.specificity, q.atFilter?.f1], [4 / 7, 10 / 17]);
    assert.equal(q.atFilter?.filter, 'quantile:0.5');
    assertClose(q.aurc, naiveRiskCoverage(naiveRows(handSamples(), 'mc')).aurc, 'aurc');
    // 0 resamples: every interval is [point, point].
    assert.deepEqual(q.ci.ece, [q.ece, q.ece]);
  });

  it('lists the selector first, then every other verifier in UTF-16 order, each under the chosen filter', () => {
    const samples = handSamples().map((s) => ({ ...s, scores: { ...s.scores, 'cot-score': s.correct ? 0.8 : 0.3, zeta: null } }));
    const r = report(samples, 'and(mc,cot-score)', 'threshold:0.5');
    assert.deepEqual(r.verifierQuality.map((q) => q.selector), ['and(mc,cot-score)', 'cot-score', 'mc', 'zeta']);
    const [and, cot, mc, zeta] = r.verifierQuality;
    // and(…) keeps what every part keeps: the report's own confusion.
    assert.deepEqual(and?.atFilter?.confusion, r.confusion);
    // The calibration of and(…) is that of the minimum score.
    assertClose(and?.ece, naiveCalibration(naiveRows(samples, 'and(mc,cot-score)'))?.ece as number, 'and ece');
    assertClose(cot?.brier, (9 * 0.04 + 7 * 0.09) / 16, 'cot-score: 0.8 for the 9 correct, 0.3 for the 7 wrong');
    assert.equal(mc?.scored, 15);
    // A verifier that scored nothing: not measured, every statistic null.
    assert.deepEqual([zeta?.measured, zeta?.brier, zeta?.ece, zeta?.aurc, zeta?.reliability, zeta?.riskCoverage, zeta?.atFilter, zeta?.ci.ece], [false, null, null, null, null, null, null, null]);
  });

  it('one resample of the intervals equals the statistic over the drawn tasks, duplicated (a naive recomputation)', () => {
    fc.assert(
      fc.property(runArb, fc.integer({ min: 0, max: 1000 }), (samples, seed) => {
        const r = computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), bootstrap: { resamples: 1, seed, level: 0.95 } });
        const q = r.verifierQuality[0];
        fc.pre(q !== undefined && q.measured);
        const tasks = [...new Set(samples.map((s) => s.task))].sort();
        const rng = createRng(seed);
        const drawn = tasks.map(() => tasks[Math.floor(rng.next() * tasks.length)] as string);
        const resample = drawn.flatMap((task, copy) => samples.filter((s) => s.task === task).map((s) => ({ ...s, task: `${copy}:${task}` })));
        const naive = naiveCalibration(naiveRows(resample, 'mc'));
        if (naive === null) return assert.equal(q.ci.ece, null);
        assertClose(q.ci.ece?.[0], naive.ece, 'ece');
        assertClose(q.ci.brier?.[1], naive.brier, 'brier');
        assertClose(q.ci.aurc?.[0], naiveAurcFast(resample), 'aurc');
      }),
      { numRuns: 60 },
    );
  });

  it('draws the resamples of the gap: a mean over tasks gets bootstrapGap’s interval', () => {
    const accuracy = Float64Array.from({ length: 37 }, (_, t) => (t % 8) / 8);
    const options = { resamples: 500, seed: 11, level: 0.9 };
    const mean = accuracy.reduce((a, b) => a + b, 0) / accuracy.length;
    const gapCi = bootstrapGap(accuracy, accuracy, accuracy, { accuracy: mean, filteredAccuracy: mean, gap: 0, relativeGap: null }, options);
    const [ci] = bootstrapStatistics(accuracy.length, (counts, out) => {
      let sum = 0;
      counts.forEach((m, t) => (sum += m * (accuracy[t] as number)));
      out[0] = sum / accuracy.length;
    }, [mean], options);
    // Multiples of 1/8 over 37 tasks sum exactly in any order.
    assert.deepEqual(ci, gapCi.accuracy);
  });

  it('point estimates do not depend on task ids or input order', () => {
    fc.assert(
      fc.property(runArb, (samples) => {
        const renamed = samples.map((s) => ({ ...s, task: `z-${s.task.split('').reverse().join('')}` })).reverse();
        const a = report(samples, 'mc', 'quantile:0.5').verifierQuality[0];
        const b = report(renamed, 'mc', 'quantile:0.5').verifierQuality[0];
        for (const key of ['brier', 'ece', 'rmsce', 'aurc', 'aurcOptimal'] as const) {
          if (a?.[key] === null) assert.equal(b?.[key], null);
          else assertClose(b?.[key], a?.[key] as number, key);
        }
        assert.deepEqual(b?.atFilter?.confusion, a?.atFilter?.confusion);
      }),
    );
  });

  it('one task: every interval is the point (the only resample is the task itself)', () => {
    const samples = [sample('t', 0, true, { mc: 0.9 }), sample('t', 1, false, { mc: 0.2 }), sample('t', 2, true, { mc: 0.4 })];
    const q = report(samples, 'mc', 'topk:1', 50).verifierQuality[0];
    assert.ok(q?.aurc !== null && q?.aurc !== undefined);
    assert.deepEqual(q.ci.aurc, [q.aurc, q.aurc]);
  });
});

/** The AURC over every tie order, without enumerating permutations: for resamples too large to enumerate. */
function naiveAurcFast(samples: readonly ScoredSample[]): number {
  const rows = naiveRows(samples, 'mc');
  const key = (s: number | null): number => (s === null ? -Infinity : s);
  const scores = [...new Set(rows.map((r) => key(r.score)))].sort((a, b) => b - a);
  let covered = 0;
  let errors = 0;
  let sum = 0;
  for (const s of scores) {
    const block = rows.filter((r) => key(r.score) === s);
    const wrong = block.filter((r) => !r.correct).length;
    // Every position of the block is equally likely to hold each of its samples.
    for (let j = 1; j <= block.length; j++) sum += (errors + (j * wrong) / block.length) / (covered + j);
    covered += block.length;
    errors += wrong;
  }
  return sum / rows.length;
}
