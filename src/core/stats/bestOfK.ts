// best-of-k: the accuracy of answering with the verifier's favourite among k random samples.
import { bestFirstOrder } from '../filter/ranking';

/**
 * Mean over tasks of best-of-k for k = 1..maxK (index k−1): the exact expectation, over k-subsets of the
 * task's n samples drawn uniformly without replacement, of the correctness of the subset's best sample
 * (highest score, ties by lower index, missing scores lowest). With the task ranked best first, the
 * sample at rank j is the subset's best iff it is drawn and the other k−1 come from the n−1−j below it:
 * p_j = C(n−1−j, k−1)/C(n, k), so p_0 = k/n and p_{j+1} = p_j·(n−j−k)/(n−1−j). O(n·maxK) per task.
 */
export function bestOfKCurve(scores: Float64Array, correct: Uint8Array, starts: Int32Array, maxK: number): number[] {
  const tasks = starts.length - 1;
  const sums = new Float64Array(maxK);
  for (let t = 0; t < tasks; t++) {
    const from = starts[t] as number;
    const order = bestFirstOrder(scores, from, starts[t + 1] as number);
    const n = order.length;
    if (n < maxK) throw new Error(`best-of-${maxK} needs at least ${maxK} samples per task`);
    for (let k = 1; k <= maxK; k++) {
      let p = k / n;
      let expected = 0;
      for (let j = 0; j <= n - k; j++) {
        if (correct[order[j] as number] === 1) expected += p;
        p *= (n - j - k) / (n - 1 - j);
      }
      sums[k - 1] = (sums[k - 1] as number) + expected;
    }
  }
  return Array.from(sums, (sum) => sum / tasks);
}
