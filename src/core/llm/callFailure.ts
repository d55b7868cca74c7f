// Which failed calls fail one sample, and which end the run (docs/run-format.md, "Failures and
// when a run stops"). A run records the first kind per sample and goes on; the second stops it.
import { BackendError, PromptTooLongError, RetriesExhaustedError } from './backend';

/**
 * How a sample's call failed:
 * - bad-answer: the endpoint answered with something unusable, also when asked again;
 * - call-failed: no answer within the retry budget (timeouts, 5xx, connection resets);
 * - prompt-too-long: the prompt does not fit the model's context.
 */
export const CALL_FAILURE_KINDS = ['bad-answer', 'call-failed', 'prompt-too-long'] as const;
export type CallFailureKind = (typeof CALL_FAILURE_KINDS)[number];

export interface CallFailure {
  kind: CallFailureKind;
  /** The last error, naming the endpoint. */
  message: string;
}

/**
 * The sample-level failure an error stands for, or null when it must end the run: a fatal
 * endpoint error (key, model, URL, parameters), a cancellation, or a bug.
 */
export function callFailureOf(err: unknown): CallFailure | null {
  if (err instanceof PromptTooLongError) return { kind: 'prompt-too-long', message: err.message };
  if (!(err instanceof BackendError)) return null;
  const failure = err instanceof RetriesExhaustedError ? err.last.failure : err.failure;
  if (failure === 'fatal') return null;
  return { kind: failure === 'bad-answer' ? 'bad-answer' : 'call-failed', message: err.message };
}
