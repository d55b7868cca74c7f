import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { notMeasuredReason, partialNote, runStateLines, verifierCoverageLines } from '../../../src/core/report/coverageText';
import { runCoverage } from '../../../src/core/runs/coverage';
import type { FailureRecord, VerificationRecord } from '../../../src/core/runs/records';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { assessReport, type AssessedReport } from '../../../src/core/stats/assessment';
import { DEFAULT_BOOTSTRAP } from '../../../src/core/stats/bootstrap';
import { conclusionText } from '../../../src/core/stats/conclusion';
import type { RecordCoverage } from '../../../src/core/stats/coverage';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import type { VerificationFailureKind } from '../../../src/core/verify/verifier';
import { restsOn, type RestsOn } from '../../../webview/model/restsOn';

interface RunSpec {
  tasks: number;
  /** The first `generated` tasks have all their samples. */
  generated: number;
  n: number;
  /** mc's verdict of sample i of task t: a score, a failed parse of this kind, or a failed call. */
  mc: (t: number, i: number) => number | VerificationFailureKind | 'call-failed';
}

/** A run's records as the host counts them, and the samples the panel's statistics see. */
function runOf(spec: RunSpec): { coverage: RecordCoverage; samples: ScoredSample[] } {
  const tasks = Array.from({ length: spec.tasks }, (_, t) => ({ id: `t${String(t).padStart(2, '0')}` }));
  const generations = new Map<string, true>();
  const verifications = new Map<string, Map<string, Pick<VerificationRecord, 'score' | 'failure'>>>();
  const failures = new Map<string, Map<string, Pick<FailureRecord, 'kind'>>>();
  const samples: ScoredSample[] = [];
  tasks.slice(0, spec.generated).forEach(({ id }, t) => {
    for (let i = 0; i < spec.n; i++) {
      const key = sampleKey(id, i);
      generations.set(key, true);
      const verdict = spec.mc(t, i);
      if (verdict === 'call-failed') failures.set(key, new Map([['mc', { kind: 'call-failed' }]]));
      else verifications.set(key, new Map([['mc', typeof verdict === 'number' ? { score: verdict } : { score: null, failure: verdict }]]));
      const scores: Record<string, number | null> = verdict === 'call-failed' ? {} : { mc: typeof verdict === 'number' ? verdict : null };
      samples.push({ task: id, index: i, correct: (t + i) % 3 === 0, scores });
    }
  });
  const coverage = runCoverage({ manifest: { config: { n: spec.n, verifiers: ['mc'] } }, tasks, generations, verifications, failures });
  return { coverage, samples };
}

/** What core says of this run (the CLI report), and what the panel says of it. */
function both(spec: RunSpec, live: boolean, filter = 'quantile:0.5'): { core: AssessedReport; panel: RestsOn } {
  const { coverage, samples } = runOf(spec);
  const selector = parseSelector('mc');
  const report = computeReport(samples, { selector, filter: parseFilter(filter), bootstrap: DEFAULT_BOOTSTRAP, verifiers: ['mc'] });
  return {
    core: assessReport('run', report, selector, coverage, live),
    panel: restsOn({ runState: { coverage, live }, stats: report, selector, intervals: report.ci, bootstrap: DEFAULT_BOOTSTRAP, filter: parseFilter(filter), samplesPerTask: spec.n }),
  };
}

