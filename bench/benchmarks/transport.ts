// What the openai SDK costs as the client of every endpoint at realistic load: C = 256 calls in
// flight against a server that takes L = 1 s per answer (a hosted model), so the ideal is C/L = 256
// calls/s. The node:http poster alone (how Gap Lens called endpoints before the SDK), the SDK over
// those posters (Gap Lens now), over Node's own fetch (the SDK as it comes) and over undici's fetch
// (the CLI with proxy variables) run interleaved in every repetition, each in its own process.
import path from 'node:path';
import type { Transport, TransportRunOutput } from '../entries/transportClient';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { entry } from '../lib/build';
import { fakeServerCommand, startFakeServer } from '../lib/fakeServerProcess';
import { describe, runProcess, type ProcessUsage } from '../lib/processRun';
import { fmt, row, target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';
import { MODEL } from '../lib/workload';

const CONCURRENCY = 256;
const LATENCY_MS = 1000;
const TRANSPORTS: readonly Transport[] = ['node-http', 'sdk', 'sdk-fetch', 'sdk-undici'];
const LABELS: Record<Transport, string> = {
  'node-http': 'node:http poster alone (before the SDK)',
  sdk: 'openai SDK over the posters (Gap Lens)',
  'sdk-fetch': "openai SDK over Node's fetch",
  'sdk-undici': "openai SDK over undici's fetch (CLI with a proxy)",
};

interface TransportRun {
  output: TransportRunOutput;
  /** Requests the server received during the run. */
  requests: number;
  process: ProcessUsage;
}

export const transportBenchmark: Benchmark = {
  name: 'transport',
  title: 'The openai SDK as the client of every endpoint at C = 256, L = 1 s, vs the node:http poster alone',
  async run(ctx: BenchContext): Promise<Measured> {
    // Enough waves of C calls that start-up and the last wave's tail are a small part of the phase.
    const calls = CONCURRENCY * (ctx.quick ? 4 : 16);
    const server = await startFakeServer(ctx.repoRoot, { latencyMs: LATENCY_MS });
    const script = entry(ctx.built, 'transportClient');
    const argsFor = (transport: Transport): string[] => [script, '--base-url', server.url, '--model', MODEL, '--transport', transport, '--calls', String(calls), '--concurrency', String(CONCURRENCY)];
    const runs: Record<Transport, TransportRun[]> = { 'node-http': [], sdk: [], 'sdk-fetch': [], 'sdk-undici': [] };
    const commands = [describe('node', fakeServerCommand({ latencyMs: LATENCY_MS }))];
    try {
      for (const transport of TRANSPORTS) {
        const [, ...args] = argsFor(transport);
        commands.push(describe('node', [path.relative(ctx.repoRoot, script), ...args]).replace(server.url, 'http://127.0.0.1:$PORT/v1'));
      }
      for (let rep = 0; rep < ctx.repetitions; rep++) {
        for (const transport of TRANSPORTS) {
          const before = await server.counters();
          const done = await runProcess(process.execPath, argsFor(transport), { cwd: ctx.repoRoot, timeoutMs: 600_000 });
          const after = await server.counters();
          const output = JSON.parse(done.stdout.trim().split('\n').pop() ?? '{}') as TransportRunOutput;
          runs[transport].push({ output, requests: after.requests - before.requests, process: done.usage });
          ctx.log(`  rep ${rep + 1} ${transport}: ${output.calls} calls in ${fmt(output.phaseMs / 1000)} s = ${fmt(output.calls / (output.phaseMs / 1000))} calls/s, cpu ${fmt(output.cpuMs / 1000)} s`);
        }
      }
    } finally {
      await server.stop();
    }
    return report(runs, calls, commands);
  },
};

function report(runs: Record<Transport, TransportRun[]>, calls: number, commands: string[]): Measured {
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  const rate = (r: TransportRun): number => r.output.calls / (r.output.phaseMs / 1000);
  const rates = (t: Transport): number[] => runs[t].map(rate);
  const cpuPer1k = (t: Transport): number[] => runs[t].map((r) => r.output.cpuMs / 1000 / (r.output.calls / 1000));
  const rows = [row('ideal throughput C/L', 'calls/s', ideal)];
  for (const t of TRANSPORTS) {
    rows.push(
      row(`${LABELS[t]}: calls/s`, 'calls/s', summarize(rates(t))),
      row(`${LABELS[t]}: calls/s ÷ (C/L)`, 'ratio', summarize(rates(t).map((x) => x / ideal))),
      row(`${LABELS[t]}: client CPU per 1k calls (phase)`, 'CPU s', summarize(cpuPer1k(t))),
      row(`${LABELS[t]}: client CPU busy (share of one core, phase)`, 'ratio', summarize(runs[t].map((r) => r.output.cpuMs / r.output.phaseMs))),
      row(`${LABELS[t]}: peak RSS`, 'MiB', summarize(runs[t].map((r) => r.output.maxRssMiB))),
    );
  }
  const poster = summarize(cpuPer1k('node-http')).median;
  for (const t of TRANSPORTS.filter((x) => x !== 'node-http')) {
    rows.push(
      row(`${LABELS[t]}: calls/s ÷ poster calls/s`, 'ratio', pairedRatio(rates(t), rates('node-http'))),
      row(`${LABELS[t]}: CPU per call ÷ poster CPU per call`, 'ratio', pairedRatio(cpuPer1k(t), cpuPer1k('node-http'))),
    );
  }
  const failures = TRANSPORTS.flatMap((t) => runs[t].filter((r) => r.output.failures > 0 || r.requests !== calls).map((r) => `${t}: ${r.output.failures} failed, ${r.requests} requests`));
  /** Extra client CPU per call over the poster alone, in ms, and what it is at C/L as a share of one core in %. */
  const extra = (t: Transport): string => {
    const ms = summarize(cpuPer1k(t)).median - poster;
    return `${fmt(ms)} ms per call (${fmt((ms * ideal) / 10)} % of one core at ${fmt(ideal)} calls/s)`;
  };
  return {
    workload:
      `${calls} first-token logprob calls (the mc verifier's call, ~1.5 kB prompts, top 20 logprobs) through the scheduler at C = ${CONCURRENCY} in flight, ` +
      `against the fake OpenAI server (separate process) answering each after L = ${LATENCY_MS} ms: C/L = ${fmt(ideal)} calls/s. ` +
      'Each transport runs in its own process, interleaved in every repetition; the answers are validated the same way for all.',
    commands,
    rows,
    targets: [target(`${LABELS.sdk}: calls/s ÷ poster calls/s`, pairedRatio(rates('sdk'), rates('node-http')).median, '>=', 0.95)],
    notes: [
      failures.length === 0 ? `Every run made exactly ${calls} requests, none failed.` : `Runs with failures or another request count: ${failures.join('; ')}.`,
      `Extra client CPU over the poster alone (medians): the SDK over the posters ${extra('sdk')}; over Node's fetch ${extra('sdk-fetch')}; over undici's ${extra('sdk-undici')}.`,
      'Throughput is bound by the server\'s latency here, as with a hosted model; the CPU rows show the cost that a faster server (the throughput benchmark\'s 20 ms) turns into throughput.',
      decision(pairedRatio(rates('sdk-fetch'), rates('node-http')).median, pairedRatio(rates('sdk'), rates('node-http')).median),
    ],
    details: { runs },
  };
}

/** What the numbers say about the layer under the SDK (the rule: the posters stay only if fetch costs more than 5 %). */
function decision(overFetch: number, overPosters: number): string {
  const verdict = overFetch < 0.95
    ? 'more than 5 % less, so Gap Lens keeps its node:http posters (src/core/llm/httpPost.ts) as the layer under the SDK'
    : 'within 5 %, so the posters could give way to fetch under the SDK';
  return `The SDK over Node's fetch gets ${fmt(overFetch)} of the posters' throughput: ${verdict}. Over the posters the SDK gets ${fmt(overPosters)} of it.`;
}
