// The on-disk record types of a run folder. `samples.jsonl` is append-only; every line carries
// the schema version `v` so later readers can migrate old runs.
import type { GradeResult } from '../grade/grader';
import type { Task } from '../tasks/task';
import type { Verification } from '../verify/verifier';
import type { Usage } from '../llm/backend';
import type { EndpointCapabilities } from './endpointCapabilities';

/**
 * The samples.jsonl versions this build reads. Version 2 differs from 1 only in the verification
 * record's `prompt`: a reference to the run's template and the texts it filled in instead of the
 * rendered text (docs/run-format.md). A resumed version-1 run appends version-2 lines.
 */
export const SAMPLES_SCHEMA_VERSIONS = [1, 2] as const;
export type SamplesSchemaVersion = (typeof SAMPLES_SCHEMA_VERSIONS)[number];
/** The version this build writes. */
export const SAMPLES_SCHEMA_VERSION = 2;

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
  /**
   * Verifications drawn per sample (`--verifications K`), by verifier name, K ≥ 2; a verifier not
   * named here has one. Its records carry `draw` (docs/run-format.md, verify/draws.ts).
   */
  verifications?: Record<string, number>;
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
  /** Only in a run made by `gaplens import`: where its generations came from (docs/import.md). */
  import?: ImportProvenance;
  /**
   * What each HTTP endpoint the run calls accepts, probed when the run (or its latest resume or
   * re-verify) started: model spec as in `config` -> its capabilities. Runs written before probing
   * existed have none.
   */
  capabilities?: Record<string, EndpointCapabilities>;
  /** Only in a run started with `--lineage FILE`: the run and export its model was trained on (lineage.ts). */
  lineage?: RunLineage;
  /**
   * The verifier template versions `gaplens reverify --templates` added, oldest first (docs/run-format.md,
   * "Template versions"). The run's own templates are version "v1"; runs without re-verified templates have none.
   */
  templateVersions?: TemplateVersion[];
}

/**
 * run.json `lineage`: the round this run's model was fine-tuned from (docs/run-format.md, "Lineage").
 * Copied from the export's sidecar when the run was created, after its hash was checked.
 */
export interface RunLineage {
  /** The run whose samples were exported: its id, folder (absolute, as exported), model and task set. */
  parent: { id: string; path: string; model: string; tasksSha256: string };
  /** The export file as named (absolute), the sha256 of its bytes, its records and the filter that chose them. */
  export: { path: string; sha256: string; records: number; selector: string; filter: string; checkerCorrected: boolean };
}

/** One named version of a run's verifier templates, and the verifiers re-run with it. */
export interface TemplateVersion {
  /** The version's name (`v2`, or what --name gave); its templates are in `templates/versions/<name>/`. */
  name: string;
  createdAt: string;
  /** The folder the templates were taken from (absolute). */
  source: string;
  /** The verifiers it re-ran, as records name them: `cot-score#v2`, `mc@judge#v2`. */
  verifiers: string[];
}

