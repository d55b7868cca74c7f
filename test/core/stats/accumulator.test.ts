import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { GapAccumulator, type TaskRows } from '../../../src/core/stats/accumulator';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
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

  describe('counting tasks from columns', () => {
    const SELECTORS = ['mc', 'cot-score', 'mean(mc,cot-score)', 'and(mc,cot-score)'];
    const FILTERS = ['quantile:0.5', 'topk:2', 'threshold:0.5', 'exp:0.1'];
    /** A sample's score as the columns hold it: NaN no record, MISSING_SCORE a record without a score. */
    const cell = fc.oneof(fc.constant(NaN), fc.constant(MISSING_SCORE), fc.constantFrom(0, 0.25, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    /** Tasks of 1–8 samples with ascending indices (gaps allowed), in the columns as a store appends rows: shuffled. */
    const columnsArb = fc
      .array(fc.array(fc.record({ gap: fc.nat(2), correct: fc.boolean(), mc: cell, cot: cell }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 })
      .chain((tasks) => fc.tuple(fc.constant(tasks), fc.shuffledSubarray(tasks.map((_, t) => t), { minLength: tasks.length }), fc.integer({ min: 0, max: SELECTORS.length * FILTERS.length - 1 })));

    /** The columns of `tasks`, rows stored in reverse so that `order` is not the storage order; the rows listed task by task in `taskOrder`. */
    function columnsOf(tasks: { gap: number; correct: boolean; mc: number; cot: number }[][], taskOrder: number[]): { rows: TaskRows; samples: ScoredSample[][] } {
      const flat = tasks.flatMap((rows, t) => {
        let index = -1;
        return rows.map((r) => ({ ...r, t, index: (index += 1 + r.gap) }));
      });
      const stored = [...flat].reverse();
      const ofTask = tasks.map(() => [] as { r: (typeof flat)[number]; at: number }[]);
      flat.forEach((r, k) => ofTask[r.t]?.push({ r, at: flat.length - 1 - k }));
      const byTask = taskOrder.map((t) => ofTask[t] ?? []);
      const order = byTask.flatMap((rs) => rs.map(({ at }) => at));
      const rows: TaskRows = {
        order,
        task: Int32Array.from(stored, (r) => r.t),
        taskId: (t) => `t${t}`,
        index: Float64Array.from(stored, (r) => r.index),
        correct: Uint8Array.from(stored, (r) => (r.correct ? 1 : 0)),
        scores: new Map([['mc', Float64Array.from(stored, (r) => r.mc)], ['cot-score', Float64Array.from(stored, (r) => r.cot)]]),
      };
      const scoresOf = (r: (typeof flat)[number]): Record<string, number | null> => {
        const scores: Record<string, number | null> = {};
        if (!Number.isNaN(r.mc)) scores['mc'] = r.mc === MISSING_SCORE ? null : r.mc;
        if (!Number.isNaN(r.cot)) scores['cot-score'] = r.cot === MISSING_SCORE ? null : r.cot;
        return scores;
      };
      const samples = byTask.map((rs) => rs.map(({ r }) => sample(`t${r.t}`, r.index, r.correct, scoresOf(r))));
      return { rows, samples };
    }

    it('upsertTasks equals upsertTask of each task\'s sample objects, bit for bit: stats, task summaries and samples (random runs: failed and missing scores, gaps in indices, tasks in any order)', () => {
      fc.assert(
        fc.property(columnsArb, ([tasks, taskOrder, which]) => {
          const selector = parseSelector(SELECTORS[which % SELECTORS.length] as string);
          const filter = parseFilter(FILTERS[Math.floor(which / SELECTORS.length)] as string);
          const { rows, samples } = columnsOf(tasks, taskOrder);
          const bySample = new GapAccumulator(selector, filter);
          for (const group of samples) bySample.upsertTask((group[0] as ScoredSample).task, group);
          const byColumns = new GapAccumulator(selector, filter);
          byColumns.upsertTasks(rows);
          assert.deepStrictEqual(byColumns.snapshot(), bySample.snapshot());
          for (const group of samples) {
            const task = (group[0] as ScoredSample).task;
            assert.deepStrictEqual(byColumns.taskSummary(task), bySample.taskSummary(task));
            for (const s of group) assert.deepStrictEqual(byColumns.sample(task, s.index), bySample.sample(task, s.index));
          }
          // Kept: a later sample counts as it would have.
          const later = sample('t0', 100, true, { mc: 0.7, 'cot-score': 0.2 });
          bySample.upsert(later);
          byColumns.upsert(later);
          assert.deepStrictEqual(byColumns.snapshot(), bySample.snapshot());
          const finished = new GapAccumulator(selector, filter);
          finished.addFinishedTasks(rows);
          assert.deepStrictEqual(finished.snapshot(), (() => {
            const acc = new GapAccumulator(selector, filter);
            for (const group of samples) acc.addFinished((group[0] as ScoredSample).task, group);
            return acc.snapshot();
          })());
        }),
      );
    });

    it('counts more rows than it weighs at a time as their objects do, bit for bit: a task larger than a chunk, and many small ones across chunks', () => {
      let seed = 7;
      const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const tasks = [Array.from({ length: 66_000 }, () => ({ gap: 0, correct: next() < 0.5, mc: next(), cot: next() < 0.1 ? MISSING_SCORE : next() }))];
      for (let t = 0; t < 17_000; t++) tasks.push(Array.from({ length: 4 }, () => ({ gap: 0, correct: next() < 0.5, mc: next() < 0.05 ? NaN : next(), cot: next() })));
      const { rows, samples } = columnsOf(tasks, tasks.map((_, t) => t));
      const bySample = new GapAccumulator(parseSelector('mean(mc,cot-score)'), parseFilter('quantile:0.5'));
      for (const group of samples) bySample.upsertTask((group[0] as ScoredSample).task, group);
      const byColumns = new GapAccumulator(parseSelector('mean(mc,cot-score)'), parseFilter('quantile:0.5'));
      byColumns.upsertTasks(rows);
      assert.deepStrictEqual(byColumns.snapshot(), bySample.snapshot());
    });

    it('takes no task when a row is bad, a task is already counted, or a task\'s rows are apart or out of index order', () => {
      const { rows } = columnsOf([[{ gap: 0, correct: true, mc: 0.9, cot: NaN }, { gap: 0, correct: false, mc: 0.2, cot: 0.5 }], [{ gap: 0, correct: true, mc: 0.4, cot: NaN }]], [0, 1]);
      const acc = new GapAccumulator(parseSelector('mc'), parseFilter('quantile:0.5'));
      const order = Array.from(rows.order);
      const bad = (change: Partial<TaskRows>, message: RegExp): void => {
        assert.throws(() => acc.upsertTasks({ ...rows, ...change }), message);
        assert.equal(acc.snapshot().tasks, 0, 'nothing counted');
      };
      bad({ scores: new Map([['mc', Float64Array.of(0.4, 1.5, 0.9)]]) }, /score of verifier "mc" is 1.5/);
      bad({ index: Float64Array.of(0, 1.5, 0) }, /not a non-negative integer/);
      bad({ order: [order[1], order[0], order[2]] as number[] }, /must be by ascending index/);
      bad({ order: [order[0], order[2], order[1]] as number[] }, /rows are not together/);
      acc.upsertTasks({ ...rows, order: order.slice(2) });
      assert.throws(() => acc.upsertTasks(rows), /task "t1" is already counted/);
      assert.equal(acc.snapshot().tasks, 1);
    });
  });
});
