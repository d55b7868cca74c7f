import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { computeReport } from '../../../src/core/stats/report';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { annotatedRows, buildDataset, findRow, gradedColumn } from '../../../webview/model/dataset';
import { applyFilter } from '../../../webview/model/analysis';
import { handSamples } from '../../core/stats/fixtures';
import { storeOf } from '../storeFixtures';

const at = '2025-01-01T00:00:00.000Z';

describe('webview dataset', () => {
  it('orders tasks by id and rows by index, whatever the arrival order', () => {
    const ds = buildDataset(storeOf(handSamples().reverse()), false);
    assert.deepEqual(ds.taskIds, ['A', 'B', 'C', 'D']);
    assert.deepEqual(Array.from(ds.starts), [0, 4, 8, 12, 16]);
    assert.deepEqual(Array.from(ds.index.subarray(0, 4)), [0, 1, 2, 3]);
    assert.deepEqual([0, 5, 15].map((row) => [ds.sampleAt(row).task, ds.sampleAt(row).index]), [['A', 0], ['B', 1], ['D', 3]]);
    assert.deepEqual(Array.from(ds.correct.subarray(0, 4)), [1, 0, 1, 0]);
    assert.equal(ds.columns.get('mc')?.[3], MISSING_SCORE);
    assert.equal(findRow(ds, 'C', 2), 10);
    assert.equal(findRow(ds, 'C', 9), -1);
    assert.equal(findRow(ds, 'Z', 0), -1);
  });

  it('flips the verdict where the latest label is checker-wrong, only when asked', () => {
    const store = storeOf(handSamples());
    store.addAnnotations([
      { v: 1, task: 'A', index: 1, cause: 'checker-wrong', note: '', at },
      { v: 1, task: 'B', index: 0, cause: 'checker-wrong', note: '', at },
      // B#0's latest label is another cause: it no longer counts as a checker error.
      { v: 1, task: 'B', index: 0, cause: 'ambiguous', note: '', at: '2025-01-02T00:00:00.000Z' },
      { v: 1, task: 'D', index: 3, cause: 'verifier-wrong', note: '', at },
    ]);
    const raw = buildDataset(store, false);
    const corrected = buildDataset(store, true);
    assert.equal(raw.correct[1], 0);
    assert.equal(corrected.correct[1], 1);
    assert.deepEqual([...corrected.flipped.entries()].filter(([, f]) => f === 1).map(([r]) => r), [1]);
    // Same numbers as computeReport with A#1 counted correct.
    const flipped = handSamples().map((s) => (s.task === 'A' && s.index === 1 ? { ...s, correct: true } : s));
    const report = computeReport(flipped, { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5') });
    assert.equal(applyFilter(corrected, parseSelector('mc'), parseFilter('threshold:0.5')).stats?.accuracy, report.accuracy);
    assert.deepEqual(Array.from(annotatedRows(raw, store)).flatMap((f, r) => (f ? [r] : [])), [1, 4, 15]);
  });

  it('counts a human verdict as the correctness, as toScoredSamples does (flipped only where it differs from the checker)', () => {
    const store = storeOf(handSamples());
    store.addAnnotations([
      // A#0 graded correct, the human agrees: nothing flips.
      { v: 2, task: 'A', index: 0, human: 'correct', audit: { id: 'a1', stratum: 'kept-correct' }, note: '', at },
      // A#1 graded incorrect, the human says correct (the gold answer was wrong).
      { v: 2, task: 'A', index: 1, cause: 'gold-wrong', human: 'correct', note: '', at },
      // B#0 graded correct: checker-wrong but the human verdict says correct; the verdict wins.
      { v: 2, task: 'B', index: 0, cause: 'checker-wrong', human: 'correct', note: '', at },
    ]);
    const corrected = buildDataset(store, true);
    assert.deepEqual([...corrected.flipped.entries()].filter(([, f]) => f === 1).map(([r]) => r), [1]);
    assert.deepEqual([corrected.correct[0], corrected.correct[1], corrected.correct[4]], [1, 1, 1]);
  });

  it('keeps a graded part with its own task boundaries when some tasks lack a gold answer', () => {
    const ds = buildDataset(storeOf(handSamples(), { ungradedTasks: ['B', 'D'] }), false);
    assert.deepEqual(Array.from(ds.taskGraded), [1, 0, 1, 0]);
    assert.deepEqual(Array.from(ds.graded.tasks), [0, 2]);
    assert.deepEqual(Array.from(ds.graded.starts), [0, 4, 8]);
    assert.deepEqual(Array.from(ds.graded.rows ?? []), [0, 1, 2, 3, 8, 9, 10, 11]);
    assert.deepEqual(Array.from(gradedColumn(ds, ds.columns.get('mc') as Float64Array)).slice(4), [0.4, 0.3, 0.2, 0.1]);
    const all = buildDataset(storeOf(handSamples()), false);
    assert.equal(all.graded.rows, null);
    assert.equal(gradedColumn(all, all.columns.get('mc') as Float64Array), all.columns.get('mc'));
  });
});
