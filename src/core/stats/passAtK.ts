// pass@k, the unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on Code"),
// and pass^k (all k correct): both are the chance that k draws without replacement all come from one group.

/**
 * Mean over tasks of value(C(m, k)/C(n, k)) for k = 1..maxK (index k−1), where task t has n[t] samples
 * and m = group(n[t], c[t]) of them are in the group. The ratio is built as the product
 * Π_{j<k} (m−j)/(n−j) — every factor in [0, 1], so no binomial ever overflows — and extended one factor
 * per k, O(maxK) per task. maxK must not exceed any task's n.
 */
function allFromGroupCurve(
  n: ArrayLike<number>,
  c: ArrayLike<number>,
  maxK: number,
  name: string,
  group: (samples: number, correct: number) => number,
  value: (allFromGroup: number) => number,
): number[] {
  const sums = new Float64Array(maxK);
  for (let t = 0; t < n.length; t++) {
    const samples = n[t] as number;
    const members = group(samples, c[t] as number);
    if (maxK > samples) throw new Error(`${name}${maxK} needs at least ${maxK} samples per task; a task has ${samples}`);
    let allFromGroup = 1;
    for (let k = 1; k <= maxK; k++) {
      allFromGroup *= Math.max(0, members - (k - 1)) / (samples - (k - 1));
      sums[k - 1] = (sums[k - 1] as number) + value(allFromGroup);
    }
  }
  return Array.from(sums, (sum) => sum / n.length);
}

/** Mean over tasks of pass@k = 1 − C(n−c, k)/C(n, k) for k = 1..maxK (index k−1); c[t] of task t's n[t] samples are correct. */
export function passAtKCurve(n: ArrayLike<number>, c: ArrayLike<number>, maxK: number): number[] {
  return allFromGroupCurve(n, c, maxK, 'pass@', (samples, correct) => samples - correct, (allWrong) => 1 - allWrong);
}

/** pass@k of a single task with n samples, c correct. */
export function passAtK(n: number, c: number, k: number): number {
  return passAtKCurve([n], [c], k)[k - 1] as number;
}

/** Mean over tasks of pass^k = C(c, k)/C(n, k), all k drawn samples correct, for k = 1..maxK. pass^1 is the accuracy. */
export function passAllKCurve(n: ArrayLike<number>, c: ArrayLike<number>, maxK: number): number[] {
  return allFromGroupCurve(n, c, maxK, 'pass^', (_samples, correct) => correct, (allCorrect) => allCorrect);
}
