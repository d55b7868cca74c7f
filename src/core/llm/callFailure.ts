// Which failed calls fail one sample, and which end the run (docs/run-format.md, "Failures and
// when a run stops"). A run records the first kind per sample and goes on; the second stops it.
// The kinds (CALL_FAILURE_KINDS) are a field of the run folder's failure records and live with them in
// records.ts, so that the panel can count them without loading the backends.
import type { CallFailureKind } from '../runs/records';
import { BackendError, PromptTooLongError, RetriesExhaustedError } from './backend';

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
