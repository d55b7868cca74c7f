import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { bootstrapGap } from '../../../src/core/stats/bootstrap';
import { computeReport } from '../../../src/core/stats/report';
import { UserError } from '../../../src/core/util/errors';
import { createRng } from '../../../src/core/util/random';
import { runArb } from './fixtures';

const point = (accuracy: number, filteredAccuracy: number, relativeGap: number | null) => ({ accuracy, filteredAccuracy, gap: filteredAccuracy - accuracy, relativeGap });

describe('bootstrapGap', () => {
  it('resamples tasks with createRng(seed): one resample is the mean of the drawn tasks', () => {
    const accuracy = Float64Array.of(0, 0.25, 0.5, 1);
    const filtered = Float64Array.of(0.5, 0.25, 1, 1);
    const relative = Float64Array.of(0.5, 0, 1, Number.NaN); // task 3 has J = 1
    const rng = createRng(42);
    const drawn = [0, 1, 2, 3].map(() => Math.floor(rng.next() * 4));
    const mean = (v: Float64Array, ts: number[]): number => ts.reduce((s, t) => s + (v[t] as number), 0) / ts.length;
    const withRelative = drawn.filter((t) => t !== 3);
    const ci = bootstrapGap(accuracy, filtered, relative, point(0.4375, 0.6875, 0.5), { resamples: 1, seed: 42, level: 0.95 });
    // With a single resample every quantile is that resample's value.
    assert.deepEqual(ci.accuracy, [mean(accuracy, drawn), mean(accuracy, drawn)]);
    assert.deepEqual(ci.filteredAccuracy, [mean(filtered, drawn), mean(filtered, drawn)]);
    const gap = mean(filtered, drawn) - mean(accuracy, drawn);
    assert.deepEqual(ci.gap, [gap, gap]);
    assert.deepEqual(ci.relativeGap, withRelative.length === 0 ? null : [mean(relative, withRelative), mean(relative, withRelative)]);
  });

  it('sums a resample in task order, each task times how often it was drawn: bit for bit this reference, on values whose sums depend on the order', () => {
    const tasks = 1000;
    const values = createRng('sums');
    const accuracy = Float64Array.from({ length: tasks }, () => Math.round(values.next() * 10) / 10);
    const filtered = Float64Array.from(accuracy, (a) => Math.min(1, a + Math.round(values.next() * 3) / 10));
    const relative = Float64Array.from(accuracy, (a, t) => (a < 1 ? ((filtered[t] as number) - a) / (1 - a) : Number.NaN));
    for (const seed of [1, 2, 3]) {
      const rng = createRng(seed);
      const counts = new Int32Array(tasks);
      for (let i = 0; i < tasks; i++) {
        const t = Math.floor(rng.next() * tasks);
        counts[t] = (counts[t] as number) + 1;
      }
      let a = 0;
      let f = 0;
      let r = 0;
      let withRelative = 0;
      counts.forEach((m, t) => {
        if (m === 0) return;
        a += m * (accuracy[t] as number);
        f += m * (filtered[t] as number);
        if (!Number.isNaN(relative[t])) {
          r += m * (relative[t] as number);
          withRelative += m;
        }
      });
      const ci = bootstrapGap(accuracy, filtered, relative, point(0.5, 0.6, 0.1), { resamples: 1, seed, level: 0.95 });
      assert.deepEqual(ci.accuracy, [a / tasks, a / tasks]);
      assert.deepEqual(ci.filteredAccuracy, [f / tasks, f / tasks]);
      assert.deepEqual(ci.gap, [f / tasks - a / tasks, f / tasks - a / tasks]);
      assert.deepEqual(ci.relativeGap, [r / withRelative, r / withRelative]);
    }
  });

  it('takes the percentile interval of the resampled means', () => {
    // Two tasks with J = 0 and 1: a resample's mean is 0, ½ or 1 w.p. ¼, ½, ¼, so the 2.5% and 97.5%
    // quantiles of 4000 resamples are 0 and 1. Filtering changes nothing: the gap is 0 in every resample.
    // Only task 0 has J < 1 and its relative term is 0.
    const j = Float64Array.of(0, 1);
    const ci = bootstrapGap(j, j, Float64Array.of(0, Number.NaN), point(0.5, 0.5, 0), { resamples: 4000, seed: 1, level: 0.95 });
    assert.deepEqual(ci.accuracy, [0, 1]);
    assert.deepEqual(ci.gap, [0, 0]);
    assert.deepEqual(ci.relativeGap, [0, 0]);
    // At level 0.4 the 30% and 70% quantiles both fall among the ½ resamples.
    const narrow = bootstrapGap(j, j, Float64Array.of(0, Number.NaN), point(0.5, 0.5, 0), { resamples: 4000, seed: 1, level: 0.4 });
    assert.deepEqual(narrow.accuracy, [0.5, 0.5]);
  });

  it('is reproducible for a seed and changes with it', () => {
    const a = Float64Array.from({ length: 50 }, (_, i) => (i % 7) / 7);
    const f = Float64Array.from(a, (x, i) => Math.min(1, x + (i % 3) / 10));
    const r = Float64Array.from(a, (x, i) => ((f[i] as number) - x) / (1 - x));
    const p = point(0.4, 0.5, 0.2);
    const opts = { resamples: 300, seed: 9, level: 0.95 };
    assert.deepEqual(bootstrapGap(a, f, r, p, opts), bootstrapGap(a, f, r, p, opts));
    assert.notDeepEqual(bootstrapGap(a, f, r, p, opts), bootstrapGap(a, f, r, p, { ...opts, seed: 10 }));
  });

  it('rejects bad options with a UserError', () => {
    const z = Float64Array.of(0.5);
    for (const bad of [{ resamples: -1, seed: 0, level: 0.95 }, { resamples: 1.5, seed: 0, level: 0.95 }, { resamples: 10, seed: 0, level: 1 }, { resamples: 10, seed: Number.NaN, level: 0.9 }]) {
      assert.throws(() => bootstrapGap(z, z, z, point(0.5, 0.5, 0), bad), (e: unknown) => e instanceof UserError && e.exitCode === 2);
    }
  });

  it('the interval contains the point estimate (computeReport on random runs)', () => {
    const filter = fc.constantFrom('quantile:0.5', 'threshold:0.5', 'topk:2', 'exp:0.2');
    fc.assert(
      fc.property(runArb, filter, fc.integer({ min: 0, max: 1000 }), (samples, f, seed) => {
        const r = computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter(f), bootstrap: { resamples: 200, seed, level: 0.95 } });
        const within = (v: number | null, ci: [number, number] | null): void => {
          if (v === null) return assert.equal(ci, null);
          assert.ok(ci !== null && ci[0] - 1e-12 <= v && v <= ci[1] + 1e-12, `${v} outside [${ci?.join(', ')}]`);
        };
        within(r.accuracy, r.ci.accuracy);
        within(r.filteredAccuracy, r.ci.filteredAccuracy);
        within(r.gap, r.ci.gap);
        within(r.relativeGap, r.ci.relativeGap);
      }),
      { numRuns: 60 },
    );
  });
});
