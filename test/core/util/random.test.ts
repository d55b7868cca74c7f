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
