// The scale benchmark: memory and time as a run grows — `gaplens run`, `gaplens report RUN_DIR`, and
// `gaplens run --resume` of a second run of the same size killed with SIGKILL once 90 % of its
// samples.jsonl was on disk (what a user resumes: the run's column cache as its last checkpoint left
// it), at 10k, 100k and 1M samples (quick: 10k and 100k), each a whole CLI process against the fake
// OpenAI server. The growth of each cost with the run's size is fitted as a power law (the
// exponent: 1 = linear, 0 = flat).
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { fakeServerCommand, startFakeServer, type FakeServerProcess } from '../lib/fakeServerProcess';
import { describe, runProcess, startProcess, type ProcessUsage } from '../lib/processRun';
import { fmt, row, target } from '../lib/results';
import { CONCURRENCY, LATENCY_MS, MODEL } from '../lib/workload';

const N = 8;
const VERIFIERS = 'mc,cot-score';
/**
 * The chat API, where mc is one top-logprobs call with a small answer, as hosted endpoints serve it.
 * On the completions API mc scores its labels with `echo`, whose answer lists every prompt token's
 * logprobs (about 100 KB for a 1,000-token verification prompt): 185 samples/s here, so that one
 * 1M-sample run would take 1.5 hours.
 */
const API = 'chat';
const RESUME_AT = 0.9;
const TARGET_MIB = 400;
const TARGET_REPORT_S = 10;
const TARGET_FIRST_REQUEST_S = 5;
const MILLION = 1_000_000;

interface Point {
  samples: number;
  run: ProcessUsage;
  report: ProcessUsage;
  resume: ProcessUsage;
  /** From the resume's start until the server saw its first request (the endpoint's capability probe counts). */
  firstRequestS: number;
  /** From the resume's start until samples.jsonl grew: the first record of the work left, on disk. */
  firstRecordS: number;
  fileMiB: number;
  /** When the second run was killed: its samples.jsonl as a share of the finished run's, and the share of that its column cache covered. */
  killedAt: number;
  cached: number;
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  title: 'Scale: run, resume at 90 % and report at 10k, 100k and 1M samples (time and peak RSS)',
  async run(ctx: BenchContext): Promise<Measured> {
    const sizes = ctx.quick ? [10_000, 100_000] : [10_000, 100_000, MILLION];
    const server = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS });
    const model = `openai:${MODEL}@${server.url}`;
    const commands: string[] = [describe('node', fakeServerCommand({ latencyMs: LATENCY_MS }))];
    const points: Point[] = [];
    try {
      for (const samples of sizes) {
        points.push(await measure(ctx, server, model, samples, commands));
        const p = points.at(-1) as Point;
        ctx.log(`  ${fmt(samples)} samples: run ${fmt(p.run.wallMs / 1000)} s ${fmt(p.run.maxRssMiB)} MiB; resume ${fmt(p.resume.maxRssMiB)} MiB, first request after ${fmt(p.firstRequestS)} s; report ${fmt(p.report.wallMs / 1000)} s ${fmt(p.report.maxRssMiB)} MiB`);
      }
    } finally {
      await server.stop();
    }
    return report(points, commands, ctx.quick);
  },
};

