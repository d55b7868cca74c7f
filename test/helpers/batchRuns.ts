// What the batch executor's CLI tests share: the arguments of a run of writeTasks' tasks on the
// fake server, the flags of a fast batch execution, and what two runs are compared by.
import assert from 'node:assert/strict';
import type { FakeOpenAI } from '../fixtures/openaiServer';
import { readRun } from '../../src/core/runs/runStore';
import { runCli } from './cli';

/** Samples per task of the runs these helpers start. */
export const N = 4;

/** Every record of a run without its time: an online and a batch run of the same seed must have the same. */
export async function recordSet(out: string): Promise<string[]> {
  const run = await readRun(out);
  const lines = [...run.generations.values()].map(({ at: _at, ...g }) => JSON.stringify(g));
  for (const byVerifier of run.verifications.values()) for (const { at: _at, ...v } of byVerifier.values()) lines.push(JSON.stringify(v));
  return lines.sort();
}

/** The statistics of a run's report (`report --json`) without what names the run, its models or its execution. */
export async function statistics(out: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const res = await runCli(['report', out, '--json'], { env });
  assert.equal(res.code, 0, res.stderr);
  const { run: _run, models: _models, batch: _batch, audit: _audit, live: _live, ...stats } = JSON.parse(res.stdout) as Record<string, unknown>;
  return stats;
}

/** custom_id -> how many batches it was submitted in. */
export function submissions(fake: FakeOpenAI): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of fake.batches?.batches ?? []) for (const id of b.customIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The arguments of a run of the test's tasks on `fake`. */
export function runArgs(fake: FakeOpenAI, tasks: string, out: string, verifiers: string, extra: string[] = []): string[] {
  return ['run', '--tasks', tasks, '--model', `openai:fake-model@${fake.url}`, '--api', 'chat', '-n', String(N), '--verifier', verifiers, '--seed', '3',
    '--max-tokens', '32', '--verifier-max-tokens', '32', '--no-cache', '--out', out, ...extra];
}

/** A batch execution that polls at once and cuts small shards. */
export const BATCH = ['--executor', 'batch', '--batch-poll-ms', '1', '--batch-max-requests', '7'];

