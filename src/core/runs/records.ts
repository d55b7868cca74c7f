// The on-disk record types of a run folder. `samples.jsonl` is append-only; every line carries
// the schema version `v` so later readers can migrate old runs.
import type { GradeResult } from '../grade/grader';
import type { Task } from '../tasks/task';
import type { Verification } from '../verify/verifier';
import type { Usage } from '../llm/backend';
import type { EndpointCapabilities } from './endpointCapabilities';

export const SAMPLES_SCHEMA_VERSION = 1;

export interface RunConfig {
  tasks: string;
  limit?: number;
  model: string;
  /** 'chat' | 'completions' for openai; 'completions' for llama. */
  api: 'chat' | 'completions';
  n: number;
  verifiers: string[];
  filter: string;
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Sampling settings of CoT/tournament verifier calls. */
  verifierTemperature: number;
  verifierMaxTokens: number;
  seed: number;
  concurrency: number;
  /** Tournament: ask every match in both A/B orders and record the inconsistency rate. */
  tournamentBothOrders?: boolean;
  /** User template folder overriding the defaults, if any. */
  templates?: string;
  /**
   * Verifiers run by another model than `model` (cross-verification): verifier name (`mc@big`,
   * see crossVerifierName) -> that model's spec. Verifiers not named here are run by `model`.
   */
  verifierModels?: Record<string, string>;
}

/** run.json */
export interface RunManifest {
  schema: 1;
  id: string;
  createdAt: string;
  config: RunConfig;
  versions: Record<string, string>;
  /** Template path (relative name) -> sha256 of the text used. */
  templates: Record<string, string>;
  /** sha256 of tasks.jsonl. */
  tasksSha256: string;
  /** Written when the run finished all its samples. */
  completedAt?: string;
  /**
   * What each HTTP endpoint the run calls accepts, probed when the run (or its latest resume or
   * re-verify) started: model spec as in `config` -> its capabilities. Runs written before probing
   * existed have none.
   */
  capabilities?: Record<string, EndpointCapabilities>;
}

export interface GenerationRecord {
  v: typeof SAMPLES_SCHEMA_VERSION;
  type: 'generation';
  task: string;
  index: number;
  seed: number;
  // No prompt here: it is the task rendered into the run's own copy of the generate template
  // (run.json holds its hash), and repeating it N times per task would dominate the file.
  text: string;
  finishReason: string;
  usage: Usage;
  grade: GradeResult;
  at: string;
}

export interface VerificationRecord extends Verification {
  v: typeof SAMPLES_SCHEMA_VERSION;
  type: 'verification';
  task: string;
  index: number;
  at: string;
}

/**
 * How a sample's call failed:
 * - bad-answer: the endpoint answered with something unusable, also when asked again;
 * - call-failed: no answer within the retry budget (timeouts, 5xx, connection resets);
 * - prompt-too-long: the prompt does not fit the model's context.
 */
export const CALL_FAILURE_KINDS = ['bad-answer', 'call-failed', 'prompt-too-long'] as const;
export type CallFailureKind = (typeof CALL_FAILURE_KINDS)[number];

/**
 * A sample's generation or verification that failed at the model call (docs/run-format.md). It
 * marks the sample as failed for that stage until a later generation or verification record of
 * the same sample and stage supersedes it; a resume retries it.
 */
export interface FailureRecord {
  v: typeof SAMPLES_SCHEMA_VERSION;
  type: 'failure';
  task: string;
  index: number;
  /** 'generation', or the name of the verifier whose call failed. */
  stage: string;
  kind: CallFailureKind;
  /** The last error, naming the endpoint. */
  message: string;
  at: string;
}

export type SampleRecord = GenerationRecord | VerificationRecord | FailureRecord;

/** annotations.jsonl (written by the extension). */
export interface AnnotationRecord {
  v: typeof SAMPLES_SCHEMA_VERSION;
  task: string;
  index: number;
  cause: 'verifier-wrong' | 'checker-wrong' | 'gold-wrong' | 'ambiguous' | 'other';
  note: string;
  at: string;
}

export type { Task };
