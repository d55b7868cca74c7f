// The vocabulary of a filter's decisions (docs/statistics.md, "Weighted filters"). A binary filter
// keeps or drops; `exp:β` gives every sample a weight in [0, 1], read as the probability that
// rejection sampling accepts it, so its decisions are told by weight: the weight on correct and on
// incorrect samples, the Kish effective sample size, and disagreements at w ≥ ½ / w < ½. Pure.
import type { FilterSpec } from '../filter/spec';

/** The weight at and above which rejection sampling more likely accepts a sample than not. */
export const ACCEPT_WEIGHT = 0.5;

/** Whether the filter's weights are fractional (exp:β) rather than keep/drop (0 or 1). */
export function isWeighted(filter: Pick<FilterSpec, 'kind'>): boolean {
  return filter.kind === 'exp';
}

/** kept-wrong / dropped-correct; under a weighted filter the same two cases, decided at ACCEPT_WEIGHT. */
export type Disagreement = 'kept-wrong' | 'dropped-correct';

/** Whether a sample counts as kept: weight > 0 under a binary filter, weight ≥ ½ under a weighted one. */
export function accepted(weight: number, weighted: boolean): boolean {
  return weighted ? weight >= ACCEPT_WEIGHT : weight > 0;
}

/** Whether the filter's decision on a graded sample contradicts the checker's grade. */
export function disagreement(weight: number, correct: boolean, weighted: boolean): Disagreement | null {
  const kept = accepted(weight, weighted);
  if (kept && !correct) return 'kept-wrong';
  if (!kept && correct) return 'dropped-correct';
  return null;
}

/** The badge and pill words of a disagreement, in the filter's vocabulary. */
export function disagreementText(d: Disagreement, weighted: boolean): string {
  if (d === 'kept-wrong') return weighted ? 'weighted but wrong' : 'kept but wrong';
  return weighted ? 'down-weighted but correct' : 'dropped but correct';
}

export interface WeightSummary {
  /** Σ w over graded correct samples. */
  onCorrect: number;
  /** Σ w over graded incorrect samples. */
  onWrong: number;
  /** Kish: (Σ w)² / Σ w²; 0 when every weight is 0. */
  ess: number;
  samples: number;
}

/** The weight summary of the graded samples `rows` yields (weight, correct). */
export function weightSummary(rows: Iterable<readonly [weight: number, correct: boolean]>): WeightSummary {
  let onCorrect = 0;
  let onWrong = 0;
  let squares = 0;
  let samples = 0;
  for (const [w, correct] of rows) {
    samples++;
    if (correct) onCorrect += w;
    else onWrong += w;
    squares += w * w;
  }
  return { onCorrect, onWrong, ess: kish(onCorrect + onWrong, squares), samples };
}

/** Σw and the Kish effective sample size of a list of weights (one task's, say). */
export function weightMass(weights: Iterable<number>): { sum: number; ess: number } {
  let sum = 0;
  let squares = 0;
  for (const w of weights) {
    sum += w;
    squares += w * w;
  }
  return { sum, ess: kish(sum, squares) };
}

/** (Σw)² / Σw², 0 when every weight is 0. */
function kish(sum: number, squares: number): number {
  return squares > 0 ? (sum * sum) / squares : 0;
}
