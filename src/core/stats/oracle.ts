// The oracle line (docs/statistics.md, "The oracle line"): what the report's filter gives with the
// answer checker as the verifier — score 1 for a sample it graded correct, 0 otherwise — the upper
// bound of the paper's oracle experiments (App. B.3), shown next to the model's own gap.
import { applyFilter } from '../filter/weights';
import type { FilterSpec } from '../filter/spec';
import type { GapBootstrap, GapInputs } from './bootstrap';
import { GapTally } from './gap';
import { relativeGain, summarizeScoredTask, type ScoredTaskSummary } from './taskSummary';
import type { Interval, LiveGapStats } from './types';

export interface OracleLine {
  /** J(f[w_oracle]): the report's filter applied to the checker's 0/1 score. */
  filteredAccuracy: number;
  /** filteredAccuracy − accuracy. */
  gap: number;
  /** As the report's relativeGap; null when every task has J(f|x) = 1. */
  relativeGap: number | null;
  /** Σ w / samples under the oracle's weights. */
  retention: number;
  /** Tasks where the filter kept nothing of the oracle's scores (counted at J(f|x)). */
  tasksNothingKept: number;
  /** Task-bootstrap intervals with the report's resamples, seed and level: the same draws as the gap's. */
  ci: { filteredAccuracy: Interval; gap: Interval; relativeGap: Interval | null };
}

/** The oracle's per-task values and pooled statistics, before any interval: what the panel computes on every filter change. */
export interface OracleTasks {
  /** Pooled as the report's gap statistics; every sample is scored, so none of the verifier statistics is null. */
  stats: LiveGapStats;
  /** Per task: J(f|x), J(f[w_o]|x) and the relative term (NaN when J(f|x) = 1), as bootstrapGap takes them. */
  accuracy: Float64Array;
  filtered: Float64Array;
  relative: Float64Array;
}

/**
 * The oracle's weights and task summaries for samples laid out as a pool: task t owns rows
 * starts[t] .. starts[t+1]−1 in sample-index order, `correct` holds the (possibly checker-corrected)
 * grade per row. The oracle score is the grade itself.
 */
export function oracleTasks(correct: Uint8Array, starts: Int32Array, filter: FilterSpec): OracleTasks {
  const tasks = starts.length - 1;
  const scores = Float64Array.from(correct);
  const weights = new Float64Array(correct.length);
  let largestTask = 0;
  for (let t = 0; t < tasks; t++) largestTask = Math.max(largestTask, (starts[t + 1] as number) - (starts[t] as number));
  const scratch = new Float64Array(largestTask);
  const tally = new GapTally();
  const accuracy = new Float64Array(tasks);
  const filtered = new Float64Array(tasks);
  const relative = new Float64Array(tasks);
  // A task's oracle values depend only on its grades in row order, and most tasks share a few
  // patterns (2^N at most): each pattern is filtered and summarized once, so a filter change at a
  // million samples costs a lookup a task. The same computation on the same grades: the same bits.
  const seen = new Map<number, { summary: ScoredTaskSummary; relative: number }>();
  for (let t = 0; t < tasks; t++) {
    const from = starts[t] as number;
    const to = starts[t + 1] as number;
    const key = gradePattern(correct, from, to);
    let task = key === null ? undefined : seen.get(key);
    if (task === undefined) {
      applyFilter(scores, from, to, filter, weights, scratch);
      const summary = summarizeScoredTask(correct, weights, scores, from, to);
      task = { summary, relative: relativeGain(summary) ?? NaN };
      if (key !== null) seen.set(key, task);
    }
    tally.add(task.summary);
    accuracy[t] = task.summary.accuracy;
    filtered[t] = task.summary.filteredAccuracy;
    relative[t] = task.relative;
  }
  return { stats: tally.stats(), accuracy, filtered, relative };
}

/** The largest task whose grades make a pattern key: a leading 1 bit, then one bit a row, fits a positive int32. */
const PATTERN_ROWS = 30;

/** Rows from..to−1 of 0/1 grades as one number (a leading 1 marks the length); null for a larger task or another grade value. */
function gradePattern(correct: Uint8Array, from: number, to: number): number | null {
  if (to - from > PATTERN_ROWS) return null;
  let key = 1;
  for (let row = from; row < to; row++) {
    const grade = correct[row] as number;
    if (grade > 1) return null;
    key = (key << 1) | grade;
  }
  return key;
}

/** What the oracle's task bootstrap takes: the gap's draws, with the report's resamples, seed and level. */
export function oracleInputs({ stats, accuracy, filtered, relative }: OracleTasks): GapInputs {
  return { accuracy, filtered, relative, point: stats };
}

/** The oracle line of oracleTasks' values, with the intervals of its bootstrap once drawn. */
export function oracleLine({ stats }: OracleTasks, drawn: GapBootstrap): OracleLine {
  const intervals = drawn.intervals();
  // Every sample has an oracle score, so none of these is null.
  return {
    filteredAccuracy: stats.filteredAccuracy as number,
    gap: stats.gap as number,
    relativeGap: stats.relativeGap,
    retention: stats.retention as number,
    tasksNothingKept: stats.tasksNothingKept as number,
    ci: { filteredAccuracy: intervals.filteredAccuracy as Interval, gap: intervals.gap as Interval, relativeGap: intervals.relativeGap },
  };
}
