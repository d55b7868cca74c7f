import assert from 'node:assert/strict';
import { answerClusters } from '../../../webview/model/clusters';
import { SampleStore } from '../../../webview/model/sampleStore';
import { sampleRow } from '../sampleRows';

const v = (score: number | null) => [
  score === null ? { verifier: 'mc', score, parse: 'failed' as const, prompt: '', raw: '' } : { verifier: 'mc', score, parse: 'ok' as const, prompt: '', raw: '' },
];

describe('webview answer clusters', () => {
  it('groups by normalized answer, most frequent first, no-answer last, with mean scores', () => {
    const rows = [
      sampleRow('t', 0, null, '7', v(0.9)),
      sampleRow('t', 1, null, null, v(0.1)),
      sampleRow('t', 2, null, '8', v(0.2)),
      sampleRow('t', 3, null, '7', v(0.5)),
      sampleRow('t', 4, null, '7', v(null)),
      sampleRow('t', 5, null, '6', v(0.4)),
    ];
    const store = new SampleStore();
    store.reset({ run: { id: 'r', model: 'm', tasks: 'selection', n: 6, verifiers: ['mc'], filter: 'topk:1' }, mode: 'check' });
    store.addSamples({ tasks: [], rows });
    const clusters = answerClusters(store.rowsOf('t'), ['mc', 'cot-score'], (row, verifier) => store.score(row, verifier));
    assert.deepEqual(clusters.map((c) => [c.answer, c.indices, c.share]), [['7', [0, 3, 4], 0.5], ['6', [5], 1 / 6], ['8', [2], 1 / 6], [null, [1], 1 / 6]]);
    assert.deepEqual(clusters[0]?.meanScores, { mc: 0.7, 'cot-score': null });
  });
});
