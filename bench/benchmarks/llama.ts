// Benchmark 5: the embedded llama.cpp backend on stories260K. Tokens/s generating N samples per
// prompt with one sequence vs several sequences in one context, and Gap Lens against
// node-llama-cpp's own evaluate loop with the same sequences, settings and seeds. Plus one probe
// of node-llama-cpp's default thread count, which oversubscribes a 2-core machine.
import path from 'node:path';
import type { LlamaThroughputOutput } from '../entries/llamaThroughput';
import type { Benchmark, BenchContext, Measured } from '../lib/benchmark';
import { entry } from '../lib/build';
import { describe, runProcess } from '../lib/processRun';
import { fmt, row, target } from '../lib/results';
import { pairedRatio, summarize } from '../lib/stats';

/** threads: undefined = node-llama-cpp's default (what `gaplens run` gets today). */
interface Config {
  mode: 'gaplens' | 'raw';
  sequences: number;
  threads?: number;
  prompts: number;
  maxTokens: number;
}

const N = 16;
/** The measured configurations run on one thread: see the default-threads probe for why. */
const THREADS = 1;
const PROBE_TIMEOUT_MS = 120_000;

export const llamaBenchmark: Benchmark = {
  name: 'llama',
  title: '5. Embedded llama.cpp: several sequences in one context, and Gap Lens vs node-llama-cpp',
  async run(ctx: BenchContext): Promise<Measured> {
    const model = path.resolve(ctx.repoRoot, '..', 'shared', 'data', 'models', 'stories260K', 'stories260K.gguf');
    const prompts = ctx.quick ? 1 : 4;
    const maxTokens = ctx.quick ? 32 : 128;
    const base = { threads: THREADS, prompts, maxTokens };
    const configs: Config[] = [
      { mode: 'gaplens', sequences: 1, ...base },
      { mode: 'gaplens', sequences: N, ...base },
      { mode: 'raw', sequences: 1, ...base },
      { mode: 'raw', sequences: N, ...base },
    ];
    const args = (c: Config): string[] => [
      entry(ctx.built, 'llamaThroughput'), '--mode', c.mode, '--model', model, '--sequences', String(c.sequences), '--n', String(N),
      '--prompts', String(c.prompts), '--max-tokens', String(c.maxTokens), ...(c.threads === undefined ? [] : ['--threads', String(c.threads)]),
    ];
    const run = async (c: Config, timeoutMs: number): Promise<LlamaThroughputOutput> => {
      const done = await runProcess(process.execPath, args(c), { cwd: ctx.repoRoot, timeoutMs });
      return JSON.parse(done.stdout) as LlamaThroughputOutput;
    };
    const results = configs.map((): LlamaThroughputOutput[] => []);
    for (let rep = 0; rep < ctx.repetitions; rep++) {
      for (const [i, c] of configs.entries()) {
        const out = await run(c, 300_000);
        results[i]?.push(out);
        ctx.log(`  rep ${rep + 1} ${c.mode}, ${c.sequences} seq: ${out.tokens} tokens in ${fmt(out.ms / 1000)} s = ${fmt(rate(out))} tokens/s`);
      }
    }
    // The probe: one small run of Gap Lens with node-llama-cpp's default threads, against the same at 1 thread.
    const probe: Config = { mode: 'gaplens', sequences: 1, prompts: 1, maxTokens: 32 };
    const probeOne = await run({ ...probe, threads: 1 }, PROBE_TIMEOUT_MS);
    let probeDefault: LlamaThroughputOutput | null = null;
    try {
      probeDefault = await run(probe, PROBE_TIMEOUT_MS);
    } catch (err) {
      ctx.log(`  default-threads probe did not finish: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    const rates = results.map((rs) => rs.map(rate));
    const [g1, gP, r1, rP] = rates as [number[], number[], number[], number[]];
    const multi = pairedRatio(gP, g1);
    const vsRaw = pairedRatio(gP, rP);
    const probeTokens = N * probe.maxTokens;
    return {
      workload:
        `stories260K (GGUF, F32, CPU), ${prompts} prompt${prompts > 1 ? 's' : ''} × N = ${N} samples, up to ${maxTokens} tokens each (temperature 0.8, top-p 0.95, sample i seeded 1000·prompt + i), ` +
        `one context of 512 tokens per sequence, ${THREADS} llama.cpp thread. Gap Lens: the llama backend under the scheduler (concurrency = sequences), one generate(n = ${N}) call per prompt. ` +
        'Raw: node-llama-cpp\'s LlamaContextSequence.evaluate loop, the same samples handed to free sequences first come, first served. Model loading and a warm-up sample are outside the timing; every configuration runs in its own process.',
      commands: [...configs, probe].map((c) => describe('node', args(c)).replaceAll(`${ctx.repoRoot}/`, '')),
      rows: [
        row('Gap Lens, 1 sequence', 'tokens/s', summarize(g1)),
        row(`Gap Lens, ${N} sequences in one context`, 'tokens/s', summarize(gP)),
        row('node-llama-cpp loop, 1 sequence', 'tokens/s', summarize(r1)),
        row(`node-llama-cpp loop, ${N} sequences in one context`, 'tokens/s', summarize(rP)),
        row(`Gap Lens: ${N} sequences ÷ 1 sequence`, 'ratio', multi),
        row(`node-llama-cpp loop: ${N} sequences ÷ 1 sequence`, 'ratio', pairedRatio(rP, r1)),
        row(`Gap Lens ÷ node-llama-cpp loop, ${N} sequences`, 'ratio', vsRaw),
        row('Gap Lens ÷ node-llama-cpp loop, 1 sequence', 'ratio', pairedRatio(g1, r1)),
        row(`probe (1 prompt × ${N} × ${probe.maxTokens} tokens, 1 sequence): Gap Lens, 1 thread`, 'tokens/s', rate(probeOne)),
        probeDefault
          ? row(`probe: Gap Lens, node-llama-cpp's default threads (${probeDefault.threads})`, 'tokens/s', rate(probeDefault))
          : row(`probe: Gap Lens, node-llama-cpp's default threads: did not finish in ${PROBE_TIMEOUT_MS / 1000} s, so below`, 'tokens/s', probeTokens / (PROBE_TIMEOUT_MS / 1000)),
      ],
      targets: [
        target(`Gap Lens tokens/s: ${N} sequences ÷ 1 sequence`, multi.median, '>=', 2),
        target(`Gap Lens tokens/s ÷ node-llama-cpp loop (${N} sequences)`, vsRaw.median, '>=', 0.95),
      ],
      notes: [
        'Tokens are the completion tokens each run reports (Gap Lens: the usage of its generate calls; raw: tokens the loop received), summed over all samples.',
        probeDefault
          ? `node-llama-cpp's default is ${probeDefault.threads} threads here (its maxThreads: max(4, math cores) without a GPU). With it the probe ran at ${fmt(rate(probeDefault))} tokens/s against ${fmt(rate(probeOne))} on 1 thread (${fmt(rate(probeDefault) / rate(probeOne))}×). \`gaplens run\` does not set threads, so it gets the default.`
          : `node-llama-cpp's default thread count (its maxThreads: max(4, math cores) without a GPU, so 4 on this 2-core machine) did not finish the probe's ${probeTokens} tokens within ${PROBE_TIMEOUT_MS / 1000} s (the row shows the bound ${probeTokens} tokens / ${PROBE_TIMEOUT_MS / 1000} s), against ${fmt(rate(probeOne))} tokens/s on 1 thread: llama.cpp's threads spin-wait for each other, and more threads than free cores stall. \`gaplens run\` does not set threads, so it gets the default.`,
      ],
      details: { results: Object.fromEntries(configs.map((c, i) => [`${c.mode}-${c.sequences}seq`, results[i]])), probe: { oneThread: probeOne, defaultThreads: probeDefault } },
    };
  },
};

function rate(o: LlamaThroughputOutput): number {
  return o.tokens / (o.ms / 1000);
}
