import assert from 'node:assert/strict';
import fc from 'fast-check';
import { linearQuantile } from '../../../src/core/filter/quantile';

describe('linearQuantile (numpy np.quantile, method "linear")', () => {
  it('matches numpy outputs worked out by hand', () => {
    // h = (n−1)q; lerp between sorted[⌊h⌋] and sorted[⌊h⌋+1].
    // [0.1,0.4,0.4,0.9], q=0.5: h = 1.5 → between 0.4 and 0.4 → 0.4 (numpy: 0.4)
    assert.equal(linearQuantile([0.1, 0.4, 0.4, 0.9], 0.5), 0.4);
    // [1,2,3,4], q=0.8: h = 2.4 → 3 + 0.4·(4−3) = 3.4 (numpy prints 3.4000000000000004)
    assert.ok(Math.abs(linearQuantile([1, 2, 3, 4], 0.8) - 3.4) < 1e-12);
    // [1,2,3,4], q=0.25: h = 0.75 → 1 + 0.75·1 = 1.75
    assert.equal(linearQuantile([1, 2, 3, 4], 0.25), 1.75);
    // [0.2,0.5,0.9], q=0.7: h = 1.4 → 0.5 + 0.4·0.4 = 0.66
    assert.ok(Math.abs(linearQuantile([0.2, 0.5, 0.9], 0.7) - 0.66) < 1e-12);
    // [1,2,3,4,5], q=0.5: h = 2 exactly → 3
    assert.equal(linearQuantile([1, 2, 3, 4, 5], 0.5), 3);
    // one value: every quantile is that value
    assert.equal(linearQuantile([0.37], 0.3), 0.37);
  });

  it('is exactly the minimum at q=0 and the maximum at q=1', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), (values) => {
        const sorted = Float64Array.from(values).sort();
        assert.equal(linearQuantile(sorted, 0), sorted[0]);
        assert.equal(linearQuantile(sorted, 1), sorted[sorted.length - 1]);
      }),
    );
  });

  it('stays between its two neighbours and within 1e-12 of a plain lerp', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const sorted = Float64Array.from(values).sort();
          const h = (sorted.length - 1) * q;
          const a = sorted[Math.floor(h)] as number;
          const b = sorted[Math.ceil(h)] as number;
          const v = linearQuantile(sorted, q);
          assert.ok(v >= a && v <= b, `${v} not in [${a}, ${b}]`);
          assert.ok(Math.abs(v - (a + (h - Math.floor(h)) * (b - a))) < 1e-12);
        },
      ),
    );
  });

  it('reads only the first `length` entries of a reused buffer', () => {
    assert.equal(linearQuantile([0.1, 0.3, 99, 99], 1, 2), 0.3);
  });

  it('rejects an empty input and q outside [0,1]', () => {
    assert.throws(() => linearQuantile([], 0.5), /no values/);
    assert.throws(() => linearQuantile([1], 1.5), /outside/);
  });
});
