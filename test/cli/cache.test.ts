import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheKey, CHECK_SHARE, ResponseCache } from '../../src/core/llm/responseCache';
import { CLI, runCli, tempDir, type CliResult } from '../helpers/cli';
import { startFakeOpenAI } from '../fixtures/openaiServer';
import { ageFile, bytesOnDisk, legacyEntryFile, packsOnDisk, readPack, type OnDisk } from '../core/llm/cacheFolder';

const MIB = 1024 * 1024;
const noStack = (stderr: string): void => assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, `stack trace in: ${stderr}`);
const keyOf = (i: number): string => cacheKey('b', 'generate', { i });
const size = (bytes: number): string => (bytes < MIB ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / MIB).toFixed(1)} MiB`);
const sum = (files: readonly { bytes: number }[]): number => files.reduce((s, f) => s + f.bytes, 0);

describe('gaplens cache info|prune|clear', function () {
  this.timeout(120_000);
  let tmp: { dir: string; cleanup: () => void };
  let cache: string;
  beforeEach(() => {
    tmp = tempDir();
    cache = join(tmp.dir, 'responses');
  });
  afterEach(() => tmp.cleanup());

  /**
   * 40 packs of one 40 KB answer each, pack i last written 40 - i minutes ago (oldest first in the
   * result); an orphan and a recent temporary file; two entries of the old layout.
   */
  async function fill(): Promise<{ packs: OnDisk[]; orphan: string; recent: string; legacy: string[] }> {
    for (let i = 0; i < 40; i++) {
      const c = new ResponseCache(cache);
      await c.set(keyOf(i), 'v'.repeat(40_000));
      await c.close();
    }
    packsOnDisk(cache).forEach((p, i) => ageFile(p.file, 40 - i));
    const orphan = join(cache, '0-4242-aaaaaaaaaaaa.pack.tmp');
    const recent = join(cache, '0-4242-bbbbbbbbbbbb.pack.tmp');
    writeFileSync(orphan, 'GAPLENS');
    writeFileSync(recent, 'GAPLENS');
    ageFile(orphan, 10);
    const legacy = [legacyEntryFile(cache, keyOf(100)), legacyEntryFile(cache, keyOf(101))];
    for (const file of legacy) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ key: keyOf(100), value: 'old' }));
    }
    const byAge = packsOnDisk(cache).sort((a, b) => a.mtimeMs - b.mtimeMs);
    return { packs: byAge, orphan, recent, legacy };
  }

  const json = (res: CliResult): Record<string, unknown> => {
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as Record<string, unknown>;
  };

  it('info on a cache folder that does not exist: empty, not an error', async () => {
    const res = await runCli(['cache', 'info', '--cache', cache, '--json'], { env: { GAPLENS_CACHE_MAX_MB: '' } });
    assert.deepEqual(json(res), {
      folder: cache, packs: 0, entries: 0, bytes: 0, limitBytes: 2048 * MIB, limitSource: 'default',
      leastRecentUse: null, mostRecentUse: null, orphanTemps: 0, orphanTempBytes: 0, recentTemps: 0, legacyEntries: 0, legacyBytes: 0,
    });
    const text = await runCli(['cache', 'info', '--cache', cache], { env: { GAPLENS_CACHE_MAX_MB: '' } });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^entries +0 \(0\.0 KiB on disk\)$/m);
    assert.match(text.stdout, /^packs +0$/m);
    assert.match(text.stdout, /^least recently used +— \(no entries\)$/m);
    assert.doesNotMatch(text.stdout, /old-format/);
  });

  it('info reports the packs and entries, their size, the limit, the oldest and newest use, the temporary files and the old layout', async () => {
    const { packs, legacy } = await fill();
    const info = json(await runCli(['cache', 'info', '--cache', cache, '--json'], { env: { GAPLENS_CACHE_MAX_MB: '3' } }));
    const legacyBytes = legacy.length * 4096;
    assert.deepEqual(info, {
      folder: cache,
      packs: 40,
      entries: 40,
      bytes: bytesOnDisk(cache),
      limitBytes: 3 * MIB,
      limitSource: 'GAPLENS_CACHE_MAX_MB',
      leastRecentUse: new Date((packs[0] as OnDisk).mtimeMs).toISOString(),
      mostRecentUse: new Date((packs[39] as OnDisk).mtimeMs).toISOString(),
      orphanTemps: 1,
      orphanTempBytes: 4096,
      recentTemps: 1,
      legacyEntries: 2,
      legacyBytes,
    });
    const text = await runCli(['cache', 'info', '--cache', cache], { env: { GAPLENS_CACHE_MAX_MB: '3' } });
    assert.match(text.stdout, new RegExp(`^folder +${cache}$`, 'm'));
    assert.match(text.stdout, /^packs +40$/m);
    assert.match(text.stdout, /^limit +3\.0 MiB \(from GAPLENS_CACHE_MAX_MB\)$/m);
    assert.match(text.stdout, /^orphan temporary files +1 \(4\.0 KiB; prune removes them\)$/m);
    assert.match(text.stdout, /^recent temporary files +1 \(possibly being written now; kept\)$/m);
    assert.match(text.stdout, /^old-format entries +2 \(8\.0 KiB; read on a miss, not in the limit; prune or clear removes them\)$/m);
  });

  it('prune --max-mb removes the least recently used packs down to M, the orphan temporary files and the old layout', async () => {
    const { packs, orphan, recent, legacy } = await fill();
    const out = json(await runCli(['cache', 'prune', '--max-mb', '1', '--cache', cache, '--json']));
    const left = packsOnDisk(cache);
    const leftBytes = bytesOnDisk(cache);
    const each = (packs[0] as OnDisk).bytes;
    assert.ok(leftBytes <= MIB && leftBytes > MIB - each, `${leftBytes} bytes left`);
    // Exactly the most recently used packs are left.
    assert.deepEqual(left.map((p) => p.file).sort(), packs.slice(packs.length - left.length).map((p) => p.file).sort());
    assert.ok(!existsSync(orphan) && existsSync(recent));
    assert.ok(legacy.every((f) => !existsSync(f)));
    assert.deepEqual(out, {
      folder: cache,
      targetBytes: MIB,
      removed: { packs: 40 - left.length, packBytes: sum(packs.slice(0, 40 - left.length)), orphanTemps: 1, orphanTempBytes: 4096, legacyEntries: 2, legacyBytes: 2 * 4096 },
      left: { packs: left.length, bytes: leftBytes },
    });
    // The old layout's shard folders went with their entries.
    assert.deepEqual(readdirSync(cache).filter((n) => /^[0-9a-f]{2}$/.test(n)), []);
  });

  it('prune without --max-mb goes down to GAPLENS_CACHE_MAX_MB, and says what it removed', async () => {
    const { packs } = await fill();
    const res = await runCli(['cache', 'prune', '--cache', cache], { env: { GAPLENS_CACHE_MAX_MB: '1' } });
    assert.equal(res.code, 0, res.stderr);
    const left = packsOnDisk(cache);
    const gone = packs.slice(0, 40 - left.length);
    assert.equal(
      res.stdout,
      `removed ${gone.length} packs (${size(sum(gone))}), 1 orphan temporary file (4.0 KiB) and 2 old-format entries (8.0 KiB); ${left.length} packs (${size(bytesOnDisk(cache))}) left in ${cache}, limit 1.0 MiB\n`,
    );
  });

  it('clear removes every pack, orphan temporary file and old-format entry, and nothing else', async () => {
    const { packs, recent } = await fill();
    const foreign = join(cache, 'README');
    writeFileSync(foreign, 'not ours');
    const res = await runCli(['cache', 'clear', '--cache', cache]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `removed 40 packs (${size(sum(packs))}), 1 orphan temporary file (4.0 KiB) and 2 old-format entries (8.0 KiB) from ${cache}\n`);
    assert.deepEqual(readdirSync(cache).sort(), ['0-4242-bbbbbbbbbbbb.pack.tmp', 'README']);
    assert.ok(existsSync(recent));
    const again = json(await runCli(['cache', 'clear', '--cache', cache, '--json']));
    assert.deepEqual(again, { folder: cache, removed: { packs: 0, packBytes: 0, orphanTemps: 0, orphanTempBytes: 0, legacyEntries: 0, legacyBytes: 0 } });
  });

  it('packs with damaged bytes: info counts what can be read, clear removes them, never a stack trace', async () => {
    const c = new ResponseCache(cache);
    for (let i = 0; i < 3; i++) await c.set(keyOf(i), `answer ${i}`);
    await c.close();
    writeFileSync(join(cache, '1-1-000000000000.pack'), Buffer.alloc(3000, 0xee));
    writeFileSync(join(cache, '1-1-000000000000.idx'), 'GAPLENS INDX v1\nnot entries');
    writeFileSync(join(cache, '2-1-000000000000.pack'), 'GAPLENS PACK v1\n\x05\x00\x00\x00torn');
    const info = json(await runCli(['cache', 'info', '--cache', cache, '--json']));
    assert.equal(info.packs, 3);
    assert.equal(info.entries, 3);
    const clear = await runCli(['cache', 'clear', '--cache', cache]);
    assert.equal(clear.code, 0, clear.stderr);
    assert.match(clear.stdout, /^removed 3 packs /);
    noStack(clear.stderr);
  });

  it('bad input is one line and exit 2: a malformed GAPLENS_CACHE_MAX_MB, --max-mb, an unknown subcommand', async () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [['cache', 'info', '--cache', cache], { GAPLENS_CACHE_MAX_MB: 'lots' }, `gaplens: GAPLENS_CACHE_MAX_MB 'lots' is not valid: expected a size in MiB from 1 to 8589934591 (e.g. 2048)\n`],
      [['cache', 'prune', '--cache', cache, '--max-mb', '0'], {}, `gaplens: --max-mb '0' is not valid: expected a size in MiB from 1 to 8589934591 (e.g. 2048)\n`],
      [['cache', 'wipe'], {}, `gaplens: cache takes info, prune or clear; see gaplens cache --help\n`],
    ];
    for (const [args, env, stderr] of cases) {
      const res = await runCli(args, { env });
      assert.equal(res.code, 2, args.join(' '));
      assert.equal(res.stderr, stderr);
    }
  });

  it('a cache folder it may not read is one line naming it', async function () {
    mkdirSync(cache);
    chmodSync(tmp.dir, 0o755);
    chmodSync(cache, 0o000);
    // As root every folder is readable: run the CLI as nobody then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawn(process.execPath, [CLI, 'cache', 'info', '--cache', cache], { ...asUser, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    chmodSync(cache, 0o755);
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`^gaplens: Cannot read the response cache folder ${cache}: EACCES: permission denied, scandir '${cache}'\\. Fix the permissions or point the cache elsewhere\\.\\n$`));
    noStack(stderr);
  });

  describe('gaplens run', () => {
    let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
    beforeEach(async () => {
      server = await startFakeOpenAI();
    });
    afterEach(async () => server.close());
    const run = (out: string, env: NodeJS.ProcessEnv = {}, url = server.url): Promise<CliResult> => {
      const tasks = join(tmp.dir, 'tasks.jsonl');
      writeFileSync(tasks, Array.from({ length: 60 }, (_, i) => `${JSON.stringify({ id: `q${i}`, question: `What is ${i} + 1?`, answer: String(i + 1), grader: 'numeric' })}\n`).join(''));
      return runCli(['run', '--tasks', tasks, '--model', `openai:fake@${url}`, '-n', '6', '--out', join(tmp.dir, out), '--cache', cache, '--json'], { env: { GAPLENS_CACHE_MAX_MB: '', ...env } });
    };
    /** The model calls a run made, from its accounting line. */
    const calls = (res: CliResult): number => Number(/^gaplens: (\d+) model calls, /m.exec(res.stderr)?.[1]);

    it('a second identical run is answered from the cache alone, from one pack, with the same results', async () => {
      const first = await run('first');
      assert.equal(first.code, 0, first.stderr);
      const requests = server.counters.requests;
      assert.ok(calls(first) > 0);
      assert.equal(packsOnDisk(cache).length, 1);
      const second = await run('second');
      assert.equal(second.code, 0, second.stderr);
      assert.equal(server.counters.requests, requests, 'the second run asked the server');
      assert.match(second.stderr, new RegExp(`^gaplens: 0 model calls, ${calls(first)} from cache, `, 'm'));
      assert.deepEqual(JSON.parse(second.stdout).verifiers, JSON.parse(first.stdout).verifiers);
      // Hits of recent entries write nothing: still the one pack.
      assert.equal(packsOnDisk(cache).length, 1);
    });

    it('a damaged pack costs a warning and the calls it held, never the run', async () => {
      const first = await run('first');
      assert.equal(first.code, 0, first.stderr);
      const [pack] = packsOnDisk(cache);
      const records = readPack((pack as OnDisk).file).records;
      // Every record's last byte changed: each checksum fails.
      const fd = openSync((pack as OnDisk).file, 'r+');
      for (const r of records) writeSync(fd, Buffer.from([0x01]), 0, 1, r.offset + r.length - 1);
      closeSync(fd);
      const second = await run('second');
      assert.equal(second.code, 0, second.stderr);
      assert.equal(records.length, calls(first));
      assert.match(second.stderr, new RegExp(`^gaplens: ${records.length} model calls, 0 from cache, `, 'm'), 'every damaged entry was asked again');
      assert.equal(second.stderr.match(/has a damaged record/g)?.length, 1, second.stderr);
      noStack(second.stderr);
    });

    it('keeps its cache within GAPLENS_CACHE_MAX_MB, and refuses a malformed one', async () => {
      const bad = await run('bad', { GAPLENS_CACHE_MAX_MB: '-1' });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /^gaplens: GAPLENS_CACHE_MAX_MB '-1' is not valid: expected a size in MiB/m);
      noStack(bad.stderr);

      // Long answers, so that a small run writes several times the smallest limit (1 MiB).
      const verbose = await startFakeOpenAI({ respond: (req) => (req.topLogprobs === undefined ? { text: `${req.choiceIndex} `.padEnd(8000, 'w') } : undefined) });
      try {
        const unbounded = await run('unbounded', {}, verbose.url);
        assert.equal(unbounded.code, 0, unbounded.stderr);
        const written = bytesOnDisk(cache);
        assert.ok(written > 2 * MIB, `the run wrote only ${written} bytes: too few to test the limit`);
        await runCli(['cache', 'clear', '--cache', cache]);

        const bounded = await run('bounded', { GAPLENS_CACHE_MAX_MB: '1' }, verbose.url);
        assert.equal(bounded.code, 0, bounded.stderr);
        const used = bytesOnDisk(cache);
        assert.ok(used <= MIB + 2 * (CHECK_SHARE * MIB + 4096), `${used} bytes in the cache, limit 1 MiB`);
        assert.ok(packsOnDisk(cache).length > 1, 'the run never started a second pack');
      } finally {
        await verbose.close();
      }
    });
  });
});
