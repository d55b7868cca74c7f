// The numbers behind the panel's charts, computed from a Dataset and the current filter.
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { binScores, type ScoreHistogram } from '../../src/core/report/histogram';
import type { TaskSummary } from '../../src/core/stats/taskSummary';
import { applyFilter } from './analysis';
import type { Dataset } from './dataset';
import { filterParameter, sweepFilters, type FilterKind } from './filterControl';

/** Verifiers whose score is a probability of being correct, so a reliability diagram makes sense. */
export const PROBABILITY_VERIFIERS: readonly string[] = ['mc'];

/** Score histogram of the graded rows split by correctness; null when nothing is graded. */
export function scoreHistogram(ds: Dataset, scores: Float64Array): ScoreHistogram | null {
  if (ds.graded.tasks.length === 0) return null;
  return binScores(gradedSamples(ds, scores));
}

function* gradedSamples(ds: Dataset, scores: Float64Array): Generator<{ score: number | null; correct: boolean }> {
  for (let r = 0; r < ds.rows.length; r++) {
    if (ds.taskGraded[ds.taskOf[r] as number] === 0) continue;
    const s = scores[r] as number;
    yield { score: s === MISSING_SCORE ? null : s, correct: ds.correct[r] === 1 };
  }
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean score of the bin's samples (NaN when empty). */
  meanScore: number;
  /** Share of the bin's samples that are correct (NaN when empty). */
  accuracy: number;
}

export interface Reliability {
  verifier: string;
  bins: ReliabilityBin[];
  /** Expected calibration error: Σ (count/total)·|accuracy − meanScore| over non-empty bins. */
  ece: number;
  samples: number;
}

/** Reliability diagram of one verifier over the graded rows with a score; null without any. */
export function reliability(ds: Dataset, verifier: string, binCount = 10): Reliability | null {
  const column = ds.columns.get(verifier);
  if (!column) return null;
  const count = new Float64Array(binCount);
  const scoreSum = new Float64Array(binCount);
  const correctSum = new Float64Array(binCount);
  let samples = 0;
  for (let r = 0; r < ds.rows.length; r++) {
    const s = column[r] as number;
    if (s === MISSING_SCORE || ds.taskGraded[ds.taskOf[r] as number] === 0) continue;
    const b = Math.min(binCount - 1, Math.floor(s * binCount));
    count[b] = (count[b] as number) + 1;
    scoreSum[b] = (scoreSum[b] as number) + s;
    correctSum[b] = (correctSum[b] as number) + (ds.correct[r] as number);
    samples++;
  }
  if (samples === 0) return null;
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const n = count[b] as number;
    const meanScore = (scoreSum[b] as number) / n;
    const accuracy = (correctSum[b] as number) / n;
    if (n > 0) ece += (n / samples) * Math.abs(accuracy - meanScore);
    bins.push({ lo: b / binCount, hi: (b + 1) / binCount, count: n, meanScore, accuracy });
  }
  return { verifier, bins, ece, samples };
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
