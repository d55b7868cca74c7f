// The batch benchmark: a gap check of 1,000,000 samples (15,625 tasks × N = 64, verifier mc) executed end
// to end with `--executor batch` against the loopback fake of the Files and Batches endpoints (a
// process of its own): shards, bytes, wall time and the client's peak memory. The client streams
// shards to disk and indexes result files by offset, so what it holds grows by a few hundred bytes
// a request, not by the requests and answers themselves (docs/batch.md).
import { createReadStream, createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { BatchState } from '../../src/core/batch/batchState';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { fakeServerCommand, startFakeServer } from '../lib/fakeServerProcess';
import { describe, startProcess, type ProcessUsage } from '../lib/processRun';
import { fmt, row } from '../lib/results';
import { summarize } from '../lib/stats';
import { MODEL } from '../lib/workload';

const N = 64;
/** The fake answers at once: the benchmark measures the client, not a model. */
const LATENCY_MS = 0;
/** Polls go round every 100 ms (doubling up to 1.2 s): the fake finishes a batch within 3 polls. */
const POLL_MS = 100;
/** A batch run of a million samples takes the better part of an hour on 2 busy cores. */
const TIMEOUT_MS = 4 * 3600_000;
/** How often the client's resident memory is read while it runs. */
const RSS_EVERY_MS = 500;
/**
 * V8's old space for the second execution. Left alone, V8 lets a busy heap grow towards its own
 * limit (about 4 GB on a 24 GB machine) before it collects, so the default run's peak RSS counts
 * garbage; an execution that completes under this cap shows what the client actually retains.
 */
const HEAP_CAP_MIB = 320;

interface BatchRun {
  usage: ProcessUsage;
  /** The client's largest resident set while phases executed (before its final report). */
  executionRssMiB: number;
  shards: number;
  phases: number;
  requests: number;
  shardMiB: number;
  resultMiB: number;
  samplesMiB: number;
  records: number;
}

export const batchBenchmark: Benchmark = {
  name: 'batch',
  title: 'Batch execution at scale: a 1M-sample gap check through the Batch API fake',
  async run(ctx: BenchContext): Promise<Measured> {
    const tasks = ctx.quick ? 50 : 15_625;
    // A million samples take long enough that one execution is the measurement.
    const repetitions = ctx.quick ? ctx.repetitions : 1;
    const tasksFile = path.join(ctx.tmpDir, 'tasks.jsonl');
    await writeTasks(tasksFile, tasks);
    const argsFor = (url: string, out: string): string[] => [
      ctx.built.cli, 'run', '--tasks', tasksFile, '--model', `openai:${MODEL}@${url}`, '--api', 'chat', '-n', String(N), '--verifier', 'mc', '--seed', '0',
      '--max-tokens', '16', '--verifier-max-tokens', '16', '--no-cache', '--out', out, '--executor', 'batch', '--batch-poll-ms', String(POLL_MS), '--json',
    ];
    const describeRun = (url: string, args: string[]): string => describe('node', args).replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, '').replace(url, 'URL');
    const runs: BatchRun[] = [];
    let command = '';
    let serverUsage: ProcessUsage;
    const server = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS, batch: true });
    try {
      for (let rep = 0; rep < repetitions; rep++) {
        const out = path.join(ctx.tmpDir, `run-${rep}`);
        command = describeRun(server.url, argsFor(server.url, out));
        const run = await measure(ctx, argsFor(server.url, out), out, tasks);
        runs.push(run);
        ctx.log(`  rep ${rep + 1}: ${fmt(run.usage.wallMs / 1000)} s, ${run.shards} shards in ${run.phases} phases, peak RSS ${fmt(run.usage.maxRssMiB)} MiB (${fmt(run.executionRssMiB)} MiB before the report)`);
      }
    } finally {
      serverUsage = await server.stop();
    }
    // A server of its own: the fake keeps every file of the runs before in memory.
    const cappedServer = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS, batch: true });
    const cappedOut = path.join(ctx.tmpDir, 'run-capped');
    const cappedArgs = [`--max-old-space-size=${HEAP_CAP_MIB}`, ...argsFor(cappedServer.url, cappedOut)];
    const cappedCommand = describeRun(cappedServer.url, cappedArgs);
    let capped: BatchRun;
    try {
      capped = await measure(ctx, cappedArgs, cappedOut, tasks);
      ctx.log(`  V8's old space capped at ${HEAP_CAP_MIB} MiB: completed in ${fmt(capped.usage.wallMs / 1000)} s, peak RSS ${fmt(capped.usage.maxRssMiB)} MiB`);
    } finally {
      await cappedServer.stop();
    }
    const s = (f: (r: BatchRun) => number): ReturnType<typeof summarize> => summarize(runs.map(f));
    const samples = tasks * N;
    const last = runs[runs.length - 1] as BatchRun;
    return {
      repetitions,
      workload:
        `${fmt(tasks)} tasks × N = ${N} = ${fmt(samples)} samples, verifier mc (at most ${fmt(tasks + samples)} batch requests: one generation request of n = ${N} per task, one mc request per sample; ` +
        `a request identical to another, e.g. the mc prompt of a repeated answer within a task, is sent once), ` +
        `executed with --executor batch against the fake OpenAI server with its Files and Batches endpoints (bench/servers/fakeServer.ts --batch, answering at once, in a process of its own). ` +
        `Shards of at most 50,000 requests and 200 MiB (the Batch API's limits), polled every ${POLL_MS} ms and more. The client is timed as a whole process, its own final report included.`,
      commands: [describe('node', fakeServerCommand({ latencyMs: LATENCY_MS, batch: true })), command, cappedCommand],
      rows: [
        row('wall time (whole process)', 's', s((r) => r.usage.wallMs / 1000)),
        row('client CPU', 'CPU s', s((r) => r.usage.cpuMs / 1000)),
        row('client CPU per 1k samples', 'CPU s', s((r) => r.usage.cpuMs / samples)),
        row('client peak RSS (whole process, final report included)', 'MiB', s((r) => r.usage.maxRssMiB)),
        row('client peak RSS while phases executed', 'MiB', s((r) => r.executionRssMiB)),
        row('shards', 'files', last.shards),
        row('phases', 'phases', last.phases),
        row('batch requests', 'requests', last.requests),
        row('shard bytes uploaded', 'MiB', last.shardMiB),
        row('result bytes downloaded', 'MiB', last.resultMiB),
        row('samples.jsonl written', 'MiB', last.samplesMiB),
        row(`client peak RSS with V8's old space capped at ${HEAP_CAP_MIB} MiB (the run completed)`, 'MiB', capped.usage.maxRssMiB),
        row(`wall time with V8's old space capped at ${HEAP_CAP_MIB} MiB`, 's', capped.usage.wallMs / 1000),
        row('fake server CPU', 'CPU s', serverUsage.cpuMs / 1000),
      ],
      targets: [],
      notes: [
        'Issue 12 sets no numeric target; the numbers are reported as measured. What the client holds per request is read from the peak RSS at two sizes (quick and full).',
        `Every run was checked complete: ${fmt(2 * samples)} records (a generation and an mc verification per sample).`,
        'The peak RSS counts garbage V8 has not collected yet; the final report (reading samples.jsonl back) is the CLI\'s, not the batch executor\'s.',
        `A second execution of the same gap check runs with V8's old space capped at ${HEAP_CAP_MIB} MiB (\`node --max-old-space-size=${HEAP_CAP_MIB}\`): that it completes, with every record, shows the client retains less than that at this size; the default run's higher peak is V8 collecting lazily with a limit of several GB.`,
      ],
    };
  },
};

