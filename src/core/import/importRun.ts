// `gaplens import`: a run folder from generations made elsewhere (docs/import.md), so the model
// only verifies. Every generation is graded by Gap Lens's own checker; the source's verdicts are
// kept beside it (tasks.jsonl meta.import.scores), never as the grade. The run has no verifiers
// and is not complete: `gaplens reverify RUN --verifier …` adds them, as for any finished run.
import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_DEFAULTS } from '../config/runRules';
import { getGrader } from '../grade/graders';
import { prepareRunOfTasks } from '../pipeline/runSession';
import { SAMPLES_SCHEMA_VERSION, type GenerationRecord, type ImportFormat, type ImportProvenance, type RunConfig, type SourceSampling } from '../runs/records';
import { acquireRunLock, LOCK_FILE } from '../runs/runLock';
import { RUN_FILES } from '../runs/runStore';
import { SampleLog } from '../runs/sampleLog';
import type { GraderName } from '../tasks/task';
import { UserError } from '../util/errors';
import { groupSamples } from './groupSamples';
import { readSources, type Sources } from './readSources';
import type { GraderChoice } from './importedTask';
import { FORMAT_LABELS, type SourceSample } from './sourceSample';

export interface ImportRequest {
  files: readonly string[];
  /** Read every file as this format; default: recognised from each file. */
  format?: ImportFormat;
  /** Grade every task with this checker, whatever the source implies. */
  grader?: GraderName;
  /** Samples per task: each task's first n; tasks with fewer are left out. Default: the one count every task has. */
  n?: number;
  /** The generator's model spec (canonical); default: the model the source names, when Gap Lens can call it. */
  model?: string;
  api: RunConfig['api'];
  verifierTemperature: number;
  verifierMaxTokens: number;
  out?: string;
  runsRoot: string;
  now?: Date;
}

export interface ImportOutcome {
  dir: string;
  provenance: ImportProvenance;
  config: RunConfig;
  /** Whether `config.model` came from --model or from the source. */
  modelFrom: 'option' | 'source';
  tasks: number;
  /** Generations Gap Lens's checkers grade correct, of tasks × n. */
  correct: number;
  /** Which checker graded how many tasks, and where that choice came from. */
  graders: { grader: GraderName; from: GraderChoice; tasks: number }[];
  /** Tasks --n left out (fewer samples than n). */
  leftOut: { id: string; count: number }[];
  warnings: string[];
}

export async function importRun(req: ImportRequest): Promise<ImportOutcome> {
  const sources = await readSources(req.files, { ...(req.format ? { format: req.format } : {}), ...(req.grader ? { grader: req.grader } : {}) });
  const model = req.model ?? sources.modelSpec ?? missingModel(sources);
  const grouped = groupSamples(sources.samples, req.n);
  const kept = [...grouped.samples.values()].flat();
  const sampling = commonSampling(kept);
  const provenance: ImportProvenance = {
    format: sources.format,
    files: sources.files,
    sourceModel: sources.model,
    sampling,
    usageKnown: kept.every((s) => s.usage !== null),
    generationCalls: 0,
  };
  const config: RunConfig = {
    tasks: sources.files.map((f) => f.path).join(', '),
    model,
    api: req.api,
    n: grouped.n,
    verifiers: [],
    // What the source cannot tell is Gap Lens's defaults (they set the verifier calls; docs/import.md).
    filter: RUN_DEFAULTS.filter,
    temperature: sampling.temperature ?? RUN_DEFAULTS.temperature,
    topP: sampling.topP ?? RUN_DEFAULTS.topP,
    maxTokens: sampling.maxTokens ?? RUN_DEFAULTS.maxTokens,
    verifierTemperature: req.verifierTemperature,
    verifierMaxTokens: req.verifierMaxTokens,
    seed: RUN_DEFAULTS.seed,
    concurrency: RUN_DEFAULTS.concurrency,
  };
  const prepared = await prepareRunOfTasks(config, grouped.tasks, {
    ...(req.out !== undefined ? { out: req.out } : {}),
    runsRoot: req.runsRoot,
    ...(req.now ? { now: req.now } : {}),
    provenance,
  });
  const at = (req.now ?? new Date()).toISOString();
  const records = prepared.tasks.flatMap((task) => (grouped.samples.get(task.id) ?? []).map((sample, index) => generationRecord(sample, task, index, at)));
  try {
    await writeGenerations(prepared.dir, records);
  } catch (err) {
    // A run folder without all its generations would be "resumed" by generating the rest with
    // Gap Lens's own prompts; it goes, and the import can simply be run again.
    await discardRun(prepared.dir);
    throw err;
  }
  return {
    dir: prepared.dir,
    provenance,
    config,
    modelFrom: req.model !== undefined ? 'option' : 'source',
    tasks: prepared.tasks.length,
    correct: records.filter((r) => r.grade.correct).length,
    graders: graderCounts([...grouped.samples.values()].map((group) => group[0] as SourceSample)),
    leftOut: grouped.leftOut,
    warnings: sources.warnings,
  };
}

