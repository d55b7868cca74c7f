import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { DEFAULT_BOOTSTRAP, GapBootstrap, bootstrapGap, type BootstrapOptions, type GapIntervals } from '../../../src/core/stats/bootstrap';
import { computeReport } from '../../../src/core/stats/report';
import type { GapReport, ScoredSample } from '../../../src/core/stats/types';
import { applyFilter, gapBootstrap, kCurves, resamplesPerStep, scoreSelector, verificationCurveJob, verificationCurveOf, type FilterResult } from '../../../webview/model/analysis';
import { buildDataset, type Dataset } from '../../../webview/model/dataset';
import { handSamples, runArb } from '../../core/stats/fixtures';
import type { SampleStore } from '../../../webview/model/sampleStore';
import { rowOf, storeOf } from '../storeFixtures';

const BOOTSTRAP = { resamples: 200, seed: 3, level: 0.95 };

/** The panel's intervals, drawn in uneven steps (1, 2, 3, … resamples) as its slices may split them. */
function intervalsInSteps(ds: Dataset, fr: FilterResult, options: BootstrapOptions = DEFAULT_BOOTSTRAP): GapIntervals | null {
  const bootstrap = gapBootstrap(ds, fr, options);
  if (!bootstrap) return null;
  for (let step = 1; !bootstrap.advance(step); step++);
  return bootstrap.intervals();
}

/** The panel's numbers for these samples must be computeReport's, exactly (same operations, same order). */
function assertMatchesReport(samples: ScoredSample[], selectorText: string, filterText: string): void {
  const selector = parseSelector(selectorText);
  const filter = parseFilter(filterText);
  const report = computeReport(samples, { selector, filter, bootstrap: BOOTSTRAP });
  const ds = buildDataset(storeOf(samples, { verifiers: ['mc', 'cot-score'] }), false);
  const fr = applyFilter(ds, selector, filter);
  assert.ok(fr.stats);
  for (const key of ['tasks', 'samples', 'accuracy', 'filteredAccuracy', 'gap', 'relativeGap', 'relativeGapExcludedTasks', 'tasksNothingKept', 'retention', 'precision', 'recall'] as const) {
    assert.equal(fr.stats[key], report[key], `${key} (${selectorText}, ${filterText})`);
  }
  assert.deepEqual(fr.stats.confusion, report.confusion);
  // With nothing scored the report's per-task filter results are not measured (null).
  const measured = fr.stats.scored > 0;
  assert.deepEqual(
    fr.tasks.map((t, i) => ({
      task: ds.taskIds[i],
      samples: t.samples,
      accuracy: t.accuracy,
      filteredAccuracy: measured ? t.filteredAccuracy : null,
      kept: measured ? t.weight : null,
      nothingKept: measured ? t.nothingKept : null,
    })),
    report.perTask,
  );
  const intervals = intervalsInSteps(ds, fr, BOOTSTRAP);
  assert.deepEqual(intervals, { accuracy: report.ci.accuracy, filteredAccuracy: report.ci.filteredAccuracy, gap: report.ci.gap, relativeGap: report.ci.relativeGap });
  const sel = scoreSelector(ds, selector);
  assert.equal(sel.auroc, report.auroc);
  const curves = kCurves(ds, sel);
  assert.deepEqual(curves.passAtK, report.passAtK);
  assert.deepEqual(curves.passAllK, report.passAllK);
  assert.deepEqual(curves.bestOfK, report.bestOfK ?? [], 'best-of-k: empty in the panel where the report has null (not measured)');
}

