import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import type { ScoreSelector } from '../../../src/core/filter/spec';
import { SAMPLES_SCHEMA_VERSION } from '../../../src/core/runs/records';
import type { BootstrapOptions } from '../../../src/core/stats/bootstrap';
import { computeReport } from '../../../src/core/stats/report';
import type { GapReport, ScoredSample } from '../../../src/core/stats/types';
import { applyFilter, scoreSelector } from '../../../webview/model/analysis';
import { buildDataset, type Dataset } from '../../../webview/model/dataset';
import { NOTHING_COMPUTED, PENDING, QualityJob, type QualityState } from '../../../webview/model/quality';
import { handSamples, runArb, sample } from '../../core/stats/fixtures';
import { storeOf } from '../storeFixtures';

const BOOTSTRAP: BootstrapOptions = { resamples: 60, seed: 5, level: 0.9 };

/** Runs the panel's job to the end, recording every state it publishes. */
function runJob(ds: Dataset, selectorText: string, filterText: string, verifiers: string[], bootstrap = BOOTSTRAP): QualityState[] {
  const selector = parseSelector(selectorText);
  const fr = applyFilter(ds, selector, parseFilter(filterText));
  const states: QualityState[] = [];
  const job = new QualityJob({ ds, sel: scoreSelector(ds, selector), fr: fr as typeof fr & { selector: ScoreSelector }, verifiers, bootstrap }, (s) => states.push(s));
  assert.deepEqual(job.state, NOTHING_COMPUTED);
  while (!job.step());
  assert.equal(states[states.length - 1], job.state);
  return states;
}

/** The finished state is the report's verifierQuality, anyN and finiteN, exactly. */
function assertReport(state: QualityState, report: GapReport): void {
  assert.deepEqual(
    state.entries === PENDING ? PENDING : state.entries.map((e) => ({ ...e.point, ci: e.ci })),
    report.verifierQuality,
  );
  assert.deepEqual(state.anyN, report.anyN);
  assert.deepEqual(state.finiteN, report.finiteN);
}

function reportOf(samples: ScoredSample[], selector: string, filter: string, verifiers: string[], bootstrap = BOOTSTRAP): GapReport {
  return computeReport(samples, { selector: parseSelector(selector), filter: parseFilter(filter), bootstrap, verifiers });
}

