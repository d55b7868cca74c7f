// The records of a run as an execution goes: those on file when it started, and those it appends.
// An execution in several passes (the batch executors') hands them to each pass, so that a pass
// skips what an earlier one did — failures included, which only a resume asks again. Memory does
// not grow with the run: presence is a byte per sample and stage, and a generation record is
// held only while its task may still be verified (until the task is done in this execution).
import type { RunData } from '../runs/runStore';
import { sampleKey } from '../runs/sampleKey';
import type { GenerationRecord, SampleRecord } from '../runs/records';
import type { Task } from '../tasks/task';
import type { DoneWork } from './gapCheck';
import { stageKey } from '../verify/draws';

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
   * Over the run's `tasks` with `n` samples each, for an execution that runs `verifiers` (stage keys:
   * a verifier that draws K verifications is K stages); `existing`: what the folder held when it
   * started. Records of indices ≥ n are never asked about.
   */
  constructor(
    tasks: readonly Task[],
    private readonly n: number,
    private readonly verifiers: readonly string[],
    existing: (Pick<RunData, 'generations' | 'verifications'> & Partial<Pick<RunData, 'draws'>>) | null,
  ) {
    this.taskAt = new Map(tasks.map((t, i) => [t.id, i]));
    this.generated = new Uint8Array(tasks.length * n);
    for (const name of verifiers) this.verified.set(name, new Uint8Array(tasks.length * n));
    for (const g of existing?.generations.values() ?? []) this.add(g);
    for (const byVerifier of existing?.verifications.values() ?? []) for (const r of byVerifier.values()) this.add(r);
    for (const byStage of existing?.draws?.values() ?? []) for (const r of byStage.values()) this.add(r);
    // A task that is already complete needs none of its texts.
    for (const task of tasks) if (this.complete(task.id)) this.taskDone(task.id);
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
      for (const name of this.verifiers) if (!this.hasVerification(task, i, name)) return false;
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
