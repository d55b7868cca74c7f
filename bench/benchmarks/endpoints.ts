// Several endpoints of one model (issue 11, part 4): a gap check through core's run controller
// against three fake servers of different limits — one refusing calls beyond its capacity with a
// 429, one queueing them (its latency grows, as vLLM's does), one with a rate limit — with each
// endpoint's concurrency adapting, and with every fixed per-endpoint concurrency tried.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { GapLensRunOutput } from '../entries/gapLensRun';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { entry } from '../lib/build';
import { fakeServerCommand, startFakeServer, type FakeServerCounters, type FakeServerOptions, type FakeServerProcess } from '../lib/fakeServerProcess';
import { describe, runProcess } from '../lib/processRun';
import { fmt, row, target, type Row } from '../lib/results';
import { summarize } from '../lib/stats';
import { MODEL, gsm8kPath } from '../lib/workload';

// Long enough that the client's and the servers' own time per call (a few ms, more on a busy
// machine) is small beside it, as it is beside a real model's latency of seconds.
const LATENCY_MS = 500;
const N = 4;
/** The servers, and what each sustains in answers per second: min(capacity ÷ latency, rate). */
const SERVERS: { name: string; opts: FakeServerOptions; sustains: number }[] = [
  { name: 'A: 16 at once, 429 beyond', opts: { latencyMs: LATENCY_MS, capacity: 16 }, sustains: 16 / (LATENCY_MS / 1000) },
  { name: 'B: 32 at once, queued beyond', opts: { latencyMs: LATENCY_MS, capacity: 32, queue: true }, sustains: 32 / (LATENCY_MS / 1000) },
  // A second's worth of burst, as a per-minute quota allows more: a client that sends in waves
  // (calls of one latency come back together) then meets the rate, not the burst.
  { name: 'C: 80 a second (burst 80), 429 with retry-after-ms beyond', opts: { latencyMs: LATENCY_MS, ratePerSecond: 80, burst: 80 }, sustains: 80 },
];
const CAPACITY = SERVERS.reduce((sum, s) => sum + s.sustains, 0);
/** The adaptive run's ceiling: far above what the servers sustain, so the limits alone decide. */
const CEILING = 256;
/** Fixed concurrencies per endpoint: A's capacity, B's, and more than C's rate needs (80/s × L = 40). */
const FIXED = [16, 32, 48];
/** How often the servers' counters are read during a run, for its steady-state rate. */
const SAMPLE_MS = 250;

interface Measurement {
  output: GapLensRunOutput;
  /** Usable answers each server sent, and its 429s, during the run. */
  answered: number[];
  refused: number[];
  /** Usable answers per second of all servers together over the middle half of the run (its second and third quarters). */
  steady: number;
}

type Setting = { label: string; fixed: number | null };

