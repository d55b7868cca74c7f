// What every reader of `gaplens import` (docs/import.md) turns its format into: samples that
// already have a task, a generation and what the source said about them, plus the problems found,
// each naming the file and the line (or, in a JSON log, the path) it is about.
import type { Usage } from '../llm/backend';
import type { ImportFormat, SourceSampling } from '../runs/records';
import type { GraderName, Task } from '../tasks/task';
import type { GraderChoice } from './importedTask';

export interface SourceSample {
  /** Where the sample is, as messages name it: `file:line`, or `file: samples[3]` in a JSON log. */
  at: string;
  /** Its task as the source gives it (no import bookkeeping in `meta` yet). */
  task: Task;
  /** Where the task's checker came from. */
  graderFrom: GraderChoice;
  /** The model's output, exactly as the source recorded it. */
  text: string;
  /** `stop`, `length`, or `unknown` when the source does not say. */
  finishReason: string;
  /** Token counts, when the source gives them. */
  usage: Usage | null;
  /** The source's own verdict on this sample (its metric or scorer values), for comparison only; null when it has none. */
  sourceScore: Record<string, unknown> | null;
  sampling: SourceSampling;
}

/** What one file gave. A file with any error gives no run: the errors are listed instead. */
export interface SourceRead {
  samples: SourceSample[];
  /** Each names its file and line (or JSON path). */
  errors: string[];
  /** Things read past on purpose (a sample the source marks as failed), each naming where. */
  warnings: string[];
  /** How the source names the model that generated the samples; null when it does not. */
  model: string | null;
  /** That model as a Gap Lens model spec, when the source names one Gap Lens can call; else null. */
  modelSpec: string | null;
}

export interface ReadOptions {
  /** `--grader`: grade every task with this checker, whatever the source implies. */
  grader?: GraderName;
}

export type SourceReader = (text: string, file: string, opts: ReadOptions) => SourceRead;

/** How messages name each format. */
export const FORMAT_LABELS: Record<ImportFormat, string> = {
  'lm-eval': 'lm-evaluation-harness --log_samples output',
  inspect: 'an Inspect AI JSON eval log',
  jsonl: 'Gap Lens import JSONL',
};

export const UNKNOWN_SAMPLING: SourceSampling = { temperature: null, topP: null, maxTokens: null, seed: null };
