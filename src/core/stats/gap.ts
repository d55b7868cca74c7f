// The pooled gap statistics as sums of per-task contributions, so the one-shot report and the live
// accumulator share a single definition (docs/statistics.md).
import { RunningSum } from './runningSum';
import { relativeGain, type ScoredTaskSummary } from './taskSummary';
import type { LiveGapStats } from './types';

export class GapTally {
  private tasks = 0;
  private samples = 0;
  private scored = 0;
  private correct = 0;
  private kept = 0;
  private keptCorrect = 0;
  private relativeTasks = 0;
  private nothingKept = 0;
  private readonly accuracy = new RunningSum();
  private readonly filteredAccuracy = new RunningSum();
  private readonly relativeGain = new RunningSum();
  private readonly weight = new RunningSum();

  add(task: ScoredTaskSummary): void {
    this.apply(task, 1);
  }

  remove(task: ScoredTaskSummary): void {
    this.apply(task, -1);
  }

  /**
   * With no task added, the mean over tasks does not exist: accuracy is NaN. When no sample is scored
   * (nothing to filter by), every statistic that depends on the verifier is null: not measured.
   */
  stats(): LiveGapStats {
    const accuracy = this.accuracy.value / this.tasks;
    const common = { tasks: this.tasks, samples: this.samples, scored: this.scored, accuracy, relativeGapExcludedTasks: this.tasks - this.relativeTasks };
    if (this.scored === 0) {
      return { ...common, filteredAccuracy: null, gap: null, relativeGap: null, tasksNothingKept: null, retention: null, confusion: null, precision: null, recall: null };
    }
    const filteredAccuracy = this.filteredAccuracy.value / this.tasks;
    const keptWrong = this.kept - this.keptCorrect;
    return {
      ...common,
      filteredAccuracy,
      gap: filteredAccuracy - accuracy,
      relativeGap: this.relativeTasks === 0 ? null : this.relativeGain.value / this.relativeTasks,
      tasksNothingKept: this.nothingKept,
      retention: this.weight.value / this.samples,
      confusion: {
        keptCorrect: this.keptCorrect,
        keptWrong,
        droppedCorrect: this.correct - this.keptCorrect,
        droppedWrong: this.samples - this.correct - keptWrong,
      },
      precision: this.kept === 0 ? null : this.keptCorrect / this.kept,
      recall: this.correct === 0 ? null : this.keptCorrect / this.correct,
    };
  }

  private apply(task: ScoredTaskSummary, sign: 1 | -1): void {
    this.tasks += sign;
    this.samples += sign * task.samples;
    this.scored += sign * task.scored;
    this.correct += sign * task.correct;
    this.kept += sign * task.kept;
    this.keptCorrect += sign * task.keptCorrect;
    if (task.nothingKept) this.nothingKept += sign;
    this.accuracy.add(sign * task.accuracy);
    this.filteredAccuracy.add(sign * task.filteredAccuracy);
    this.weight.add(sign * task.weight);
    const gain = relativeGain(task);
    if (gain !== null) {
      this.relativeTasks += sign;
      this.relativeGain.add(sign * gain);
    }
  }
}
