import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { computeReport } from '../../../src/core/stats/report';
import { applyFilter, scoreSelector } from '../../../webview/model/analysis';
import { filterSweep, largestTask, scoreHistogram, taskScatter } from '../../../webview/model/chartData';
import { buildDataset } from '../../../webview/model/dataset';
import { handSamples } from '../../core/stats/fixtures';
import { storeOf } from '../storeFixtures';

describe('webview chart data', () => {
  const ds = buildDataset(storeOf(handSamples()), false);
  const mc = parseSelector('mc');

  it('bins graded scores by correctness and counts the unscored', () => {
    const h = scoreHistogram(ds, scoreSelector(ds, mc).scores);
    assert.ok(h);
    assert.equal(h.bins.length, 20);
    // 0.9 appears twice: A#0 (correct) and D#0 (wrong) → bin [0.9, 0.95).
    assert.deepEqual([h.bins[18]?.correct, h.bins[18]?.incorrect], [1, 1]);
    assert.deepEqual(h.unscored, { correct: 0, incorrect: 1 });
    assert.equal(h.bins.reduce((n, b) => n + b.correct + b.incorrect, 0), 15);
    assert.equal(scoreHistogram(buildDataset(storeOf(handSamples(), { ungradedTasks: ['A', 'B', 'C', 'D'] }), false), scoreSelector(ds, mc).scores), null);
  });

  it('merges tasks at the same (J, J[w]) point', () => {
    // threshold:0.5 → A (0.5, 0.5), B (0.5, 1), C (1, 1), D (0.25, 0)
    const fr = applyFilter(ds, mc, parseFilter('threshold:0.5'));
    const points = taskScatter(ds, fr.tasks).sort((a, b) => a.x - b.x || a.y - b.y);
    assert.deepEqual(points, [{ x: 0.25, y: 0, count: 1 }, { x: 0.5, y: 0.5, count: 1 }, { x: 0.5, y: 1, count: 1 }, { x: 1, y: 1, count: 1 }]);
  });

  it('sweeps the filter parameter with the same numbers as computeReport at each point', () => {
    assert.equal(largestTask(ds), 4);
    const points = filterSweep(ds, mc, 'topk', largestTask(ds));
    assert.deepEqual(points.map((p) => p.parameter), [1, 2, 3, 4]);
    for (const p of points) {
      const report = computeReport(handSamples(), { selector: mc, filter: p.filter, bootstrap: { resamples: 0, seed: 0, level: 0.95 } });
      assert.deepEqual([p.filteredAccuracy, p.gap, p.retention], [report.filteredAccuracy, report.gap, report.retention]);
    }
  });
});