export const endpointsBenchmark: Benchmark = {
  name: 'endpoints',
  title: 'Several endpoints of one model: adaptive vs fixed concurrency per endpoint',
  async run(ctx: BenchContext): Promise<Measured> {
    // All of GSM8K's test set: long enough that the ramp-up and the tail are small beside the steady state.
    const tasks = ctx.quick ? 200 : 1319;
    const tasksFile = gsm8kPath(ctx.repoRoot);
    const servers: FakeServerProcess[] = [];
    const commands = SERVERS.map((s) => describe('node', fakeServerCommand(s.opts)));
    const settings: Setting[] = [{ label: 'adaptive', fixed: null }, ...FIXED.map((c) => ({ label: `fixed ${c} per endpoint`, fixed: c }))];
    const runs = new Map<string, Measurement[]>(settings.map((s) => [s.label, []]));
    try {
      for (const s of SERVERS) servers.push(await startFakeServer(ctx.repoRoot, s.opts));
      const model = `openai:${MODEL}@${servers.map((s) => s.url).join(',')}`;
      let run = 0;
      const gapCheck = async (setting: Setting): Promise<Measurement> => {
        const out = path.join(ctx.tmpDir, `run-${run++}`);
        const concurrency = setting.fixed === null ? CEILING : setting.fixed * SERVERS.length;
        const args = [
          entry(ctx.built, 'gapLensRun'), '--tasks', tasksFile, '--limit', String(tasks), '--model', model, '-n', String(N), '--verifier', 'mc', '--api', 'chat',
          '--concurrency', String(concurrency), ...(setting.fixed === null ? [] : ['--fixed-concurrency']), '--allow-incomplete', '--out', out,
        ];
        if (commands.length < SERVERS.length + settings.length) commands.push(describe('node', args).replaceAll(ctx.tmpDir, '$TMP').replaceAll(tasksFile, path.relative(ctx.repoRoot, tasksFile)).replaceAll(`${ctx.repoRoot}/`, '').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:$PORT'));
        const before = await Promise.all(servers.map((s) => s.counters()));
        const answeredSoFar = async (): Promise<Sample> => ({ at: performance.now(), ok: sum((await Promise.all(servers.map((s) => s.counters()))).map((c) => c.ok)) });
        const samples: Sample[] = [await answeredSoFar()];
        const poller = setInterval(() => void answeredSoFar().then((x) => samples.push(x)), SAMPLE_MS);
        const done = await runProcess(process.execPath, args, { cwd: ctx.repoRoot, timeoutMs: 900_000 }).finally(() => clearInterval(poller));
        samples.push(await answeredSoFar());
        const after = await Promise.all(servers.map((s) => s.counters()));
        rmSync(out, { recursive: true, force: true });
        const delta = (pick: (c: FakeServerCounters) => number): number[] => after.map((c, i) => pick(c) - pick(before[i] as FakeServerCounters));
        return { output: JSON.parse(done.stdout) as GapLensRunOutput, answered: delta((c) => c.ok), refused: delta((c) => c.rateLimited), steady: middleRate(samples) };
      };
      for (let rep = 0; rep < ctx.repetitions; rep++) {
        for (const setting of settings) {
          const m = await gapCheck(setting);
          runs.get(setting.label)?.push(m);
          ctx.log(`  rep ${rep + 1} ${setting.label}: ${fmt(rate(m))} answers/s (${fmt(rate(m) / CAPACITY)} of ${CAPACITY}), ${sum(m.refused)} × 429, ${m.output.failedSamples} failed sample stages`);
        }
      }
    } finally {
      for (const s of servers) await s.stop();
    }
    return report(runs, settings, tasks, commands);
  },
};

interface Sample {
  at: number;
  ok: number;
}

/** Answers per second between the samples nearest to a quarter and to three quarters of the run's time. */
function middleRate(samples: readonly Sample[]): number {
  const start = (samples[0] as Sample).at;
  const span = (samples[samples.length - 1] as Sample).at - start;
  const nearest = (t: number): Sample => samples.reduce((best, x) => (Math.abs(x.at - t) < Math.abs(best.at - t) ? x : best));
  const from = nearest(start + span / 4);
  const to = nearest(start + (3 * span) / 4);
  return to.at > from.at ? ((to.ok - from.ok) * 1000) / (to.at - from.at) : 0;
}

/** The adaptive run's steady state in every repetition, and how many fell short of the target: the median alone hides a bad one. */
function perRepetition(ratios: readonly number[]): string {
  const short = ratios.filter((r) => r < 0.9).length;
  return `Adaptive steady state per repetition, in order: ${ratios.map(fmt).join(', ')} of the sum; ${short} of ${ratios.length} under 0.9.`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Usable answers per second over the run's model-call phase, all servers together. */
function rate(m: Measurement): number {
  return sum(m.answered) / (m.output.phaseMs / 1000);
}

function report(runs: Map<string, Measurement[]>, settings: Setting[], tasks: number, commands: string[]): Measured {
  const of = (label: string): Measurement[] => runs.get(label) ?? [];
  const rows: Row[] = [row('sum of what the servers sustain', 'answers/s', CAPACITY)];
  for (const { label } of settings) {
    const ms = of(label);
    rows.push(
      row(`${label}: answers/s`, 'answers/s', summarize(ms.map(rate))),
      row(`${label}: answers/s ÷ sum sustained`, 'ratio', summarize(ms.map((m) => rate(m) / CAPACITY))),
      row(`${label}: steady state (middle half of the run): answers/s ÷ sum sustained`, 'ratio', summarize(ms.map((m) => m.steady / CAPACITY))),
      row(`${label}: 429s`, 'count', summarize(ms.map((m) => sum(m.refused)))),
      row(`${label}: sample stages failed (retries used up)`, 'count', summarize(ms.map((m) => m.output.failedSamples))),
      row(`${label}: model-call phase`, 's', summarize(ms.map((m) => m.output.phaseMs / 1000))),
    );
  }
  const adaptive = of('adaptive');
  SERVERS.forEach((s, i) => {
    rows.push(row(`adaptive: answers/s from ${s.name} (sustains ${fmt(s.sustains)})`, 'answers/s', summarize(adaptive.map((m) => (m.answered[i] ?? 0) / (m.output.phaseMs / 1000)))));
  });
  // The best fixed setting is the one with the most answers per second in the steady state.
  const median = (label: string, pick: (m: Measurement) => number): number => summarize(of(label).map(pick)).median;
  const fixed = settings.filter((s) => s.fixed !== null).map((s) => ({ label: s.label, steady: median(s.label, (m) => m.steady / CAPACITY), refused: median(s.label, (m) => sum(m.refused)) }));
  const best = fixed.reduce((a, b) => (b.steady > a.steady ? b : a));
  const adaptiveRefused = median('adaptive', (m) => sum(m.refused));
  return {
    workload:
      `GSM8K test, first ${tasks} tasks, N = ${N}, mc verifier, chat API (${tasks * (1 + N)} model calls: on the chat API mc reads the top first tokens, one cheap call per sample), through core's run controller, model ` +
      `openai:${MODEL}@A,B,C on three fake servers (separate processes) answering after L = ${LATENCY_MS} ms: ${SERVERS.map((s) => s.name).join('; ')}. ` +
      `Adaptive: --concurrency ${CEILING} as the ceiling; fixed: --fixed-concurrency with ${FIXED.join(', ')} calls per endpoint. Default retries (6, backoff from 500 ms, Retry-After honoured).`,
    commands,
    rows,
    targets: [
      target('adaptive, steady state (middle half of the run): answers/s ÷ sum of what the servers sustain', median('adaptive', (m) => m.steady / CAPACITY), '>=', 0.9),
      target(`429s fewer than the best fixed setting (${best.label}: steady state ${fmt(best.steady)} of the sum, ${fmt(best.refused)} × 429; adaptive ${fmt(adaptiveRefused)} × 429)`, best.refused - adaptiveRefused, '>=', 1),
    ],
    notes: [
      `What a server sustains: capacity ÷ latency for A and B (${fmt(SERVERS[0]?.sustains ?? 0)} and ${fmt(SERVERS[1]?.sustains ?? 0)} answers/s), the rate limit for C (${fmt(SERVERS[2]?.sustains ?? 0)}); their sum, ${fmt(CAPACITY)} answers/s, is what no client can beat (the servers' and the client's own time per call makes a little less reachable). "answers/s" are usable answers (HTTP 200) the servers sent over the client's whole model-call phase, the ramp-up (each endpoint starts at 4 calls) and the tail (fewer tasks left than the servers take, and calls waiting out a backoff) included. The steady state is the answers the servers sent between a quarter and three quarters of the run's time (their counters read every ${SAMPLE_MS} ms by the benchmark), per second.`,
      'The fixed settings give every endpoint the same concurrency, as a user who does not know the servers\' capacities would (the issue: "a fixed --concurrency is either too slow or causes 429 storms"). The best fixed setting is the one with the most answers/s in the steady state; 429s are counted over the whole run. A call refused by A keeps its slot while it waits to retry (docs/run-format.md, "Several endpoints"), so a fixed setting above A\'s capacity loses little of A\'s throughput but sends it a steady stream of 429s; a call refused 7 times in a row fails (counted above), which a resume would ask again.',
      'The adaptive run starts each endpoint at 4 calls, holds there for one latency window (20 answers), then doubles per round trip until the first 429 or latency rise; after a cut it climbs halfway back to just under the level of the cut per round trip, then probes that level a tenth of a call per round trip (each probe on A or C is one 429); see docs/run-format.md, "Several endpoints".',
      perRepetition(of('adaptive').map((m) => m.steady / CAPACITY)),
    ],
  };
}
