// `npm run bench`: runs the benchmarks, prints a table per benchmark, writes
// bench/results/<name>.json and regenerates bench/RESULTS.md from every result file present.
//
//   npm run bench                        every benchmark, full size (about 15–20 min on 2 cores)
//   npm run bench -- --quick             small workloads, 2 repetitions: a smoke check
//   npm run bench -- --only throughput   some benchmarks (comma-separated names)
//   npm run bench -- --reps 7            repetitions (default 5; quick: 2)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { activationBenchmark } from './benchmarks/activation';
import { cacheBenchmark } from './benchmarks/cache';
import { batchBenchmark } from './benchmarks/batch';
import { endpointsBenchmark } from './benchmarks/endpoints';
import { llamaBenchmark } from './benchmarks/llama';
import { nBatchingBenchmark } from './benchmarks/nBatching';
import { promptfooBenchmark } from './benchmarks/promptfoo';
import { reverifyBenchmark } from './benchmarks/reverify';
import { scaleBenchmark } from './benchmarks/scale';
import { statsScaleBenchmark } from './benchmarks/statsScale';
import { throughputBenchmark } from './benchmarks/throughput';
import { transportBenchmark } from './benchmarks/transport';
import { LOOPBACK, REALISTIC } from './lib/workload';
import type { Benchmark, Measured } from './lib/benchmark';
import { buildEntries } from './lib/build';
import { startContentionProbe } from './lib/contention';
import { machineInfo } from './lib/machine';
import { formatTable, readResults, renderResultsMarkdown, writeResult, type BenchResult } from './lib/results';

const BENCHMARKS: Benchmark[] = [
  throughputBenchmark(REALISTIC), throughputBenchmark(LOOPBACK), cacheBenchmark, transportBenchmark, endpointsBenchmark, promptfooBenchmark(REALISTIC), promptfooBenchmark(LOOPBACK),
  nBatchingBenchmark, llamaBenchmark, statsScaleBenchmark, activationBenchmark, scaleBenchmark, batchBenchmark, reverifyBenchmark];

/**
 * Benchmarks with a script of their own that writes bench/results/<name>.json in its own format
 * (rendered into RESULTS.md all the same): run when the script is present.
 */
const EXTERNAL = [{ name: 'panel', script: path.join('bench', 'panel', 'panelBench.ts'), quickArgs: ['--quick'] }];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      reps: { type: 'string' },
    },
  });
  const names = [...BENCHMARKS.map((b) => b.name), ...EXTERNAL.map((e) => e.name)];
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? names;
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${names.join(', ')}\n`);
    return 2;
  }
  const quick = values.quick;
  const repetitions = values.reps !== undefined ? Number(values.reps) : quick ? 2 : 5;
  if (!Number.isInteger(repetitions) || repetitions < 1) {
    process.stderr.write(`bench: --reps must be a positive integer, got ${values.reps}\n`);
    return 2;
  }
  const repoRoot = path.resolve(__dirname, '..');
  const machine = machineInfo(repoRoot);
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  log(`bench: building the CLI and the benchmark programs…`);
  const built = await buildEntries(repoRoot);
  let failed = 0;
  for (const bench of BENCHMARKS.filter((b) => only.includes(b.name))) {
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), `gaplens-bench-${bench.name}-`));
    const startedAt = new Date();
    const loadAverage1m = os.loadavg()[0] ?? 0;
    const probe = startContentionProbe();
    const t0 = performance.now();
    log(`bench: ${bench.name} — ${bench.title}`);
    let measured: Measured;
    try {
      measured = await bench.run({ repoRoot, quick, repetitions, built, machine, tmpDir, log });
    } catch (err) {
      failed++;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`bench: ${bench.name} failed: ${message}`);
      // Recorded as a failure, so RESULTS.md never shows an older run's numbers as this one's.
      measured = { workload: '', commands: [], rows: [], targets: [], notes: [`This benchmark FAILED in this run: ${message.split('\n')[0] ?? ''}`] };
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
    const result: BenchResult = {
      name: bench.name,
      title: bench.title,
      startedAt: startedAt.toISOString(),
      durationS: (performance.now() - t0) / 1000,
      quick,
      repetitions,
      machine,
      loadAverage1m,
      contention: probe.finish(),
      ...measured,
    };
    writeResult(repoRoot, result);
    process.stdout.write(`${formatTable(result)}\n`);
  }
  for (const ext of EXTERNAL.filter((e) => only.includes(e.name) && existsSync(path.join(repoRoot, e.script)))) {
    log(`bench: ${ext.name} — ${ext.script}`);
    const args = ['--require', 'tsx/cjs', ext.script, ...(quick ? ext.quickArgs : [])];
    const done = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
    if (done.status !== 0) {
      failed++;
      log(`bench: ${ext.name} failed (${done.status ?? done.signal})`);
    }
  }
  const markdown = renderResultsMarkdown(readResults(repoRoot, names));
  writeFileSync(path.join(repoRoot, 'bench', 'RESULTS.md'), markdown);
  log(`bench: wrote bench/results/*.json and bench/RESULTS.md${failed > 0 ? ` (${failed} benchmark${failed > 1 ? 's' : ''} failed)` : ''}`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
