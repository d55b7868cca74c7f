// The scale benchmark: memory and time as a run grows, at 10k, 100k and 1M samples (quick: 10k and
// 100k), each a whole CLI process against the fake OpenAI server. Per size, one run: `gaplens run`
// killed with SIGKILL once 90 % of its samples.jsonl is on disk, `gaplens run --resume` of it to the
// end (what a user resumes: the run's column cache as its last checkpoint left it), then `gaplens
// report RUN_DIR` of the finished run. One run, not a whole run and then a second one to kill: at 1M
// a run takes about 40 minutes, and the run's work is the same either way (the resume does the last
// 10 % and the closing report). The growth of each cost with the run's size is fitted as a power
// law (the exponent: 1 = linear, 0 = flat).
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
/** A whole run this small only tells where 90 % of the first size's file lies (ids grow longer later: a safe underestimate). */
const PILOT_SAMPLES = 800;

interface Point {
  samples: number;
  /** The run up to its kill at 90 %; its peak RSS read from /proc before the kill. */
  killedRun: ProcessUsage;
  /** The resume of the killed run to the end, its closing report included. */
  resume: ProcessUsage;
  report: ProcessUsage;
  /** From the resume's start until the server saw its first request (the endpoint's capability probe counts). */
  firstRequestS: number;
  /** From the resume's start until samples.jsonl grew: the first record of the work left, on disk. */
  firstRecordS: number;
  fileMiB: number;
  /** When the run was killed: its samples.jsonl as a share of the finished run's, and the share of that its column cache covered. */
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
      let bytesPerSample = await pilotBytesPerSample(ctx, model, PILOT_SAMPLES);
      for (const samples of sizes) {
        const p = await measure(ctx, server, model, samples, bytesPerSample, commands);
        points.push(p);
        bytesPerSample = (p.fileMiB * 2 ** 20) / samples;
        ctx.log(`  ${fmt(samples)} samples: run ${fmt(runWallS(p))} s ${fmt(runPeakMiB(p))} MiB; resume ${fmt(p.resume.maxRssMiB)} MiB, first request after ${fmt(p.firstRequestS)} s; report ${fmt(p.report.wallMs / 1000)} s ${fmt(p.report.maxRssMiB)} MiB`);
      }
    } finally {
      await server.stop();
    }
    return report(points, commands, ctx.quick);
  },
};

