import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { GapAccumulator } from '../../../src/core/stats/accumulator';
import { computeReport } from '../../../src/core/stats/report';
import type { GapReport, LiveGapStats, ScoredSample } from '../../../src/core/stats/types';
import { handSamples, runArb, sample, scoreArb } from './fixtures';

const LIVE_COUNTS = ['tasks', 'samples', 'scored', 'relativeGapExcludedTasks', 'tasksNothingKept'] as const;

function assertSameStats(live: LiveGapStats, report: GapReport): void {
  for (const key of LIVE_COUNTS) assert.equal(live[key], report[key], key);
  assert.ok(Math.abs(live.accuracy - report.accuracy) <= 1e-9, `accuracy: ${live.accuracy} vs ${report.accuracy}`);
  // Null (not measured) in one exactly when in the other.
  for (const key of ['filteredAccuracy', 'gap', 'retention', 'relativeGap', 'precision', 'recall'] as const) {
    const a = live[key];
    const b = report[key];
    assert.ok(a === null ? b === null : b !== null && Math.abs(a - b) <= 1e-9, `${key}: ${a} vs ${b}`);
  }
  assert.deepEqual(live.confusion, report.confusion);
}

const reportOf = (samples: ScoredSample[], selector: string, filter: string): GapReport =>
  computeReport(samples, { selector: parseSelector(selector), filter: parseFilter(filter), bootstrap: { resamples: 0, seed: 0, level: 0.95 } });

