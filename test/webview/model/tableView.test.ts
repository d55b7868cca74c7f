import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import type { PanelView } from '../../../src/protocol/panelProtocol';
import { applyFilter, scoreSelector } from '../../../webview/model/analysis';
import { annotatedRows, buildDataset } from '../../../webview/model/dataset';
import { buildTableItems, disagreementOf, headerItem, linesFollowFilter, nextMatching, stepSample } from '../../../webview/model/tableView';
import { handSamples } from '../../core/stats/fixtures';
import { storeOf } from '../storeFixtures';

const view = (patch: Partial<PanelView> = {}): PanelView => ({ task: null, show: 'all', sort: 'task', descending: false, ...patch });

// Hand set, mc threshold 0.5 — kept rows: A#0(c) A#1(w) B#0(c) B#1(c) D#0(w) D#1(w).
// Disagreements: kept-wrong A#1, D#0, D#1; dropped-correct A#2, C#0..C#3, D#2.
function setup(ungradedTasks: string[] = []) {
  const store = storeOf(handSamples(), { ungradedTasks });
  store.addAnnotations([{ v: 1, task: 'B', index: 3, cause: 'other', note: '', at: '2025-01-01T00:00:00.000Z' }]);
  const ds = buildDataset(store, false);
  const fr = applyFilter(ds, parseSelector('mc'), parseFilter('threshold:0.5'));
  const inputs = { ds, filter: fr, scores: scoreSelector(ds, parseSelector('mc')).scores, annotated: annotatedRows(ds, store) };
  return { ds, fr, inputs };
}

