// What the response cache costs in the default configuration: the same `gaplens run` with the
// cache on (its default, into an empty cache folder) and with --no-cache, in alternating order,
// against the fast fake server; then a re-run on the cache the first one filled (every call a hit).
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { summarizeCpuProfile } from '../lib/cpuProfile';
import { fakeServerCommand, startFakeServer } from '../lib/fakeServerProcess';
import { describe, runProcess, type ProcessUsage } from '../lib/processRun';
import { fmt, row, target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';
import { CONCURRENCY, LATENCY_MS, MODEL, gapCheckCalls, gsm8kPath } from '../lib/workload';

type Mode = 'no-cache' | 'cache' | 'warm';

/** The cache's own code: what a store, a lookup and the key cost (hash.ts: the key's sorted JSON and sha256). */
const CACHE_MODULES = /^src\/core\/(llm\/(responseCache|responseCacheFiles|cachePack\w+|cacheKeyIndex|cacheFileOps|legacyResponseCache)|util\/hash)\.ts$/;

interface Measurement {
  usage: ProcessUsage;
  /** Requests the server received during the run. */
  requests: number;
}

export const cacheBenchmark: Benchmark = {
  name: 'cache',
  title: 'The response cache in the default configuration: its cost, and a re-run from it',
  async run(ctx: BenchContext): Promise<Measured> {
    // 6,800 calls: each configuration's run is a few seconds on an idle 2-core machine, and 15 of
    // them (5 repetitions) still fit in minutes on a busy one.
    const limit = ctx.quick ? 100 : 400;
    const n = ctx.quick ? 8 : 16;
    const server = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS });
    const commands = [describe('node', fakeServerCommand({ latencyMs: LATENCY_MS }))];
    const runs: Record<Mode, Measurement[]> = { 'no-cache': [], cache: [], warm: [] };
    const cacheFolder: { files: number; bytes: number }[] = [];
    let cacheShare = Number.NaN;
    try {
      const argsOf = (mode: Mode, out: string): string[] => [
        // Relative to the repository (the processes' working folder): no machine path in the commands shown.
        path.relative(ctx.repoRoot, ctx.built.cli), 'run', '--tasks', path.relative(ctx.repoRoot, gsm8kPath(ctx.repoRoot)), '--limit', String(limit), '--model', `openai:${MODEL}@${server.url}`,
        '-n', String(n), '--verifier', 'mc', '--concurrency', String(CONCURRENCY), '--out', out, '--json', ...(mode === 'no-cache' ? ['--no-cache'] : []),
      ];
      // The default configuration: no cache flag; the default folder is under GAPLENS_CACHE_DIR.
      const envOf = (rep: number): NodeJS.ProcessEnv => ({ ...process.env, GAPLENS_CACHE_DIR: path.join(ctx.tmpDir, `cache-root-${rep}`), GAPLENS_CACHE_MAX_MB: '' });
      const shown = (args: string[]): string => `GAPLENS_CACHE_DIR=$TMP/cache-root ${describe('node', args).replaceAll(ctx.tmpDir, '$TMP').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:$PORT')}`;
      const gapCheck = async (mode: Mode, rep: number): Promise<void> => {
        const out = path.join(ctx.tmpDir, `${mode}-${rep}`);
        const args = argsOf(mode, out);
        if (rep === 0) commands.push(shown(args));
        const before = await server.counters();
        const done = await runProcess(process.execPath, args, { cwd: ctx.repoRoot, env: envOf(rep), timeoutMs: 600_000 });
        const after = await server.counters();
        runs[mode].push({ usage: done.usage, requests: after.requests - before.requests });
        ctx.log(`  rep ${rep + 1} ${mode}: ${fmt(done.usage.wallMs / 1000)} s, cpu ${fmt(done.usage.cpuMs / 1000)} s, ${after.requests - before.requests} requests`);
        rmSync(out, { recursive: true, force: true });
        if (mode === 'cache') cacheFolder.push(measureFolder(path.join(ctx.tmpDir, `cache-root-${rep}`, 'responses')));
      };
      for (let rep = 0; rep < ctx.repetitions; rep++) {
        // Alternating order: neither configuration always runs first (warmer page cache, server JIT).
        const order: Mode[] = rep % 2 === 0 ? ['no-cache', 'cache', 'warm'] : ['cache', 'warm', 'no-cache'];
        for (const mode of order) await gapCheck(mode, rep);
        rmSync(path.join(ctx.tmpDir, `cache-root-${rep}`), { recursive: true, force: true });
      }
      // One more default run under the V8 profiler: the share of the client's busy CPU in the
      // cache's own code, which other processes on the machine skew far less than wall time.
      const profileDir = path.join(ctx.tmpDir, 'cpu-profile');
      const profiled = ['--cpu-prof', '--cpu-prof-dir', profileDir, ...argsOf('cache', path.join(ctx.tmpDir, 'profiled'))];
      await runProcess(process.execPath, profiled, { cwd: ctx.repoRoot, env: envOf(ctx.repetitions), timeoutMs: 600_000 });
      commands.push(shown(profiled));
      const shares = summarizeCpuProfile(path.join(profileDir, readdirSync(profileDir)[0] ?? ''), ctx.built.cli, ctx.repoRoot);
      const busy = shares.filter((s) => s.module !== '(idle)');
      cacheShare = busy.filter((s) => CACHE_MODULES.test(s.module)).reduce((sum, s) => sum + s.ms, 0) / busy.reduce((sum, s) => sum + s.ms, 0);
    } finally {
      await server.stop();
    }
    const wall = (mode: Mode): number[] => runs[mode].map((r) => r.usage.wallMs / 1000);
    const cpu = (mode: Mode): number[] => runs[mode].map((r) => r.usage.cpuMs / 1000);
    const wallRatio = pairedRatio(wall('cache'), wall('no-cache'));
    const expectedCalls = gapCheckCalls(limit, n);
    const requests = (mode: Mode): string => fmt(summarize(runs[mode].map((r) => r.requests)).median);
    return {
      workload:
        `\`gaplens run\` (the CLI process, start-up and final report included): GSM8K test, first ${limit} tasks × N = ${n} samples, verifier mc ` +
        `(${expectedCalls} model calls), concurrency ${CONCURRENCY}, against the fake OpenAI server (separate process, L = ${LATENCY_MS} ms per answer). ` +
        'Three runs per repetition: with the response cache in its default configuration (no cache flag) into an empty cache folder, with `--no-cache`, ' +
        'and again with the cache on the folder the first filled; the order alternates between repetitions (no-cache, cache, re-run / cache, re-run, no-cache). ' +
        'One more default run under `node --cpu-prof` gives the share of the client\'s CPU spent in the cache\'s own code.',
      commands,
      rows: [
        row('--no-cache: wall time', 's', summarize(wall('no-cache'))),
        row('default (cache on, empty): wall time', 's', summarize(wall('cache'))),
        row('default ÷ --no-cache: wall time', 'ratio', wallRatio),
        row('--no-cache: CPU time', 'CPU s', summarize(cpu('no-cache'))),
        row('default (cache on, empty): CPU time', 'CPU s', summarize(cpu('cache'))),
        row('default ÷ --no-cache: CPU time', 'ratio', pairedRatio(cpu('cache'), cpu('no-cache'))),
        row('re-run on the filled cache: wall time', 's', summarize(wall('warm'))),
        row('re-run ÷ --no-cache: wall time', 'ratio', pairedRatio(wall('warm'), wall('no-cache'))),
        row('re-run: CPU time', 'CPU s', summarize(cpu('warm'))),
        row('peak RSS: --no-cache', 'MiB', summarize(runs['no-cache'].map((r) => r.usage.maxRssMiB))),
        row('peak RSS: default (cache on, empty)', 'MiB', summarize(runs.cache.map((r) => r.usage.maxRssMiB))),
        row('peak RSS: re-run', 'MiB', summarize(runs.warm.map((r) => r.usage.maxRssMiB))),
        row('client CPU in the cache\'s own code (profile of one more default run)', '%', 100 * cacheShare),
        row('cache folder after the first run: files', 'files', summarize(cacheFolder.map((f) => f.files))),
        row('cache folder after the first run: size', 'MiB', summarize(cacheFolder.map((f) => f.bytes / 2 ** 20))),
      ],
      targets: [
        target('default configuration ÷ --no-cache (wall time)', wallRatio.median, '<=', 1.05,
          wallRatio.median <= 1.05
            ? undefined
            : `the per-repetition ratios range from ${fmt(wallRatio.min)} to ${fmt(wallRatio.max)}; the profile puts the cache's own code at ${fmt(100 * cacheShare)} % of the client's CPU`),
        target('client CPU in the cache\'s own code (%)', 100 * cacheShare, '<=', 5),
      ],
      notes: [
        `Requests the server received (median): ${requests('no-cache')} with --no-cache, ${requests('cache')} with the cache on an empty folder, ${requests('warm')} on the re-run (${expectedCalls} model calls; mc verifications may take more than one request each).`,
        'Ratios are medians of per-repetition ratios between runs of the same repetition. The cache folder is measured as allocated blocks (what `du` counts), packs and their indexes.',
        'The profile share counts every sample whose innermost bundled frame is in the cache\'s modules (responseCache, responseCacheFiles, cachePack*, cacheKeyIndex, cacheFileOps, legacyResponseCache, and util/hash for the key), out of all samples but idle ones; garbage collection is not charged to anyone, so the cache\'s share of it is not in the number.',
        'Issue 10 measured the previous one-file-per-answer cache at 1.31× the wall time and 1.66× the CPU of --no-cache (not re-measured here: that code is gone).',
      ],
    };
  },
};

/** The files of a cache folder (packs and indexes lie flat in it) and the space they take (allocated blocks, as du counts). */
function measureFolder(dir: string): { files: number; bytes: number } {
  const files = readdirSync(dir).map((name) => statSync(path.join(dir, name))).filter((s) => s.isFile());
  return { files: files.length, bytes: files.reduce((sum, s) => sum + s.blocks * 512, 0) };
}
