// Generation throughput of the embedded llama.cpp backend: N samples of each prompt, either
// through Gap Lens (the llama backend under the scheduler, as `gaplens run` opens it) or through
// node-llama-cpp's own evaluate loop with the same sequences, sampling settings and seeds. The
// model is loaded and warmed up before the clock starts. Prints one JSON line.
import { parseArgs } from 'node:util';
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { createLlamaBackend } from '../../src/core/llm/llamaBackend';
import { loadLlamaRuntime } from '../../src/core/llm/llamaRuntime';
import { createScheduler } from '../../src/core/llm/scheduler';

export interface LlamaThroughputOutput {
  mode: string;
  sequences: number;
  /** Threads asked for, or node-llama-cpp's default: its maxThreads (max(4, math cores) on CPU). */
  threads: number;
  /** Completion tokens generated, summed over every sample. */
  tokens: number;
  samples: number;
  ms: number;
}

const { values: v } = parseArgs({
  options: {
    mode: { type: 'string', default: 'gaplens' },
    model: { type: 'string' },
    sequences: { type: 'string', default: '1' },
    n: { type: 'string', default: '16' },
    prompts: { type: 'string', default: '4' },
    'max-tokens': { type: 'string', default: '128' },
    threads: { type: 'string' },
  },
});

const PROMPTS = ['Once upon a time, there was a little girl named Lily.', 'One day, a big dog went to the park.', 'Tom had a red ball.', 'The sun was hot and the bird was happy.'];
const TEMPERATURE = 0.8;
const TOP_P = 0.95;

async function gapLens(modelPath: string, sequences: number, threads: number | undefined, n: number, prompts: string[], maxTokens: number): Promise<{ tokens: number; ms: number }> {
  const backend = createScheduler(await createLlamaBackend({ modelPath, sequences, contextSize: 512, ...(threads !== undefined ? { threads } : {}) }), { concurrency: sequences });
  const params = { n, temperature: TEMPERATURE, topP: TOP_P, maxTokens };
  await backend.generate({ ...params, prompt: 'Warm up.', n: 1, maxTokens: 8, seed: 999 });
  const t0 = performance.now();
  const results = await Promise.all(prompts.map((prompt, i) => backend.generate({ ...params, prompt, seed: 1000 * i })));
  const ms = performance.now() - t0;
  await backend.close();
  return { tokens: results.reduce((s, r) => s + r.usage.completionTokens, 0), ms };
}

/** node-llama-cpp's own loop: free sequences take samples first come, first served. */
async function raw(modelPath: string, sequences: number, threads: number | undefined, n: number, prompts: string[], maxTokens: number): Promise<{ tokens: number; ms: number }> {
  const { llama } = await loadLlamaRuntime();
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ sequences, contextSize: 512, ...(threads !== undefined ? { threads } : {}) });
  const free: LlamaContextSequence[] = Array.from({ length: sequences }, () => context.getSequence());
  const sample = async (seq: LlamaContextSequence, prompt: string, seed: number, limit: number): Promise<number> => {
    await seq.clearHistory();
    let count = 0;
    for await (const token of seq.evaluate(tokenize(model, prompt), { temperature: TEMPERATURE, topP: TOP_P, topK: 0, minP: 0, seed, yieldEogToken: true })) {
      count++;
      if (model.isEogToken(token) || count >= limit) break;
    }
    return count;
  };
  await sample(free[0] as LlamaContextSequence, 'Warm up.', 999, 8);
  const jobs = prompts.flatMap((prompt, i) => Array.from({ length: n }, (_, j) => ({ prompt, seed: 1000 * i + j })));
  let next = 0;
  let tokens = 0;
  const t0 = performance.now();
  await Promise.all(free.map(async (seq) => {
    while (next < jobs.length) {
      const job = jobs[next++] as { prompt: string; seed: number };
      const generated = await sample(seq, job.prompt, job.seed, maxTokens);
      tokens += generated;
    }
  }));
  const ms = performance.now() - t0;
  await context.dispose();
  await model.dispose();
  return { tokens, ms };
}

function tokenize(model: LlamaModel, prompt: string): Token[] {
  const bos = model.tokens.bos;
  return [...(model.tokens.shouldPrependBosToken && bos !== null ? [bos] : []), ...model.tokenize(prompt, false)];
}

async function main(): Promise<void> {
  const sequences = Number(v.sequences);
  const n = Number(v.n);
  const prompts = PROMPTS.slice(0, Number(v.prompts));
  const maxTokens = Number(v['max-tokens']);
  if (!v.model) throw new Error('llamaThroughput: --model is required');
  const run = v.mode === 'raw' ? raw : gapLens;
  const threads = v.threads === undefined ? undefined : Number(v.threads);
  const { tokens, ms } = await run(v.model, sequences, threads, n, prompts, maxTokens);
  const { llama } = await loadLlamaRuntime();
  const output: LlamaThroughputOutput = { mode: v.mode ?? 'gaplens', sequences, threads: threads ?? llama.maxThreads, tokens, samples: n * prompts.length, ms };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
