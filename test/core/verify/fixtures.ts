// Shared inputs for the verifier tests: one task, the real default templates, a run seed.
import { loadTemplates } from '../../../src/core/prompts/load';
import type { Task } from '../../../src/core/tasks/task';
import type { ModelBackend } from '../../../src/core/llm/backend';
import assert from 'node:assert/strict';
import { isCallFailure, type Verification, type VerifyContext, type VerifyOutcome, type VerifySample } from '../../../src/core/verify/verifier';

export const task: Task = { id: 'gsm-7', question: 'Tom has 3 apples and buys 4 more. How many apples does he have?', answer: '7', grader: 'numeric' };

export const templates = loadTemplates();

export function context(backend: ModelBackend, seed = 42): VerifyContext {
  return { backend, templates, sampling: { temperature: 0.7, topP: 0.9, maxTokens: 256 }, seed };
}

/** Samples whose text names them ("sample-3 says 7"), so a scripted rule can tell which one it is shown. */
export function samples(values: number[], indexes: number[] = values.map((_, i) => i)): VerifySample[] {
  return values.map((v, i) => ({ index: indexes[i] as number, text: ` sample-${indexes[i]} says ${v}. The answer is ${v}.` }));
}

/** Which sample a response line shows, from its "sample-N" tag. */
export function sampleIn(line: string): number {
  const m = /sample-(\d+)/.exec(line);
  if (!m) throw new Error(`no sample tag in '${line}'`);
  return Number(m[1]);
}

/** The value a response line claims. */
export function valueIn(line: string): number {
  const m = /says (-?\d+)/.exec(line);
  if (!m) throw new Error(`no value in '${line}'`);
  return Number(m[1]);
}

/** The outcomes as judgements, asserting that no call failed. */
export function judged(outcomes: VerifyOutcome[]): Verification[] {
  return outcomes.map((o, i) => {
    assert.ok(!isCallFailure(o), `sample ${i}: the call failed: ${isCallFailure(o) ? o.callFailure.message : ''}`);
    return o;
  });
}
