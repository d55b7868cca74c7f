import assert from 'node:assert/strict';
import type { GapReport } from '../../../src/core/stats/types';
import { compareHtml, scalingPlot, scalingPoints, type CompareEntry } from '../../../src/extension/views/compareView';

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
    passAtK: [],
    majAtK: [],
    bestOfK: [],
    byDifficulty: [],
    correlations: { pearson: {}, spearman: {} },
    perTask: [],
    fewTasksWarning: 'only 10 tasks: the task-bootstrap interval is unreliable',
  };
}

const ENTRIES: CompareEntry[] = [
  { runId: 'r1', model: 'small', tasks: 'builtin:sudoku4x4', flops: 1e21, report: report(0.2, 0.3, 0.1) },
  { runId: 'r2', model: 'big', tasks: 'builtin:sudoku4x4', flops: 1e23, report: report(0.5, 0.7, 0.4) },
  { runId: 'r3', model: 'no-flops', tasks: 'x', report: report(0.5, 0.5, 0) },
  { runId: 'r4', model: '<img src=x onerror=alert(1)>', tasks: 'x', error: 'no samples yet' },
];

describe('compare runs page', () => {
  it('puts runs with FLOPs and a defined relative gap on the scaling plot at log10 FLOPs', () => {
    const { points, left } = scalingPoints([...ENTRIES, { runId: 'r5', model: 'saturated', tasks: 'x', flops: 1e22, report: report(1, 1, null) }]);
    assert.deepEqual(points.map((p) => [p.label, p.log10Flops, p.relativeGap]), [
      ['small', 21, 0.1],
      ['big', 23, 0.4],
    ]);
    assert.deepEqual(points[1]?.ci, [0.35000000000000003, 0.45]);
    assert.deepEqual(left, ['no-flops: no model profile with pretrainingFlops matches this model', 'saturated: relative gap undefined (every task already fully correct)']);
  });

  it('draws one point and error bar per run, with the exact numbers in its title', () => {
    const svg = scalingPlot(scalingPoints(ENTRIES).points).toString();
    assert.equal(svg.match(/<circle /g)?.length, 2);
    assert.equal(svg.match(/class="ci"/g)?.length, 2);
    assert.match(svg, /<title>big: relative gap \+0\.4000 \[\+0\.3500, \+0\.4500\], 1e23\.00 FLOPs<\/title>/);
    assert.match(svg, />1e22</);
  });

  it('is a static page: no script, and run names are escaped text', () => {
    const page = compareHtml(ENTRIES, { cspSource: 'https://webview.test', nonce: 'abc' });
    assert.doesNotMatch(page, /<script/);
    assert.doesNotMatch(page, /<img/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(page, /<td><span class="value">\+0\.2000<\/span><div class="sub">\[0\.0000, \+0\.2000\]<\/div><\/td>/);
    assert.match(page, /<h2>Relative gap vs pre-training compute<\/h2><svg/);
    assert.match(page, /Not on the plot: no-flops: no model profile/);
  });

  it('explains the missing plot when fewer than two runs have FLOPs', () => {
    assert.match(compareHtml(ENTRIES.slice(2), { cspSource: 'https://webview.test', nonce: 'abc' }), /The scaling plot needs two or more runs whose model profile sets <code>pretrainingFlops<\/code>/);
  });
});
