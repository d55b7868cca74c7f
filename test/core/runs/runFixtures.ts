// Shared builders for the run-folder tests: a small task set, a valid manifest, valid records.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailureRecord, GenerationRecord, RunManifest, VerificationRecord } from '../../../src/core/runs/records';
import { createRunFolder } from '../../../src/core/runs/runStore';
import type { Task } from '../../../src/core/tasks/task';
import { UserError } from '../../../src/core/util/errors';

export const TASKS: Task[] = [
  { id: 't1', question: 'What is 2 + 3?', answer: '5', grader: 'numeric' },
  { id: 't2', question: 'What is the capital of France?', answer: ['Paris', 'paris'], grader: 'nq' },
  { id: 'q#3', question: 'Ünïcode ✓ — what is 7?', answer: '7', grader: 'exact', meta: { source: 'hand' } },
];

export const AT = '2026-11-24T08:15:03.000Z';

export function manifest(): RunManifest {
  return {
    schema: 1,
    id: 'run-under-test',
    createdAt: AT,
    config: {
      tasks: 'tasks.jsonl',
      model: 'test-model',
      api: 'completions',
      n: 4,
      verifiers: ['mc', 'cot-score'],
      filter: 'quantile:0.8',
      temperature: 0.7,
      topP: 0.95,
      maxTokens: 256,
      verifierTemperature: 0,
      verifierMaxTokens: 128,
      seed: 42,
      concurrency: 4,
    },
    versions: { gaplens: '0.1.0' },
    templates: { 'generate-numeric.txt': 'a'.repeat(64) },
    tasksSha256: '',
  };
}

/** Creates a run folder `run` inside `parent` with TASKS and returns its path. */
export async function newRun(parent: string): Promise<string> {
  const dir = `${parent}/run`;
  await createRunFolder(dir, manifest(), TASKS);
  return dir;
}

export function generation(task: string, index: number, correct: boolean, text = `answer ${index}`): GenerationRecord {
  return {
    v: 1,
    type: 'generation',
    task,
    index,
    seed: 1000 + index,
    text,
    finishReason: 'stop',
    usage: { promptTokens: 10, completionTokens: 5 },
    grade: { correct, extracted: String(index), normalized: String(index), reason: correct ? 'matches the gold answer' : 'differs from the gold answer' },
    at: AT,
  };
}

export function verification(task: string, index: number, verifier: string, score: number | null): VerificationRecord {
  return {
    v: 1,
    type: 'verification',
    task,
    index,
    verifier,
    score,
    parse: score === null ? 'failed' : 'ok',
    ...(score === null ? { parseError: 'no score found' } : {}),
    prompt: `verify ${task} ${index}`,
    raw: score === null ? 'gibberish' : String(score),
    at: AT,
  };
}

export function failure(task: string, index: number, stage: string, kind: FailureRecord['kind'] = 'bad-answer'): FailureRecord {
  return { v: 1, type: 'failure', task, index, stage, kind, message: `${stage} of ${task}#${index} failed`, at: AT };
}

/**
 * A run folder inside `parent` whose samples.jsonl has every record shape readRun has a rule for: out
 * of order, duplicates, failures before and after their stage (and two of one stage), an orphan, an
 * index ≥ n, a torn tail.
 */
export async function awkwardRun(parent: string): Promise<string> {
  const dir = await newRun(parent);
  writeFileSync(
    join(dir, 'samples.jsonl'),
    jsonl([
      failure('t2', 0, 'generation', 'call-failed'),
      generation('t2', 0, false),
      verification('t2', 0, 'mc', 0.25),
      failure('t2', 1, 'generation', 'prompt-too-long'),
      generation('t1', 1, true),
      { ...generation('t1', 0, false), grade: { correct: false, extracted: null, normalized: null, reason: 'no answer found' } },
      { ...generation('t1', 1, false, 'a duplicate: the earliest is kept') },
      failure('t1', 1, 'cot-score'),
      verification('t1', 1, 'cot-score', null),
      { ...verification('t1', 0, 'cot-score', null), failure: 'labels-absent' },
      verification('t1', 1, 'mc', 0.9),
      verification('t1', 1, 'mc', 0.1),
      verification('t1', 0, 'mc', 0),
      failure('t1', 0, 'mc'),
      failure('t1', 2, 'mc', 'call-failed'),
      generation('t1', 2, true),
      failure('t1', 2, 'cot-score', 'call-failed'),
      failure('t1', 2, 'cot-score', 'bad-answer'),
      verification('q#3', 3, 'mc', 0.5),
      generation('q#3', 7, true),
      verification('q#3', 7, 'judge', 0.75),
      generation('q#3', 0, true, 'Ünïcode ✓ text'),
      failure('q#3', 0, 'cot-score', 'call-failed'),
    ]) + '{"v":1,"type":"generation","task":"t1","ind',
  );
  return dir;
}

/** JSONL text of some records, each on its own line. */
export function jsonl(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

/** Asserts that `promise` rejects with a UserError whose message is exactly `message` (or matches it). */
export async function rejectsWithUserError(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

/** Draw `draw` of a verifier drawing several verifications per sample (`--verifications K`). */
export function drawn(task: string, index: number, verifier: string, draw: number, score: number | null): VerificationRecord {
  return { ...verification(task, index, verifier, score), draw };
}

/**
 * A run folder inside `parent` whose cot-score draws 2 verifications per sample, with every state a
 * sample's draws can be in: both scored, one failed to parse, one call failed, one missing, both
 * unparsable, a duplicate draw, a draw the run does not draw, and an orphan draw.
 */
export async function drawnRun(parent: string): Promise<string> {
  const dir = `${parent}/run`;
  const base = manifest();
  await createRunFolder(dir, { ...base, config: { ...base.config, verifierTemperature: 0.7, verifications: { 'cot-score': 2 } } }, TASKS);
  writeFileSync(
    join(dir, 'samples.jsonl'),
    jsonl([
      generation('t1', 0, true),
      verification('t1', 0, 'mc', 0.9),
      drawn('t1', 0, 'cot-score', 0, 0.2),
      drawn('t1', 0, 'cot-score', 1, 0.8),
      generation('t1', 1, false),
      verification('t1', 1, 'mc', 0.1),
      drawn('t1', 1, 'cot-score', 1, 0.3),
      verification('t1', 1, 'cot-score', null),
      generation('t1', 2, true),
      drawn('t1', 2, 'cot-score', 0, 0.6),
      { ...failure('t1', 2, 'cot-score', 'call-failed'), draw: 1 },
      generation('t1', 3, false),
      drawn('t1', 3, 'cot-score', 0, 0.4),
      generation('t2', 0, true),
      drawn('t2', 0, 'cot-score', 0, null),
      drawn('t2', 0, 'cot-score', 1, null),
      generation('t2', 1, true),
      drawn('t2', 1, 'cot-score', 1, 0.5),
      drawn('t2', 1, 'cot-score', 1, 0.9),
      drawn('t2', 2, 'cot-score', 2, 0.7),
      generation('t2', 2, false),
      drawn('t2', 2, 'cot-score', 0, 0.1),
      drawn('t2', 2, 'cot-score', 1, 0.1),
      drawn('q#3', 3, 'cot-score', 1, 0.5),
    ]),
  );
  return dir;
}
