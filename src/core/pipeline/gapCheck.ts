// Runs a gap check into a run folder: sample N answers per task, grade them, verify them with
// every requested verifier, appending each record as it is made. Resuming re-reads the folder and
// does only what is missing; the response cache makes re-asked calls free and identical.
import { setMaxListeners } from 'node:events';
import { CallDeferredError, type GenerateResult, type ModelBackend } from '../llm/backend';
import type { TemplateSet } from '../prompts/templates';
import { renderTemplate } from '../prompts/load';
import { withBlockStop } from '../prompts/stop';
import { getGrader } from '../grade/graders';
import type { Task } from '../tasks/task';
import { isCallFailure, type BaseVerifierName, type Verification, type Verifier, type VerifySample } from '../verify/verifier';
import { baseVerifierOf } from '../verify/index';
import { askedMatches } from '../verify/tournament';
import type { FailureRecord, GenerationRecord, PromptReference, RunConfig, SampleRecord, VerificationRecord } from '../runs/records';
import { promptReference, type PromptFill } from '../runs/verificationPrompts';
import { abortReason } from '../llm/abort';
import { callFailureOf, type CallFailure } from '../llm/callFailure';
import { FailureStreak } from './failureStreak';
import { SAMPLES_SCHEMA_VERSION } from '../runs/records';
import { deriveSeed } from '../util/random';
import { stageKey } from '../verify/draws';

export type GapCheckEvent =
  | { type: 'generation'; record: GenerationRecord }
  | { type: 'verification'; record: VerificationRecord }
  | { type: 'failure'; record: FailureRecord }
  | { type: 'task-done'; task: string };

/** An event that reports a record just appended to samples.jsonl. */
export type RecordEvent = Exclude<GapCheckEvent, { type: 'task-done' }>;

/**
 * What the estimate reads of what a run folder holds: presence, and the generation records of the
 * tasks with something left to do (ExecutionRecords holds exactly those).
 */
export type ExistingRecords = Pick<DoneWork, 'hasGeneration' | 'generation' | 'hasVerification' | 'hasEveryRecord'>;

/**
 * What an execution has of each sample, on file when it started or appended since, so that it
 * does only what is missing (ExecutionRecords). Presence is all it needs of most samples; the
 * generation records themselves only of tasks that may still be verified.
 */
export interface DoneWork {
  hasGeneration(task: string, index: number): boolean;
  /** The sample's generation record (read from samples.jsonl if need be); undefined when it has none, or when an execution over records in memory is done with its task. */
  generation(task: string, index: number): GenerationRecord | undefined;
  /** `stage`: the verifier, or one of its draws (verify/draws.ts stageKey). */
  hasVerification(task: string, index: number, stage: string): boolean;
  /** Whether the stage of the sample failed earlier in this execution: not asked again before a resume. */
  failedNow(task: string, index: number, stage: string): boolean;
  /**
   * Whether each of the task's samples has its generation and a record of each stage: a quick
   * answer for the finished tasks of a resumed run (most of them), asked before anything else.
   */
  hasEveryRecord?(task: string, stages: readonly string[]): boolean;
}

export interface GapCheckInput {
  config: RunConfig;
  tasks: Task[];
  backend: ModelBackend;
  templates: TemplateSet;
  /** The templates a verifier renders instead of `templates` (a template version's: runs/templateVersions.ts), by its name. */
  verifierTemplates?: (verifier: string) => TemplateSet | undefined;
  verifiers: Verifier[];
  existing: DoneWork;
  /** Appends one record durably-enough (see docs/run-format.md); called in order per sample. */
  append: (record: SampleRecord) => Promise<void>;
  onEvent?: (event: GapCheckEvent) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

/** The prompt a task's samples are generated from. */
export function generationPrompt(templates: TemplateSet, task: Task): string {
  return renderTemplate(templates.get('generate', task.grader), { question: task.question });
}

/** Number of records a complete run holds: used for progress totals. */
export function expectedRecords(tasks: number, n: number, config: Pick<RunConfig, 'verifiers' | 'verifications'>): number {
  const verifications = config.verifiers.reduce((sum, name) => sum + (config.verifications?.[name] ?? 1), 0);
  return tasks * n * (1 + verifications);
}

/**
 * Runs every task's missing work. A call that fails one sample is recorded as that sample's
 * failure and the run goes on; the first error that must end the run (a fatal endpoint error, a
 * systematic failure, a cancellation, a write error) aborts every call still in flight, and the
 * run rejects with it once they have all stopped: no model call outlives the failure. A call the
 * batch executor set aside (CallDeferredError) leaves the rest of its task for a later pass.
 */
export async function runGapCheck(input: GapCheckInput): Promise<void> {
  const stop = new AbortController();
  // Every model call in flight listens to it; hundreds are expected.
  setMaxListeners(0, stop.signal);
  const onOuterAbort = (): void => stop.abort(abortReason(input.signal as AbortSignal));
  if (input.signal?.aborted) onOuterAbort();
  input.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const run: TaskRun = { ...input, signal: stop.signal, streak: new FailureStreak() };
  // Keep enough tasks in flight that the scheduler's queue never runs dry, without holding every
  // task's prompts in memory at once.
  const inFlight = Math.max(2, input.config.concurrency * 2);
  let next = 0;
  let ended: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < input.tasks.length) {
      const task = input.tasks[next++] as Task;
      try {
        await runTask(task, run);
      } catch (error) {
        if (error instanceof CallDeferredError) continue;
        ended ??= { error };
        stop.abort(error);
        return;
      }
      input.onEvent?.({ type: 'task-done', task: task.id });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, input.tasks.length) }, worker));
  } finally {
    input.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (input.signal?.aborted) throw abortReason(input.signal);
  if (ended) throw ended.error;
}

