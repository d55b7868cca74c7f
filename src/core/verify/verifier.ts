import type { ModelBackend, SamplingParams } from '../llm/backend';
import type { CallFailure } from '../llm/callFailure';
import type { Task } from '../tasks/task';
import type { TemplateSet } from '../prompts/templates';

export const BASE_VERIFIERS = ['mc', 'cot-binary', 'cot-score', 'tournament'] as const;
export type BaseVerifierName = (typeof BASE_VERIFIERS)[number];

/**
 * Why a verification has no score (docs/run-format.md). Coverage counts failures by these kinds:
 * - unparsable: the verifier's output holds no readable verdict, score or pick;
 * - labels-absent: mc only — neither label is among the top tokens the endpoint returned;
 * - prompt-too-long: the verification prompt does not fit the model's context;
 * - invalid-logprob: the backend returned a probability that is not a number.
 */
export const VERIFICATION_FAILURE_KINDS = ['unparsable', 'labels-absent', 'prompt-too-long', 'invalid-logprob'] as const;
export type VerificationFailureKind = (typeof VERIFICATION_FAILURE_KINDS)[number];

/** One verifier's judgement of one sample. The raw output is always kept. */
export interface Verification {
  verifier: string;
  /** Proxy utility in [0, 1]; null when the output could not be parsed. */
  score: number | null;
  parse: 'ok' | 'failed';
  /** Why parsing failed, when it did. */
  parseError?: string;
  /** The kind of failure, when parse is 'failed' (absent in runs written before it existed: read as 'unparsable'). */
  failure?: VerificationFailureKind;
  /** The exact prompt sent (for tournament: the prompts of this sample's matches, joined). */
  prompt: string;
  /** The raw model output (for mc: the top first tokens with probabilities, as text). */
  raw: string;
  /** Verifier-specific evidence: p(Correct)/p(Incorrect) for mc, the 1..10 score for cot-score, matches for tournament. */
  detail?: Record<string, unknown>;
  /** Which of the sample's K verifications this is, 0 … K − 1 (`--verifications K`, verify/draws.ts); absent: the only one. */
  draw?: number;
}

/**
 * A sample whose verification call failed after its retries (docs/run-format.md, failure records):
 * there is no judgement to record, and a resume asks again.
 */
export interface VerifyCallFailure {
  verifier: string;
  callFailure: CallFailure;
}

/** What verifying one sample gave: a judgement (scored or failed to parse), or a failed call. */
export type VerifyOutcome = Verification | VerifyCallFailure;

export function isCallFailure(outcome: VerifyOutcome): outcome is VerifyCallFailure {
  return 'callFailure' in outcome;
}

export interface VerifySample {
  index: number;
  text: string;
}

export interface VerifyContext {
  backend: ModelBackend;
  templates: TemplateSet;
  sampling: SamplingParams;
  /** Run seed; verifiers derive per-sample seeds from it. */
  seed: number;
  /** Which verification of each sample to sample (verify/draws.ts); absent or 0: the first, with the seed a run of one verification uses. */
  draw?: number;
  signal?: AbortSignal;
}

export interface Verifier {
  /** The name its records carry: a base verifier, or one run by another model (`mc@big`). */
  readonly name: string;
  /** True when a sample's judgement depends on the task's other samples (the tournament): it then needs all n. */
  readonly judgesTheGroup: boolean;
  /** Set when the verifier draws one of several verifications per sample (verify/draws.ts): its records carry it. */
  readonly draw?: number;
  /**
   * Verifies the given samples of one task; outcomes in input order. Errors that fail one sample
   * become that sample's outcome; only errors that must end the run (llm/callFailure.ts) reject.
   */
  verifyTask(task: Task, samples: VerifySample[], ctx: VerifyContext): Promise<VerifyOutcome[]>;
}