describe('GapAccumulator', () => {
  it('reports no samples, a NaN accuracy and nothing measured before the first sample', () => {
    const s = new GapAccumulator(parseSelector('mc'), parseFilter('quantile:0.5')).snapshot();
    assert.equal(s.samples, 0);
    assert.equal(s.tasks, 0);
    assert.equal(s.scored, 0);
    assert.ok(Number.isNaN(s.accuracy));
    // Before this definition the gap was NaN; nothing scored now means not measured (null).
    assert.equal(s.gap, null);
    assert.equal(s.relativeGap, null);
  });

  it('counts a finished task as its samples upserted would, keeps none of them, and refuses to change it', () => {
    const samples = handSamples();
    const tasks = [...new Set(samples.map((s) => s.task))];
    const [first, ...rest] = tasks as [string, ...string[]];
    const upserted = new GapAccumulator(parseSelector('mc'), parseFilter('quantile:0.5'));
    for (const s of samples) upserted.upsert(s);
    const mixed = new GapAccumulator(parseSelector('mc'), parseFilter('quantile:0.5'));
    mixed.addFinished(first, samples.filter((s) => s.task === first).reverse());
    for (const s of samples.filter((x) => rest.includes(x.task))) mixed.upsert(s);
    assertSameStats(mixed.snapshot(), reportOf(samples, 'mc', 'quantile:0.5'));
    assert.deepEqual(mixed.snapshot(), upserted.snapshot());
    const one = samples.find((s) => s.task === first) as ScoredSample;
    assert.throws(() => mixed.upsert(one), /was added as finished/);
    assert.throws(() => mixed.addFinished(first, [one]), /already counted/);
    assert.throws(() => mixed.setFilter(parseSelector('mc'), parseFilter('quantile:0.8')), /cannot be switched/);
  });

  it('upsertTask adds a task\'s samples as upserting each would, and takes none when one is bad or of another task', () => {
    const samples = handSamples();
    const tasks = [...new Set(samples.map((s) => s.task))];
    const together = new GapAccumulator(parseSelector('mc'), parseFilter('quantile:0.5'));
    for (const task of tasks) together.upsertTask(task, samples.filter((s) => s.task === task));
    assertSameStats(together.snapshot(), reportOf(samples, 'mc', 'quantile:0.5'));
    const [first, second] = tasks as [string, string];
    const before = together.snapshot();
    const ofFirst = samples.find((s) => s.task === first) as ScoredSample;
    assert.throws(() => together.upsertTask(first, [{ ...ofFirst, scores: { mc: 0.5 } }, { ...ofFirst, index: 99, scores: { mc: 2 } }]), /mc/);
    assert.throws(() => together.upsertTask(first, [{ ...ofFirst, task: second }]), /was given a sample of task/);
    assert.deepEqual(together.snapshot(), before);
  });

  it('matches computeReport on the hand-computed set, fed one sample at a time', () => {
    const acc = new GapAccumulator(parseSelector('mc'), parseFilter('threshold:0.5'));
    for (const s of handSamples()) acc.upsert(s);
    const live = acc.snapshot();
    // accuracy 0.5625, filtered 0.625, relative 2/9 (see report.test.ts)
    assert.equal(live.gap, 0.0625);
    assertSameStats(live, reportOf(handSamples(), 'mc', 'threshold:0.5'));
  });

  it('replaces a sample when it gets a new score, and a per-task quantile follows', () => {
    const acc = new GapAccumulator(parseSelector('mc'), parseFilter('quantile:0.5'));
    acc.upsert(sample('T', 0, true, {}));
    acc.upsert(sample('T', 1, false, {}));
    // no scores yet: not measured (this used to read as nothing kept, Jw = J = ½: a zero gap nobody measured)
    assert.equal(acc.snapshot().tasksNothingKept, null);
    assert.equal(acc.snapshot().filteredAccuracy, null);
    assert.equal(acc.snapshot().accuracy, 0.5);
    acc.upsert(sample('T', 1, false, { mc: 0.9 }));
    // only #1 scored → cut 0.9 → keeps the wrong sample → Jw = 0
    assert.equal(acc.snapshot().filteredAccuracy, 0);
    acc.upsert(sample('T', 0, true, { mc: 0.95 }));
    // cut = 0.9 + ½·0.05 = 0.925 → keeps #0 only → Jw = 1
    assert.equal(acc.snapshot().filteredAccuracy, 1);
    assert.equal(acc.snapshot().samples, 2);
  });

  it('setFilter recomputes every task', () => {
    const acc = new GapAccumulator(parseSelector('mc'), parseFilter('threshold:0.5'));
    for (const s of handSamples()) acc.upsert(s);
    acc.setFilter(parseSelector('mc'), parseFilter('topk:1'));
    assertSameStats(acc.snapshot(), reportOf(handSamples(), 'mc', 'topk:1'));
  });

  it('rejects a bad sample and keeps its state', () => {
    const acc = new GapAccumulator(parseSelector('mc'), parseFilter('threshold:0.5'));
    acc.upsert(sample('T', 0, true, { mc: 0.7 }));
    const before = acc.snapshot();
    assert.throws(() => acc.upsert(sample('T', 0, false, { mc: 2 })), /task "T" sample 0: score of verifier "mc" is 2/);
    assert.throws(() => acc.upsert(sample('T', -1, false, { mc: 0.2 })), /index -1/);
    assert.deepEqual(acc.snapshot(), before);
  });

  it('refuses a selector with an empty and()/mean() up front', () => {
    assert.throws(() => new GapAccumulator({ kind: 'and', parts: [] }, parseFilter('topk:1')), /and\(\) needs at least one part/);
    const acc = new GapAccumulator(parseSelector('mc'), parseFilter('topk:1'));
    acc.upsert(sample('T', 0, true, { mc: 0.5 }));
    assert.throws(() => acc.setFilter({ kind: 'mean', parts: [parseSelector('mc'), { kind: 'and', parts: [] }] }, parseFilter('topk:1')), /and\(\) needs/);
    assert.equal(acc.snapshot().filteredAccuracy, 1);
  });

  it('equals computeReport after any sequence of arrivals and re-scorings (1e-9)', () => {
    const selector = fc.constantFrom('mc', 'and(mc,cot-score)', 'mean(mc,cot-score)');
    const filter = fc.constantFrom('quantile:0', 'quantile:0.3', 'quantile:0.8', 'quantile:1', 'threshold:0.5', 'topk:1', 'topk:3', 'exp:0.1', 'exp:2');
    // Each sample first arrives without scores or with older scores, later with its final ones.
    const updates = runArb.chain((samples) =>
      fc.tuple(
        fc.constant(samples),
        fc.array(fc.record({ at: fc.nat({ max: samples.length - 1 }), mc: scoreArb }), { maxLength: 10 }),
        fc.shuffledSubarray(samples.map((_, i) => i), { minLength: samples.length, maxLength: samples.length }),
      ),
    );
    fc.assert(
      fc.property(updates, selector, filter, filter, ([samples, early, order], sel, f1, f2) => {
        fc.pre(!sel.includes('cot-score') || samples.some((s) => 'cot-score' in s.scores));
        const acc = new GapAccumulator(parseSelector(sel), parseFilter(f1));
        for (const { at, mc } of early) {
          const s = samples[at] as ScoredSample;
          acc.upsert({ ...s, scores: { mc } });
        }
        for (const i of order) acc.upsert(samples[i] as ScoredSample);
        assertSameStats(acc.snapshot(), reportOf(samples, sel, f1));
        acc.setFilter(parseSelector(sel), parseFilter(f2));
        assertSameStats(acc.snapshot(), reportOf(samples, sel, f2));
      }),
      { numRuns: 300 },
    );
  });
});
