// How well the chosen filter separates correct from incorrect samples, as a classifier: kept means
// "judged correct". Definitions: docs/statistics.md, "Verifier quality".
import type { Confusion } from './types';

export interface FilterRates {
  /** keptCorrect / kept; null when nothing is kept. */
  precision: number | null;
  /** keptCorrect / correct (sensitivity); null when no sample is correct. */
  recall: number | null;
  /** droppedWrong / wrong; null when no sample is wrong. */
  specificity: number | null;
  /** (recall + specificity) / 2; null when either is. */
  balancedAccuracy: number | null;
  /** 2·keptCorrect / (2·keptCorrect + keptWrong + droppedCorrect); null when that denominator is 0. */
  f1: number | null;
}

/**
 * The confusion of rejection sampling with acceptance probability w (every filter's weights lie in
 * [0, 1]: binary filters give 0/1, exp is scaled so a task's best sample weighs 1): a sample counts w
 * as kept and 1 − w as dropped. For binary filters these are the plain counts.
 */
export function expectedConfusion(correct: ArrayLike<number>, weights: ArrayLike<number>, from = 0, to = correct.length): Confusion {
  let keptCorrect = 0;
  let keptWrong = 0;
  let droppedCorrect = 0;
  let droppedWrong = 0;
  for (let row = from; row < to; row++) {
    const w = weights[row] as number;
    if (correct[row] === 1) {
      keptCorrect += w;
      droppedCorrect += 1 - w;
    } else {
      keptWrong += w;
      droppedWrong += 1 - w;
    }
  }
  return { keptCorrect, keptWrong, droppedCorrect, droppedWrong };
}

export function filterRates(c: Confusion): FilterRates {
  const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
  const recall = ratio(c.keptCorrect, c.keptCorrect + c.droppedCorrect);
  const specificity = ratio(c.droppedWrong, c.keptWrong + c.droppedWrong);
  return {
    precision: ratio(c.keptCorrect, c.keptCorrect + c.keptWrong),
    recall,
    specificity,
    balancedAccuracy: recall === null || specificity === null ? null : (recall + specificity) / 2,
    f1: ratio(2 * c.keptCorrect, 2 * c.keptCorrect + c.keptWrong + c.droppedCorrect),
  };
}
