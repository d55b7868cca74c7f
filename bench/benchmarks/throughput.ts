// Benchmarks 1 and 2: Gap Lens against the physical limit C/L of a fixed-latency server, and
// against the script a user would write by hand (openai + p-limit), in the same run. A bare
// node:http client shows what the server and loopback allow at most on this machine. Measured in
// two regimes (bench/lib/workload.ts): loopback, where client CPU decides, and realistic, where
// latency does; and the CLI both with --no-cache and in its default configuration (cache on).
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { entry } from '../lib/build';
import { summarizeCpuProfile, type ProfileShare } from '../lib/cpuProfile';
import { fakeServerCommand, startFakeServer } from '../lib/fakeServerProcess';
import { describe, runProcess, type ProcessUsage } from '../lib/processRun';
import { fmt, row, target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';
import { LOOPBACK, MODEL, gapCheckCalls, gsm8kPath, rotated, type Regime } from '../lib/workload';

interface InnerMeasure {
  phaseMs: number;
  cpuMs: number;
  maxRssMiB: number;
  /** Gap Lens only: records appended to the run folder. */
  records?: number;
}

interface ClientRun {
  /** Requests the server received during the run. */
  calls: number;
  inner: InnerMeasure;
  process: ProcessUsage;
}

type ClientName = 'gaplens' | 'cli' | 'cliDefault' | 'handwritten' | 'raw';

export function throughputBenchmark(regime: Regime): Benchmark {
  return {
    name: `throughput${regime.suffix}`,
    title: `1–2. Scheduler vs the physical limit, and vs a hand-written openai + p-limit script: L = ${regime.latencyMs} ms, C = ${regime.concurrency}`,
    run: (ctx) => measureThroughput(ctx, regime),
  };
}

/** Tasks of the workload: all of GSM8K test where calls are cheap; at L = 1 s, as many as keep one client's run near 20 s. */
function workloadSize(ctx: BenchContext, regime: Regime): { limit: number; n: number } {
  if (regime === LOOPBACK) return { limit: ctx.quick ? 100 : 1319, n: ctx.quick ? 8 : 16 };
  return { limit: ctx.quick ? 30 : 300, n: ctx.quick ? 8 : 16 };
}

async function measureThroughput(ctx: BenchContext, regime: Regime): Promise<Measured> {
  const { latencyMs, concurrency } = regime;
  const tasksFile = gsm8kPath(ctx.repoRoot);
  const { limit, n } = workloadSize(ctx, regime);
  const expectedCalls = gapCheckCalls(limit, n);
  // Every client makes the same requests: mc reads first-token top logprobs (one request per
  // sample), as the hand-written script does, rather than scoring both labels exactly.
  const serverOptions = { latencyMs, noPromptScoring: true };
  const server = await startFakeServer(ctx.repoRoot, serverOptions);
  const commands = new Map<ClientName | 'server' | 'profile', string>();
  commands.set('server', describe('node', fakeServerCommand(serverOptions)));
  const runs: Record<ClientName, ClientRun[]> = { gaplens: [], cli: [], cliDefault: [], handwritten: [], raw: [] };
  let serverUsage: ProcessUsage;
  let profile: ProfileShare[] = [];
  const t0 = performance.now();
  try {
    const model = `openai:${MODEL}@${server.url}`;
    const C = String(concurrency);
    const cliRun = (out: string, tasks: number): string[] => ['run', '--tasks', tasksFile, '--limit', String(tasks), '--model', model, '-n', String(n), '--verifier', 'mc', '--concurrency', C, '--out', out, '--json'];
    const clients: Record<ClientName, (out: string, tasks: number) => [string, string[]]> = {
      gaplens: (out, tasks) => [entry(ctx.built, 'gapLensRun'), ['--tasks', tasksFile, '--limit', String(tasks), '--model', model, '-n', String(n), '--verifier', 'mc', '--concurrency', C, '--out', out]],
      cli: (out, tasks) => [ctx.built.cli, [...cliRun(out, tasks), '--no-cache']],
      // The default configuration: the response cache on, into an empty folder of its own.
      cliDefault: (out, tasks) => [ctx.built.cli, [...cliRun(out, tasks), '--cache', `${out}-cache`]],
      handwritten: (out, tasks) => [entry(ctx.built, 'handwrittenBaseline'), ['--tasks', tasksFile, '--limit', String(tasks), '--base-url', server.url, '--model', MODEL, '-n', String(n), '--concurrency', C, '--out', out]],
      raw: (_out, tasks) => [entry(ctx.built, 'rawHttpClient'), ['--tasks', tasksFile, '--limit', String(tasks), '--base-url', server.url, '--model', MODEL, '-n', String(n), '--concurrency', C]],
    };
    // Warm the server's JIT first, so that the first measured client does not pay for it.
    const [rawScript, rawArgs] = clients.raw('', Math.min(limit, 200));
    await runProcess(process.execPath, [rawScript, ...rawArgs], { cwd: ctx.repoRoot });
    for (let rep = 0; rep < ctx.repetitions; rep++) {
      for (const name of rotated(Object.keys(clients) as ClientName[], rep)) {
        const out = path.join(ctx.tmpDir, `${name}-${rep}`);
        const [script, args] = clients[name](name === 'handwritten' ? `${out}.jsonl` : out, limit);
        commands.set(name, describe('node', [path.relative(ctx.repoRoot, script), ...args]).replaceAll(ctx.tmpDir, '$TMP'));
        const before = await server.counters();
        const done = await runProcess(process.execPath, [script, ...args], { cwd: ctx.repoRoot, timeoutMs: 600_000 });
        const after = await server.counters();
        const calls = after.requests - before.requests;
        const inner = name === 'cli' || name === 'cliDefault' ? cliInner(done.usage) : (JSON.parse(done.stdout.trim().split('\n').pop() ?? '{}') as InnerMeasure);
        runs[name].push({ calls, inner, process: done.usage });
        ctx.log(`  rep ${rep + 1} ${name}: ${calls} calls in ${fmt(inner.phaseMs / 1000)} s = ${fmt(calls / (inner.phaseMs / 1000))} calls/s, cpu ${fmt(inner.cpuMs / 1000)} s`);
        rmSync(out, { recursive: true, force: true });
        rmSync(`${out}.jsonl`, { force: true });
        rmSync(`${out}-cache`, { recursive: true, force: true });
      }
    }
    // Where the client's CPU goes matters where CPU decides; at L = 1 s the client idles.
    if (regime === LOOPBACK) {
      profile = await profileGapLens(ctx, clients.gaplens(path.join(ctx.tmpDir, 'profiled'), limit));
      commands.set('profile', `node --cpu-prof ${commands.get('gaplens') ?? ''}`);
    }
  } finally {
    serverUsage = await server.stop();
  }
  const wallS = (performance.now() - t0) / 1000;
  return report({ regime, runs, limit, n, expectedCalls, serverUsage, wallS, commands, profile });
}

/** One more Gap Lens run under the V8 profiler: where its CPU time goes, by source module. */
async function profileGapLens(ctx: BenchContext, [script, args]: [string, string[]]): Promise<ProfileShare[]> {
  const dir = path.join(ctx.tmpDir, 'cpu-profile');
  await runProcess(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, script, ...args], { cwd: ctx.repoRoot, timeoutMs: 600_000 });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`node --cpu-prof wrote no profile into ${dir}`);
  return summarizeCpuProfile(path.join(dir, file), script, ctx.repoRoot);
}

