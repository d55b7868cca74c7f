import assert from 'node:assert/strict';
import { parseSelector } from '../../../src/core/filter/parse';
import { CALL_FAILURE_KINDS } from '../../../src/core/runs/records';
import { assessReport, type AssessedReport } from '../../../src/core/stats/assessment';
import { VERIFIER_FAILURE_KINDS, zeroCounts, type RecordCoverage } from '../../../src/core/stats/coverage';
import type { GapReport } from '../../../src/core/stats/types';
import { compareHtml, scalingPlot, scalingPoints, type CompareEntry } from '../../../src/extension/panel/compareView';

/** Coverage of 10 tasks × 8 samples, `done` tasks generated, mc scoring `scored` of them (the others labels-absent). */
function records(done = 10, scored = done * 8): RecordCoverage {
  const failed = done * 8 - scored;
  return {
    tasks: { expected: 10, done },
    generations: { expected: 80, done: done * 8, failed: 0, failures: zeroCounts(CALL_FAILURE_KINDS), missing: 80 - done * 8 },
    verifiers: { mc: { expected: 80, scored, failed, failures: { ...zeroCounts(VERIFIER_FAILURE_KINDS), 'labels-absent': failed }, missing: 80 - scored - failed } },
  };
}

function assessed(r: GapReport, coverage = records(), live = false): AssessedReport {
  return assessReport('run', r, parseSelector('mc'), coverage, live);
}

function report(accuracy: number, filtered: number, relativeGap: number | null): GapReport {
  return {
    verifier: 'mc',
    filter: 'quantile:0.8',
    tasks: 10,
    samples: 80,
    scored: 80,
    accuracy,
    filteredAccuracy: filtered,
    gap: filtered - accuracy,
    relativeGap,
    relativeGapExcludedTasks: 0,
    tasksNothingKept: 0,
    retention: 0.2,
    confusion: { keptCorrect: 1, keptWrong: 1, droppedCorrect: 1, droppedWrong: 1 },
    precision: 0.5,
    recall: 0.5,
    auroc: 0.6,
    ci: { level: 0.95, resamples: 1000, seed: 0, accuracy: [0.1, 0.3], filteredAccuracy: [0.2, 0.4], gap: [0, 0.2], relativeGap: relativeGap === null ? null : [relativeGap - 0.05, relativeGap + 0.05] },
    oracle: { filteredAccuracy: 1, gap: 1 - accuracy, relativeGap: 1, retention: 0.2, tasksNothingKept: 0, ci: { filteredAccuracy: [1, 1], gap: [0.7, 0.9], relativeGap: [1, 1] } },
    passAtK: [],
    majAtK: [],
    bestOfK: [],
    passAllK: [],
    bestOfNShortfall: null,
    verifierQuality: [],
    anyN: null,
    finiteN: { samplesPerTask: 8, warning: null, biasCorrected: null, biasCorrectedUnavailable: null },
    byDifficulty: [],
    correlations: { pearson: {}, spearman: {} },
    perTask: [],
    fewTasksWarning: 'only 10 tasks: the task-bootstrap interval is unreliable',
  };
}

const ENTRIES: CompareEntry[] = [
  { runId: 'r1', model: 'small', tasks: 'builtin:sudoku4x4', flops: 1e21, assessed: assessed(report(0.2, 0.3, 0.1)) },
  { runId: 'r2', model: 'big', tasks: 'builtin:sudoku4x4', flops: 1e23, assessed: assessed(report(0.5, 0.7, 0.4)) },
  { runId: 'r3', model: 'no-flops', tasks: 'x', assessed: assessed(report(0.5, 0.5, 0)) },
  { runId: 'r4', model: '<img src=x onerror=alert(1)>', tasks: 'x', error: 'no samples yet' },
];

/** A report whose selector scored nothing: every verifier statistic null, as computeReport makes it. */
function unmeasured(): GapReport {
  const r = report(0.5, 0.5, 0);
  return { ...r, scored: 0, filteredAccuracy: null, gap: null, relativeGap: null, retention: null, confusion: null, precision: null, recall: null, auroc: null, tasksNothingKept: null, bestOfK: null, ci: { ...r.ci, filteredAccuracy: null, gap: null, relativeGap: null } };
}

/** The page's first table: the gap statistics of each run. */
function mainTable(page: string): string {
  return page.slice(0, page.indexOf('</table>'));
}