describe('what the panel says its numbers rest on', () => {
  it('a run whose verifications all failed: not measured, with the reason core gives, and no conclusion', () => {
    const { core, panel } = both({ tasks: 2, generated: 2, n: 4, mc: () => 'labels-absent' }, false);
    assert.deepEqual(panel.measure, { kind: 'unmeasured', reason: 'not measured: mc scored 0 of 8 samples: 8 labels-absent' });
    assert.equal(panel.measure.kind === 'unmeasured' && panel.measure.reason, `not measured: ${notMeasuredReason(core.coverage)}`);
    assert.deepEqual(panel.state, ['complete: 2 tasks, 8 samples, every verification recorded']);
    assert.deepEqual(panel.coverage, ['mc: 0 of 8 scored (8 labels-absent)']);
    assert.equal(panel.conclusion, conclusionText(core.conclusion));
    assert.match(panel.conclusion ?? '', /^no conclusion: mc scored 0 of 8 samples \(needs ≥ 95 %\); 2 tasks \(needs ≥ 30\); the gap has no 95 % interval \(not measured\)$/);
    assert.equal(panel.fewTasks, 'only 2 tasks: the task-bootstrap interval is unreliable');
    assert.equal(panel.warn, true);
  });

  it('a partly scored run: the partial note core prints beside every verifier statistic', () => {
    const { core, panel } = both({ tasks: 4, generated: 4, n: 4, mc: (t, i) => (i === 3 ? 'unparsable' : (t + i) / 8) }, false);
    assert.deepEqual(panel.measure, { kind: 'partial', note: 'partial: mc scored 12 of 16' });
    assert.equal(partialNote(core.coverage.selector), 'partial: mc scored 12 of 16');
    assert.equal(panel.conclusion, conclusionText(core.conclusion));
    assert.equal(panel.warn, true);
  });

  it('an incomplete run says so first (8 of 40 tasks), with its failed calls; live says live and is no warning', () => {
    const spec: RunSpec = { tasks: 40, generated: 8, n: 2, mc: (t, i) => (t === 0 && i === 0 ? 'call-failed' : 0.5) };
    const stopped = both(spec, false);
    assert.deepEqual(stopped.panel.state, runStateLines(stopped.core.coverage, stopped.core.state));
    assert.equal(stopped.panel.state[0], 'incomplete: 8 of 40 tasks, 16 of 80 samples generated; 65 of 80 verifications outstanding');
    assert.deepEqual(stopped.panel.coverage, verifierCoverageLines(stopped.core.coverage));
    assert.equal(stopped.panel.coverage[0], 'mc: 15 of 80 scored (1 call-failed, 64 missing)');
    assert.match(stopped.panel.conclusion ?? '', /^no conclusion: the run is incomplete \(8 of 40 tasks generated\); /);
    assert.equal(stopped.panel.warn, true);

    const live = both(spec, true);
    assert.deepEqual(live.panel.state, [stopped.panel.state[0], "live: a writer holds the run's lock and is still adding records"]);
    assert.equal(live.panel.conclusion, conclusionText(live.core.conclusion));
    assert.match(live.panel.conclusion ?? '', /the run is live \(a writer is still adding records\)/);
    assert.equal(live.panel.warn, false, 'a run being written is not a problem');
  });

  it('draws the conclusion core draws on a complete run of enough tasks', () => {
    // 40 tasks; the verifier scores every correct sample high: filtering helps on every task.
    const { core, panel } = both({ tasks: 40, generated: 40, n: 3, mc: (t, i) => ((t + i) % 3 === 0 ? 0.9 : 0.1) }, false, 'threshold:0.5');
    assert.equal(core.conclusion.verdict, 'positive');
    assert.equal(panel.conclusion, conclusionText(core.conclusion));
    assert.equal(panel.measure.kind, 'measured');
    assert.equal(panel.finiteN, core.report.finiteN.warning);
    assert.equal(panel.warn, true, 'few samples per task for threshold:0.5 (N = 3 < 32)');
    const topk = both({ tasks: 40, generated: 40, n: 3, mc: (t, i) => ((t + i) % 3 === 0 ? 0.9 : 0.1) }, false, 'topk:1');
    assert.equal(topk.panel.conclusion, conclusionText(topk.core.conclusion));
    assert.deepEqual([topk.panel.finiteN, topk.panel.warn], [null, false]);
  });

  it('warns about few samples per task exactly when core does: not for topk, not from N = 32, not when nothing was scored', () => {
    const scored = { tasks: 2, generated: 2, mc: (t: number, i: number) => (t + i) / 40 };
    for (const [n, filter] of [[8, 'quantile:0.5'], [8, 'exp:0.2'], [31, 'threshold:0.5'], [32, 'quantile:0.5'], [8, 'topk:2']] as const) {
      const { core, panel } = both({ ...scored, n }, false, filter);
      assert.equal(panel.finiteN, core.report.finiteN.warning, `${filter} at N = ${n}`);
      assert.equal(panel.finiteN !== null, n < 32 && filter !== 'topk:2', `${filter} at N = ${n}`);
    }
    assert.equal(both({ ...scored, n: 8 }, false, 'quantile:0.5').panel.finiteN, 'few samples per task for quantile:0.5 (N = 8 < 32): at small N its filtered accuracy is biased and the interval of the gap may miss the gap of unlimited samples');
    const unscored = both({ tasks: 2, generated: 2, n: 4, mc: () => 'labels-absent' }, false);
    assert.deepEqual([unscored.panel.finiteN, unscored.core.report.finiteN.warning], [null, null]);
  });

  it('says nothing yet while nothing is graded or the host has not sent the run state; waits for the intervals to conclude', () => {
    const { samples } = runOf({ tasks: 2, generated: 2, n: 2, mc: () => 0.5 });
    const selector = parseSelector('mc');
    const report = computeReport(samples, { selector, filter: parseFilter('quantile:0.5'), bootstrap: DEFAULT_BOOTSTRAP });
    const at = { bootstrap: DEFAULT_BOOTSTRAP, filter: parseFilter('quantile:0.5'), samplesPerTask: 2 };
    const pending = restsOn({ runState: null, stats: null, selector, intervals: null, ...at });
    assert.deepEqual(pending, { state: [], coverage: [], fewTasks: null, finiteN: null, measure: { kind: 'none' }, conclusion: null, warn: false, starting: true });
    const noIntervals = restsOn({ runState: null, stats: report, selector, intervals: null, ...at });
    assert.equal(noIntervals.conclusion, null);
    const unscored = { ...report, scored: 0, gap: null };
    assert.deepEqual(restsOn({ runState: null, stats: unscored, selector, intervals: null, ...at }).measure, {
      kind: 'unmeasured',
      reason: 'not measured: mc scored 0 of 4 samples',
    });
  });
});