/** The CLI is timed from outside: its whole process, start-up and final report included. */
function cliInner(usage: ProcessUsage): InnerMeasure {
  return { phaseMs: usage.wallMs, cpuMs: usage.cpuMs, maxRssMiB: usage.maxRssMiB };
}

interface Collected {
  regime: Regime;
  runs: Record<ClientName, ClientRun[]>;
  limit: number;
  n: number;
  expectedCalls: number;
  serverUsage: ProcessUsage;
  wallS: number;
  commands: Map<string, string>;
  profile: ProfileShare[];
}

function report(c: Collected): Measured {
  const { latencyMs, concurrency } = c.regime;
  const ideal = concurrency / (latencyMs / 1000);
  const rate = (r: ClientRun): number => r.calls / (r.inner.phaseMs / 1000);
  const seconds = (name: ClientName): number[] => c.runs[name].map((r) => r.inner.phaseMs / 1000);
  const cpuPer1k = (r: ClientRun): number => r.inner.cpuMs / 1000 / (r.calls / 1000);
  const wrongCalls = (Object.keys(c.runs) as ClientName[]).flatMap((name) => c.runs[name].filter((r) => r.calls !== c.expectedCalls).map((r) => `${name}: ${r.calls}`));
  const g = c.runs.gaplens;
  const records = c.limit * c.n * 2;
  const incomplete = g.filter((r) => r.inner.records !== records).length;
  const ratioToIdeal = summarize(g.map((r) => rate(r) / ideal));
  const rawRatio = summarize(c.runs.raw.map((r) => rate(r) / ideal));
  const vsHandwritten = pairedRatio(seconds('gaplens'), seconds('handwritten'));
  const vsRaw = pairedRatio(g.map(rate), c.runs.raw.map(rate));
  const gapLensCpu = summarize(g.map(cpuPer1k));
  const rawCpu = summarize(c.runs.raw.map(cpuPer1k));
  const handwrittenProcess = c.runs.handwritten.map((r) => r.process.wallMs / 1000);
  const cliVsHandwritten = pairedRatio(seconds('cli'), handwrittenProcess);
  const defaultVsHandwritten = pairedRatio(seconds('cliDefault'), handwrittenProcess);
  const totalCalls = (Object.values(c.runs) as ClientRun[][]).flat().reduce((s, r) => s + r.calls, 0);
  const rows = [
    row('ideal throughput C/L', 'calls/s', ideal),
    row('Gap Lens (run controller) calls/s', 'calls/s', summarize(g.map(rate))),
    row('Gap Lens calls/s ÷ (C/L)', 'ratio', ratioToIdeal),
    row('Gap Lens model-call phase', 's', summarize(seconds('gaplens'))),
    row('Gap Lens client CPU per 1k calls (phase)', 'CPU s', gapLensCpu),
    row('Gap Lens client CPU per 1k calls (whole process)', 'CPU s', summarize(g.map((r) => r.process.cpuMs / 1000 / (r.calls / 1000)))),
    row('Gap Lens peak RSS', 'MiB', summarize(g.map((r) => r.process.maxRssMiB))),
    row('gaplens run (CLI, whole process incl. start-up + report)', 's', summarize(seconds('cli'))),
    row('gaplens run calls/s ÷ (C/L)', 'ratio', summarize(c.runs.cli.map((r) => rate(r) / ideal))),
    row('gaplens run CPU per 1k calls', 'CPU s', summarize(c.runs.cli.map(cpuPer1k))),
    row('gaplens run peak RSS', 'MiB', summarize(c.runs.cli.map((r) => r.process.maxRssMiB))),
    row('gaplens run, default configuration (cache on, empty folder), whole process', 's', summarize(seconds('cliDefault'))),
    row('gaplens run default ÷ gaplens run --no-cache', 'ratio', pairedRatio(seconds('cliDefault'), seconds('cli'))),
    row('gaplens run default peak RSS', 'MiB', summarize(c.runs.cliDefault.map((r) => r.process.maxRssMiB))),
    row('hand-written openai + p-limit: phase', 's', summarize(seconds('handwritten'))),
    row('hand-written calls/s ÷ (C/L)', 'ratio', summarize(c.runs.handwritten.map((r) => rate(r) / ideal))),
    row('hand-written CPU per 1k calls (phase)', 'CPU s', summarize(c.runs.handwritten.map(cpuPer1k))),
    row('hand-written peak RSS', 'MiB', summarize(c.runs.handwritten.map((r) => r.process.maxRssMiB))),
    row('Gap Lens phase ÷ hand-written phase', 'ratio', vsHandwritten),
    row('gaplens run --no-cache (whole process) ÷ hand-written (whole process)', 'ratio', cliVsHandwritten),
    row('gaplens run default (whole process) ÷ hand-written (whole process)', 'ratio', defaultVsHandwritten),
    row('bare node:http client calls/s ÷ (C/L) (server ceiling)', 'ratio', rawRatio),
    row('bare node:http client CPU per 1k calls', 'CPU s', rawCpu),
    row('Gap Lens calls/s ÷ bare node:http client calls/s', 'ratio', vsRaw),
    row('fake server CPU per 1k calls (all clients)', 'CPU s', c.serverUsage.cpuMs / 1000 / (totalCalls / 1000)),
    row('fake server CPU busy (share of one core over the benchmark)', 'ratio', c.serverUsage.cpuMs / 1000 / c.wallS),
  ];
  const ceiling = rawRatio.median;
  const targets = [
    target('Gap Lens calls/s ÷ (C/L)', ratioToIdeal.median, '>=', 0.95,
      ratioToIdeal.median >= 0.95
        ? undefined
        : `a bare node:http client gets ${fmt(ceiling)} of C/L from the same server${ceiling < 0.95 ? ' (so 0.95 is out of reach for any client on this 2-core machine)' : ''}; Gap Lens gets ${fmt(vsRaw.median)} of that, spending ${fmt(gapLensCpu.median)} ms of client CPU per call against ${fmt(rawCpu.median)} ms for the bare client (profile in the notes)`),
    target('Gap Lens time ÷ hand-written time', vsHandwritten.median, '<=', 1.05),
    target('gaplens run in its default configuration ÷ hand-written (whole processes)', defaultVsHandwritten.median, '<=', 1.05),
  ];
  return {
    workload:
      `GSM8K test, first ${c.limit} tasks × N = ${c.n} samples, verifier mc: ${c.limit} generation requests (n = ${c.n}) + ${c.limit * c.n} logprob requests = ` +
      `${c.expectedCalls} model calls per run, concurrency C = ${concurrency}, against the fake OpenAI server (separate process) answering every request after L = ${latencyMs} ms and refusing to score prompts (as OpenAI's chat models do), so that Gap Lens's mc verifier reads first-token top logprobs in one request per sample like the scripts, ` +
      `so C/L = ${fmt(ideal)} calls/s: ${c.regime.means}. Gap Lens runs through core's run controller (run folder written, samples graded, no response cache) and, separately, as the \`gaplens run\` CLI process, ` +
      'once with --no-cache and once in its default configuration (the response cache on, into an empty folder). ' +
      'The clients run one after another in every repetition, each repetition starting with the next client in turn.',
    commands: [...c.commands.values()],
    rows,
    targets,
    notes: [
      ...(wrongCalls.length > 0 ? [`Runs whose server-side request count differed from the expected ${c.expectedCalls}: ${wrongCalls.join(', ')}.`] : [`Every run made exactly ${c.expectedCalls} requests (counted by the server).`]),
      incomplete === 0 ? `Every Gap Lens run appended all ${records} records (a generation and an mc verification per sample) to its run folder.` : `${incomplete} Gap Lens runs appended fewer than ${records} records.`,
      'Phase times are measured inside each client process around the model-call work (Gap Lens: the run controller; the scripts: from the first request until the results are written); "whole process" includes Node start-up, module loading and, for the CLI, reading the run back and printing the report with 1,000 bootstrap resamples.',
      ...(c.profile.length > 0 ? [`Where Gap Lens's CPU goes (one extra run of the same workload under \`node --cpu-prof\`, each sample charged to the innermost bundled frame's source module): ${c.profile.slice(0, 14).map((p) => `${p.module} ${fmt(p.share * 100)} %`).join(', ')}.`] : []),
      'The fake server delays each answer with setTimeout(L); Node timers fire at ≥ L ms and the answer still has to be serialised and sent, so even a perfect client sees slightly more than L per call. The bare node:http client measures that ceiling.',
    ],
    details: { runs: c.runs, serverUsage: c.serverUsage, cpuProfile: c.profile },
  };
}
