import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKey, CHECK_SHARE, ResponseCache } from '../../src/core/llm/responseCache';
import { CLI, runCli, tempDir, type CliResult } from '../helpers/cli';
import { startFakeOpenAI } from '../fixtures/openaiServer';
import { ageFile, bytesOnDisk, entriesOnDisk, entryFile, tempsOnDisk } from '../core/llm/cacheFolder';

const MIB = 1024 * 1024;
const noStack = (stderr: string): void => assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, `stack trace in: ${stderr}`);
const keyOf = (i: number): string => cacheKey('b', 'generate', { i });

describe('gaplens cache info|prune|clear', function () {
  this.timeout(120_000);
  let tmp: { dir: string; cleanup: () => void };
  let cache: string;
  beforeEach(() => {
    tmp = tempDir();
    cache = join(tmp.dir, 'responses');
  });
  afterEach(() => tmp.cleanup());

  /** 40 entries of about 40 KB, entry i last used 40 - i minutes ago; one orphan and one recent temporary file. */
  async function fill(): Promise<{ orphan: string; recent: string }> {
    const c = new ResponseCache(cache);
    for (let i = 0; i < 40; i++) await c.set(keyOf(i), 'v'.repeat(40_000));
    for (let i = 0; i < 40; i++) ageFile(entryFile(cache, keyOf(i)), 40 - i);
    const orphan = `${entryFile(cache, keyOf(0))}.4242.aaaaaaaaaaaa.tmp`;
    const recent = `${entryFile(cache, keyOf(1))}.4242.bbbbbbbbbbbb.tmp`;
    writeFileSync(orphan, '{"key":"');
    writeFileSync(recent, '{"key":"');
    ageFile(orphan, 10);
    return { orphan, recent };
  }

  const json = (res: CliResult): Record<string, unknown> => {
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as Record<string, unknown>;
  };

  it('info on a cache folder that does not exist: empty, not an error', async () => {
    const res = await runCli(['cache', 'info', '--cache', cache, '--json'], { env: { GAPLENS_CACHE_MAX_MB: '' } });
    assert.deepEqual(json(res), {
      folder: cache, entries: 0, bytes: 0, limitBytes: 2048 * MIB, limitSource: 'default',
      leastRecentUse: null, mostRecentUse: null, orphanTemps: 0, orphanTempBytes: 0, recentTemps: 0,
    });
    const text = await runCli(['cache', 'info', '--cache', cache], { env: { GAPLENS_CACHE_MAX_MB: '' } });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^entries +0 \(0\.0 KiB on disk\)$/m);
    assert.match(text.stdout, /^least recently used +— \(no entries\)$/m);
  });

  it('info reports the entries, their size, the limit, the oldest and newest use, and the temporary files', async () => {
    await fill();
    const onDisk = entriesOnDisk(cache);
    const times = onDisk.map((e) => e.mtimeMs);
    const info = json(await runCli(['cache', 'info', '--cache', cache, '--json'], { env: { GAPLENS_CACHE_MAX_MB: '3' } }));
    assert.deepEqual(info, {
      folder: cache,
      entries: 40,
      bytes: bytesOnDisk(cache),
      limitBytes: 3 * MIB,
      limitSource: 'GAPLENS_CACHE_MAX_MB',
      leastRecentUse: new Date(Math.min(...times)).toISOString(),
      mostRecentUse: new Date(Math.max(...times)).toISOString(),
      orphanTemps: 1,
      orphanTempBytes: 4096,
      recentTemps: 1,
    });
    const text = await runCli(['cache', 'info', '--cache', cache], { env: { GAPLENS_CACHE_MAX_MB: '3' } });
    assert.match(text.stdout, new RegExp(`^folder +${cache}$`, 'm'));
    assert.match(text.stdout, /^limit +3\.0 MiB \(from GAPLENS_CACHE_MAX_MB\)$/m);
    assert.match(text.stdout, /^orphan temporary files +1 \(4\.0 KiB; prune removes them\)$/m);
    assert.match(text.stdout, /^recent temporary files +1 \(possibly being written now; kept\)$/m);
  });

  it('prune --max-mb removes the least recently used entries down to M, and the orphan temporary files only', async () => {
    const { orphan, recent } = await fill();
    const before = entriesOnDisk(cache).sort((a, b) => a.mtimeMs - b.mtimeMs);
    const out = json(await runCli(['cache', 'prune', '--max-mb', '1', '--cache', cache, '--json']));
    const left = entriesOnDisk(cache);
    const leftBytes = bytesOnDisk(cache);
    assert.ok(leftBytes <= MIB && leftBytes > MIB - 45_056, `${leftBytes} bytes left`);
    // Exactly the most recently used entries are left.
    assert.deepEqual(left.map((e) => e.file).sort(), before.slice(before.length - left.length).map((e) => e.file).sort());
    assert.deepEqual(tempsOnDisk(cache).map((t) => t.file), [recent]);
    assert.deepEqual(out, {
      folder: cache,
      targetBytes: MIB,
      removed: { entries: 40 - left.length, entryBytes: before.slice(0, 40 - left.length).reduce((s, e) => s + e.bytes, 0), orphanTemps: 1, orphanTempBytes: 4096 },
      left: { entries: left.length, bytes: leftBytes },
    });
    assert.ok(!tempsOnDisk(cache).some((t) => t.file === orphan));
  });

  it('prune without --max-mb goes down to GAPLENS_CACHE_MAX_MB, and says what it removed', async () => {
    await fill();
    const res = await runCli(['cache', 'prune', '--cache', cache], { env: { GAPLENS_CACHE_MAX_MB: '1' } });
    assert.equal(res.code, 0, res.stderr);
    const left = entriesOnDisk(cache).length;
    // Each entry takes ten 4 KiB blocks: 25 of them fit in 1 MiB.
    assert.equal(left, 25);
    assert.equal(res.stdout, `removed 15 entries (600.0 KiB) and 1 orphan temporary file (4.0 KiB); 25 entries (1000.0 KiB) left in ${cache}, limit 1.0 MiB\n`);
  });

  it('clear removes every entry and orphan temporary file, and nothing else', async () => {
    const { recent } = await fill();
    const foreign = join(cache, 'README');
    writeFileSync(foreign, 'not ours');
    const res = await runCli(['cache', 'clear', '--cache', cache]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `removed 40 entries (1.6 MiB) and 1 orphan temporary file (4.0 KiB) from ${cache}\n`);
    assert.deepEqual(entriesOnDisk(cache), []);
    assert.deepEqual(tempsOnDisk(cache).map((t) => t.file), [recent]);
    assert.ok(readdirSync(cache).includes('README'));
    const again = json(await runCli(['cache', 'clear', '--cache', cache, '--json']));
    assert.deepEqual(again, { folder: cache, removed: { entries: 0, entryBytes: 0, orphanTemps: 0, orphanTempBytes: 0 } });
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

  it('gaplens run keeps its cache within GAPLENS_CACHE_MAX_MB, and refuses a malformed one', async () => {
    const server = await startFakeOpenAI();
    try {
      const tasks = join(tmp.dir, 'tasks.jsonl');
      writeFileSync(tasks, Array.from({ length: 60 }, (_, i) => `${JSON.stringify({ id: `q${i}`, question: `What is ${i} + 1?`, answer: String(i + 1), grader: 'numeric' })}\n`).join(''));
      const run = (out: string, env: NodeJS.ProcessEnv): Promise<CliResult> =>
        runCli(['run', '--tasks', tasks, '--model', `openai:fake@${server.url}`, '-n', '6', '--out', join(tmp.dir, out), '--cache', cache, '--json'], { env });
      const bad = await run('bad', { GAPLENS_CACHE_MAX_MB: '-1' });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /^gaplens: GAPLENS_CACHE_MAX_MB '-1' is not valid: expected a size in MiB/m);
      noStack(bad.stderr);

      const unbounded = await run('unbounded', { GAPLENS_CACHE_MAX_MB: '' });
      assert.equal(unbounded.code, 0, unbounded.stderr);
      const written = bytesOnDisk(cache);
      assert.ok(written > 1.5 * MIB, `the run wrote only ${written} bytes: too few to test the limit`);
      await runCli(['cache', 'clear', '--cache', cache]);

      const bounded = await run('bounded', { GAPLENS_CACHE_MAX_MB: '1' });
      assert.equal(bounded.code, 0, bounded.stderr);
      const used = bytesOnDisk(cache);
      assert.ok(used <= MIB + 2 * (CHECK_SHARE * MIB + 4096), `${used} bytes in the cache, limit 1 MiB`);
    } finally {
      await server.close();
    }
  });
});
