import assert from 'node:assert/strict';
import { createRng, StringSeed } from '../../../src/core/util/random';

describe('StringSeed', () => {
  it('gives every prefix of a text, hashed on in one pass, the generator createRng gives that prefix', () => {
    const text = 'Verify: 2 + 2 = 4 — “ok” 🙂\nScore:';
    const seed = new StringSeed().update('verify\u0000');
    let hashed = 0;
    for (const end of [0, 1, 5, 17, 26, 28, text.length]) {
      seed.update(text, hashed, end);
      hashed = end;
      const draws = (rng: { next(): number }): number[] => Array.from({ length: 4 }, () => rng.next());
      assert.deepEqual(draws(seed.rng()), draws(createRng(`verify\u0000${text.slice(0, end)}`)), `prefix of ${end}`);
    }
  });
});

describe('createRng', () => {
  it('fills a batch with the numbers next() gives one by one, and keeps the sequence of seed 0', () => {
    const one = createRng(0);
    const batched = createRng(0);
    const out = new Float64Array(1500);
    for (const count of [1, 0, 7, 1500, 300]) {
      batched.fill(out, count);
      for (let i = 0; i < count; i++) assert.equal(out[i], one.next());
    }
    // The generator the golden reports were drawn with (test/core/stats/golden/).
    const seed0 = createRng(0);
    assert.deepEqual([seed0.next(), seed0.next(), seed0.int(1000)], [0.3989817751571536, 0.05623038299381733, 81]);
  });
});
