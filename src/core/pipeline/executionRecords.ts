// The records of a run as an execution goes: those on file when it started, and those it appends.
// An execution in several passes (the batch executors') hands them to each pass, so that a pass
// skips what an earlier one did — failures included, which only a resume asks again. Memory does
// not grow with the run: presence is a byte per sample and stage, and a generation record is
// held only while its task may still be verified (until the task is done in this execution).
import path from 'node:path';
import { RUN_FILES, type RunData } from '../runs/runStore';
import { stageColumn, type RunColumns } from '../runs/runColumns';
import { LineReader, parseJson } from '../runs/jsonlFile';
import { generationRecordSchema } from '../runs/recordSchemas';
import { UserError } from '../util/errors';
import { sampleKey } from '../runs/sampleKey';
import type { GenerationRecord, SampleRecord } from '../runs/records';
import type { Task } from '../tasks/task';
import type { DoneWork } from './gapCheck';
import type { PreparedRun } from './runSession';
import { stageKey } from '../verify/draws';
import { drawStages } from '../runs/drawnScores';

export class ExecutionRecords implements DoneWork {
  private readonly taskAt: Map<string, number>;
  /** Per expected sample (task position × n + index): 1 when it has a generation. */
  private readonly generated: Uint8Array;
  /** Stage (verify/draws.ts stageKey: a verifier, or one of its draws) -> per expected sample: 1 when it has that stage's record. */
  private readonly verified = new Map<string, Uint8Array>();
  /** sampleKey -> the generations of tasks not done yet in this execution. */
  private readonly held = new Map<string, GenerationRecord>();
  private readonly failed = new Map<string, Set<string>>();

  /**
   * Over the run's `tasks` with `n` samples each, for an execution that runs `stages` (verify/draws.ts
   * stageKey: a verifier that draws K verifications is K stages). Records of indices ≥ n are never asked about.
   */
  private constructor(
    tasks: readonly Task[],
    private readonly n: number,
    private readonly stages: readonly string[],
  ) {
    this.taskAt = new Map(tasks.map((t, i) => [t.id, i]));
    this.generated = new Uint8Array(tasks.length * n);
    for (const stage of stages) this.verified.set(stage, new Uint8Array(tasks.length * n));
  }

  /**
   * An execution of a prepared run that runs `verifiers` (names as records carry them), over what its
   * folder held (nothing, for a new run): a verifier drawing several verifications per sample is done
   * with a sample draw by draw.
   */
  static forRun(prepared: PreparedRun, verifiers: readonly string[]): Promise<ExecutionRecords> {
    const { columns, tasks, config } = prepared;
    const stages = drawStages(config, verifiers);
    return columns ? ExecutionRecords.fromColumns(columns, stages) : Promise.resolve(ExecutionRecords.fromRecords(tasks, config.n, stages, null));
  }

  /** An execution of `stages` over `existing`, what the folder held as records when it started (null: nothing). */
  static fromRecords(tasks: readonly Task[], n: number, stages: readonly string[], existing: (Pick<RunData, 'generations' | 'verifications'> & Partial<Pick<RunData, 'draws'>>) | null): ExecutionRecords {
    const records = new ExecutionRecords(tasks, n, stages);
    for (const g of existing?.generations.values() ?? []) records.add(g);
    for (const byVerifier of existing?.verifications.values() ?? []) for (const r of byVerifier.values()) records.add(r);
    for (const byStage of existing?.draws?.values() ?? []) for (const r of byStage.values()) records.add(r);
    // A task that is already complete needs none of its texts.
    for (const task of tasks) if (records.complete(task.id)) records.taskDone(task.id);
    return records;
  }