interface TaskRun extends GapCheckInput {
  signal: AbortSignal;
  streak: FailureStreak;
}

async function runTask(task: Task, run: TaskRun): Promise<void> {
  // A resumed run's finished tasks are most of it: their generations are not even read.
  if (nothingLeft(task, run)) return;
  // A model with several endpoints answers all of a task's calls on one of them: its prompts share
  // the question, which that endpoint's prefix cache then holds.
  const taskRun: TaskRun = { ...run, backend: run.backend.forTask?.() ?? run.backend };
  const generations = await ensureGenerations(task, taskRun);
  const samples: VerifySample[] = generations.map((g) => ({ index: g.index, text: g.text }));
  // A verifier that judges the whole group waits until the task has all its samples (a resume).
  const verifiers = run.verifiers.filter((v) => !v.judgesTheGroup || samples.length === run.config.n);
  // Verifiers of one task run concurrently; the scheduler beneath bounds the model calls. Each
  // finishes before the task ends (one waiting for its batch must not cut another short); an
  // error that ends the run outranks a call set aside.
  const settled = await Promise.allSettled(verifiers.map((v) => ensureVerifications(task, samples, v, taskRun)));
  const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const [first] = failed;
  if (first !== undefined) throw failed.find((e) => !(e instanceof CallDeferredError)) ?? first;
}

/**
 * Whether the task has nothing to ask in this execution, read from what is done alone: no
 * generation missing (or failed in it), and every verifier that runTask would run done with every
 * generated sample (or failed in it).
 */
function nothingLeft(task: Task, run: TaskRun): boolean {
  const { existing, config } = run;
  if (existing.hasEveryRecord?.(task.id, run.verifiers.map((v) => stageKey(v.name, v.draw)))) return true;
  const indices = range(config.n);
  if (indices.some((i) => !existing.hasGeneration(task.id, i) && !existing.failedNow(task.id, i, 'generation'))) return false;
  const generated = indices.filter((i) => existing.hasGeneration(task.id, i));
  return run.verifiers
    .filter((v) => !v.judgesTheGroup || generated.length === config.n)
    .every((v) => {
      const stage = stageKey(v.name, v.draw);
      return generated.every((i) => existing.hasVerification(task.id, i, stage) || existing.failedNow(task.id, i, stage));
    });
}

/** The task's generations: those on file, plus the missing ones when their call succeeds. */
async function ensureGenerations(task: Task, run: TaskRun): Promise<GenerationRecord[]> {
  const { config } = run;
  const have = (i: number): GenerationRecord | undefined => run.existing.generation(task.id, i);
  const missing = range(config.n).filter((i) => !run.existing.hasGeneration(task.id, i) && !run.existing.failedNow(task.id, i, 'generation'));
  const fresh = new Map<number, GenerationRecord>();
  if (missing.length > 0) {
    const prompt = generationPrompt(run.templates, task);
    const seed = deriveSeed(config.seed, task.id, 'generate');
    let result: GenerateResult;
    try {
      // The whole batch is always requested with the same parameters, so a resumed run gets the
      // same answers (from the response cache) for the samples it already wrote and for the missing ones.
      result = await run.backend.generate(
        { prompt, n: config.n, seed, ...withBlockStop({ temperature: config.temperature, topP: config.topP, maxTokens: config.maxTokens }) },
        run.signal,
      );
    } catch (err) {
      const failure = callFailureOf(err);
      if (failure === null) throw err;
      await appendAll(missing.map((index) => failureRecord(task, index, 'generation', failure, run)), run, (record) => ({ type: 'failure', record }));
      run.streak.failed(failure);
      return range(config.n).flatMap((i) => have(i) ?? []);
    }
    run.streak.succeeded();
    const grader = getGrader(task.grader);
    const perSample = {
      promptTokens: Math.round(result.usage.promptTokens / config.n),
      completionTokens: 0,
    };
    for (const index of missing) {
      const g = result.generations[index];
      if (!g) throw new Error(`backend ${run.backend.id} returned ${result.generations.length} generations, expected ${config.n}`);
      fresh.set(index, {
        v: SAMPLES_SCHEMA_VERSION,
        type: 'generation',
        task: task.id,
        index,
        seed: seed + index,
        text: g.text,
        finishReason: g.finishReason,
        usage: { ...perSample, completionTokens: g.completionTokens, ...(g.reasoningTokens !== undefined ? { reasoningTokens: g.reasoningTokens } : {}) },
        grade: grader.grade(g.text, task),
        at: now(run),
      });
    }
    await appendAll([...fresh.values()], run, (record) => ({ type: 'generation', record }));
  }
  // The fresh ones first: the records added since are read back from the file, which these need not be.
  return range(config.n).flatMap((i) => fresh.get(i) ?? have(i) ?? []);
}

