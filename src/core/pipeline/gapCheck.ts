// Runs a gap check into a run folder: sample N answers per task, grade them, verify them with
// every requested verifier, appending each record as it is made. Resuming re-reads the folder and
// does only what is missing; the response cache makes re-asked calls free and identical.
import type { ModelBackend } from '../llm/backend';
import type { TemplateSet } from '../prompts/templates';
import { renderTemplate } from '../prompts/load';
import { withBlockStop } from '../prompts/stop';
import { getGrader } from '../grade/graders';
import type { Task } from '../tasks/task';
import type { Verifier, VerifySample } from '../verify/verifier';
import type { GenerationRecord, RunConfig, SampleRecord, VerificationRecord } from '../runs/records';
import { SAMPLES_SCHEMA_VERSION } from '../runs/records';
import { deriveSeed } from '../util/random';
import { sampleKey } from '../runs/sampleKey';

export type GapCheckEvent =
  | { type: 'generation'; record: GenerationRecord }
  | { type: 'verification'; record: VerificationRecord }
  | { type: 'task-done'; task: string };

/** What the folder already holds, so a resumed run skips it. */
export interface ExistingRecords {
  generations: ReadonlyMap<string, GenerationRecord>;
  verifications: ReadonlyMap<string, ReadonlyMap<string, VerificationRecord>>;
}

export interface GapCheckInput {
  config: RunConfig;
  tasks: Task[];
  backend: ModelBackend;
  templates: TemplateSet;
  verifiers: Verifier[];
  existing: ExistingRecords;
  /** Appends one record durably-enough (see docs/run-format.md); called in order per sample. */
  append: (record: SampleRecord) => Promise<void>;
  onEvent?: (event: GapCheckEvent) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

/** Number of records a complete run holds: used for progress totals. */
export function expectedRecords(tasks: number, n: number, verifiers: number): number {
  return tasks * n * (1 + verifiers);
}

export async function runGapCheck(input: GapCheckInput): Promise<void> {
  // Keep enough tasks in flight that the scheduler's queue never runs dry, without holding every
  // task's prompts in memory at once.
  const inFlight = Math.max(2, input.config.concurrency * 2);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < input.tasks.length) {
      input.signal?.throwIfAborted();
      const task = input.tasks[next++] as Task;
      await runTask(task, input);
      input.onEvent?.({ type: 'task-done', task: task.id });
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, input.tasks.length) }, worker));
}

async function runTask(task: Task, input: GapCheckInput): Promise<void> {
  const generations = await ensureGenerations(task, input);
  const samples: VerifySample[] = generations.map((g) => ({ index: g.index, text: g.text }));
  // Verifiers of one task run concurrently; the scheduler beneath bounds the model calls.
  await Promise.all(input.verifiers.map((v) => ensureVerifications(task, samples, v, input)));
}

async function ensureGenerations(task: Task, input: GapCheckInput): Promise<GenerationRecord[]> {
  const { config } = input;
  const have = (i: number): GenerationRecord | undefined => input.existing.generations.get(sampleKey(task.id, i));
  const missing = range(config.n).filter((i) => !have(i));
  const fresh = new Map<number, GenerationRecord>();
  if (missing.length > 0) {
    const prompt = renderTemplate(input.templates.get('generate', task.grader), { question: task.question });
    const seed = deriveSeed(config.seed, task.id, 'generate');
    // The whole batch is always requested with the same parameters, so a resumed run gets the same
    // answers (from the response cache) for the samples it already wrote and for the missing ones.
    const result = await input.backend.generate(
      { prompt, n: config.n, seed, ...withBlockStop({ temperature: config.temperature, topP: config.topP, maxTokens: config.maxTokens }) },
      input.signal,
    );
    const grader = getGrader(task.grader);
    const perSample = {
      promptTokens: Math.round(result.usage.promptTokens / config.n),
      completionTokens: 0,
    };
    for (const index of missing) {
      const g = result.generations[index];
      if (!g) throw new Error(`backend ${input.backend.id} returned ${result.generations.length} generations, expected ${config.n}`);
      fresh.set(index, {
        v: SAMPLES_SCHEMA_VERSION,
        type: 'generation',
        task: task.id,
        index,
        seed: seed + index,
        text: g.text,
        finishReason: g.finishReason,
        usage: { ...perSample, completionTokens: g.completionTokens },
        grade: grader.grade(g.text, task),
        at: (input.now?.() ?? new Date()).toISOString(),
      });
    }
    await appendAll([...fresh.values()], input, (record) => ({ type: 'generation', record }));
  }
  return range(config.n).map((i) => (have(i) ?? fresh.get(i)) as GenerationRecord);
}

async function ensureVerifications(task: Task, samples: VerifySample[], verifier: Verifier, input: GapCheckInput): Promise<void> {
  const done = (i: number): boolean => input.existing.verifications.get(sampleKey(task.id, i))?.has(verifier.name) ?? false;
  if (samples.every((s) => done(s.index))) return;
  const { config } = input;
  // All samples go to the verifier even when only some are missing: the tournament needs the whole
  // group, and for the others the already-verified samples come back from the response cache.
  const results = await verifier.verifyTask(task, samples, {
    backend: input.backend,
    templates: input.templates,
    sampling: { temperature: config.verifierTemperature, topP: config.topP, maxTokens: config.verifierMaxTokens },
    seed: config.seed,
    signal: input.signal,
  });
  const records: VerificationRecord[] = [];
  for (const [i, sample] of samples.entries()) {
    if (done(sample.index)) continue;
    const verification = results[i];
    if (!verification) throw new Error(`verifier ${verifier.name} returned ${results.length} results for ${samples.length} samples`);
    records.push({
      ...verification,
      v: SAMPLES_SCHEMA_VERSION,
      type: 'verification',
      task: task.id,
      index: sample.index,
      at: (input.now?.() ?? new Date()).toISOString(),
    });
  }
  await appendAll(records, input, (record) => ({ type: 'verification', record }));
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
