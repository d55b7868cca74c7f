// The records of a run as an execution goes: those on file when it started, and those it appends.
// An execution in several passes (the batch executors') hands them to each pass, so that a pass
// skips what an earlier one did — failures included, which only a resume asks again. Memory does
// not grow with the records' texts: presence is a byte per sample and stage, and a generation is
// held as the byte offset of its line in samples.jsonl, read again when its task is verified. A
// batch run generates every sample before it verifies any, so holding the records themselves
// would hold the whole run (2,710 MiB in the 1M-sample `batch` benchmark at d84d269; 1,035 MiB since, bench/RESULTS.md).
import path from 'node:path';
import { RUN_FILES } from '../runs/runStore';
import type { RunData } from '../runs/runStore';
import { stageColumn, type RunColumns } from '../runs/runColumns';
import { readRecordAt } from '../runs/recordAt';
import { sampleKey } from '../runs/sampleKey';
import type { GenerationRecord, SampleRecord } from '../runs/records';
import type { Task } from '../tasks/task';
import type { DoneWork } from './gapCheck';
import type { PreparedRun } from './runSession';
import { stageKey } from '../verify/draws';
import { drawStages } from '../runs/drawnScores';

/** The offset column's value for a sample whose generation line is not known to be in the file. */
const NO_LINE = -1;

export class ExecutionRecords implements DoneWork {
  private readonly taskAt: Map<string, number>;
  /** Per expected sample (task position × n + index): 1 when it has a generation. */
  private readonly generated: Uint8Array;
  /** Per expected sample: the byte offset of its generation's line in samples.jsonl, NO_LINE when not known. */
  private readonly lines: Float64Array;
  /** Stage (verify/draws.ts stageKey: a verifier, or one of its draws) -> per expected sample: 1 when it has that stage's record. */
  private readonly verified = new Map<string, Uint8Array>();
  /** sampleKey -> the generations added without their line (fromRecords) of tasks not done yet in this execution. */
  private readonly held = new Map<string, GenerationRecord>();
  private readonly failed = new Map<string, Set<string>>();

  /**
   * Over the run's `tasks` with `n` samples each, for an execution that runs `stages` (verify/draws.ts
   * stageKey: a verifier that draws K verifications is K stages), whose samples.jsonl is `file` (null: records only
   * in memory). Records of indices ≥ n are never asked about.
   */
  private constructor(
    tasks: readonly Task[],
    private readonly n: number,
    private readonly stages: readonly string[],
    private readonly file: string | null,
  ) {
    this.taskAt = new Map(tasks.map((t, i) => [t.id, i]));
    this.generated = new Uint8Array(tasks.length * n);
    this.lines = new Float64Array(tasks.length * n).fill(NO_LINE);
    for (const stage of stages) this.verified.set(stage, new Uint8Array(tasks.length * n));
  }

  /**
   * An execution of a prepared run that runs `verifiers` (names as records carry them), over what its
   * folder held (nothing, for a new run): a verifier drawing several verifications per sample is done
   * with a sample draw by draw.
   */
  static forRun(prepared: PreparedRun, verifiers: readonly string[]): ExecutionRecords {
    const { columns, tasks, config, dir } = prepared;
    const stages = drawStages(config, verifiers);
    return columns ? ExecutionRecords.fromColumns(columns, stages) : ExecutionRecords.fromRecords(tasks, config.n, stages, null, samplesFile(dir));
  }

  /**
   * An execution of `stages` over `existing`, what the folder held as records when it started (null: nothing);
   * `file`, its samples.jsonl, is where the records the execution appends with their offsets are read again.
   */
  static fromRecords(
    tasks: readonly Task[],
    n: number,
    stages: readonly string[],
    existing: (Pick<RunData, 'generations' | 'verifications'> & Partial<Pick<RunData, 'draws'>>) | null,
    file: string | null = null,
  ): ExecutionRecords {
    const records = new ExecutionRecords(tasks, n, stages, file);
    for (const g of existing?.generations.values() ?? []) records.add(g);
    for (const byVerifier of existing?.verifications.values() ?? []) for (const r of byVerifier.values()) records.add(r);
    for (const byStage of existing?.draws?.values() ?? []) for (const r of byStage.values()) records.add(r);
    // A task that is already complete needs none of its texts.
    for (const task of tasks) if (records.complete(task.id)) records.taskDone(task.id);
    return records;
  }

  /**
   * An execution over what the folder held as columns when it started: presence, and where each
   * generation's line is, from the columns (a task that is still to be verified reads its texts then).
   */
  static fromColumns(cols: RunColumns, stages: readonly string[]): ExecutionRecords {
    const { n } = cols.manifest.config;
    const records = new ExecutionRecords(cols.tasks, n, stages, samplesFile(cols.dir));
    const scores = stages.map((stage) => [records.verified.get(stage) as Uint8Array, stageColumn(cols, stage)?.score] as const);
    for (let row = 0; row < cols.rows; row++) {
      const index = cols.index[row] as number;
      if (index >= n) continue;
      const slot = (cols.task[row] as number) * n + index;
      const line = cols.generation[row] as number;
      // A run read from its folder knows every line's offset (OFFSET_UNKNOWN is the panel's, for records added live).
      if (line !== -1) {
        records.generated[slot] = 1;
        if (line >= 0) records.lines[slot] = line;
      }
      for (const [flags, score] of scores) if (score !== undefined && !Number.isNaN(score[row] as number)) flags[slot] = 1;
    }
    return records;
  }

  hasGeneration(task: string, index: number): boolean {
    return this.flag(this.generated, task, index);
  }

  generation(task: string, index: number): GenerationRecord | undefined {
    const held = this.held.get(sampleKey(task, index));
    if (held !== undefined) return held;
    const slot = this.slot(task, index);
    const line = slot === -1 ? NO_LINE : (this.lines[slot] as number);
    if (line === NO_LINE || this.file === null) return undefined;
    return readRecordAt(this.file, line, { type: 'generation', task, index }, 'resume the run again');
  }

  hasVerification(task: string, index: number, stage: string): boolean {
    const column = this.verified.get(stage);
    return column !== undefined && this.flag(column, task, index);
  }

  failedNow(task: string, index: number, stage: string): boolean {
    return this.failed.get(sampleKey(task, index))?.has(stage) ?? false;
  }

  hasEveryRecord(task: string, stages: readonly string[]): boolean {
    const t = this.taskAt.get(task);
    if (t === undefined) return false;
    const first = t * this.n;
    const columns = [this.generated, ...stages.map((stage) => this.verified.get(stage))];
    for (const column of columns) {
      if (column === undefined) return false;
      for (let slot = first; slot < first + this.n; slot++) if (column[slot] !== 1) return false;
    }
    return true;
  }

  /** A record just appended to the run at byte `line` of samples.jsonl (or on file when the execution started, or in memory only: no line). */
  add(record: SampleRecord, line?: number): void {
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
      if (line === undefined) this.held.set(sampleKey(record.task, record.index), record);
      else this.lines[slot] = line;
    } else {
      const column = this.verified.get(stageKey(record.verifier, record.draw));
      if (column) column[slot] = 1;
    }
  }

  /** The task has been worked through in this pass: its generations held in memory are not needed again. */
  taskDone(task: string): void {
    // Nothing held (an execution over a run folder holds offsets): no key to build for each of a resume's finished tasks.
    if (this.held.size === 0) return;
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

function samplesFile(dir: string): string {
  return path.join(dir, RUN_FILES.samples);
}