function missingModel(sources: Sources): never {
  const what = sources.model === null
    ? `${FORMAT_LABELS[sources.format]} does not name the model that generated the samples`
    : `the files name the generator "${sources.model}", which is not a model Gap Lens can call (only Inspect's openai/ models name their endpoint)`;
  throw new UserError(`${what}; pass --model SPEC naming it (gaplens reverify asks that model to verify, unless given another with --model)`, 2);
}

/** Each setting the source gives one value for across every sample; null where it does not say, or says several. */
function commonSampling(samples: readonly SourceSample[]): SourceSampling {
  const common = (pick: (s: SourceSampling) => number | null): number | null => {
    const values = new Set(samples.map((s) => pick(s.sampling)));
    return values.size === 1 ? ([...values][0] as number | null) : null;
  };
  return { temperature: common((s) => s.temperature), topP: common((s) => s.topP), maxTokens: common((s) => s.maxTokens), seed: common((s) => s.seed) };
}

/** How many tasks each checker grades, by where it was chosen, in order of first use. */
function graderCounts(firstSamples: readonly SourceSample[]): ImportOutcome['graders'] {
  const counts = new Map<string, ImportOutcome['graders'][number]>();
  for (const { task, graderFrom } of firstSamples) {
    const key = `${task.grader} ${graderFrom}`;
    const entry = counts.get(key) ?? { grader: task.grader, from: graderFrom, tasks: 0 };
    entry.tasks++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/**
 * No seed (the sources give none per sample) and usage only where the source counted tokens:
 * nothing Gap Lens did not observe is written as if it had (run.json `import` says what is known).
 */
function generationRecord(sample: SourceSample, task: SourceSample['task'], index: number, at: string): GenerationRecord {
  return {
    v: SAMPLES_SCHEMA_VERSION,
    type: 'generation',
    task: task.id,
    index,
    text: sample.text,
    finishReason: sample.finishReason,
    ...(sample.usage !== null ? { usage: sample.usage } : {}),
    grade: getGrader(task.grader).grade(sample.text, task),
    at,
  };
}

/** Appends the generations under the run's lock, as every writer of a run does. */
async function writeGenerations(dir: string, records: GenerationRecord[]): Promise<void> {
  const lock = await acquireRunLock(dir, 'gaplens import');
  try {
    const log = await SampleLog.open(dir);
    try {
      await Promise.all(records.map((r) => log.append(r)));
    } finally {
      await log.close();
    }
  } finally {
    await lock.release();
  }
}

/** Removes what creating the run wrote (the folder was empty or absent before), and the folder if that leaves it empty. */
async function discardRun(dir: string): Promise<void> {
  await Promise.all([...Object.values(RUN_FILES), LOCK_FILE, 'templates'].map((name) => rm(join(dir, name), { recursive: true, force: true })));
  await rmdir(dir).catch(() => undefined);
}