describe('webview analysis', () => {
  it('reproduces the hand-computed report (mc, threshold:0.5): accuracy 0.5625, filtered 0.625, relative gap 2/9', () => {
    const ds = buildDataset(storeOf(handSamples().reverse()), false);
    const fr = applyFilter(ds, parseSelector('mc'), parseFilter('threshold:0.5'));
    assert.ok(fr.stats);
    assert.equal(fr.stats.accuracy, 0.5625);
    assert.equal(fr.stats.filteredAccuracy, 0.625);
    assert.equal(fr.stats.gap, 0.0625);
    assert.ok(Math.abs((fr.stats.relativeGap as number) - 2 / 9) < 1e-12);
    // Kept: A#0 A#1 B#0 B#1 D#0 D#1 — rows in task order, index order.
    assert.deepEqual(Array.from(fr.weights), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    assert.deepEqual(fr.stats.confusion, { keptCorrect: 3, keptWrong: 3, droppedCorrect: 6, droppedWrong: 4 });
  });

  it('equals computeReport on the hand set for every filter kind and an AND ensemble', () => {
    const samples = handSamples().map((s, i) => ({ ...s, scores: { ...s.scores, 'cot-score': (i % 5) / 4 } }));
    for (const filter of ['quantile:0.5', 'quantile:0', 'quantile:1', 'threshold:0.35', 'topk:2', 'exp:0.1']) {
      for (const selector of ['mc', 'cot-score', 'and(mc,cot-score)', 'mean(mc,cot-score)']) assertMatchesReport(samples, selector, filter);
    }
  });

  it('equals computeReport on random runs (ties, nulls, missing verifiers)', () => {
    fc.assert(
      fc.property(runArb, fc.constantFrom('quantile:0.7', 'threshold:0.5', 'topk:2', 'exp:0.3'), fc.constantFrom('mc', 'and(mc,cot-score)'), (samples, filter, selector) => {
        // computeReport refuses a selector naming a verifier with no score at all; so does nothing here.
        if (selector !== 'mc' && !samples.some((s) => 'cot-score' in s.scores)) return;
        assertMatchesReport(samples, selector, filter);
      }),
      { numRuns: 150 },
    );
  });

  it('leaves ungraded tasks (Check Selection) out of the statistics but still filters them', () => {
    const samples = handSamples();
    const ds = buildDataset(storeOf(samples, { ungradedTasks: ['B'] }), false);
    const fr = applyFilter(ds, parseSelector('mc'), parseFilter('threshold:0.5'));
    const report = computeReport(samples.filter((s) => s.task !== 'B'), { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5') });
    assert.ok(fr.stats);
    assert.equal(fr.stats.accuracy, report.accuracy);
    assert.equal(fr.stats.gap, report.gap);
    assert.equal(fr.stats.tasks, 3);
    assert.deepEqual(intervalsInSteps(ds, fr), { accuracy: report.ci.accuracy, filteredAccuracy: report.ci.filteredAccuracy, gap: report.ci.gap, relativeGap: report.ci.relativeGap });
    assert.equal(scoreSelector(ds, parseSelector('mc')).auroc, report.auroc);
    assert.deepEqual(kCurves(ds, scoreSelector(ds, parseSelector('mc'))).passAtK, report.passAtK);
    // B's rows (4..7) still carry the filter's decisions: 0.8 and 0.7 pass τ = 0.5.
    assert.deepEqual(Array.from(fr.weights.subarray(4, 8)), [1, 1, 0, 0]);
  });

  it('has no statistics when nothing is graded, and keeps nothing without a verifier', () => {
    const ds = buildDataset(storeOf(handSamples(), { ungradedTasks: ['A', 'B', 'C', 'D'] }), false);
    assert.equal(applyFilter(ds, parseSelector('mc'), parseFilter('topk:1')).stats, null);
    assert.equal(gapBootstrap(ds, applyFilter(ds, parseSelector('mc'), parseFilter('topk:1'))), null);
    assert.deepEqual(kCurves(ds, scoreSelector(ds, null)), { passAtK: [], passAllK: [], bestOfK: [] });
    const graded = buildDataset(storeOf(handSamples()), false);
    const none = applyFilter(graded, null, parseFilter('topk:1'));
    assert.ok(none.stats);
    // Without a verifier nothing is scored: the gap is not measured (it used to read 0 with 4 tasks keeping nothing).
    assert.equal(none.stats.scored, 0);
    assert.equal(none.stats.gap, null);
    assert.equal(none.stats.tasksNothingKept, null);
  });

  it('draws the bootstrap in steps of any size to exactly bootstrapGap\'s intervals, bit for bit', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const tasks = fc.array(fc.record({ accuracy: unit, filtered: unit, relative: fc.option(fc.double({ min: -5, max: 1, noNaN: true })) }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(tasks, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 1e6 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (ts, resamples, seed, steps) => {
        const accuracy = Float64Array.from(ts, (t) => t.accuracy);
        const filtered = Float64Array.from(ts, (t) => t.filtered);
        const relative = Float64Array.from(ts, (t) => t.relative ?? NaN);
        const point = { accuracy: 0.5, filteredAccuracy: 0.6, gap: 0.1, relativeGap: ts.some((t) => t.relative !== null) ? 0.2 : null };
        const options = { resamples, seed, level: 0.9 };
        const stepped = new GapBootstrap(accuracy, filtered, relative, point, options);
        for (let i = 0; !stepped.done; i++) stepped.advance(steps[i % steps.length] as number);
        assert.deepStrictEqual(stepped.intervals(), bootstrapGap(accuracy, filtered, relative, point, options));
      }),
      { numRuns: 200 },
    );
  });

  it('steps the bootstrap about 10^4 draws at a time', () => {
    assert.equal(resamplesPerStep(10_000), 1);
    assert.equal(resamplesPerStep(100_000), 1);
    assert.equal(resamplesPerStep(40), 250);
    assert.equal(resamplesPerStep(0), 10_000);
  });
});

describe('webview analysis: the verification curve', () => {
  const K = 3;
  const SUBSETS: Record<number, number[][]> = { 1: [[0], [1], [2]], 2: [[0, 1], [0, 2], [1, 2]], 3: [[0, 1, 2]] };
  /** The hand set with three cot-score draws per sample (a failed one now and then); its score, as a run's, the mean of the scored draws. */
  const drawsOf = (i: number): (number | null)[] => [(i % 5) / 4, i % 7 === 3 ? null : ((i * 3) % 4) / 3, ((i * 5) % 6) / 5];
  const mean = (xs: (number | null)[]): number | null => {
    const scored = xs.filter((x): x is number => x !== null);
    return scored.length === 0 ? null : scored.reduce((a, b) => a + b, 0) / scored.length;
  };
  const base = handSamples();
  const withDraws = (samples: ScoredSample[], subset: number[]): ScoredSample[] => samples.map((s, i) => ({ ...s, scores: { ...s.scores, 'cot-score': mean(subset.map((d) => drawsOf(i)[d] ?? null)) } }));
  /** The samples (of the tasks `kept`) as the host sends a run drawing K: the aggregate as the score, every draw in the row's detail. */
  const store = (ungraded: string[] = [], kept = (task: string): boolean => task !== ''): SampleStore => {
    const s = storeOf(withDraws(base, [0, 1, 2]).filter((sample) => kept(sample.task)), { verifiers: ['mc', 'cot-score'], ungradedTasks: ungraded });
    s.addSamples({
      tasks: [],
      rows: base.flatMap((sample, i) => {
        if (!kept(sample.task)) return [];
        const row = rowOf(withDraws([sample], [0, 1, 2])[0] as ScoredSample, !ungraded.includes(sample.task));
        return [{ ...row, verifications: row.verifications.map((v) => (v.verifier === 'cot-score' ? { ...v, detail: { drawScores: drawsOf(i) } } : v)) }];
      }),
    });
    return s;
  };

  it('is the mean over the k-subsets of the draws of computeReport with the subset\'s aggregate as the score', () => {
    const filter = parseFilter('quantile:0.5');
    const ds = buildDataset(store(), false);
    const curve = verificationCurveOf(ds, applyFilter(ds, parseSelector('cot-score'), filter), BOOTSTRAP);
    assert.ok(curve);
    assert.deepEqual([curve.draws, curve.verifiers, curve.points.map((p) => [p.k, p.subsets, p.exact])], [K, ['cot-score'], [[1, 3, true], [2, 3, true], [3, 1, true]]]);
    for (const p of curve.points) {
      const reports = (SUBSETS[p.k] ?? []).map((subset) => computeReport(withDraws(base, subset), { selector: parseSelector('cot-score'), filter, bootstrap: BOOTSTRAP }));
      const average = (pick: (r: GapReport) => number | null): number => reports.reduce((sum, r) => sum + (pick(r) as number), 0) / reports.length;
      assert.ok(Math.abs(p.gap - average((r) => r.gap)) < 1e-12, `gap at k = ${p.k}`);
      assert.ok(Math.abs(p.filteredAccuracy - average((r) => r.filteredAccuracy)) < 1e-12, `filtered accuracy at k = ${p.k}`);
      assert.ok(Math.abs((p.auroc as number) - average((r) => r.auroc)) < 1e-12, `AUROC at k = ${p.k}`);
    }
    // The panel computes it in steps (a subset, or a few resamples, each): the same curve.
    const steps = verificationCurveJob(ds, applyFilter(ds, parseSelector('cot-score'), filter), BOOTSTRAP);
    assert.ok(steps);
    let count = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) count++;
    assert.deepEqual(next.value, curve);
    assert.ok(count >= 7, `a step per subset at least (${count})`);
    // At k = K the one subset is every draw: the report's own gap and intervals.
    const full = computeReport(withDraws(base, [0, 1, 2]), { selector: parseSelector('cot-score'), filter, bootstrap: BOOTSTRAP });
    assert.deepEqual([curve.points[K - 1]?.gap, curve.points[K - 1]?.ci.gap], [full.gap, full.ci.gap]);
  });

  it('leaves ungraded tasks out, is null without a verifier that draws in the selector, and absent for a run drawing none', () => {
    const filter = parseFilter('quantile:0.5');
    const graded = buildDataset(store(), false);
    const partly = buildDataset(store(['C']), false);
    const curveOf = (ds: Dataset, selector: string): unknown => verificationCurveOf(ds, applyFilter(ds, parseSelector(selector), filter), BOOTSTRAP);
    const withoutC = buildDataset(store([], (task) => task !== 'C'), false);
    assert.deepEqual(curveOf(partly, 'cot-score'), curveOf(withoutC, 'cot-score'), 'an ungraded task counts as if it were not there');
    assert.notDeepEqual(curveOf(graded, 'cot-score'), curveOf(withoutC, 'cot-score'));
    assert.equal(curveOf(graded, 'mc'), null, 'mc draws one verification');
    assert.equal(verificationCurveOf(graded, applyFilter(graded, null, filter)), null);
    const noDraws = buildDataset(storeOf(withDraws(base, [0, 1, 2]), { verifiers: ['mc', 'cot-score'] }), false);
    assert.equal(curveOf(noDraws, 'cot-score'), undefined, 'no draws sent: no curve at all');
  });
});
