import assert from 'node:assert/strict';
import { parsePanelState, type RunSummary } from '../../../src/protocol/panelProtocol';
import { FALLBACK_FILTER, initialSettings, toPanelState } from '../../../webview/model/settings';

const run: RunSummary = { id: 'r1', model: 'm', tasks: 't', n: 4, verifiers: ['mc', 'cot-score'], filter: 'topk:2' };

describe('webview settings', () => {
  it("starts from the run's first verifier and filter", () => {
    const s = initialSettings(run, null);
    assert.deepEqual(s.selector, { kind: 'verifier', name: 'mc' });
    assert.deepEqual(s.filter, { kind: 'topk', k: 2 });
    assert.equal(s.checkerCorrected, false);
    assert.equal(s.selection, null);
    assert.deepEqual(initialSettings({ ...run, selector: 'and(mc,cot-score)' }, null).selector?.kind, 'and');
    assert.equal(initialSettings({ ...run, verifiers: [] }, null).selector, null);
    assert.deepEqual(initialSettings({ ...run, filter: 'nonsense' }, null).filter, FALLBACK_FILTER);
  });

  it('restores the persisted state of the same run only, round-tripping through PanelState', () => {
    const chosen = { ...initialSettings(run, null), filter: { kind: 'quantile' as const, q: 0.3 }, checkerCorrected: true, selection: { task: 'a', index: 2 } };
    const state = toPanelState('r1', chosen);
    assert.deepEqual(parsePanelState(JSON.parse(JSON.stringify(state))), state);
    assert.deepEqual(initialSettings(run, state), chosen);
    assert.deepEqual(initialSettings({ ...run, id: 'r2' }, state).selection, null);
    // A state whose filter no longer parses falls back to the run's.
    assert.deepEqual(initialSettings(run, { ...state, filter: 'quantile:7' }).filter, { kind: 'topk', k: 2 });
  });
});
