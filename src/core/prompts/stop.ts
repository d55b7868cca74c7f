// Where a base model's continuation of a few-shot template is cut off.
import type { SamplingParams } from '../llm/backend';

/**
 * Every example block of a template starts on a line beginning "Question:". A base model that
 * has finished its answer goes on to invent the next block; cutting its output there keeps one
 * answer per call, so "the last `Verdict:`" (or the grader's last "The answer is") is its own.
 */
export const BLOCK_STOP = '\nQuestion:';

/** The sampling parameters with the block stop added (once) to any stop sequences they have. */
export function withBlockStop(sampling: SamplingParams): SamplingParams {
  const stop = sampling.stop ?? [];
  return { ...sampling, stop: stop.includes(BLOCK_STOP) ? stop : [...stop, BLOCK_STOP] };
}
