// The edge cases of docs/statistics.md ("Bootstrap confidence intervals", "Verifier quality: edge
// cases") through the cache-friendly layouts: the gap's sums by multiplicity and the resampled AURC.
import assert from 'node:assert/strict';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { DRAW_BATCH, drawTask, drawTasks } from '../../../src/core/stats/bootstrap';
import { computeReport } from '../../../src/core/stats/report';
import { CalibrationSums } from '../../../src/core/stats/calibration';
import { aurcLayout, ResampledAurc } from '../../../src/core/stats/resampledAurc';
import { HarmonicNumbers, ScoreRanking } from '../../../src/core/stats/riskCoverage';
import type { ScoredSample } from '../../../src/core/stats/types';
import { prepareQuality } from '../../../src/core/stats/verifierQuality';
import { createRng } from '../../../src/core/util/random';
import { assertClose, sample } from './fixtures';

const report = (samples: ScoredSample[], selector: string, filter: string) =>
  computeReport(samples, { selector: parseSelector(selector), filter: parseFilter(filter), bootstrap: { resamples: 300, seed: 5, level: 0.9 } });

/** `tasks` tasks of `n` samples, correct with a task-dependent rate, mc scores from `score`. */
function run(tasks: number, n: number, score: (t: number, i: number) => number | null): ScoredSample[] {
  const rng = createRng(`edges:${tasks}:${n}`);
  return Array.from({ length: tasks * n }, (_, r) => {
    const t = Math.floor(r / n);
    return sample(`t${String(t).padStart(3, '0')}`, r % n, rng.next() < (t % 5) / 4, { mc: score(t, r % n) });
  });
}

describe('bootstrap edge cases', () => {
  it('draws in batches exactly the draws one at a time', () => {
    const one = createRng(9);
    const batched = createRng(9);
    const out = new Int32Array(DRAW_BATCH);
    for (const count of [DRAW_BATCH, 7, 0, 300]) {
      drawTasks(batched, 1234, out, count);
      for (let i = 0; i < count; i++) assert.equal(out[i], drawTask(one, 1234));
    }
  });

  it('zero kept: every task falls back to J(f|x), so the gap and every resample of it are exactly 0', () => {
    const r = report(run(40, 4, (t, i) => (t + i) / 200), 'mc', 'threshold:1');
    assert.equal(r.tasksNothingKept, 40);
    assert.equal(r.gap, 0);
    assert.deepEqual(r.ci.gap, [0, 0]);
    assert.deepEqual(r.ci.filteredAccuracy, r.ci.accuracy);
    const q = r.verifierQuality[0];
    // Nothing kept: precision undefined; every incorrect sample dropped, so specificity 1 in every resample; F1 0 while something is correct.
    assert.equal(q?.atFilter?.precision, null);
    assert.deepEqual(q?.ci.specificity, [1, 1]);
    assert.deepEqual(q?.ci.f1, [0, 0]);
  });

  it('one task: every interval is the point, through the sums by multiplicity and the resampled AURC', () => {
    const r = report(run(1, 9, (_, i) => i / 10), 'mc', 'quantile:0.5');
    assert.deepEqual(r.ci.accuracy, [r.accuracy, r.accuracy]);
    assert.deepEqual(r.ci.gap, [r.gap, r.gap]);
    const q = r.verifierQuality[0];
    assert.deepEqual(q?.ci.aurc, [q?.aurc, q?.aurc]);
    assert.deepEqual(q?.ci.brier, [q?.brier, q?.brier]);
  });

  it('a task with no scored sample keeps nothing, ranks last, and alone leaves calibration undefined but the AURC defined', () => {
    const samples = run(31, 4, (t, i) => (t === 7 ? null : ((t * 7 + i * 3) % 10) / 10));
    const r = report(samples, 'mc', 'quantile:0.5');
    const task = r.perTask[7];
    assert.equal(task?.nothingKept, true);
    assert.equal(task?.filteredAccuracy, task?.accuracy);
    const q = r.verifierQuality[0];
    assert.equal(q?.partial, true);
    assert.ok(q?.ci.brier && q.ci.aurc);
    // The resampled AURC of a resample that drew only that task twice: one (missing-score) block, so the error share.
    const scores = Float64Array.from(samples, (s) => s.scores.mc ?? MISSING_SCORE);
    const correct = Uint8Array.from(samples, (s) => (s.correct ? 1 : 0));
    const starts = Int32Array.from({ length: 32 }, (_, t) => 4 * t);
    const counts = new Int32Array(31);
    counts[7] = 2;
    const wrong = 4 - (correct.subarray(28, 32).reduce((a, b) => a + b, 0) as number);
    const prepared = prepareQuality({ starts, correct, scores, weights: new Float64Array(scores.length) });
    const aurc = prepared.resampledAurc.aurc(counts, 8, new HarmonicNumbers());
    assertClose(aurc ?? Number.NaN, wrong / 4, 'aurc of the unscored task alone');
    // It has no calibration entry, so a resample of it alone adds no calibration sum: brier, ece, rmsce undefined (NaN, left out).
    assert.equal(prepared.entryStarts[8], prepared.entryStarts[7]);
    const out = new Float64Array(3);
    assert.equal(new CalibrationSums().errorsInto(out, 0), 0);
    assert.deepEqual([...out], [Number.NaN, Number.NaN, Number.NaN]);
  });

  it('ties: with one score for every sample, each resample’s AURC is its share of incorrect samples', () => {
    const rng = createRng('ties');
    const tasks = 50;
    const starts = Int32Array.from({ length: tasks + 1 }, (_, t) => 3 * t);
    const correct = Uint8Array.from({ length: 3 * tasks }, () => (rng.next() < 0.4 ? 1 : 0));
    const layout = new ResampledAurc(aurcLayout(new ScoreRanking(new Float64Array(3 * tasks).fill(0.5)), starts, correct));
    const harmonic = new HarmonicNumbers();
    for (let b = 0; b < 5; b++) {
      const counts = new Int32Array(tasks);
      for (let i = 0; i < tasks; i++) {
        const t = rng.int(tasks);
        counts[t] = (counts[t] as number) + 1;
      }
      let samples = 0;
      let wrong = 0;
      for (let t = 0; t < tasks; t++) {
        samples += 3 * (counts[t] as number);
        for (let row = 3 * t; row < 3 * t + 3; row++) wrong += (counts[t] as number) * (1 - (correct[row] as number));
      }
      assertClose(layout.aurc(counts, samples, harmonic) ?? Number.NaN, wrong / samples, `resample ${b}`);
    }
  });
});