/** Runs the client, reading its resident memory until its execution ends (it then prints "N model calls"). */
/** Runs the client on `tasks` tasks and checks the run it wrote is complete. */
async function measure(ctx: BenchContext, args: string[], out: string, tasks: number): Promise<BatchRun> {
  const started = startProcess(process.execPath, args, { cwd: ctx.repoRoot, timeoutMs: TIMEOUT_MS });
  started.child.stdout?.resume();
  let executionRssMiB = 0;
  let executing = true;
  started.child.stderr?.on('data', (chunk: Buffer) => {
    if (/ model calls, /.test(chunk.toString('utf8'))) executing = false;
  });
  const timer = setInterval(() => {
    if (executing) executionRssMiB = Math.max(executionRssMiB, rssMiB(started.child.pid));
  }, RSS_EVERY_MS);
  const { code, usage, stderr } = await started.finished.finally(() => clearInterval(timer));
  if (code !== 0) throw new Error(`the batch run exited with ${code}${started.timedOut() ? ' (timed out)' : ''}:\n${stderr.slice(-4000)}`);
  const records = await lineCount(path.join(out, 'samples.jsonl'));
  if (records !== 2 * tasks * N) throw new Error(`the batch run wrote ${records} records, expected ${2 * tasks * N}`);
  const state = JSON.parse(readFileSync(path.join(out, 'batch', 'state.json'), 'utf8')) as BatchState;
  const folder = (name: string): number => readdirSync(path.join(out, 'batch', name)).reduce((n, f) => n + statSync(path.join(out, 'batch', name, f)).size, 0) / 2 ** 20;
  return {
    usage,
    executionRssMiB,
    shards: state.shards.length,
    phases: Math.max(0, ...state.shards.map((sh) => sh.phase)),
    requests: state.shards.reduce((n, sh) => n + sh.requests, 0),
    shardMiB: folder('shards'),
    resultMiB: folder('results'),
    samplesMiB: statSync(path.join(out, 'samples.jsonl')).size / 2 ** 20,
    records,
  };
}

function rssMiB(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Lines of a file of gigabytes, streamed. */
async function lineCount(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
  return lines;
}

/** Arithmetic tasks with a numeric answer, one a line (the fake answers every one). */
async function writeTasks(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${JSON.stringify({ id: `q${i}`, question: `Variant ${i}: what is ${i % 97} + ${42 - (i % 97)}?`, answer: '42', grader: 'numeric' })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
