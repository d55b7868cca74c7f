// The shared model-call workload of the throughput, cache, n-batching and promptfoo benchmarks:
// GSM8K test tasks, N samples per task, one verification per sample, against the fake server in
// one of two regimes.
import path from 'node:path';

export const MODEL = 'fake-model';

/** How fast the fake server answers and how many calls a client keeps in flight. */
export interface Regime {
  /** Suffix of the benchmark's name ('' for the loopback regime, whose names came first). */
  suffix: '' | '-realistic';
  latencyMs: number;
  concurrency: number;
  /** For workload texts: what the regime stands for. */
  means: string;
}

/** Answers after 20 ms at 64 in flight: the clients, not the server, are the bottleneck. */
export const LOOPBACK: Regime = { suffix: '', latencyMs: 20, concurrency: 64, means: 'the CPU-bound loopback regime, where the client\'s own CPU per call decides' };

/** Answers after 1 s at 256 in flight: what a hosted endpoint or a busy vLLM server looks like to a user. */
export const REALISTIC: Regime = { suffix: '-realistic', latencyMs: 1000, concurrency: 256, means: 'the regime users live in (a hosted endpoint\'s latency, many calls in flight)' };

export const LATENCY_MS = LOOPBACK.latencyMs;
export const CONCURRENCY = LOOPBACK.concurrency;

export function gsm8kPath(repoRoot: string): string {
  return path.resolve(repoRoot, '..', 'shared', 'data', 'gsm8k', 'test.jsonl');
}

/** Model calls of a gap check with n-batching: one generation request plus N verifications per task. */
export function gapCheckCalls(tasks: number, n: number): number {
  return tasks * (1 + n);
}

/** The list rotated by `rep`: each repetition starts with the next client, so no client always goes first (warm caches, a JIT'd server) or last. */
export function rotated<T>(items: readonly T[], rep: number): T[] {
  const k = items.length === 0 ? 0 : rep % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
