import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, ResponseCache } from '../../../src/core/llm/responseCache';

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
