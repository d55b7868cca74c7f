import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { crc32Table } from '../../../src/core/llm/cachePackFormat';
import { CHECK_SHARE, FLUSH_MS, cacheKey, ResponseCache } from '../../../src/core/llm/responseCache';
import { LOW_WATER, MERGE_AT, cacheUsage, packMaxBytes } from '../../../src/core/llm/responseCacheFiles';
import { ageFile, bytesOnDisk, legacyEntryFile, packsOnDisk, readPack, recordsOnDisk, tempsOnDisk } from './cacheFolder';

describe('responseCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const key = cacheKey('openai:chat:m@http://127.0.0.1:1/v1', 'generate', { prompt: 'p', n: 2, seed: 3 });
  const keyOf = (i: number): string => cacheKey('b', 'generate', { i });
  const valueOf = (i: number): string => `${i}:`.padEnd(3000, 'v');
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const flipByte = (file: string, at: number, mask = 0xff): void => {
    const bytes = fs.readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(at) ^ mask, at);
    fs.writeFileSync(file, bytes);
  };

  /** Stores entries `from` to `to` - 1 through a cache of their own, closed: one pack, written now. */
  async function packOf(from: number, to: number, opts: { maxBytes?: number } = {}): Promise<string> {
    const before = new Set(packsOnDisk(dir).map((p) => p.file));
    const cache = new ResponseCache(dir, opts);
    for (let i = from; i < to; i++) await cache.set(keyOf(i), valueOf(i));
    await cache.close();
    const made = packsOnDisk(dir).filter((p) => !before.has(p.file));
    assert.equal(made.length, 1);
    return (made[0] as { file: string }).file;
  }

  it('misses, then returns what was stored; a thousand answers make one pack and its index, not a file each', async () => {
    const cache = new ResponseCache(dir);
    assert.equal(await cache.get(key), undefined);
    const value = { generations: [{ text: 'é ∑ "quoted"\n', finishReason: 'stop', completionTokens: 4 }], usage: { promptTokens: 1, completionTokens: 4 } };
    await cache.set(key, value);
    assert.deepEqual(await cache.get(key), value);
    for (let i = 0; i < 1000; i++) await cache.set(keyOf(i), i);
    await cache.close();
    const files = fs.readdirSync(dir).sort();
    assert.equal(files.length, 2, files.join(' '));
    assert.match(files[0] ?? '', /^[0-9a-z]+-\d+-[0-9a-f]{12}\.idx$/);
    assert.equal(files[1], (files[0] ?? '').replace(/\.idx$/, '.pack'));
    const records = recordsOnDisk(dir);
    assert.equal(records.length, 1001);
    assert.deepEqual(records[0], { ...records[0], key, payload: JSON.stringify(value) });
    const again = new ResponseCache(dir);
    assert.deepEqual(await again.get(key), value);
    assert.equal(await again.get(keyOf(999)), 999);
    await again.close();
  });

  it('answers a stored entry before it is written, and writes it within FLUSH_MS with no further call', async () => {
    const cache = new ResponseCache(dir);
    await cache.set(key, 'soon');
    assert.equal(await cache.get(key), 'soon');
    assert.deepEqual(recordsOnDisk(dir), []);
    await sleep(FLUSH_MS + 300);
    assert.deepEqual(recordsOnDisk(dir).map((r) => r.key), [key]);
    await cache.close();
  });

  it('stores null and falsy values as hits', async () => {
    const cache = new ResponseCache(dir);
    const other = cacheKey('b', 'm', 1);
    await cache.set(key, 0);
    await cache.set(other, null);
    await cache.close();
    const again = new ResponseCache(dir);
    assert.equal(await again.get(key), 0);
    assert.equal(await again.get(other), null);
    await again.close();
  });

  it('keeps the last of several stores of one key, whole', async () => {
    const cache = new ResponseCache(dir);
    const values = Array.from({ length: 20 }, (_, i) => ({ i, text: 'x'.repeat(10_000 + i) }));
    await Promise.all(values.map((v) => cache.set(key, v)));
    await cache.close();
    const again = new ResponseCache(dir);
    assert.deepEqual(await again.get(key), values[19]);
    await again.close();
  });

  it('refuses keys that are not cache keys', async () => {
    const cache = new ResponseCache(dir);
    await assert.rejects(cache.get('../../etc/passwd'), /64 hex digits/);
    await assert.rejects(cache.set('ab', 1), /64 hex digits/);
  });

  it('says where and what to do when the cache folder cannot be written, at the first store', async () => {
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    await assert.rejects(new ResponseCache(blocker).set(key, 1), (err: unknown) => err instanceof Error && err.name === 'UserError' && err.message.startsWith(`Cannot write the response cache at ${blocker}: `));
  });

  describe('damaged bytes', () => {
    it('a damaged record is a miss with one warning naming the pack; the other entries are hits, and a new store of the key is a hit', async () => {
      const pack = await packOf(0, 5);
      const victim = readPack(pack).records[2] as { offset: number; length: number };
      // A 'v' inside the answer becomes a 'w': still JSON, so only the checksum can tell.
      flipByte(pack, victim.offset + victim.length - 100, 0x01);
      const warnings: string[] = [];
      const cache = new ResponseCache(dir, { onWarning: (m) => warnings.push(m) });
      assert.equal(await cache.get(keyOf(2)), undefined);
      assert.equal(await cache.get(keyOf(2)), undefined);
      assert.deepEqual(warnings, [`the response cache pack ${pack} has a damaged record at byte ${victim.offset}: it counts as a miss and the model is asked again (\`gaplens cache clear\` removes the pack)`]);
      for (const i of [0, 1, 3, 4]) assert.equal(await cache.get(keyOf(i)), valueOf(i));
      await cache.set(keyOf(2), 'again');
      await cache.close();
      const next = new ResponseCache(dir);
      assert.equal(await next.get(keyOf(2)), 'again');
      await next.close();
    });

    it('a damaged or missing index is rebuilt from the pack: every entry is still a hit', async () => {
      const pack = await packOf(0, 6);
      const index = pack.replace(/\.pack$/, '.idx');
      flipByte(index, 16 + 44 * 3 + 5);
      const cache = new ResponseCache(dir);
      for (let i = 0; i < 6; i++) assert.equal(await cache.get(keyOf(i)), valueOf(i));
      await cache.close();
      fs.rmSync(index);
      const without = new ResponseCache(dir);
      for (let i = 0; i < 6; i++) assert.equal(await without.get(keyOf(i)), valueOf(i));
      await without.close();
    });

    it('a pack cut anywhere in its last record (a torn tail) still gives every earlier record, and the cut one is a miss', async () => {
      const pack = await packOf(0, 3);
      const whole = fs.readFileSync(pack);
      const last = readPack(pack).records[2] as { offset: number; length: number };
      for (const cut of [last.offset + 1, last.offset + 39, last.offset + 40, last.offset + 41, last.offset + last.length - 1]) {
        fs.writeFileSync(pack, whole.subarray(0, cut));
        // The index still lists the cut record: it must not be believed.
        const cache = new ResponseCache(dir);
        assert.equal(await cache.get(keyOf(0)), valueOf(0), `cut at ${cut}`);
        assert.equal(await cache.get(keyOf(1)), valueOf(1), `cut at ${cut}`);
        assert.equal(await cache.get(keyOf(2)), undefined, `cut at ${cut}`);
        await cache.close();
      }
    });

    it('files that only look like packs, and garbage in an index, are neither read nor an error', async () => {
      await packOf(0, 2);
      fs.writeFileSync(path.join(dir, 'aaaa-1-000000000000.pack'), 'not a pack at all, just text');
      fs.writeFileSync(path.join(dir, 'aaab-1-000000000000.pack'), '');
      fs.writeFileSync(path.join(dir, 'aaab-1-000000000000.idx'), Buffer.alloc(500, 7));
      const warnings: string[] = [];
      const cache = new ResponseCache(dir, { onWarning: (m) => warnings.push(m) });
      assert.equal(await cache.get(keyOf(1)), valueOf(1));
      assert.equal(await cache.get(keyOf(7)), undefined);
      await cache.close();
      assert.deepEqual(warnings, []);
      const usage = await cacheUsage(dir);
      assert.equal(usage.entries, 2);
      assert.equal(usage.packs, 3);
    });
  });

  describe('limit', () => {
    it('evicts whole packs, least recently written first, down to the low-water mark', async () => {
      const packs: string[] = [];
      for (let p = 0; p < 8; p++) packs.push(await packOf(10 * p, 10 * p + 10));
      packs.forEach((pack, p) => ageFile(pack, 60 - p));
      const total = bytesOnDisk(dir);
      const maxBytes = Math.floor(total * 0.7);
      const cache = ResponseCache.open(dir, { maxBytes });
      await cache.settled();
      const left = packsOnDisk(dir).map((p) => p.file);
      assert.ok(bytesOnDisk(dir) <= LOW_WATER * maxBytes, `${bytesOnDisk(dir)} bytes left of a ${maxBytes} limit`);
      // Exactly the newest packs are left.
      assert.deepEqual(left, packs.slice(packs.length - left.length));
      assert.equal(await cache.get(keyOf(0)), undefined);
      assert.equal(await cache.get(keyOf(79)), valueOf(79));
      await cache.close();
    });

    it('a hit on an entry in a pack that would soon be evicted copies it into a new pack, so it survives the eviction', async () => {
      const packs: string[] = [];
      for (let p = 0; p < 6; p++) packs.push(await packOf(10 * p, 10 * p + 10));
      packs.forEach((pack, p) => ageFile(pack, 60 - p));
      const total = bytesOnDisk(dir);
      // Under the limit, but the oldest packs are outside the newest half of it: at risk.
      const maxBytes = Math.floor(total * 1.1);
      const reader = ResponseCache.open(dir, { maxBytes });
      await reader.settled();
      assert.equal(await reader.get(keyOf(3)), valueOf(3));
      await reader.close();
      const copies = recordsOnDisk(dir).filter((r) => r.key === keyOf(3));
      assert.equal(copies.length, 2, 'the hit was not copied forward');
      // Now evict down to 0.8 × (total / 2): the oldest packs go, the entry read stays.
      const small = ResponseCache.open(dir, { maxBytes: Math.floor(total / 2) });
      await small.settled();
      assert.ok(!fs.existsSync(packs[0] as string));
      assert.equal(await small.get(keyOf(3)), valueOf(3));
      assert.equal(await small.get(keyOf(4)), undefined);
      await small.close();
    });

    it('a hit on a recent entry writes nothing', async () => {
      await packOf(0, 10);
      const files = fs.readdirSync(dir).sort();
      const cache = ResponseCache.open(dir);
      await cache.settled();
      for (let i = 0; i < 10; i++) assert.equal(await cache.get(keyOf(i)), valueOf(i));
      await cache.close();
      assert.deepEqual(fs.readdirSync(dir).sort(), files);
    });

    it('holds after many writes: never over the limit by more than two check intervals, and keeps what was written last', async () => {
      const maxBytes = 256 * 1024;
      // Each check interval may end with one entry past it.
      const margin = 2 * (CHECK_SHARE * maxBytes + 4096);
      const cache = ResponseCache.open(dir, { maxBytes });
      for (let i = 0; i < 400; i++) {
        await cache.set(keyOf(i), valueOf(i));
        cache.flush();
        const used = bytesOnDisk(dir);
        assert.ok(used <= maxBytes + margin, `after write ${i}: ${used} bytes on disk, limit ${maxBytes}`);
      }
      await cache.settled();
      const used = bytesOnDisk(dir);
      assert.ok(used <= maxBytes + margin / 2, `${used} bytes on disk, limit ${maxBytes}`);
      assert.ok(used >= 0.5 * maxBytes, `eviction went too far: ${used} bytes left of ${maxBytes}`);
      assert.ok(packsOnDisk(dir).length > 2, 'the writer never started a new pack');
      for (let i = 390; i < 400; i++) assert.equal(await cache.get(keyOf(i)), valueOf(i));
      await cache.close();
    });

    it(`merges ${MERGE_AT} small packs idle for 10 minutes into one, keeping every entry once; younger packs stay`, async () => {
      const idle: string[] = [];
      for (let p = 0; p < MERGE_AT; p++) idle.push(await packOf(3 * p, 3 * p + 3));
      // One key in two packs: the newer record wins.
      const newer = new ResponseCache(dir);
      await newer.set(keyOf(0), 'newer');
      await newer.close();
      const young = await packOf(100, 101);
      const all = packsOnDisk(dir).map((p) => p.file);
      all.forEach((pack, p) => pack !== young && ageFile(pack, 60 - p));
      const lastUse = Math.max(...packsOnDisk(dir).filter((p) => p.file !== young).map((p) => p.mtimeMs));
      const cache = ResponseCache.open(dir);
      await cache.settled();
      const left = packsOnDisk(dir);
      assert.equal(left.length, 2, left.map((p) => p.file).join(' '));
      assert.ok(left.some((p) => p.file === young));
      const merged = left.find((p) => p.file !== young) as { file: string; mtimeMs: number };
      assert.equal(readPack(merged.file).records.length, 3 * MERGE_AT);
      // Within a millisecond: times go through floating-point seconds on the way.
      assert.ok(Math.abs(merged.mtimeMs - lastUse) < 1, `the merged pack's last use ${merged.mtimeMs} is not its inputs' ${lastUse}`);
      assert.equal(await cache.get(keyOf(0)), 'newer');
      for (let i = 1; i < 3 * MERGE_AT; i++) assert.equal(await cache.get(keyOf(i)), valueOf(i));
      assert.equal(await cache.get(keyOf(100)), valueOf(100));
      await cache.close();
      assert.deepEqual(tempsOnDisk(dir), []);
    });

    it('sweeps only old temporary files and indexes without a pack: a young one may be being written', async () => {
      await packOf(0, 1);
      const orphan = path.join(dir, 'aaaa-1-000000000000.pack.tmp');
      const young = path.join(dir, 'aaab-1-000000000000.pack.tmp');
      const orphanIndex = path.join(dir, 'aaac-1-000000000000.idx');
      for (const f of [orphan, young, orphanIndex]) fs.writeFileSync(f, 'GAPLENS');
      ageFile(orphan, 6);
      ageFile(orphanIndex, 6);
      ageFile(young, 4);
      const cache = ResponseCache.open(dir);
      await cache.settled();
      assert.ok(!fs.existsSync(orphan) && !fs.existsSync(orphanIndex));
      assert.ok(fs.existsSync(young));
      assert.equal(await cache.get(keyOf(0)), valueOf(0));
      await cache.close();
    });

    it('warns once, and keeps serving, when a pack cannot be removed', async () => {
      await packOf(0, 4);
      // A folder where a pack should be: unlink fails (EISDIR/EPERM), as on a read-only disk.
      const stuck = path.join(dir, '0-1-000000000000.pack');
      fs.mkdirSync(stuck);
      ageFile(stuck, 60);
      const warnings: string[] = [];
      const small = ResponseCache.open(dir, { maxBytes: 1, onWarning: (m) => warnings.push(m) });
      await small.settled();
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', new RegExp(`could not be kept within its limit: Cannot remove ${stuck}`));
      await small.set(keyOf(5), 5);
      assert.equal(await small.get(keyOf(5)), 5);
      await small.close();
      assert.equal(warnings.length, 1, warnings.join('\n'));
    });

    it('refuses a limit that is not a positive whole number of bytes', () => {
      for (const maxBytes of [0, -1, 1.5, Number.NaN]) assert.throws(() => new ResponseCache(dir, { maxBytes }), /maxBytes must be a positive integer/);
    });

    it('starts a new pack at a sixteenth of the limit, within 64 KiB and 1 GiB', () => {
      assert.equal(packMaxBytes(2048 * 2 ** 20), 128 * 2 ** 20);
      assert.equal(packMaxBytes(2 ** 20), 64 * 1024);
      assert.equal(packMaxBytes(2 ** 40), 2 ** 30);
    });
  });

  describe('the old one-file-per-answer layout', () => {
    it('is read on a miss, and a hit is copied into a pack; the old file is left alone', async () => {
      const file = legacyEntryFile(dir, key);
      const torn = legacyEntryFile(dir, keyOf(1));
      for (const f of [file, torn]) fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ key, value: { old: true } }));
      fs.writeFileSync(torn, '{"key": "' + keyOf(1) + '", "val');
      const cache = new ResponseCache(dir);
      assert.deepEqual(await cache.get(key), { old: true });
      assert.equal(await cache.get(keyOf(1)), undefined);
      await cache.close();
      assert.deepEqual(recordsOnDisk(dir).map((r) => [r.key, r.payload]), [[key, '{"old":true}']]);
      assert.ok(fs.existsSync(file));
      const usage = await cacheUsage(dir);
      assert.equal(usage.legacyEntries, 2);
      assert.equal(usage.entries, 1);
    });
  });

  it('checks records with CRC-32 as zlib computes it, also where Node has no zlib.crc32', () => {
    const bytes = Buffer.from(Array.from({ length: 4099 }, (_, i) => (i * 131 + 7) % 256));
    for (const [start, end] of [[0, 0], [0, 1], [3, 11], [5, 4099], [0, 4099]] as const) {
      assert.equal(crc32Table(bytes, start, end), zlib.crc32(bytes.subarray(start, end)), `bytes ${start}..${end}`);
    }
  });

  describe('cacheKey', () => {
    it('is what it was before packs (the old one-file-per-answer entries are found by it)', () => {
      const request = { prompt: 'Q: 2+2?\nA:', n: 4, temperature: 0.7, topP: 0.9, maxTokens: 64, seed: 3, stop: ['\n\n'] };
      assert.equal(cacheKey('openai:completions:m@http://127.0.0.1:1/v1', 'generate', request), '7d55d96f9cc083d75b38ecd8eb62aee970af61991cd0be2d2e81ef00e3251206');
    });

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
