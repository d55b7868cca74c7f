// Check Selection without a gold answer: the task's samples grouped by their normalized answer, so the
// user can see what the model converges on, how the verifiers score each answer, and mark the right one.
import type { StoredRow } from './sampleStore';

export interface AnswerCluster {
  /** The normalized answer; null groups the samples where no answer was found. */
  answer: string | null;
  /** How the answer was written in the first sample that gave it (for display). */
  example: string | null;
  /** Sample indices, ascending. */
  indices: number[];
  /** Share of the task's samples. */
  share: number;
  /** Verifier -> mean of its non-null scores in the cluster (null if none). */
  meanScores: Record<string, number | null>;
}

/** Clusters, most frequent first; ties by answer text, the no-answer cluster last. */
export function answerClusters(rows: readonly StoredRow[], verifiers: readonly string[], scoreOf: (row: StoredRow, verifier: string) => number | null): AnswerCluster[] {
  const groups = new Map<string | null, StoredRow[]>();
  for (const row of rows) {
    const group = groups.get(row.normalized);
    if (group) group.push(row);
    else groups.set(row.normalized, [row]);
  }
  const clusters = [...groups.entries()].map(([answer, members]): AnswerCluster => {
    const meanScores: Record<string, number | null> = {};
    for (const verifier of verifiers) {
      let sum = 0;
      let n = 0;
      for (const row of members) {
        const score = scoreOf(row, verifier);
        if (typeof score === 'number') {
          sum += score;
          n++;
        }
      }
      meanScores[verifier] = n === 0 ? null : sum / n;
    }
    return {
      answer,
      example: members[0]?.extracted ?? null,
      indices: members.map((m) => m.index).sort((a, b) => a - b),
      share: members.length / rows.length,
      meanScores,
    };
  });
  return clusters.sort((a, b) => {
    if ((a.answer === null) !== (b.answer === null)) return a.answer === null ? 1 : -1;
    return b.indices.length - a.indices.length || ((a.answer ?? '') < (b.answer ?? '') ? -1 : (a.answer ?? '') > (b.answer ?? '') ? 1 : 0);
  });
}