describe('compare runs page', () => {
  it('puts runs with FLOPs and a defined relative gap on the scaling plot at log10 FLOPs', () => {
    const { points, left } = scalingPoints([
      ...ENTRIES,
      { runId: 'r5', model: 'saturated', tasks: 'x', flops: 1e22, assessed: assessed(report(1, 1, null)) },
      { runId: 'r6', model: 'unsure', tasks: 'x', flops: 1e22, assessed: assessed(unmeasured(), records(10, 0)) },
    ]);
    assert.deepEqual(points.map((p) => [p.label, p.log10Flops, p.relativeGap]), [
      ['small', 21, 0.1],
      ['big', 23, 0.4],
    ]);
    assert.deepEqual(points[1]?.ci, [0.35000000000000003, 0.45]);
    assert.deepEqual(left, [
      'no-flops: no model profile with pretrainingFlops matches this model',
      'saturated: relative gap undefined (every task already fully correct)',
      'unsure: relative gap not measured (mc scored 0 of 80 samples: 80 labels-absent)',
    ]);
  });

  it('draws one point and error bar per run, with the exact numbers in its title', () => {
    const svg = scalingPlot(scalingPoints(ENTRIES).points).toString();
    assert.equal(svg.match(/<circle /g)?.length, 2);
    assert.equal(svg.match(/class="ci"/g)?.length, 2);
    assert.match(svg, /<title>big: relative gap \+40\.00 % \[\+35\.00, \+45\.00\] %, 1e23\.00 FLOPs<\/title>/);
    assert.match(svg, />1e22</);
  });

  it('is a static page: no script, and run names are escaped text', () => {
    const page = compareHtml(ENTRIES, { cspSource: 'https://webview.test', nonce: 'abc' });
    assert.doesNotMatch(page, /<script/);
    assert.doesNotMatch(page, /<img/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(page, /<td><span class="value">\+20\.00 pp<\/span><div class="sub">\[0\.00, \+20\.00\] pp<\/div><\/td>/);
    assert.match(page, /<h2>Relative gap vs pre-training compute<\/h2><svg/);
    assert.match(page, /Not on the plot: no-flops: no model profile/);
  });

  it('explains the missing plot when fewer than two runs have FLOPs', () => {
    assert.match(compareHtml(ENTRIES.slice(2), { cspSource: 'https://webview.test', nonce: 'abc' }), /The scaling plot needs two or more runs whose model profile sets <code>pretrainingFlops<\/code>/);
  });

  it('shows "—" and the reason for every verifier statistic of a run that scored nothing, never +0.0000', () => {
    const page = compareHtml([{ runId: 'r6', model: 'unsure', tasks: 'x', assessed: assessed(unmeasured(), records(10, 0)) }], { cspSource: 'https://webview.test', nonce: 'abc' });
    const cells = mainTable(page).match(/<td class="unmeasured"><span class="value">—<\/span><div class="sub">not measured: mc scored 0 of 80 samples: 80 labels-absent<\/div><\/td>/g);
    assert.equal(cells?.length, 3, 'filtered accuracy, gap and relative gap');
    assert.doesNotMatch(page, /\+0\.0000|0\.00 pp/);
    assert.match(page, /mc: 0 of 80 scored \(80 labels-absent\)/);
    assert.match(page, /<div class="conclusion">no conclusion: mc scored 0 of 80 samples \(needs ≥ 95 %\); 10 tasks \(needs ≥ 30\); the gap has no 95 % interval \(not measured\)<\/div>/);
  });

  it('says which runs were verified by another model, in the row and on the plot (gap(f, g))', () => {
    const cross: CompareEntry = { runId: 'r7', model: 'small', tasks: 'builtin:sudoku4x4', flops: 1e21, verifiedBy: 'qwen-72b', assessed: assessed(report(0.2, 0.35, 0.2)) };
    const page = compareHtml([ENTRIES[0] as CompareEntry, cross], { cspSource: 'https://webview.test', nonce: 'abc' });
    assert.equal(page.match(/<div class="sub">gap\(f, g\): verified by qwen-72b<\/div>/g)?.length, 1);
    assert.deepEqual(scalingPoints([ENTRIES[0] as CompareEntry, cross]).points.map((p) => p.label), ['small', 'small verified by qwen-72b']);
  });

  it('marks partial statistics, and incomplete and live runs', () => {
    const partial = compareHtml([{ runId: 'r1', model: 'half', tasks: 'x', assessed: assessed({ ...report(0.2, 0.3, 0.1), scored: 60 }, records(10, 60)) }], { cspSource: 'https://webview.test', nonce: 'abc' });
    assert.equal(mainTable(partial).match(/<div class="mark partial">partial: mc scored 60 of 80<\/div>/g)?.length, 3);
    const incomplete = compareHtml([{ runId: 'r1', model: 'early', tasks: 'x', assessed: assessed({ ...report(0.2, 0.3, 0.1), tasks: 4, samples: 32, scored: 32 }, records(4), true) }], { cspSource: 'https://webview.test', nonce: 'abc' });
    assert.match(incomplete, /<div class="mark">incomplete: 4 of 10 tasks, 32 of 80 samples generated; 48 of 80 verifications outstanding<\/div><div class="mark">live: a writer holds the run&#39;s lock and is still adding records<\/div><\/th>/);
    assert.match(incomplete, /no conclusion: the run is incomplete \(4 of 10 tasks generated\); the run is live/);
    // A complete run carries no mark.
    assert.doesNotMatch(compareHtml(ENTRIES.slice(0, 1), { cspSource: 'https://webview.test', nonce: 'abc' }), /class="mark/);
  });
});
