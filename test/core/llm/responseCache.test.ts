import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHECK_SHARE, cacheKey, ResponseCache } from '../../../src/core/llm/responseCache';
import { LOW_WATER, SIZE_SAMPLE } from '../../../src/core/llm/responseCacheFiles';
import { ageFile, bytesOnDisk, entriesOnDisk, entryFile, tempsOnDisk } from './cacheFolder';

describe('responseCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const key = cacheKey('openai:chat:m@http://127.0.0.1:1/v1', 'generate', { prompt: 'p', n: 2, seed: 3 });

  it('misses, then returns what was stored, from a file under a two-character shard folder', async () => {
    const cache = new ResponseCache(dir);
    assert.equal(await cache.get(key), undefined);
    const value = { generations: [{ text: 'é ∑ "quoted"\n', finishReason: 'stop', completionTokens: 4 }], usage: { promptTokens: 1, completionTokens: 4 } };
    await cache.set(key, value);
    assert.deepEqual(await cache.get(key), value);
    assert.deepEqual(fs.readdirSync(dir), [key.slice(0, 2)]);
    // Only the entry is left behind: the temporary file was renamed into place.
    assert.deepEqual(fs.readdirSync(path.join(dir, key.slice(0, 2))), [`${key}.json`]);
    assert.deepEqual(await new ResponseCache(dir).get(key), value);
  });

  it('treats a corrupt or foreign entry as a miss, and overwrites it', async () => {
    const cache = new ResponseCache(dir);
    const file = path.join(dir, key.slice(0, 2), `${key}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    for (const junk of ['{"key": "' + key + '", "val', '', 'null', '{"key": "someone-else", "value": 1}', '{"key": "' + key + '"}']) {
      fs.writeFileSync(file, junk);
      assert.equal(await cache.get(key), undefined, `read ${JSON.stringify(junk)} as a hit`);
    }
    await cache.set(key, { ok: true });
    assert.deepEqual(await cache.get(key), { ok: true });
  });

  it('stores null and falsy values as hits', async () => {
    const cache = new ResponseCache(dir);
    const other = cacheKey('b', 'm', 1);
    await cache.set(key, 0);
    await cache.set(other, null);
    assert.equal(await cache.get(key), 0);
    assert.equal(await cache.get(other), null);
  });

  it('keeps concurrent writers of one key from producing a torn entry', async () => {
    const cache = new ResponseCache(dir);
    const values = Array.from({ length: 20 }, (_, i) => ({ i, text: 'x'.repeat(10_000 + i) }));
    await Promise.all(values.map((v) => cache.set(key, v)));
    const got = await cache.get<{ i: number; text: string }>(key);
    assert.ok(got && got.text.length === 10_000 + got.i);
  });

  it('refuses keys that are not cache keys', async () => {
    const cache = new ResponseCache(dir);
    await assert.rejects(cache.get('../../etc/passwd'), /64 hex digits/);
    await assert.rejects(cache.set('ab', 1), /64 hex digits/);
  });

  it('says where and what to do when the cache folder cannot be written', async () => {
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    await assert.rejects(new ResponseCache(blocker).set(key, 1), (err: unknown) => err instanceof Error && err.name === 'UserError' && err.message.includes(`Cannot write the response cache at ${path.join(blocker, key.slice(0, 2))}`));
  });

  describe('limit', () => {
    const keyOf = (i: number): string => cacheKey('b', 'generate', { i });
    const valueOf = (i: number): string => `${i}:`.padEnd(3000, 'v');

    it('evicts the least recently used entries first: an old entry read just now survives, older unread ones go', async () => {
      const cache = new ResponseCache(dir);
      for (let i = 0; i < 10; i++) await cache.set(keyOf(i), valueOf(i));
      // Entry i was last used 10 - i minutes ago: entry 0 is the oldest, until it is read.
      for (let i = 0; i < 10; i++) ageFile(entryFile(dir, keyOf(i)), 10 - i);
      assert.equal(await cache.get(keyOf(0)), valueOf(0));
      const total = bytesOnDisk(dir);
      const maxBytes = Math.floor(total * 0.7);
      await ResponseCache.open(dir, { maxBytes }).settled();
      const left = new Set(entriesOnDisk(dir).map((e) => e.file));
      assert.ok(bytesOnDisk(dir) <= LOW_WATER * maxBytes, `${bytesOnDisk(dir)} bytes left of a ${maxBytes} limit`);
      assert.ok(left.has(entryFile(dir, keyOf(0))), 'the entry read just now was evicted');
      assert.ok(!left.has(entryFile(dir, keyOf(1))), 'the least recently used entry survived');
      assert.ok(left.has(entryFile(dir, keyOf(9))), 'the most recently written entry was evicted');
      // What is left is exactly the most recently used entries.
      const kept = [0, 9, 8, 7, 6, 5, 4, 3, 2, 1].slice(0, left.size).map((i) => entryFile(dir, keyOf(i)));
      assert.deepEqual([...left].sort(), kept.sort());
    });

    it('holds after many writes: never over the limit by more than two check intervals, and keeps what was written last', async () => {
      const maxBytes = 256 * 1024;
      // Each check interval may end with one entry past it (a 4 KiB block here).
      const margin = 2 * (CHECK_SHARE * maxBytes + 4096);
      const cache = ResponseCache.open(dir, { maxBytes });
      for (let i = 0; i < 400; i++) {
        await cache.set(keyOf(i), valueOf(i));
        const used = bytesOnDisk(dir);
        assert.ok(used <= maxBytes + margin, `after write ${i}: ${used} bytes on disk, limit ${maxBytes}`);
      }
      await cache.settled();
      const used = bytesOnDisk(dir);
      assert.ok(used <= maxBytes + margin / 2, `${used} bytes on disk, limit ${maxBytes}`);
      assert.ok(used >= 0.7 * maxBytes, `eviction went too far: ${used} bytes left of ${maxBytes}`);
      for (let i = 390; i < 400; i++) assert.equal(await cache.get(keyOf(i)), valueOf(i));
    });

    it('estimates a big cache from a sample: leaves it alone under the limit, evicts it over', async function () {
      this.timeout(120_000);
      const cache = new ResponseCache(dir);
      const count = 5100;
      assert.ok(count > SIZE_SAMPLE);
      for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => cache.set(keyOf(i + j), i + j)));
      const total = bytesOnDisk(dir);
      await ResponseCache.open(dir, { maxBytes: Math.floor(total * 1.1) }).settled();
      assert.equal(entriesOnDisk(dir).length, count);
      const maxBytes = Math.floor(total / 2);
      await ResponseCache.open(dir, { maxBytes }).settled();
      const used = bytesOnDisk(dir);
      assert.ok(used <= LOW_WATER * maxBytes && used > LOW_WATER * maxBytes - 8192, `${used} bytes left, limit ${maxBytes}`);
    });

    it('sweeps only old temporary files when it opens: a young one may be being written', async () => {
      const cache = new ResponseCache(dir);
      await cache.set(key, 1);
      const orphan = `${entryFile(dir, key)}.999999.aaaaaa.tmp`;
      const young = `${entryFile(dir, key)}.999999.bbbbbb.tmp`;
      fs.writeFileSync(orphan, '{"key":');
      fs.writeFileSync(young, '{"key":');
      ageFile(orphan, 6);
      ageFile(young, 4);
      await ResponseCache.open(dir).settled();
      assert.deepEqual(tempsOnDisk(dir).map((t) => t.file), [young]);
      assert.equal(await cache.get(key), 1);
    });

    it('warns once, evicts what it can, and keeps serving, when an entry cannot be removed', async () => {
      const warnings: string[] = [];
      const cache = new ResponseCache(dir);
      for (let i = 0; i < 4; i++) await cache.set(keyOf(i), valueOf(i));
      // A folder where an entry should be: unlink fails (EISDIR/EPERM), as on a read-only disk.
      const stuck = entryFile(dir, keyOf(99));
      fs.mkdirSync(stuck, { recursive: true });
      ageFile(stuck, 60);
      const small = ResponseCache.open(dir, { maxBytes: 1, onWarning: (m) => warnings.push(m) });
      await small.settled();
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', new RegExp(`could not be kept within its limit: Cannot remove ${stuck}`));
      assert.equal(await small.get(keyOf(3)), undefined);
      // Stores still work; the next check (due at once under this limit) fails the same way, silently.
      await small.set(keyOf(5), 5);
      await small.settled();
      assert.equal(warnings.length, 1, warnings.join('\n'));
    });

    it('refuses a limit that is not a positive whole number of bytes', () => {
      for (const maxBytes of [0, -1, 1.5, Number.NaN]) assert.throws(() => new ResponseCache(dir, { maxBytes }), /maxBytes must be a positive integer/);
    });
  });

  describe('cacheKey', () => {
    it('does not depend on the order of object keys', () => {
      assert.equal(cacheKey('b', 'generate', { prompt: 'p', n: 2, stop: ['x'] }), cacheKey('b', 'generate', { stop: ['x'], n: 2, prompt: 'p' }));
    });

    it('changes with everything that determines the answer', () => {
      const base = { prompt: 'p', n: 2, seed: 3, temperature: 0.7, topP: 1, maxTokens: 10, stop: ['\n'] };
      const keys = new Set([
        cacheKey('b', 'generate', base),
        cacheKey('other-backend', 'generate', base),
        cacheKey('b', 'nextToken', base),
        ...Object.keys(base).map((field) => cacheKey('b', 'generate', { ...base, [field]: field === 'stop' ? ['\n\n'] : field === 'prompt' ? 'q' : 99 })),
        cacheKey('b', 'generate', { ...base, seed: undefined }),
      ]);
      assert.equal(keys.size, 3 + Object.keys(base).length + 1);
      assert.match(cacheKey('b', 'generate', base), /^[0-9a-f]{64}$/);
    });
  });
});
