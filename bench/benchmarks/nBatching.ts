// Benchmark 4: what n-batching and the response cache save. Prompt tokens sent for N samples per
// task with `n` (one request per task) and without (a server that rejects n > 1, like llama.cpp's:
// one request per sample), and the model calls a re-run answers from the response cache.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { GapLensRunOutput } from '../entries/gapLensRun';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { entry } from '../lib/build';
import { fakeServerCommand, startFakeServer, type FakeServerProcess } from '../lib/fakeServerProcess';
import { describe, runProcess } from '../lib/processRun';
import { fmt, row, target, type Row, type Target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';
import { CONCURRENCY, LATENCY_MS, MODEL, gsm8kPath } from '../lib/workload';

interface Measurement {
  output: GapLensRunOutput;
  /** Requests the server received, and those it rejected (n > 1 on the no-n server). */
  requests: number;
  rejected: number;
}

export const nBatchingBenchmark: Benchmark = {
  name: 'n-batching',
  title: '4. n-batching and the response cache',
  async run(ctx: BenchContext): Promise<Measured> {
    const tasks = ctx.quick ? 20 : 200;
    const ns = ctx.quick ? [4] : [4, 16];
    const cacheN = 8;
    const withN = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS });
    const withoutN = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS, noN: true });
    const commands = [describe('node', fakeServerCommand({ latencyMs: LATENCY_MS })), describe('node', fakeServerCommand({ latencyMs: LATENCY_MS, noN: true }))];
    const rows: Row[] = [];
    const targets: Target[] = [];
    const notes: string[] = [];
    let run = 0;
    const gapCheck = async (server: FakeServerProcess, n: number, verifier: string, cache?: string): Promise<Measurement> => {
      const out = path.join(ctx.tmpDir, `run-${run++}`);
      const args = [entry(ctx.built, 'gapLensRun'), '--tasks', gsm8kPath(ctx.repoRoot), '--limit', String(tasks), '--model', `openai:${MODEL}@${server.url}`, '-n', String(n), '--verifier', verifier, '--concurrency', String(CONCURRENCY), '--out', out, ...(cache ? ['--cache', cache] : [])];
      if (commands.length < 6) commands.push(describe('node', args).replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, '').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:$PORT'));
      const before = await server.counters();
      const done = await runProcess(process.execPath, args, { cwd: ctx.repoRoot, timeoutMs: 600_000 });
      const after = await server.counters();
      rmSync(out, { recursive: true, force: true });
      return { output: JSON.parse(done.stdout) as GapLensRunOutput, requests: after.requests - before.requests, rejected: after.errors - before.errors };
    };
    try {
      for (const n of ns) {
        const batched: Measurement[] = [];
        const single: Measurement[] = [];
        for (let rep = 0; rep < ctx.repetitions; rep++) {
          batched.push(await gapCheck(withN, n, ''));
          single.push(await gapCheck(withoutN, n, ''));
        }
        const tokens = (ms: Measurement[]): number[] => ms.map((m) => m.output.accounting.promptTokens);
        const ratio = pairedRatio(tokens(batched), tokens(single));
        ctx.log(`  N = ${n}: prompt tokens ${fmt(summarize(tokens(batched)).median)} with n vs ${fmt(summarize(tokens(single)).median)} without (ratio ${fmt(ratio.median)})`);
        rows.push(
          row(`N = ${n}: prompt tokens with n`, 'tokens', summarize(tokens(batched))),
          row(`N = ${n}: prompt tokens without n (one request per sample)`, 'tokens', summarize(tokens(single))),
          row(`N = ${n}: prompt tokens with ÷ without`, 'ratio', ratio),
          row(`N = ${n}: requests with n`, 'requests', summarize(batched.map((m) => m.requests))),
          row(`N = ${n}: requests without n (rejected n > 1 probes included)`, 'requests', summarize(single.map((m) => m.requests))),
          row(`N = ${n}: rejected n > 1 probes before falling back`, 'requests', summarize(single.map((m) => m.rejected))),
          row(`N = ${n}: generation time with n`, 's', summarize(batched.map((m) => m.output.phaseMs / 1000))),
          row(`N = ${n}: generation time without n`, 's', summarize(single.map((m) => m.output.phaseMs / 1000))),
        );
        targets.push(target(`N = ${n}: prompt tokens with n ÷ without n (ideal 1/N = ${fmt(1 / n)})`, ratio.median, '<=', 1 / n));
      }
      const first: Measurement[] = [];
      const again: Measurement[] = [];
      for (let rep = 0; rep < ctx.repetitions; rep++) {
        const cache = path.join(ctx.tmpDir, `cache-${rep}`);
        first.push(await gapCheck(withN, cacheN, 'mc', cache));
        again.push(await gapCheck(withN, cacheN, 'mc', cache));
        rmSync(cache, { recursive: true, force: true });
      }
      const avoided = summarize(again.map((m, i) => 100 * (1 - m.requests / (first[i] as Measurement).requests)));
      ctx.log(`  cache: first run ${fmt(summarize(first.map((m) => m.requests)).median)} requests, re-run ${fmt(summarize(again.map((m) => m.requests)).median)}`);
      rows.push(
        row(`cache: first run requests (N = ${cacheN}, mc)`, 'requests', summarize(first.map((m) => m.requests))),
        row('cache: re-run requests reaching the server', 'requests', summarize(again.map((m) => m.requests))),
        row('cache: re-run calls answered from the cache', 'calls', summarize(again.map((m) => m.output.accounting.cacheHits))),
        row('cache: calls avoided on the re-run', '%', avoided),
        row('cache: first run time', 's', summarize(first.map((m) => m.output.phaseMs / 1000))),
        row('cache: re-run time', 's', summarize(again.map((m) => m.output.phaseMs / 1000))),
        row('cache: re-run records written (same as the first run)', 'records', summarize(again.map((m) => m.output.records))),
      );
      targets.push(target('calls avoided by the response cache on a re-run (%)', avoided.median, '>=', 100));
      notes.push(
        'Token counts are the usage the server reports for successful requests (the fake server counts whitespace-delimited words), summed by the scheduler\'s accounting; they are deterministic, so every repetition gives the same number.',
        'Without n the backend first asks with n > 1; the server rejects it (HTTP 400, "Only one completion choice is allowed") and the backend falls back to one request per sample for good. Generation requests already in flight when the first rejection arrives are rejected too (up to the concurrency limit); their prompt tokens are not in the usage counts since the server never processed them.',
        `The cache re-run is a new run folder with the same configuration and the same response cache folder (N = ${cacheN}, mc verifier: generation and verification calls).`,
      );
    } finally {
      await withN.stop();
      await withoutN.stop();
    }
    return {
      workload: `GSM8K test, first ${tasks} tasks, generation only (no verifier) through core's run controller, N ∈ {${ns.join(', ')}} samples per task, concurrency ${CONCURRENCY}, fake server with L = ${LATENCY_MS} ms, once accepting \`n\` and once rejecting n > 1. Then a full gap check (N = ${cacheN}, mc) run twice on one response cache.`,
      commands,
      rows,
      targets,
      notes,
    };
  },
};
