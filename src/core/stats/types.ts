// Inputs and outputs of the statistics. Definitions live in the functions' comments and in
// docs/statistics.md; tests hold them to hand-computed values.

/** One sample as the statistics see it. */
export interface ScoredSample {
  task: string;
  index: number;
  correct: boolean;
  /** Verifier name -> score in [0,1], or null when that verifier failed to parse. Missing counts as lowest. */
  scores: Record<string, number | null>;
  /** Normalized final answer, for majority voting (maj@k); null if none extracted. */
  answer?: string | null;
}

export type Interval = [lo: number, hi: number];

export interface Confusion {
  keptCorrect: number;
  keptWrong: number;
  droppedCorrect: number;
  droppedWrong: number;
}

export interface TaskStats {
  task: string;
  samples: number;
  /** J(f|x): mean correctness of the task's samples. */
  accuracy: number;
  /** J(f[w]|x); equals accuracy when the filter kept nothing. */
  filteredAccuracy: number;
  /** Sum of weights (kept count for binary filters). */
  kept: number;
  nothingKept: boolean;
}

export interface DifficultyBin {
  /** [lo, hi) on J(f|x); the last bin includes 1. */
  range: Interval;
  tasks: number;
  accuracy: number;
  filteredAccuracy: number;
  gap: number;
}

/**
 * The gap statistics that can be kept up to date sample by sample (GapAccumulator) — a subset of GapReport.
 * A live snapshot before the first sample has samples = 0 and NaN means (no task to average over).
 */
export interface LiveGapStats {
  tasks: number;
  samples: number;
  /** Mean over tasks of J(f|x). */
  accuracy: number;
  /** Mean over tasks of J(f[w]|x). */
  filteredAccuracy: number;
  /** filteredAccuracy − accuracy. */
  gap: number;
  /** null when every task has J(f|x) = 1. */
  relativeGap: number | null;
  /** Tasks with J(f|x) = 1, excluded from relativeGap. */
  relativeGapExcludedTasks: number;
  tasksNothingKept: number;
  /** Sum of all weights / number of samples (kept / all for binary filters). */
  retention: number;
  /** Pooled over samples; kept means weight > 0. */
  confusion: Confusion;
  /** keptCorrect / kept; null when nothing was kept. */
  precision: number | null;
  /** keptCorrect / correct; null when no sample is correct. */
  recall: number | null;
}

export interface GapReport extends LiveGapStats {
  verifier: string;
  filter: string;
  /** null when the pool lacks correct or incorrect samples. */
  auroc: number | null;
  ci: {
    level: number;
    resamples: number;
    seed: number;
    accuracy: Interval;
    filteredAccuracy: Interval;
    gap: Interval;
    relativeGap: Interval | null;
  };
  /** Index k-1 holds the value for k. */
  passAtK: number[];
  majAtK: number[];
  bestOfK: number[];
  byDifficulty: DifficultyBin[];
  /** Between every pair of verifiers present: "a~b" -> coefficient (null if undefined). */
  correlations: { pearson: Record<string, number | null>; spearman: Record<string, number | null> };
  perTask: TaskStats[];
}
