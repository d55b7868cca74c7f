import assert from 'node:assert/strict';
import { toSampleColumns } from '../../../src/protocol/panelProtocol';
import { SampleStore } from '../../../webview/model/sampleStore';
import { sampleRow } from '../sampleRows';

const mc = (score: number | null) => [score === null ? { verifier: 'mc', score, parse: 'failed' as const, prompt: 'p', raw: 'r' } : { verifier: 'mc', score, parse: 'ok' as const, prompt: 'p', raw: 'r' }];

const init = { run: { id: 'r', model: 'm', tasks: 't', n: 3, verifiers: ['mc'], filter: 'topk:1' }, mode: 'gap' as const };

describe('webview SampleStore', () => {
  it('keeps each task in index order and replaces a re-sent sample', () => {
    const store = new SampleStore();
    store.reset(init);
    store.addSamples({ tasks: [], rows: [sampleRow('b', 2, true, '1', []), sampleRow('a', 0, true, '1', []), sampleRow('b', 0, false, '2', [])] });
    store.addSamples({ tasks: [], rows: [sampleRow('b', 1, true, '3', []), sampleRow('b', 2, false, '9', [])] });
    assert.equal(store.size, 4);
    assert.deepEqual(store.taskIds(), ['a', 'b']);
    assert.deepEqual(store.rowsOf('b').map((r) => [r.index, r.extracted]), [[0, '2'], [1, '3'], [2, '9']]);
    assert.equal(store.row('b', 2)?.correct, false);
    assert.equal(store.row('b', 7), undefined);
  });

  it('takes rows as columns without details, and attaches details when they come', () => {
    const store = new SampleStore();
    store.reset(init);
    const full = [sampleRow('a', 1, true, '4', mc(0.5)), sampleRow('a', 0, false, '3', mc(null)), sampleRow('b', 0, null, null, [])];
    store.addTable({ tasks: [], columns: toSampleColumns(full) });
    assert.deepEqual(store.rowsOf('a').map((r) => [r.index, r.correct, r.extracted, store.score(r, 'mc'), r.full]), [[0, false, '3', null, null], [1, true, '4', 0.5, null]]);
    assert.equal(store.score(store.row('b', 0) as never, 'mc'), null);
    assert.deepEqual(store.verifierNames(), ['mc']);
    const version = store.rowsVersion;
    store.addDetail(full[0] as never);
    assert.equal(store.row('a', 1)?.full, full[0]);
    assert.equal(store.rowsVersion, version, 'details alone do not invalidate the statistics');
    // A detail that disagrees with the stored summary (the sample changed meanwhile) replaces the row.
    store.addDetail(sampleRow('a', 0, true, '4', mc(0.8)));
    assert.equal(store.rowsVersion, version + 1);
    assert.deepEqual([store.row('a', 0)?.correct, store.score(store.row('a', 0) as never, 'mc')], [true, 0.8]);
  });

  it('reuses a replaced sample\'s score slot, forgetting its old scores', () => {
    const store = new SampleStore();
    store.reset(init);
    store.addSamples({ tasks: [], rows: [sampleRow('a', 0, true, '1', [...mc(0.3), { verifier: 'cot-score', score: 0.6, parse: 'ok', prompt: '', raw: '' }])] });
    const slot = store.row('a', 0)?.slot;
    store.addSamples({ tasks: [], rows: [sampleRow('a', 0, true, '1', mc(0.9))] });
    const row = store.row('a', 0);
    assert.equal(row?.slot, slot);
    assert.deepEqual([store.score(row as never, 'mc'), store.score(row as never, 'cot-score')], [0.9, null]);
    // Many rows: the slot arrays grow.
    store.addTable({ tasks: [], columns: toSampleColumns(Array.from({ length: 3000 }, (_, i) => sampleRow('big', i, true, '1', mc(i / 3000)))) });
    assert.equal(store.score(store.row('big', 2999) as never, 'mc'), 2999 / 3000);
    assert.equal(store.score(store.row('a', 0) as never, 'mc'), 0.9);
  });

  it('sorts task ids by UTF-16 code units, as the statistics do', () => {
    const store = new SampleStore();
    store.reset(init);
    store.addSamples({ tasks: [], rows: ['b', 'B', 'a10', 'a2', 'é'].map((t) => sampleRow(t, 0, true, '1', [])) });
    assert.deepEqual(store.taskIds(), ['B', 'a10', 'a2', 'b', 'é']);
  });

  it('bumps versions on change only, and forgets everything on reset', () => {
    const store = new SampleStore();
    store.reset(init);
    const rows = store.rowsVersion;
    store.addSamples({ tasks: [], rows: [] });
    assert.equal(store.rowsVersion, rows);
    store.addSamples({ tasks: [{ id: 'a', question: 'q', gold: ['1'], grader: 'exact' }], rows: [] });
    assert.equal(store.rowsVersion, rows + 1);
    const record = { v: 1 as const, task: 'a', index: 0, cause: 'other' as const, note: 'n', at: '2025-01-01T00:00:00.000Z' };
    store.addAnnotations([record]);
    const labels = store.annotationsVersion;
    // The same record again (host push after the annotate reply) is not a second annotation.
    store.addAnnotations([{ ...record }]);
    assert.equal(store.annotationsVersion, labels);
    store.addAnnotations([{ ...record, cause: 'gold-wrong', at: '2025-01-02T00:00:00.000Z' }]);
    assert.deepEqual(store.annotationsOf('a', 0).map((a) => a.cause), ['other', 'gold-wrong']);
    assert.deepEqual(store.latestAnnotations().map((a) => a.cause), ['gold-wrong']);
    store.reset(init);
    assert.equal(store.size, 0);
    assert.equal(store.tasks.size, 0);
    assert.deepEqual(store.latestAnnotations(), []);
  });
});
