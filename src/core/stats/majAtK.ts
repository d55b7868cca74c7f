// maj@k: is the majority answer among a task's first k samples correct?

/**
 * Mean over tasks of maj@k for k = 1..maxK (index k−1). For each task the first k rows (sample-index
 * order) vote with their `answer`; null answers do not vote. The winner has the most votes, ties going to
 * the answer that occurred first; the vote is correct iff the first sample giving that answer is correct.
 * With no answer among the first k the vote is wrong. One pass per task: adding row k changes only that
 * row's answer's count, so the leader only has to be compared with it.
 */
export function majAtKCurve(answers: readonly (string | null)[], correct: Uint8Array, starts: Int32Array, maxK: number): number[] {
  const tasks = starts.length - 1;
  const sums = new Float64Array(maxK);
  for (let t = 0; t < tasks; t++) {
    const from = starts[t] as number;
    if ((starts[t + 1] as number) - from < maxK) throw new Error(`maj@${maxK} needs at least ${maxK} samples per task`);
    const slot = new Map<string, number>();
    const votes: number[] = [];
    const firstAt: number[] = [];
    let leader = -1;
    for (let k = 1; k <= maxK; k++) {
      const row = from + k - 1;
      const answer = answers[row];
      if (answer !== null && answer !== undefined) {
        let id = slot.get(answer);
        if (id === undefined) {
          id = votes.length;
          slot.set(answer, id);
          votes.push(0);
          firstAt.push(row);
        }
        votes[id] = (votes[id] as number) + 1;
        if (leader < 0) leader = id;
        else {
          const lead = votes[leader] as number;
          const mine = votes[id] as number;
          if (mine > lead || (mine === lead && (firstAt[id] as number) < (firstAt[leader] as number))) leader = id;
        }
      }
      if (leader >= 0 && correct[firstAt[leader] as number] === 1) sums[k - 1] = (sums[k - 1] as number) + 1;
    }
  }
  return Array.from(sums, (sum) => sum / tasks);
}
