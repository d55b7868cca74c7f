// Everything the gap statistics need from one task, computed once from its rows.
import { MISSING_SCORE } from '../filter/columns';

export interface TaskSummary {
  samples: number;
  correct: number;
  /** Σ w over the task's samples. */
  weight: number;
  /** Samples with w > 0. */
  kept: number;
  keptCorrect: number;
  /** J(f|x) = correct / samples. */
  accuracy: number;
  /** J(f[w]|x) = Σ w·c / Σ w, or J(f|x) when Σ w = 0 (nothing kept). */
  filteredAccuracy: number;
  nothingKept: boolean;
}

/** Summary of rows from..to−1 (one task, at least one row). `correct` holds 1 or 0 per row. */
export function summarizeTask(correct: ArrayLike<number>, weights: ArrayLike<number>, from: number, to: number): TaskSummary {
  let nCorrect = 0;
  let weight = 0;
  let weightedCorrect = 0;
  let kept = 0;
  let keptCorrect = 0;
  for (let row = from; row < to; row++) {
    const c = correct[row] as number;
    const w = weights[row] as number;
    nCorrect += c;
    weight += w;
    weightedCorrect += w * c;
    if (w > 0) {
      kept++;
      keptCorrect += c;
    }
  }
  const samples = to - from;
  const accuracy = nCorrect / samples;
  const nothingKept = !(weight > 0);
  return {
    samples,
    correct: nCorrect,
    weight,
    kept,
    keptCorrect,
    accuracy,
    filteredAccuracy: nothingKept ? accuracy : weightedCorrect / weight,
    nothingKept,
  };
}

/** A task summary with how many samples the selector scored: what the pooled statistics (GapTally) need. */
export interface ScoredTaskSummary extends TaskSummary {
  /** Samples whose selector score is not missing (every verifier the selector reads scored them). */
  scored: number;
}

/** summarizeTask plus the scored count; `scores` holds the selector's score per row (MISSING_SCORE where missing). */
export function summarizeScoredTask(
  correct: ArrayLike<number>,
  weights: ArrayLike<number>,
  scores: ArrayLike<number>,
  from: number,
  to: number,
): ScoredTaskSummary {
  let scored = 0;
  for (let row = from; row < to; row++) if ((scores[row] as number) !== MISSING_SCORE) scored++;
  return { ...summarizeTask(correct, weights, from, to), scored };
}

/**
 * The task's term of the relative gap, (J(f[w]|x) − J(f|x)) / (1 − J(f|x)): the gain as a share of the
 * room left to improve (u*(x) = 1 for 0/1 utility). null when J(f|x) = 1, where it is undefined.
 */
export function relativeGain(task: TaskSummary): number | null {
  if (task.correct === task.samples) return null;
  return (task.filteredAccuracy - task.accuracy) / (1 - task.accuracy);
}