async function measure(ctx: BenchContext, server: FakeServerProcess, model: string, samples: number, bytesPerSample: number, commands: string[]): Promise<Point> {
  const tasksFile = path.join(ctx.tmpDir, `tasks-${samples}.jsonl`);
  writeTasks(tasksFile, samples / N);
  const dir = path.join(ctx.tmpDir, `run-${samples}`);
  const cli = (args: string[]): string[] => [ctx.built.cli, ...args];
  const runArgs = cli(['run', '--tasks', tasksFile, '--model', model, '--api', API, '-n', String(N), '--verifier', VERIFIERS, '--concurrency', String(CONCURRENCY), '--no-cache', '--out', dir, '--json']);
  const reportArgs = cli(['report', dir, '--json']);
  const resumeArgs = cli(['run', '--resume', dir, '--no-cache', '--json']);
  const timeoutMs = 4 * 3600_000;
  const killed = await killAt(ctx, runArgs, dir, RESUME_AT * samples * bytesPerSample, timeoutMs);
  const before = (await server.counters()).requests;
  const samplesFile = path.join(dir, 'samples.jsonl');
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
  const fileBytes = statSync(samplesFile).size;
  const reported = await runProcess(process.execPath, reportArgs, { cwd: ctx.repoRoot, timeoutMs });
  const seen = (JSON.parse(reported.stdout) as { samples: number }).samples;
  if (seen !== samples) throw new Error(`gaplens report saw ${seen} samples, expected ${samples}`);
  if (samples === 10_000) {
    const shown = (args: string[]): string => describe('node', args).replaceAll(ctx.tmpDir, '$TMP').replaceAll(`${ctx.repoRoot}/`, '').replaceAll(server.url, '$URL');
    commands.push(
      `# tasks: bench/benchmarks/scale.ts writeTasks (SAMPLES / ${N} arithmetic questions); for 100k and 1M the same with their sizes`,
      `# killed with SIGKILL once its samples.jsonl reached ${RESUME_AT * 100} % of the size the run is expected to reach (bytes per sample of the smaller run before it):`,
      shown(runArgs),
      shown(resumeArgs),
      shown(reportArgs),
    );
  }
  // At 1M the run folder is more than a gigabyte of disk.
  rmSync(dir, { recursive: true, force: true });
  rmSync(tasksFile, { force: true });
  return { samples, killedRun: killed.usage, resume: resumed.usage, report: reported.usage, firstRequestS, firstRecordS, fileMiB: fileBytes / 2 ** 20, killedAt: killed.bytes / fileBytes, cached: killed.cached / killed.bytes };
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

/** Bytes of samples.jsonl per sample of a whole small run (`samples` samples), to know where 90 % of a larger run's file lies. */
async function pilotBytesPerSample(ctx: BenchContext, model: string, samples: number): Promise<number> {
  const tasksFile = path.join(ctx.tmpDir, 'tasks-pilot.jsonl');
  const dir = path.join(ctx.tmpDir, 'run-pilot');
  writeTasks(tasksFile, samples / N);
  await runProcess(process.execPath, [ctx.built.cli, 'run', '--tasks', tasksFile, '--model', model, '--api', API, '-n', String(N), '--verifier', VERIFIERS, '--concurrency', String(CONCURRENCY), '--no-cache', '--out', dir, '--json'], { cwd: ctx.repoRoot });
  const bytes = statSync(path.join(dir, 'samples.jsonl')).size;
  rmSync(dir, { recursive: true, force: true });
  rmSync(tasksFile, { force: true });
  return bytes / samples;
}

/**
 * Runs `args` (a run into `dir`) and kills it with SIGKILL once its samples.jsonl holds `bytes`: what
 * a user resumes. Returns what the killed process used, the file's size then, and how much of it the
 * run's column cache covered.
 */
async function killAt(ctx: BenchContext, args: string[], dir: string, bytes: number, timeoutMs: number): Promise<{ usage: ProcessUsage; bytes: number; cached: number }> {
  const file = path.join(dir, 'samples.jsonl');
  const started = startProcess(process.execPath, args, { cwd: ctx.repoRoot, timeoutMs });
  const size = (): number => (existsSync(file) ? statSync(file).size : 0);
  let exited = false;
  void started.finished.then(() => (exited = true));
  while (!exited && size() < bytes) await new Promise((resolve) => setTimeout(resolve, 50));
  started.kill();
  const { signal, stderr, usage } = await started.finished;
  if (signal !== 'SIGKILL') throw new Error(`the run to be killed at ${fmt(bytes / 2 ** 20)} MiB ended by itself first:\n${stderr.slice(-2000)}`);
  return { usage, bytes: size(), cached: coveredBytes(dir) };
}

/** The bytes of samples.jsonl the run's column cache covers (its header, docs/run-format.md "The column cache"); 0 without one. */
function coveredBytes(dir: string): number {
  const file = path.join(dir, '.cache', 'columns.bin');
  if (!existsSync(file)) return 0;
  const bytes = readFileSync(file);
  const header = JSON.parse(bytes.toString('utf8', 20, 20 + bytes.readUInt32LE(16))) as { covered: { bytes: number } };
  return header.covered.bytes;
}

/** The run's wall time: up to the kill, then the resume to the end (the same work as one whole run, plus one more start). */
function runWallS(p: Point): number {
  return (p.killedRun.wallMs + p.resume.wallMs) / 1000;
}

/** What a run of this size needs: the larger peak RSS of its two processes (the resume holds the whole run's columns at its end). */
function runPeakMiB(p: Point): number {
  return Math.max(p.killedRun.maxRssMiB, p.resume.maxRssMiB);
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
    ['gaplens run: to 90 %, then --resume to the end', 's', runWallS],
    ['gaplens run peak RSS: the larger of the two processes', 'MiB', runPeakMiB],
    ['gaplens run to 90 % (then killed)', 's', (p) => p.killedRun.wallMs / 1000],
    ['gaplens run to 90 % peak RSS', 'MiB', (p) => p.killedRun.maxRssMiB],
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
      `(separate process, L = ${LATENCY_MS} ms). Per size, one run: a fresh \`gaplens run\` killed with SIGKILL once its samples.jsonl reached ${RESUME_AT * 100} % of the size the run is expected to reach (bytes per sample of the smaller run before it, the first size's from a whole run of ${PILOT_SAMPLES} samples), ` +
      `\`gaplens run --resume\` of it to the end (its column cache as the run's last checkpoint left it; the resume does the closing report with 1,000 bootstrap resamples), and \`gaplens report RUN_DIR --json\` of the finished run. ` +
      `The run's time is the two processes' together, its peak RSS the larger of theirs. One process per measurement${quick ? '' : ', one repetition per size (a run of 1M samples takes about 40 minutes)'}.`,
    commands,
    rows,
    targets: [
      target(`gaplens run peak RSS ${at}`, runPeakMiB(largest), '<=', TARGET_MIB, atMillion),
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