describe('webview verifier quality and any N', () => {
  const withCot = handSamples().map((s, i) => ({ ...s, scores: { ...s.scores, 'cot-score': [0.2, 0.5, 0.9, 0.5, null][i % 5] ?? null } }));

  it("equals computeReport's verifierQuality, anyN and finiteN on the hand set for every filter kind and ensemble", () => {
    const ds = buildDataset(storeOf(withCot, { verifiers: ['mc', 'cot-score'] }), false);
    for (const filter of ['quantile:0.5', 'quantile:0.75', 'threshold:0.35', 'topk:2', 'exp:0.1']) {
      for (const selector of ['mc', 'cot-score', 'and(mc,cot-score)', 'mean(mc,cot-score)']) {
        const states = runJob(ds, selector, filter, ['mc', 'cot-score']);
        assertReport(states[states.length - 1] as QualityState, reportOf(withCot, selector, filter, ['mc', 'cot-score']));
      }
    }
  });

  it('publishes the point estimates first, then any N, then finite N, then each score’s intervals', () => {
    const ds = buildDataset(storeOf(withCot, { verifiers: ['mc', 'cot-score'] }), false);
    const states = runJob(ds, 'mc', 'quantile:0.5', ['mc', 'cot-score']);
    const stage = (s: QualityState): string =>
      [s.entries === PENDING ? 'points…' : `points, ${s.entries.filter((e) => e.ci !== PENDING).length} intervals`, s.anyN === PENDING ? 'any N…' : 'any N', s.finiteN === PENDING ? 'finite N…' : 'finite N'].join('; ');
    assert.deepEqual(states.map(stage), [
      'points, 0 intervals; any N…; finite N…',
      'points, 0 intervals; any N; finite N…',
      'points, 0 intervals; any N; finite N',
      'points, 1 intervals; any N; finite N',
      'points, 2 intervals; any N; finite N',
    ]);
  });

  it('lists a configured verifier that scored nothing as not measured, like the report of a run', () => {
    const ds = buildDataset(storeOf(handSamples(), { verifiers: ['mc', 'cot-binary'] }), false);
    const states = runJob(ds, 'mc', 'threshold:0.5', ['mc', 'cot-binary']);
    const last = states[states.length - 1] as QualityState;
    assertReport(last, reportOf(handSamples(), 'mc', 'threshold:0.5', ['mc', 'cot-binary']));
    assert.ok(last.entries !== PENDING);
    assert.deepEqual([last.entries[1]?.point.selector, last.entries[1]?.point.measured, last.entries[1]?.point.brier], ['cot-binary', false, null]);
  });

  it('a selector that scored nothing: any N not measured, no finite-N warning, every quality statistic null', () => {
    const unscored = handSamples().map((s) => ({ ...s, scores: { mc: null } }));
    const ds = buildDataset(storeOf(unscored), false);
    const last = runJob(ds, 'mc', 'quantile:0.5', ['mc']).pop() as QualityState;
    assertReport(last, reportOf(unscored, 'mc', 'quantile:0.5', ['mc']));
    assert.equal(last.anyN, null);
    assert.equal(last.finiteN !== PENDING && last.finiteN.warning, null);
  });

  it('leaves ungraded tasks (Check Selection) out, as the report of the graded samples does', () => {
    const ds = buildDataset(storeOf(withCot, { verifiers: ['mc', 'cot-score'], ungradedTasks: ['B'] }), false);
    const last = runJob(ds, 'mean(mc,cot-score)', 'quantile:0.5', ['mc', 'cot-score']).pop() as QualityState;
    assertReport(last, reportOf(withCot.filter((s) => s.task !== 'B'), 'mean(mc,cot-score)', 'quantile:0.5', ['mc', 'cot-score']));
  });

  it('uses the checker-corrected verdicts when the panel does', () => {
    const store = storeOf(handSamples());
    store.addAnnotations([{ v: SAMPLES_SCHEMA_VERSION, task: 'A', index: 1, cause: 'checker-wrong', note: '', at: '2026-01-01T00:00:00Z' }]);
    const ds = buildDataset(store, true);
    const flipped = handSamples().map((s) => (s.task === 'A' && s.index === 1 ? { ...s, correct: !s.correct } : s));
    const last = runJob(ds, 'mc', 'topk:2', ['mc']).pop() as QualityState;
    assertReport(last, reportOf(flipped, 'mc', 'topk:2', ['mc']));
  });

  it('estimates any N from drawn subsets exactly as the report does when the subsets are too many to enumerate', () => {
    // 60 tasks of 12 samples: ⌈50000/60⌉ = 834 draws per task, fewer than the C(12, 6) = 924 subsets at k = 6.
    const samples: ScoredSample[] = [];
    for (let t = 0; t < 60; t++) for (let i = 0; i < 12; i++) samples.push(sample(`t${String(t).padStart(2, '0')}`, i, (t * 7 + i * 5) % 3 === 0, { mc: ((t * 13 + i * 29) % 17) / 16 }));
    const ds = buildDataset(storeOf(samples), false);
    const last = runJob(ds, 'mc', 'quantile:0.5', ['mc'], { resamples: 20, seed: 2, level: 0.95 }).pop() as QualityState;
    const report = reportOf(samples, 'mc', 'quantile:0.5', ['mc'], { resamples: 20, seed: 2, level: 0.95 });
    assert.ok(report.anyN?.points.some((p) => !p.exact), 'some k is estimated');
    assertReport(last, report);
  });

  it('equals computeReport on random runs (ties, nulls, missing verifiers)', () => {
    fc.assert(
      fc.property(runArb, fc.constantFrom('quantile:0.5', 'threshold:0.5', 'topk:2', 'exp:0.3'), fc.constantFrom('mc', 'and(mc,cot-score)'), (samples, filter, selector) => {
        if (selector !== 'mc' && !samples.some((s) => 'cot-score' in s.scores)) return;
        const ds = buildDataset(storeOf(samples, { verifiers: ['mc'] }), false);
        const last = runJob(ds, selector, filter, ['mc'], { resamples: 15, seed: 1, level: 0.95 }).pop() as QualityState;
        assertReport(last, reportOf(samples, selector, filter, ['mc'], { resamples: 15, seed: 1, level: 0.95 }));
      }),
      { numRuns: 60 },
    );
  });
});
