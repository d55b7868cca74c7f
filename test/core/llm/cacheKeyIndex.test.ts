import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { KeyIndex } from '../../../src/core/llm/cacheKeyIndex';

const keyOf = (i: number): Buffer => createHash('sha256').update(`key ${i}`).digest();

describe('cacheKeyIndex', () => {
  it('finds every one of many keys where it was last put, through every growth of the table', () => {
    const index = new KeyIndex(() => true);
    for (let i = 0; i < 50_000; i++) index.put(keyOf(i), 0, { pack: i % 7, offset: i, length: i + 40 });
    index.put(keyOf(3), 0, { pack: 9, offset: 1, length: 2 });
    for (let i = 0; i < 50_000; i++) if (i !== 3) assert.deepEqual(index.find(keyOf(i)), { pack: i % 7, offset: i, length: i + 40 });
    assert.deepEqual(index.find(keyOf(3)), { pack: 9, offset: 1, length: 2 });
    assert.equal(index.find(keyOf(50_000)), undefined);
    assert.equal(index.count(), 50_000);
  });

  it('reads a key at an offset in a larger buffer (an index file read whole)', () => {
    const index = new KeyIndex(() => true);
    const file = Buffer.concat([Buffer.alloc(16), keyOf(1), Buffer.alloc(12), keyOf(2)]);
    index.put(file, 16, { pack: 0, offset: 16, length: 50 });
    index.put(file, 60, { pack: 0, offset: 66, length: 50 });
    assert.equal(index.find(keyOf(1))?.offset, 16);
    assert.equal(index.find(keyOf(2))?.offset, 66);
  });

  it('a pack gone makes its keys misses at once, and its entries are dropped when the table grows', () => {
    const gone = new Set<number>();
    const index = new KeyIndex((pack) => !gone.has(pack));
    for (let i = 0; i < 600; i++) index.put(keyOf(i), 0, { pack: i < 300 ? 1 : 2, offset: i, length: 1 });
    gone.add(1);
    assert.equal(index.find(keyOf(0)), undefined);
    assert.equal(index.find(keyOf(300))?.offset, 300);
    assert.equal(index.count(), 300);
    // Growing re-inserts the live entries only; a key of the gone pack put again is found.
    for (let i = 1000; i < 3000; i++) index.put(keyOf(i), 0, { pack: 2, offset: i, length: 1 });
    index.put(keyOf(5), 0, { pack: 2, offset: 5, length: 1 });
    gone.delete(1);
    assert.equal(index.find(keyOf(4)), undefined, 'an entry of the gone pack survived the growth');
    assert.equal(index.find(keyOf(5))?.offset, 5);
    assert.equal(index.count(), 300 + 2000 + 1);
  });
});