async function ensureVerifications(task: Task, samples: VerifySample[], verifier: Verifier, run: TaskRun): Promise<void> {
  const stage = stageKey(verifier.name, verifier.draw);
  const done = (i: number): boolean => run.existing.hasVerification(task.id, i, stage) || run.existing.failedNow(task.id, i, stage);
  if (samples.every((s) => done(s.index))) return;
  const { config } = run;
  const templates = run.verifierTemplates?.(verifier.name) ?? run.templates;
  // All samples go to the verifier even when only some are missing: the tournament needs the whole
  // group, and for the others the already-verified samples come back from the response cache.
  const outcomes = await verifier.verifyTask(task, samples, {
    backend: run.backend,
    templates,
    sampling: { temperature: config.verifierTemperature, topP: config.topP, maxTokens: config.verifierMaxTokens },
    seed: config.seed,
    signal: run.signal,
  });
  const records: (VerificationRecord | FailureRecord)[] = [];
  const texts = new Map(samples.map((s) => [s.index, s.text]));
  for (const [i, sample] of samples.entries()) {
    if (done(sample.index)) continue;
    const outcome = outcomes[i];
    if (!outcome) throw new Error(`verifier ${verifier.name} returned ${outcomes.length} results for ${samples.length} samples`);
    if (isCallFailure(outcome)) {
      records.push({ ...failureRecord(task, sample.index, verifier.name, outcome.callFailure, run), ...(verifier.draw === undefined ? {} : { draw: verifier.draw }) });
    } else {
      records.push({ ...outcome, v: SAMPLES_SCHEMA_VERSION, type: 'verification', task: task.id, index: sample.index, prompt: promptOf(outcome, task, sample.index, texts, templates), at: now(run) });
    }
  }
  await appendAll(records, run, (record) => (record.type === 'failure' ? { type: 'failure', record } : { type: 'verification', record }));
  for (const record of records) {
    if (record.type === 'verification') run.streak.succeeded();
    else run.streak.failed(record);
  }
}

/** A verification's prompt as its record names it: the template it rendered and the samples that filled it (runs/verificationPrompts.ts). */
function promptOf(outcome: Verification, task: Task, index: number, texts: ReadonlyMap<number, string>, templates: TemplateSet): PromptReference {
  const base = baseVerifierOf(outcome.verifier);
  const template = templates.get(`verify-${base}`, task.grader);
  return promptReference(outcome.prompt, template, fillOf(base, outcome, task, index), { question: task.question, generation: (i) => texts.get(i) });
}

/** The samples a verification's prompt was filled with: the sample itself, or the tournament's matches. */
function fillOf(base: BaseVerifierName, outcome: Verification, task: Task, index: number): PromptFill {
  if (base !== 'tournament') return { values: { response: index } };
  const matches = askedMatches(outcome.detail, index);
  if (matches === null) throw new Error(`the tournament verification of ${task.id}#${index} has no matches in its detail`);
  return { matches };
}

function failureRecord(task: Task, index: number, stage: string, failure: CallFailure, run: TaskRun): FailureRecord {
  return { v: SAMPLES_SCHEMA_VERSION, type: 'failure', task: task.id, index, stage, kind: failure.kind, message: failure.message, at: now(run) };
}

function now(input: GapCheckInput): string {
  return (input.now?.() ?? new Date()).toISOString();
}

/**
 * Appends a task's new records in order, all at once so that they can share one write, then
 * reports each: an event always describes a record already in the file.
 */
async function appendAll<R extends SampleRecord>(records: R[], input: GapCheckInput, event: (record: R) => GapCheckEvent): Promise<void> {
  await Promise.all(records.map((record) => input.append(record)));
  if (input.onEvent) for (const record of records) input.onEvent(event(record));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
