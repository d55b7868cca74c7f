// The shared model-call workload of the throughput and promptfoo benchmarks: GSM8K test tasks,
// N samples per task, one multiple-choice verification per sample.
import path from 'node:path';

export const LATENCY_MS = 20;
export const CONCURRENCY = 64;
export const MODEL = 'fake-model';

export function gsm8kPath(repoRoot: string): string {
  return path.resolve(repoRoot, '..', 'shared', 'data', 'gsm8k', 'test.jsonl');
}

/** Model calls of a gap check with n-batching: one generation request plus N verifications per task. */
export function gapCheckCalls(tasks: number, n: number): number {
  return tasks * (1 + n);
}
