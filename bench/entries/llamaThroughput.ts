// Generation throughput of the embedded llama.cpp backend: N samples of each prompt, either
// through Gap Lens (the llama backend under the scheduler, as `gaplens run` opens it) or through
// node-llama-cpp's own evaluate loop with the same sequences, sampling settings and seeds. The
// model is loaded and the whole workload run once with other seeds before the clock starts: the
// first run in a process measured more than twice as slow as the next ones (V8 has not optimized
// the per-token code yet), and the 8-token warm-up this replaced left most of that in the timing. Prints one JSON line.
import { parseArgs } from 'node:util';
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { createLlamaBackend, flashAttentionOption } from '../../src/core/llm/llamaBackend';
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

/** One configuration, loaded: `round` generates every sample once and returns the completion tokens. */
interface Runner {
  round(seedBase: number): Promise<number>;
  close(): Promise<void>;
}

/** The timed round's seeds are 1000·prompt + sample; the warm-up's are far from them. */
const WARM_UP_SEED_BASE = 1_000_000;

async function gapLens(modelPath: string, sequences: number, threads: number | undefined, n: number, prompts: string[], maxTokens: number): Promise<Runner> {
  const backend = createScheduler(await createLlamaBackend({ modelPath, sequences, contextSize: 512, ...(threads !== undefined ? { threads } : {}) }), { concurrency: sequences });
  return {
    round: async (seedBase) => {
      const results = await Promise.all(
        prompts.map((prompt, i) => backend.generate({ prompt, n, temperature: TEMPERATURE, topP: TOP_P, maxTokens, seed: seedBase + 1000 * i })),
      );
      return results.reduce((s, r) => s + r.usage.completionTokens, 0);
    },
    close: () => backend.close(),
  };
}

/**
 * node-llama-cpp's own loop: free sequences take samples first come, first served. A prompt is
 * evaluated the way Gap Lens evaluates it, so that both do the same work and sample the same
 * tokens (with 1 sequence, the same texts): its prefix without sampling, kept in the sequence for
 * the next sample of the same prompt, then its last token with sampling. Evaluating the whole
 * prompt with sampling instead would evaluate the prefix once per sample where Gap Lens does it
 * once per sequence, and with other numerics (with 1 sequence, 11 of 64 samples came out different).
 * Its context attends as Gap Lens's does (flash attention on the CPU off, flashAttentionOption).
 */
async function raw(modelPath: string, sequences: number, threads: number | undefined, n: number, prompts: string[], maxTokens: number): Promise<Runner> {
  const { llama } = await loadLlamaRuntime();
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ sequences, contextSize: 512, ...flashAttentionOption(llama), ...(threads !== undefined ? { threads } : {}) });
  const free: LlamaContextSequence[] = Array.from({ length: sequences }, () => context.getSequence());
  const held = new Map<LlamaContextSequence, string>(); // the prompt whose prefix a sequence holds
  // Tokenized once per prompt, as Gap Lens does once per request, not once per sample.
  const promptTokens = new Map(prompts.map((prompt) => [prompt, tokenize(model, prompt)]));
  const sample = async (seq: LlamaContextSequence, prompt: string, seed: number): Promise<number> => {
    const tokens = promptTokens.get(prompt) as Token[];
    const prefixLength = tokens.length - 1;
    if (held.get(seq) === prompt) {
      await seq.eraseContextTokenRanges([{ start: prefixLength, end: seq.nextTokenIndex }]);
    } else {
      await seq.clearHistory();
      await seq.evaluateWithoutGeneratingNewTokens(tokens.slice(0, prefixLength));
      held.set(seq, prompt);
    }
    let count = 0;
    for await (const token of seq.evaluate(tokens.slice(prefixLength), { temperature: TEMPERATURE, topP: TOP_P, topK: 0, minP: 0, seed, yieldEogToken: true })) {
      count++;
      if (model.isEogToken(token) || count >= maxTokens) break;
    }
    return count;
  };
  return {
    round: async (seedBase) => {
      const jobs = prompts.flatMap((prompt, i) => Array.from({ length: n }, (_, j) => ({ prompt, seed: seedBase + 1000 * i + j })));
      let next = 0;
      let tokens = 0;
      await Promise.all(
        free.map(async (seq) => {
          while (next < jobs.length) {
            const job = jobs[next++] as { prompt: string; seed: number };
            const generated = await sample(seq, job.prompt, job.seed);
            tokens += generated;
          }
        }),
      );
      return tokens;
    },
    close: async () => {
      await context.dispose();
      await model.dispose();
    },
  };
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
  const open = v.mode === 'raw' ? raw : gapLens;
  const threads = v.threads === undefined ? undefined : Number(v.threads);
  const runner = await open(v.model, sequences, threads, n, prompts, maxTokens);
  await runner.round(WARM_UP_SEED_BASE);
  const t0 = performance.now();
  const tokens = await runner.round(0);
  const ms = performance.now() - t0;
  await runner.close();
  const { llama } = await loadLlamaRuntime();
  const output: LlamaThroughputOutput = { mode: v.mode ?? 'gaplens', sequences, threads: threads ?? llama.maxThreads, tokens, samples: n * prompts.length, ms };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
