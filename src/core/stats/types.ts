// Inputs and outputs of the statistics. Definitions live in the functions' comments and in
// docs/statistics.md; tests hold them to hand-computed values.
import type { AnyN } from './anyN';
import type { FiniteN } from './finiteN';
import type { OracleLine } from './oracle';
import type { VerificationCurve } from './verificationCurve';
import type { VerifierQuality } from './verifierQuality';

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
  /** J(f[w]|x); equals accuracy when the filter kept nothing. null when the selector scored no sample of the report. */
  filteredAccuracy: number | null;
  /** Sum of weights (kept count for binary filters); null when the selector scored no sample of the report. */
  kept: number | null;
  /** null when the selector scored no sample of the report. */
  nothingKept: boolean | null;
}

export interface DifficultyBin {
  /** [lo, hi) on J(f|x); the last bin includes 1. */
  range: Interval;
  tasks: number;
  accuracy: number;
  /** null when the selector scored no sample of the report. */
  filteredAccuracy: number | null;
  gap: number | null;
}

/**
 * The gap statistics that can be kept up to date sample by sample (GapAccumulator) — a subset of GapReport.
 * Every statistic that depends on the verifier is null ("not measured") when the selector scored no
 * sample (`scored` = 0): a filter that saw no score has nothing to say (docs/statistics.md, "Coverage
 * and what a number rests on"). A live snapshot before the first sample has samples = 0 and accuracy NaN.
 */
export interface LiveGapStats {
  tasks: number;
  samples: number;
  /** Samples the selector scored: every verifier it reads has a non-null score. */
  scored: number;
  /** Mean over tasks of J(f|x). Does not depend on the verifier. */
  accuracy: number;
  /** Mean over tasks of J(f[w]|x); null when scored = 0. */
  filteredAccuracy: number | null;
  /** filteredAccuracy − accuracy; null when scored = 0. */
  gap: number | null;
  /** null when scored = 0 or when every task has J(f|x) = 1. */
  relativeGap: number | null;
  /** Tasks with J(f|x) = 1, excluded from relativeGap. Does not depend on the verifier. */
  relativeGapExcludedTasks: number;
  /** null when scored = 0. */
  tasksNothingKept: number | null;
  /** Sum of all weights / number of samples (kept / all for binary filters); null when scored = 0. */
  retention: number | null;
  /** Pooled over samples; kept means weight > 0. null when scored = 0. */
  confusion: Confusion | null;
  /** keptCorrect / kept; null when scored = 0 or nothing was kept. */
  precision: number | null;
  /** keptCorrect / correct; null when scored = 0 or no sample is correct. */
  recall: number | null;
}

export interface GapReport extends LiveGapStats {
  verifier: string;
  filter: string;
  /** null when scored = 0 or the pool lacks correct or incorrect samples. */
  auroc: number | null;
  ci: {
    level: number;
    resamples: number;
    seed: number;
    accuracy: Interval;
    /** null exactly when the point estimate is null. */
    filteredAccuracy: Interval | null;
    gap: Interval | null;
    relativeGap: Interval | null;
  };
  /** The same filter with the answer checker as the verifier (docs/statistics.md, "The oracle line"); it reads no verifier, so it is always measured. */
  oracle: OracleLine;
  /**
   * The gap and AUROC with k ≤ K verifications per sample (docs/statistics.md, "Verification compute").
   * Absent when no verifier of the data draws several; null when the selector reads none that does,
   * reads two with different K, or scored nothing.
   */
  verificationCurve?: VerificationCurve | null;
  /** Index k-1 holds the value for k. */
  passAtK: number[];
  majAtK: number[];
  /** null when scored = 0. */
  bestOfK: number[] | null;
  /** pass^k: all k drawn samples correct, k = 1..K; index k−1 holds the value for k. */
  passAllK: number[];
  /** pass@K − best-of-K at K = the smallest task (not the GV-gap); null when scored = 0. */
  bestOfNShortfall: number | null;
  /** The report's selector first, then every other verifier of the data (UTF-16 order). */
  verifierQuality: VerifierQuality[];
  /** The gap with k ≤ K samples per task; null when scored = 0. */
  anyN: AnyN | null;
  finiteN: FiniteN;
  byDifficulty: DifficultyBin[];
  /** Between every pair of verifiers present: "a~b" -> coefficient (null if undefined). */
  correlations: { pearson: Record<string, number | null>; spearman: Record<string, number | null> };
  perTask: TaskStats[];
  /** "only T tasks: the task-bootstrap interval is unreliable" when T < 30 tasks, else null. */
  fewTasksWarning: string | null;
}
