// What every verifier does with the model: render its template for a task, and sample one
// continuation with the run's verifier sampling settings.
import { BackendError, PromptTooLongError, type Generation } from '../llm/backend';
import { callFailureOf } from '../llm/callFailure';
import { renderTemplate } from '../prompts/load';
import { withBlockStop } from '../prompts/stop';
import type { TemplateRole } from '../prompts/templates';
import type { Task } from '../tasks/task';
import type { Verification, VerifyContext, VerifyOutcome } from './verifier';

/**
 * The prompt of one verification. The question and responses are trimmed: a response usually
 * starts with the space the model wrote after "Answer:", which would double the template's own.
 */
export function verifyPrompt(ctx: Pick<VerifyContext, 'templates'>, role: TemplateRole, task: Task, responses: Record<string, string>): string {
  const vars: Record<string, string> = { question: task.question.trim() };
  for (const [name, text] of Object.entries(responses)) vars[name] = text.trim();
  return renderTemplate(ctx.templates.get(role, task.grader), vars);
}

/** One sampled continuation of the prompt, stopped where the model would start a new example. */
export async function generateOne(ctx: VerifyContext, prompt: string, seed: number): Promise<Generation> {
  const result = await ctx.backend.generate({ ...withBlockStop(ctx.sampling), prompt, n: 1, seed }, ctx.signal);
  const generation = result.generations[0];
  if (!generation) throw new BackendError(`${ctx.backend.id} returned no generation for a request of n = 1`, 'bad-answer');
  return generation;
}

/**
 * Runs one sample's verification so that what fails only this sample stays with it: a prompt that
 * does not fit the model's context (a very long generation, usually) is a failed verification; a
 * call that failed after its retries is a call failure. Errors that must end the run propagate.
 */
export async function verifySample(verifier: string, prompt: string, verify: () => Promise<Verification>): Promise<VerifyOutcome> {
  try {
    return await verify();
  } catch (err) {
    if (err instanceof PromptTooLongError) return { verifier, prompt, raw: '', score: null, parse: 'failed', parseError: err.message, failure: 'prompt-too-long' };
    const callFailure = callFailureOf(err);
    if (callFailure === null) throw err;
    return { verifier, callFailure };
  }
}
