// The gap by task difficulty: a verifier may help on mid-difficulty tasks and hurt on easy ones.
import type { DifficultyBin } from './types';

export const DEFAULT_DIFFICULTY_EDGES: readonly number[] = [0, 0.2, 0.4, 0.6, 0.8, 1];

/**
 * Tasks binned by J(f|x): bin i is [edges[i], edges[i+1]), the last bin also includes its upper edge.
 * Per bin: task count, mean J(f|x), mean J(f[w]|x) and their difference. Empty bins are left out
 * (a mean over no tasks does not exist); tasks outside [edges[0], edges[last]] fall in no bin.
 */
export function byDifficulty(accuracy: ArrayLike<number>, filtered: ArrayLike<number>, edges: readonly number[] = DEFAULT_DIFFICULTY_EDGES): DifficultyBin[] {
  if (edges.length < 2 || edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= (edges[i - 1] as number)))) {
    throw new Error(`difficulty edges must be at least two increasing finite numbers, got [${edges.join(', ')}]`);
  }
  const bins = edges.length - 1;
  const count = new Float64Array(bins);
  const sumAccuracy = new Float64Array(bins);
  const sumFiltered = new Float64Array(bins);
  for (let t = 0; t < accuracy.length; t++) {
    const j = accuracy[t] as number;
    const bin = binOf(j, edges);
    if (bin < 0) continue;
    count[bin] = (count[bin] as number) + 1;
    sumAccuracy[bin] = (sumAccuracy[bin] as number) + j;
    sumFiltered[bin] = (sumFiltered[bin] as number) + (filtered[t] as number);
  }
  const result: DifficultyBin[] = [];
  for (let bin = 0; bin < bins; bin++) {
    const tasks = count[bin] as number;
    if (tasks === 0) continue;
    const acc = (sumAccuracy[bin] as number) / tasks;
    const filteredAccuracy = (sumFiltered[bin] as number) / tasks;
    result.push({ range: [edges[bin] as number, edges[bin + 1] as number], tasks, accuracy: acc, filteredAccuracy, gap: filteredAccuracy - acc });
  }
  return result;
}

function binOf(j: number, edges: readonly number[]): number {
  const last = edges.length - 1;
  if (j === edges[last]) return last - 1;
  for (let bin = 0; bin < last; bin++) if (j >= (edges[bin] as number) && j < (edges[bin + 1] as number)) return bin;
  return -1;
}