describe('webview table view', () => {
  it('classifies disagreements: kept but wrong, dropped but correct', () => {
    const { ds, fr } = setup();
    const kinds = Array.from(ds.slots, (_, row) => `${ds.sampleAt(row).task}${ds.index[row]}:${disagreementOf(ds, fr, row) ?? '-'}`);
    assert.deepEqual(kinds, [
      'A0:-', 'A1:kept-wrong', 'A2:dropped-correct', 'A3:-',
      'B0:-', 'B1:-', 'B2:-', 'B3:-',
      'C0:dropped-correct', 'C1:dropped-correct', 'C2:dropped-correct', 'C3:dropped-correct',
      'D0:kept-wrong', 'D1:kept-wrong', 'D2:dropped-correct', 'D3:-',
    ]);
  });

  it('under exp:β decides by weight at ½: a sample of weight ≈ 0 is not "kept but wrong"', () => {
    const { ds } = setup();
    // A: mc 0.9 (correct), 0.6 (wrong), 0.3 (correct), missing (wrong). exp:0.1 weights 1, e^−3 ≈ 0.05, e^−6, 0.
    const fr = applyFilter(ds, parseSelector('mc'), parseFilter('exp:0.1'));
    assert.ok((fr.weights[1] as number) > 0 && (fr.weights[1] as number) < 0.1);
    const kinds = [0, 1, 2, 3].map((row) => disagreementOf(ds, fr, row));
    // Before, every weight > 0 counted as kept: A#1 was "kept but wrong" with weight 0.0498.
    assert.deepEqual(kinds, [null, null, 'dropped-correct', null]);
    const inputs = { ds, filter: fr, scores: scoreSelector(ds, parseSelector('mc')).scores, annotated: new Uint8Array(ds.slots.length) };
    assert.deepEqual(Array.from(buildTableItems(inputs, view({ show: 'kept', task: 'A' })).items).filter((i) => i >= 0), [0]);
  });

  it('groups lines by task with a header before each task', () => {
    const { inputs } = setup();
    const { items, lineOf, samples } = buildTableItems(inputs, view());
    assert.equal(items.length, 20);
    assert.equal(samples, 16);
    assert.deepEqual(Array.from(items.slice(0, 6)), [headerItem(0), 0, 1, 2, 3, headerItem(1)]);
    assert.equal(lineOf[4], 6);
  });

  it('shows only disagreements, dropping tasks left empty', () => {
    const { inputs } = setup();
    const { items, lineOf } = buildTableItems(inputs, view({ show: 'disagreements' }));
    assert.deepEqual(Array.from(items), [headerItem(0), 1, 2, headerItem(2), 8, 9, 10, 11, headerItem(3), 12, 13, 14]);
    assert.equal(lineOf[0], -1);
  });

  it('filters kept, dropped, correct, wrong, annotated and one task', () => {
    const { inputs } = setup();
    const rows = (patch: Partial<PanelView>): number[] => Array.from(buildTableItems(inputs, view(patch)).items).filter((i) => i >= 0);
    assert.deepEqual(rows({ show: 'kept' }), [0, 1, 4, 5, 12, 13]);
    assert.deepEqual(rows({ show: 'dropped' }), [2, 3, 6, 7, 8, 9, 10, 11, 14, 15]);
    assert.deepEqual(rows({ show: 'correct' }), [0, 2, 4, 5, 8, 9, 10, 11, 14]);
    assert.deepEqual(rows({ show: 'wrong' }), [1, 3, 6, 7, 12, 13, 15]);
    assert.deepEqual(rows({ show: 'annotated' }), [7]);
    assert.deepEqual(rows({ task: 'D' }), [12, 13, 14, 15]);
    assert.deepEqual(rows({ task: 'nope' }), []);
  });

  it('sorts within each task by score (missing lowest), verdict or weight; ties by index', () => {
    const { inputs } = setup();
    const rows = (patch: Partial<PanelView>): number[] => Array.from(buildTableItems(inputs, view(patch)).items).filter((i) => i >= 0).slice(0, 4);
    // A: mc 0.9, 0.6, 0.3, null
    assert.deepEqual(rows({ sort: 'score' }), [3, 2, 1, 0]);
    assert.deepEqual(rows({ sort: 'score', descending: true }), [0, 1, 2, 3]);
    assert.deepEqual(rows({ sort: 'correct' }), [1, 3, 0, 2]);
    assert.deepEqual(rows({ sort: 'kept', descending: true }), [0, 1, 2, 3]);
    assert.deepEqual(rows({ descending: true }), [3, 2, 1, 0]);
  });

  it('ungraded samples never disagree and are neither correct nor wrong', () => {
    const { ds, fr, inputs } = setup(['A']);
    assert.equal(disagreementOf(ds, fr, 1), null);
    const wrong = Array.from(buildTableItems(inputs, view({ show: 'wrong' })).items).filter((i) => i >= 0);
    assert.deepEqual(wrong, [6, 7, 12, 13, 15]);
  });

  it('steps through samples skipping headers, and finds the next match with wrap-around', () => {
    const items = Int32Array.from([headerItem(0), 0, 1, headerItem(1), 4, 5]);
    assert.equal(stepSample(items, -1, 1), 1);
    assert.equal(stepSample(items, 2, 1), 4);
    assert.equal(stepSample(items, 4, -1), 2);
    assert.equal(stepSample(items, 1, -1), -1);
    assert.equal(stepSample(items, 5, 1), -1);
    assert.equal(nextMatching(items, 4, (r) => r === 1), 2);
    assert.equal(nextMatching(items, -1, (r) => r === 5), 5);
    assert.equal(nextMatching(items, 2, (r) => r === 99), -1);
  });

  it('finds no disagreement when the selector scored nothing: the verifier judged no sample', () => {
    const unscored = handSamples().map((s) => ({ ...s, scores: { mc: null } }));
    const ds = buildDataset(storeOf(unscored), false);
    const fr = applyFilter(ds, parseSelector('mc'), parseFilter('threshold:0.5'));
    assert.equal(fr.measured, false);
    assert.deepEqual(Array.from(ds.slots, (_, row) => disagreementOf(ds, fr, row)).filter((d) => d !== null), []);
    assert.equal(applyFilter(ds, null, parseFilter('threshold:0.5')).measured, false, 'no verifier: nothing measured');
    assert.equal(setup().fr.measured, true);
  });

  it('keeps its lines through a filter change whenever linesFollowFilter says they do not follow it', () => {
    const { ds, inputs } = setup();
    const filters = ['threshold:0.5', 'threshold:0.7', 'exp:0.1'].map((f) => applyFilter(ds, parseSelector('mc'), parseFilter(f)));
    const lines = (filter: typeof inputs.filter | null, v: PanelView): string => JSON.stringify(Array.from(buildTableItems({ ...inputs, filter }, v).items));
    let following = 0;
    for (const show of ['all', 'disagreements', 'kept', 'dropped', 'correct', 'wrong', 'annotated'] as const) {
      for (const sort of ['task', 'score', 'correct', 'kept'] as const) {
        const v = view({ show, sort, descending: true });
        const differ = new Set(filters.map((f) => lines(f, v))).size > 1;
        if (differ) following++;
        if (linesFollowFilter(v)) assert.throws(() => lines(null, v), /needs the filter's decisions/);
        else {
          assert.equal(differ, false, `${show}, ${sort}: the lines follow the filter`);
          assert.equal(lines(null, v), lines(inputs.filter, v));
        }
      }
    }
    assert.ok(following >= 4, 'the filters differ enough to tell');
  });
});
