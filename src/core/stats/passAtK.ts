// pass@k, the unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on Code").

/**
 * Mean over tasks of pass@k = 1 − C(n−c, k)/C(n, k) for k = 1..maxK (index k−1), where task t has n[t]
 * samples of which c[t] are correct. The ratio is built as the product Π_{j<k} (n−c−j)/(n−j) — every
 * factor in [0, 1], so no binomial ever overflows — and extended one factor per k, O(maxK) per task.
 * maxK must not exceed any task's n.
 */
export function passAtKCurve(n: ArrayLike<number>, c: ArrayLike<number>, maxK: number): number[] {
  const sums = new Float64Array(maxK);
  for (let t = 0; t < n.length; t++) {
    const samples = n[t] as number;
    const wrong = samples - (c[t] as number);
    if (maxK > samples) throw new Error(`pass@${maxK} needs at least ${maxK} samples per task; a task has ${samples}`);
    let allWrong = 1; // C(n−c, k)/C(n, k): probability that k draws without replacement are all wrong
    for (let k = 1; k <= maxK; k++) {
      allWrong *= Math.max(0, wrong - (k - 1)) / (samples - (k - 1));
      sums[k - 1] = (sums[k - 1] as number) + (1 - allWrong);
    }
  }
  return Array.from(sums, (sum) => sum / n.length);
}

/** pass@k of a single task with n samples, c correct. */
export function passAtK(n: number, c: number, k: number): number {
  return passAtKCurve([n], [c], k)[k - 1] as number;
}
