import type { ModelBackend, SamplingParams } from '../llm/backend';
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
  signal?: AbortSignal;
}

export interface Verifier {
  readonly name: BaseVerifierName;
  /** Verifies all samples of one task (the tournament needs the whole group); results in input order. */
  verifyTask(task: Task, samples: VerifySample[], ctx: VerifyContext): Promise<Verification[]>;
}