async function measure(ctx: BenchContext, server: FakeServerProcess, model: string, samples: number, commands: string[]): Promise<Point> {
  const tasksFile = path.join(ctx.tmpDir, `tasks-${samples}.jsonl`);
  writeTasks(tasksFile, samples / N);
  const dir = path.join(ctx.tmpDir, `run-${samples}`);
  const killed = path.join(ctx.tmpDir, `killed-${samples}`);
  const cli = (args: string[]): string[] => [ctx.built.cli, ...args];
  const runArgs = (out: string): string[] => cli(['run', '--tasks', tasksFile, '--model', model, '--api', API, '-n', String(N), '--verifier', VERIFIERS, '--concurrency', String(CONCURRENCY), '--no-cache', '--out', out, '--json']);
  const reportArgs = cli(['report', dir, '--json']);
  const resumeArgs = cli(['run', '--resume', killed, '--no-cache', '--json']);
  const timeoutMs = 4 * 3600_000;
  const run = await runProcess(process.execPath, runArgs(dir), { cwd: ctx.repoRoot, timeoutMs });
  const fileBytes = statSync(path.join(dir, 'samples.jsonl')).size;
  const reported = await runProcess(process.execPath, reportArgs, { cwd: ctx.repoRoot, timeoutMs });
  const seen = (JSON.parse(reported.stdout) as { samples: number }).samples;
  if (seen !== samples) throw new Error(`gaplens report saw ${seen} samples, expected ${samples}`);
  // The finished run only told how large its file grows; at 1M it is more than a gigabyte of disk.
  rmSync(dir, { recursive: true, force: true });
  const { killedAt, cached } = await killAt(ctx, runArgs(killed), killed, RESUME_AT * fileBytes, timeoutMs);
  const before = (await server.counters()).requests;
  const samplesFile = path.join(killed, 'samples.jsonl');
  const sizeBefore = statSync(samplesFile).size;
  const started = startProcess(process.execPath, resumeArgs, { cwd: ctx.repoRoot, timeoutMs });
  let stdout = '';
  started.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const t0 = performance.now();
  let firstRequestS = NaN;
  let firstRecordS = NaN;
  let polling = false;
  // One poll at a time; a poll the loaded server drops is only a later reading.
  const poll = setInterval(() => {
    // A resume repairs a torn last line before it appends: the file grows past its size at the start only with new records.
    if (Number.isNaN(firstRecordS) && statSync(samplesFile).size > sizeBefore) firstRecordS = (performance.now() - t0) / 1000;
    if (polling || !Number.isNaN(firstRequestS)) return;
    polling = true;
    server.counters().then(
      (c) => {
        if (c.requests > before) firstRequestS = (performance.now() - t0) / 1000;
        polling = false;
      },
      () => (polling = false),
    );
  }, 50);
  const resumed = await started.finished.finally(() => clearInterval(poll));
  if (resumed.code !== 0) throw new Error(`the resume exited with ${resumed.code}:\n${resumed.stderr.slice(-2000)}`);
  const finished = (JSON.parse(stdout) as { samples: number }).samples;
  if (finished !== samples) throw new Error(`the resumed run reported ${finished} samples, expected ${samples}`);
  if (samples === 10_000) {
    const shown = (args: string[]): string => describe('node', args).replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, '').replaceAll(server.url, '$URL');
    commands.push(
      `# tasks: bench/benchmarks/scale.ts writeTasks (SAMPLES / ${N} arithmetic questions); for 100k and 1M the same with their sizes`,
      shown(runArgs(dir)),
      shown(reportArgs),
      `# the same run again into another folder, killed with SIGKILL once its samples.jsonl reached ${RESUME_AT * 100} % of the finished run's size, then:`,
      shown(resumeArgs),
    );
  }
  rmSync(killed, { recursive: true, force: true });
  rmSync(tasksFile, { force: true });
  return { samples, run: run.usage, report: reported.usage, resume: resumed.usage, firstRequestS, firstRecordS, fileMiB: fileBytes / 2 ** 20, killedAt: killedAt / fileBytes, cached: cached / killedAt };
}