  /**
   * An execution over what the folder held as columns when it started: presence from the columns,
   * and the generation records of the tasks not complete read again from samples.jsonl at their
   * offsets (a resume cut at 90 % reads a few; a task that is complete needs none of its texts).
   */
  static async fromColumns(cols: RunColumns, stages: readonly string[]): Promise<ExecutionRecords> {
    const { n } = cols.manifest.config;
    const records = new ExecutionRecords(cols.tasks, n, stages);
    const scores = stages.map((stage) => [records.verified.get(stage) as Uint8Array, stageColumn(cols, stage)?.score] as const);
    for (let row = 0; row < cols.rows; row++) {
      const index = cols.index[row] as number;
      if (index >= n) continue;
      const slot = (cols.task[row] as number) * n + index;
      if (cols.generation[row] !== -1) records.generated[slot] = 1;
      for (const [flags, score] of scores) if (score !== undefined && !Number.isNaN(score[row] as number)) flags[slot] = 1;
    }
    const unfinished = new Uint8Array(cols.tasks.length);
    cols.tasks.forEach((task, t) => (unfinished[t] = records.complete(task.id) ? 0 : 1));
    const offsets: number[] = [];
    for (let row = 0; row < cols.rows; row++) {
      const offset = cols.generation[row] as number;
      if (offset !== -1 && (cols.index[row] as number) < n && unfinished[cols.task[row] as number] === 1) offsets.push(offset);
    }
    if (offsets.length === 0) return records;
    const lines = await LineReader.open(path.join(cols.dir, RUN_FILES.samples));
    try {
      for (const offset of offsets.sort((a, b) => a - b)) records.add(parseGeneration(await lines.lineAt(offset), lines.file, offset));
    } finally {
      await lines.close();
    }
    return records;
  }

  hasGeneration(task: string, index: number): boolean {
    return this.flag(this.generated, task, index);
  }

  generation(task: string, index: number): GenerationRecord | undefined {
    return this.held.get(sampleKey(task, index));
  }

  hasVerification(task: string, index: number, stage: string): boolean {
    const column = this.verified.get(stage);
    return column !== undefined && this.flag(column, task, index);
  }

  failedNow(task: string, index: number, stage: string): boolean {
    return this.failed.get(sampleKey(task, index))?.has(stage) ?? false;
  }

  /** A record just appended to the run (or on file when the execution started). */
  add(record: SampleRecord): void {
    const slot = this.slot(record.task, record.index);
    if (record.type === 'failure') {
      const key = sampleKey(record.task, record.index);
      let stages = this.failed.get(key);
      if (!stages) this.failed.set(key, (stages = new Set()));
      stages.add(stageKey(record.stage, record.draw));
    } else if (slot === -1) {
      return;
    } else if (record.type === 'generation') {
      this.generated[slot] = 1;
      this.held.set(sampleKey(record.task, record.index), record);
    } else {
      const column = this.verified.get(stageKey(record.verifier, record.draw));
      if (column) column[slot] = 1;
    }
  }

  /** The task has been worked through in this pass: its generations are not needed again. */
  taskDone(task: string): void {
    for (let i = 0; i < this.n; i++) this.held.delete(sampleKey(task, i));
  }

  private complete(task: string): boolean {
    for (let i = 0; i < this.n; i++) {
      if (!this.hasGeneration(task, i)) return false;
      for (const stage of this.stages) if (!this.hasVerification(task, i, stage)) return false;
    }
    return true;
  }

  private slot(task: string, index: number): number {
    const t = this.taskAt.get(task);
    return t === undefined || index >= this.n ? -1 : t * this.n + index;
  }

  private flag(column: Uint8Array, task: string, index: number): boolean {
    const slot = this.slot(task, index);
    return slot !== -1 && column[slot] === 1;
  }
}

// The line was validated when the columns were read moments ago; only an edit since can make it unreadable.
function parseGeneration(text: string, file: string, offset: number): GenerationRecord {
  const json = parseJson(text);
  const parsed = json.ok ? generationRecordSchema.safeParse(json.value) : null;
  if (parsed?.success) return parsed.data;
  throw new UserError(`${file}: the line at byte ${offset} is no longer the generation record it was when the run was read; was the file edited? Resume again`);
}
