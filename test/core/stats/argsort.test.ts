import assert from 'node:assert/strict';
import fc from 'fast-check';
import { argsort } from '../../../src/core/stats/argsort';

describe('argsort', () => {
  it('orders by value, equal values by position', () => {
    assert.deepEqual(Array.from(argsort(Float64Array.of(0.5, -Infinity, 0.2, 0.5, 0.2))), [1, 2, 4, 0, 3]);
    assert.deepEqual(Array.from(argsort(new Float64Array(0))), []);
  });

  it('agrees with a comparator sort on random input', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(-Infinity, 0, 0.1, 0.5, 1), { maxLength: 200 }), (values) => {
        const reference = values.map((_, i) => i).sort((a, b) => {
          const x = values[a] as number;
          const y = values[b] as number;
          return x < y ? -1 : x > y ? 1 : a - b;
        });
        assert.deepEqual(Array.from(argsort(Float64Array.from(values))), reference);
      }),
    );
  });
});
