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

export interface GapReport {
  tasks: number;
  samples: number;
  verifier: string;
  filter: string;
  accuracy: number;
  filteredAccuracy: number;
  gap: number;
  /** null when every task has J(f|x) = 1. */
  relativeGap: number | null;
  /** Tasks with J(f|x) = 1, excluded from relativeGap. */
  relativeGapExcludedTasks: number;
  tasksNothingKept: number;
  retention: number;
  /** null when the pool lacks correct or incorrect samples. */
  auroc: number | null;
  confusion: Confusion;
  precision: number | null;
  recall: number | null;
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
