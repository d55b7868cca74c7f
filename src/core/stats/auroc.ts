// How well the verifier's score separates correct from incorrect samples, independent of any cut.

/**
 * AUROC pooled over all samples: the probability that a random correct sample scores above a random
 * incorrect one, ties counting ½ (the Mann–Whitney U statistic / (P·N)). Missing scores are −∞ and so
 * tie with each other and lose to every real score. Both groups are sorted once and swept together:
 * O(n log n). null when there is no correct or no incorrect sample.
 */
export function auroc(scores: Float64Array, correct: Uint8Array): number | null {
  let nPositive = 0;
  for (let i = 0; i < correct.length; i++) nPositive += correct[i] as number;
  const nNegative = correct.length - nPositive;
  if (nPositive === 0 || nNegative === 0) return null;
  const positive = new Float64Array(nPositive);
  const negative = new Float64Array(nNegative);
  let p = 0;
  let q = 0;
  for (let i = 0; i < correct.length; i++) {
    if (correct[i] === 1) positive[p++] = scores[i] as number;
    else negative[q++] = scores[i] as number;
  }
  positive.sort();
  negative.sort();
  // For each positive (ascending): `below` negatives score less, `notAbove` score less or equal.
  let below = 0;
  let notAbove = 0;
  let wins = 0; // an integer plus halves: exact in a double up to 2^52
  for (const s of positive) {
    while (below < nNegative && (negative[below] as number) < s) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < nNegative && (negative[notAbove] as number) <= s) notAbove++;
    wins += below + (notAbove - below) / 2;
  }
  return wins / (nPositive * nNegative);
}
