import assert from 'node:assert/strict';
import { formatFilter, formatSelector } from '../../../src/core/filter/parse';
import { buildSelector, FILTER_KINDS, filterAt, filterParameter, positionOf, selectorParts, sliderScale, sweepFilters } from '../../../webview/model/filterControl';

describe('webview filter controls', () => {
  it('maps slider positions to filters and back', () => {
    assert.deepEqual(filterAt('quantile', 80), { kind: 'quantile', q: 0.8 });
    assert.deepEqual(filterAt('threshold', 35), { kind: 'threshold', tau: 0.35 });
    assert.deepEqual(filterAt('topk', 3), { kind: 'topk', k: 3 });
    assert.deepEqual(filterAt('exp', 0), { kind: 'exp', beta: 0.01 });
    assert.deepEqual(filterAt('exp', 100), { kind: 'exp', beta: 10 });
    assert.equal(formatFilter(filterAt('exp', 50)), 'exp:0.316');
    for (const kind of FILTER_KINDS) {
      const { min, max } = sliderScale(kind, 16);
      for (let p = min; p <= max; p++) assert.equal(positionOf(filterAt(kind, p)), p, `${kind} at ${p}`);
    }
    assert.deepEqual(sliderScale('topk', 16), { min: 1, max: 16 });
    assert.deepEqual(sliderScale('topk', 0), { min: 1, max: 1 });
    assert.equal(positionOf({ kind: 'quantile', q: 0.875 }), 88);
  });

  it('sweeps an even grid of each kind, at most 41 top-k values', () => {
    assert.deepEqual(sweepFilters('quantile', 8).map(filterParameter), Array.from({ length: 21 }, (_, i) => i / 20));
    assert.deepEqual(sweepFilters('topk', 4).map(filterParameter), [1, 2, 3, 4]);
    const many = sweepFilters('topk', 1000).map(filterParameter);
    assert.equal(many.length, 41);
    assert.equal(many[0], 1);
    assert.equal(many[40], 1000);
    const betas = sweepFilters('exp', 8).map(filterParameter);
    assert.equal(betas[0], 0.01);
    assert.equal(betas[20], 10);
  });

  it('builds the selector from the ticked verifiers and reads flat ones back', () => {
    assert.equal(buildSelector([], 'and'), null);
    assert.equal(formatSelector(buildSelector(['mc'], 'mean') as never), 'mc');
    assert.equal(formatSelector(buildSelector(['mc', 'cot-score'], 'and') as never), 'and(mc,cot-score)');
    assert.equal(formatSelector(buildSelector(['mc', 'cot-score'], 'mean') as never), 'mean(mc,cot-score)');
    assert.deepEqual(selectorParts({ kind: 'verifier', name: 'mc' }), { names: ['mc'], combine: 'and' });
    assert.deepEqual(selectorParts({ kind: 'mean', parts: [{ kind: 'verifier', name: 'a' }, { kind: 'verifier', name: 'b' }] }), { names: ['a', 'b'], combine: 'mean' });
    assert.equal(selectorParts({ kind: 'and', parts: [{ kind: 'mean', parts: [{ kind: 'verifier', name: 'a' }] }] }), null);
  });
});
