// Any N from one run: the gap as it would have been with k ≤ N samples per task, so a user sees
// whether it has settled. Definitions: docs/statistics.md, "Any N".
import { createRng } from '../util/random';
import { finishSteps, type Steps } from '../util/steps';
import { RunningSum } from './runningSum';
import { SubsetExpectation, type SubsetInput } from './subsetExpectation';

/** Subsets drawn per k over all tasks (each task gets ⌈budget/T⌉, within [MIN, MAX]; two to estimate its variance). */
export const SUBSET_DRAW_BUDGET = 50_000;
export const MIN_SUBSET_DRAWS = 2;
export const MAX_SUBSET_DRAWS = 1000;

/** Subsets drawn per task and k where no closed form exists and the subsets are too many to enumerate. */
export function subsetDraws(tasks: number): number {
  return Math.min(MAX_SUBSET_DRAWS, Math.max(MIN_SUBSET_DRAWS, Math.ceil(SUBSET_DRAW_BUDGET / Math.max(1, tasks))));
}

/** The k reported: every k up to 16, beyond that the powers of two below K and K itself. */
export function anyNSizes(maxK: number): number[] {
  const sizes: number[] = [];
  if (maxK <= 16) {
    for (let k = 1; k <= maxK; k++) sizes.push(k);
    return sizes;
  }
  for (let k = 1; k < maxK; k *= 2) sizes.push(k);
  sizes.push(maxK);
  return sizes;
}

export interface AnyNPoint {
  /** Samples per task. */
  k: number;
  /** Mean over tasks of E over k-subsets of J(f[w]|x). */
  filteredAccuracy: number;
  /** filteredAccuracy − accuracy (E over k-subsets of J(f|x) is J(f|x)). */
  gap: number;
  /** Mean over tasks with J(f|x) < 1 of (E J(f[w]|x) − J(f|x)) / (1 − J(f|x)); null when no task has room. */
  relativeGap: number | null;
  /** Every task's expectation is exact (closed form or all subsets enumerated). */
  exact: boolean;
  /** Standard error of filteredAccuracy and gap from the drawn subsets; 0 when exact. */
  standardError: number;
  /** Standard error of relativeGap; null with relativeGap. */
  relativeGapStandardError: number | null;
}

export interface AnyN {
  /** Subsets drawn per task and k where drawn. */
  draws: number;
  /** The report's seed; the draws come from createRng(`any-n:${seed}`). */
  seed: number;
  points: AnyNPoint[];
}

/** Per task: its samples and correct samples. */
export interface TaskCounts {
  samples: ArrayLike<number>;
  correct: ArrayLike<number>;
}

/**
 * The any-N curve at anyNSizes(K), K = the smallest task. Draws, where needed, go k by k (ascending),
 * task by task (canonical order), from one generator.
 */
export function anyNCurve(input: SubsetInput, counts: TaskCounts, seed: number): AnyN {
  return finishSteps(anyNSteps(input, counts, seed));
}

/** anyNCurve one task's expectation at a time (a step yields after each), for the panel's slices. */
export function* anyNSteps(input: SubsetInput, counts: TaskCounts, seed: number): Steps<AnyN> {
  const tasks = input.starts.length - 1;
  let maxK = Infinity;
  for (let t = 0; t < tasks; t++) maxK = Math.min(maxK, counts.samples[t] as number);
  const draws = subsetDraws(tasks);
  const engine = new SubsetExpectation(input);
  const rng = createRng(`any-n:${seed}`);
  const points: AnyNPoint[] = [];
  for (const k of anyNSizes(maxK)) {
    const accuracy = new RunningSum();
    const filtered = new RunningSum();
    const relative = new RunningSum();
    let variance = 0;
    let relativeVariance = 0;
    let relativeTasks = 0;
    let exact = true;
    for (let t = 0; t < tasks; t++) {
      const n = counts.samples[t] as number;
      const c = counts.correct[t] as number;
      const estimate = engine.expectation(t, k, draws, rng);
      const j = c / n;
      accuracy.add(j);
      filtered.add(estimate.mean);
      variance += estimate.variance;
      exact &&= estimate.exact;
      if (c < n) {
        relative.add((estimate.mean - j) / (1 - j));
        relativeVariance += estimate.variance / ((1 - j) * (1 - j));
        relativeTasks++;
      }
      yield;
    }
    const filteredAccuracy = filtered.value / tasks;
    points.push({
      k,
      filteredAccuracy,
      gap: filteredAccuracy - accuracy.value / tasks,
      relativeGap: relativeTasks === 0 ? null : relative.value / relativeTasks,
      exact,
      standardError: Math.sqrt(variance) / tasks,
      relativeGapStandardError: relativeTasks === 0 ? null : Math.sqrt(relativeVariance) / relativeTasks,
    });
  }
  return { draws, seed, points };
}