/** The files `gaplens import` reads (docs/import.md). */
export const IMPORT_FORMATS = ['lm-eval', 'inspect', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * How the source generated its samples, as far as it says: null where it does not say, or does
 * not give one value for every sample. An imported run's `config` still needs numbers there; these
 * are what was known.
 */
export interface SourceSampling {
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  seed: number | null;
}

/** run.json `import`: the provenance of a run whose generations were made elsewhere. */
export interface ImportProvenance {
  format: ImportFormat;
  /** The files read, absolute, with the sha256 of their bytes. */
  files: { path: string; sha256: string }[];
  /** How the source names the model that generated the samples; null when it does not. */
  sourceModel: string | null;
  sampling: SourceSampling;
  /** Whether the source gave every sample's token counts; a generation it gave none for has no `usage`. */
  usageKnown: boolean;
  /**
   * The model calls Gap Lens made to generate this run's samples: none. What generating cost and
   * how long it took were not measured here (docs/import.md).
   */
  generationCalls: 0;
}

export interface GenerationRecord {
  v: SamplesSchemaVersion;
  type: 'generation';
  task: string;
  index: number;
  /** The sampling seed of this sample; absent in an imported run (docs/import.md): no source gives one per sample. */
  seed?: number;
  // No prompt here: it is the task rendered into the run's own copy of the generate template
  // (run.json holds its hash), and repeating it N times per task would dominate the file.
  text: string;
  finishReason: string;
  /** Tokens spent on this sample; absent in an imported run where the source did not count them. */
  usage?: Usage;
  grade: GradeResult;
  at: string;
}

/**
 * Placeholder -> the index of the sample (of the record's task) whose generation text, trimmed,
 * fills it. `{{question}}` is always the task's question, trimmed, and is not listed.
 */
export type PromptValues = Record<string, number>;

/** One tournament match as asked: its round and the samples filling `response_a` and `response_b`. */
export interface MatchPrompt {
  round: number;
  values: PromptValues;
}

/**
 * The lengths of a reference's two hashes, leading hex digits of a SHA-256 (docs/run-format.md):
 * enough to tell texts apart by accident, which is all they are for (they are no protection against
 * a forger), and short because every verification record carries them. A template is named by the
 * first 12 digits of the sha256 run.json records for it; a rendered prompt is checked against the
 * first 16 (64 bits) of the sha256 of its UTF-8 bytes.
 */
export const TEMPLATE_HASH_DIGITS = 12;
export const PROMPT_HASH_DIGITS = 16;

/**
 * How a version-2 verification record names the prompt it sent, which is re-rendered on demand
 * (verificationPrompts.ts): the template, the values, and a hash to check the rendering against.
 * A single-prompt verifier (mc, cot-*) has `values`; the tournament has `matches` (its prompt is
 * the sample's match prompts, each under its header line).
 */
export type PromptReference = { template: string; sha256: string } & ({ values: PromptValues } | { matches: MatchPrompt[] });

export interface VerificationRecord extends Omit<Verification, 'prompt'> {
  v: SamplesSchemaVersion;
  type: 'verification';
  task: string;
  index: number;
  at: string;
  /** Version 1: the exact prompt sent. Version 2: its reference; verificationPrompts.ts renders it. */
  prompt: string | PromptReference;
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
  v: SamplesSchemaVersion;
  type: 'failure';
  task: string;
  index: number;
  /** 'generation', or the name of the verifier whose call failed. */
  stage: string;
  /** Which of the verifier's K verifications failed (`--verifications K`); absent: the first or only one. */
  draw?: number;
  kind: CallFailureKind;
  /** The last error, naming the endpoint. */
  message: string;
  at: string;
}

export type SampleRecord = GenerationRecord | VerificationRecord | FailureRecord;

/**
 * annotations.jsonl records: version 1 (a cause, always) and version 2 (adds the human verdict and
 * the audit tag; the cause may then be absent). A record is written as version 1 whenever it fits
 * version 1, so runs annotated without audits stay readable by older Gap Lens (docs/run-format.md).
 */
export const ANNOTATION_SCHEMA_VERSIONS = [1, 2] as const;

/** What the reviewer found wrong. */
export const ANNOTATION_CAUSES = ['verifier-wrong', 'checker-wrong', 'gold-wrong', 'ambiguous', 'other'] as const;
export type AnnotationCause = (typeof ANNOTATION_CAUSES)[number];

/** The reviewer's verdict on the answer itself: the truth the checker and the verifier are measured against. */
export const HUMAN_VERDICTS = ['correct', 'incorrect'] as const;
export type HumanVerdict = (typeof HUMAN_VERDICTS)[number];

/** Audit strata: the verifier's decision under the audit's filter × the checker's verdict (docs/statistics.md, "Audit"). */
export const AUDIT_STRATA = ['kept-correct', 'kept-incorrect', 'dropped-correct', 'dropped-incorrect'] as const;
export type AuditStratum = (typeof AUDIT_STRATA)[number];

/** How an audit draws its sample: with the run's samples, enough to draw it again. */
export interface AuditPlan {
  /** Names the audit; its labels carry it. */
  id: string;
  /** The draw's seed, an integer in [0, 2^32). */
  seed: number;
  /** Samples requested. */
  size: number;
  /** The score selector and filter whose kept/dropped decisions form the strata (parseSelector/parseFilter text). */
  selector: string;
  filter: string;
}

export const AUDIT_SCHEMA_VERSION = 1;

/** audit.json: an audit's plan and its draw (docs/run-format.md, "audit.json"). */
export interface AuditFile extends AuditPlan {
  v: typeof AUDIT_SCHEMA_VERSION;
  /** When it was drawn. */
  at: string;
  /** N_h: the run's samples in each stratum at the draw, AUDIT_STRATA order. */
  strata: number[];
  /** The drawn samples in labelling order, each with its stratum. */
  samples: AuditSample[];
}

export interface AuditSample {
  task: string;
  index: number;
  stratum: AuditStratum;
}

/** Marks an annotation as a label of the audit `id`, drawn from `stratum`. */
export interface AuditTag {
  id: string;
  stratum: AuditStratum;
}

/** annotations.jsonl (written by the extension). */
export interface AnnotationRecord {
  v: (typeof ANNOTATION_SCHEMA_VERSIONS)[number];
  task: string;
  index: number;
  /** Always present in version 1; in version 2 a record has a cause, a human verdict or both. */
  cause?: AnnotationCause;
  /** Version 2. */
  human?: HumanVerdict;
  /** Version 2; an audit label always has a human verdict. */
  audit?: AuditTag;
  note: string;
  at: string;
}

export type { Task };
