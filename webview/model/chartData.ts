// The numbers behind the panel's charts, computed from a Dataset and the current filter.
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { binScores, type ScoreHistogram } from '../../src/core/report/histogram';
import type { TaskSummary } from '../../src/core/stats/taskSummary';
import { applyFilter } from './analysis';
import type { Dataset } from './dataset';
import { filterParameter, sweepFilters, type FilterKind } from './filterControl';

/** Score histogram of the graded rows split by correctness; null when nothing is graded. */
export function scoreHistogram(ds: Dataset, scores: Float64Array): ScoreHistogram | null {
  if (ds.graded.tasks.length === 0) return null;
  return binScores(gradedSamples(ds, scores));
}

function* gradedSamples(ds: Dataset, scores: Float64Array): Generator<{ score: number | null; correct: boolean }> {
  for (let r = 0; r < ds.slots.length; r++) {
    if (ds.taskGraded[ds.taskOf[r] as number] === 0) continue;
    const s = scores[r] as number;
    yield { score: s === MISSING_SCORE ? null : s, correct: ds.correct[r] === 1 };
  }
}

export interface ScatterPoint {
  /** J(f|x). */
  x: number;
  /** J(f[w]|x). */
  y: number;
  /** Tasks at this point. */
  count: number;
}

/**
 * Per-task J(f|x) against J(f[w]|x), tasks at the same point merged (with n samples per task there are
 * at most (n+1)² points, so thousands of tasks stay a few dozen marks); positions rounded to 0.005.
 */
export function taskScatter(ds: Dataset, tasks: readonly TaskSummary[]): ScatterPoint[] {
  const points = new Map<string, ScatterPoint>();
  for (const t of ds.graded.tasks) {
    const summary = tasks[t] as TaskSummary;
    const x = Math.round(summary.accuracy * 200) / 200;
    const y = Math.round(summary.filteredAccuracy * 200) / 200;
    const key = `${x},${y}`;
    const point = points.get(key);
    if (point) point.count++;
    else points.set(key, { x, y, count: 1 });
  }
  return [...points.values()];
}

export interface SweepPoint {
  filter: FilterSpec;
  /** q, τ, k or β. */
  parameter: number;
  filteredAccuracy: number;
  gap: number;
  retention: number;
}

/** Accuracy, filtered accuracy and gap over a grid of the filter kind's parameter; empty when nothing is graded or scored. */
export function filterSweep(ds: Dataset, selector: ScoreSelector | null, kind: FilterKind, largestTask: number): SweepPoint[] {
  const points: SweepPoint[] = [];
  for (const filter of sweepFilters(kind, largestTask)) {
    const { stats } = applyFilter(ds, selector, filter);
    if (stats && stats.filteredAccuracy !== null && stats.gap !== null && stats.retention !== null) {
      points.push({ filter, parameter: filterParameter(filter), filteredAccuracy: stats.filteredAccuracy, gap: stats.gap, retention: stats.retention });
    }
  }
  return points;
}

/** The most samples any task has (the top-k slider's range). */
export function largestTask(ds: Dataset): number {
  let largest = 0;
  for (let t = 0; t < ds.taskIds.length; t++) largest = Math.max(largest, (ds.starts[t + 1] as number) - (ds.starts[t] as number));
  return largest;
}
