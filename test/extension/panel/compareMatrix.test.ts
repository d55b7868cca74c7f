import assert from 'node:assert/strict';
import { fillCommandUri, heatClass } from '../../../src/extension/panel/compareMatrix';

describe('compareMatrix', () => {
  it('colours a gap by its sign in steps at 2.5, 5, 10 and 20 pp, none below 2.5 pp', () => {
    const cases: [number, string][] = [[0, 'heat-0'], [0.0249, 'heat-0'], [-0.0249, 'heat-0'], [0.025, 'heat-p1'], [-0.05, 'heat-n2'], [0.1, 'heat-p3'], [0.19, 'heat-p3'], [-0.2, 'heat-n4'], [0.9, 'heat-p4']];
    for (const [gap, cls] of cases) assert.equal(heatClass(gap), cls, String(gap));
  });

  it('links a missing cell to Re-verify Run with the run folder and the fill, as reverifyFillArg reads them', () => {
    const uri = fillCommandUri({ run: '/runs/a b', model: null, verifier: 'cot-score', argv: [] });
    assert.ok(uri.startsWith('command:gaplens.reverifyRun?'));
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.slice('command:gaplens.reverifyRun?'.length))), ['/runs/a b', { verifier: 'cot-score', model: null }]);
  });
});