function writeTasks(file: string, tasks: number): void {
  const lines: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const a = (i * 37) % 101;
    const b = (i * 53) % 97;
    lines.push(JSON.stringify({ id: `q${i}`, question: `What is ${a} + ${b}?`, answer: String(a + b), grader: 'numeric' }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * Runs `args` (a run into `dir`) and kills it with SIGKILL once its samples.jsonl holds `bytes`: what
 * a user resumes. Returns the file's size then, and how much of it the run's column cache covered.
 */
async function killAt(ctx: BenchContext, args: string[], dir: string, bytes: number, timeoutMs: number): Promise<{ killedAt: number; cached: number }> {
  const file = path.join(dir, 'samples.jsonl');
  const started = startProcess(process.execPath, args, { cwd: ctx.repoRoot, timeoutMs });
  const size = (): number => (existsSync(file) ? statSync(file).size : 0);
  let exited = false;
  void started.finished.then(() => (exited = true));
  while (!exited && size() < bytes) await new Promise((resolve) => setTimeout(resolve, 50));
  started.child.kill('SIGKILL');
  const { signal, stderr } = await started.finished;
  if (signal !== 'SIGKILL') throw new Error(`the run to be killed at ${fmt(bytes / 2 ** 20)} MiB ended by itself first:\n${stderr.slice(-2000)}`);
  return { killedAt: size(), cached: coveredBytes(dir) };
}

/** The bytes of samples.jsonl the run's column cache covers (its header, docs/run-format.md "The column cache"); 0 without one. */
function coveredBytes(dir: string): number {
  const file = path.join(dir, '.cache', 'columns.bin');
  if (!existsSync(file)) return 0;
  const bytes = readFileSync(file);
  const header = JSON.parse(bytes.toString('utf8', 20, 20 + bytes.readUInt32LE(16))) as { covered: { bytes: number } };
  return header.covered.bytes;
}

/** The exponent b of cost ≈ a · samples^b, least squares on the logarithms. */
function growth(points: readonly Point[], cost: (p: Point) => number): number {
  const xs = points.map((p) => Math.log(p.samples));
  const ys = points.map((p) => Math.log(cost(p)));
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * ((ys[i] as number) - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

function report(points: Point[], commands: string[], quick: boolean): Measured {
  const costs: [string, string, (p: Point) => number][] = [
    ['gaplens run', 's', (p) => p.run.wallMs / 1000],
    ['gaplens run peak RSS', 'MiB', (p) => p.run.maxRssMiB],
    ['gaplens run --resume at 90 %', 's', (p) => p.resume.wallMs / 1000],
    ['gaplens run --resume at 90 % peak RSS', 'MiB', (p) => p.resume.maxRssMiB],
    ['gaplens run --resume at 90 %: first request after', 's', (p) => p.firstRequestS],
    ['gaplens run --resume at 90 %: first record on disk after', 's', (p) => p.firstRecordS],
    ['gaplens report RUN_DIR --json', 's', (p) => p.report.wallMs / 1000],
    ['gaplens report RUN_DIR peak RSS', 'MiB', (p) => p.report.maxRssMiB],
  ];
  const rows = points.flatMap((p) => [
    ...costs.map(([label, unit, cost]) => row(`${label} (${fmt(p.samples)} samples)`, unit, cost(p))),
    row(`samples.jsonl (${fmt(p.samples)} samples)`, 'MiB', p.fileMiB),
    row(`killed run: its samples.jsonl when killed, of the finished run's (${fmt(p.samples)} samples)`, '%', 100 * p.killedAt),
    row(`killed run: the share of that its column cache covered (${fmt(p.samples)} samples)`, '%', 100 * p.cached),
  ]);
  rows.push(...costs.map(([label, , cost]) => row(`growth exponent: ${label}`, 'exponent', growth(points, cost))));
  const largest = points.at(-1) as Point;
  const at = `at ${fmt(largest.samples)} samples`;
  const atMillion = largest.samples === MILLION ? undefined : `measured ${at} (quick mode); the targets are set at 1M samples`;
  return {
    workload:
      `Arithmetic tasks written by the benchmark, N = ${N} samples per task, verifiers ${VERIFIERS} (the ${API} API: mc is one top-logprobs call), concurrency ${CONCURRENCY}, no response cache, against the fake OpenAI server ` +
      `(separate process, L = ${LATENCY_MS} ms). Per size: a fresh \`gaplens run\` (its final report with 1,000 bootstrap resamples included), \`gaplens report RUN_DIR --json\` of the finished run, ` +
      `and \`gaplens run --resume\` of a second run of the same size killed with SIGKILL once its samples.jsonl reached ${RESUME_AT * 100} % of the finished run's size (its column cache as the run's last checkpoint left it). One process per measurement${quick ? '' : ', one repetition per size (each point at 1M takes many minutes)'}.`,
    commands,
    rows,
    targets: [
      target(`gaplens run peak RSS ${at}`, largest.run.maxRssMiB, '<=', TARGET_MIB, atMillion),
      target(`gaplens report RUN_DIR peak RSS ${at}`, largest.report.maxRssMiB, '<=', TARGET_MIB, atMillion),
      target(`gaplens report RUN_DIR time ${at}`, largest.report.wallMs / 1000, '<=', TARGET_REPORT_S, atMillion),
      target(`gaplens run --resume at 90 % peak RSS ${at}`, largest.resume.maxRssMiB, '<=', TARGET_MIB, atMillion),
      target(`gaplens run --resume at 90 %: first request ${at}`, largest.firstRequestS, '<=', TARGET_FIRST_REQUEST_S, atMillion),
    ],
    notes: [
      'Peak RSS is the largest resident set of the CLI process (getrusage at exit, through bench/lib/usageHook.cjs). The first request of a resume is timed by polling the fake server\'s request counter every 50 ms from the moment the process starts; that request is the capability probe of the endpoint (runCapabilities.ts), sent once the run is read and before the work left is planned, so the first record on disk (samples.jsonl growing, polled likewise) is timed too: it includes the plan, the estimate, the live statistics of the records on file, and one request of the work.',
      'The growth exponent b fits cost ≈ a · samples^b over the sizes measured: about 1 for time that is linear in the run, about 0 for memory that does not grow with it.',
    ],
    details: { points },
  };
}
