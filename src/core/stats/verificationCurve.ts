// Does more verification compute pay? With K verifications per sample (`--verifications K`), the gap
// and AUROC at every k ≤ K from the one run: each k-subset of the draws aggregated as the run
// aggregates all K (docs/statistics.md, "Verification compute").
import { MISSING_SCORE } from '../filter/columns';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { selectorColumn, selectorVerifiers, selectorWeights } from '../filter/weights';
import { createRng } from '../util/random';
import { finishSteps, type Steps } from '../util/steps';
import { aggregateOf, aggregateScores } from '../verify/draws';
import { auroc } from './auroc';
import { GapBootstrap, resamplesPerStep, type BootstrapOptions } from './bootstrap';
import type { SamplePool } from './pool';
import { summarizeTask } from './taskSummary';
import type { Interval } from './types';

/** At most this many k-subsets of the draws per k: all of them when C(K, k) is no larger, else this many drawn at random. */
export const MAX_SUBSETS = 100;

export interface VerificationPoint {
  /** Verifications per sample. */
  k: number;
  /** The k-subsets of the draws averaged over. */
  subsets: number;
  /** true: every one of the C(K, k) subsets; false: `subsets` drawn uniformly at random (an unbiased estimate). */
  exact: boolean;
  filteredAccuracy: number;
  gap: number;
  /** null when every task has J(f|x) = 1. */
  relativeGap: number | null;
  /** Mean over the subsets of the pooled AUROC; null when it is undefined (no correct or no incorrect sample, or a subset scored nothing). */
  auroc: number | null;
  /** Task-bootstrap intervals over the per-task means (the report's resamples, seed and level); they leave out the subset-draw error. */
  ci: { filteredAccuracy: Interval; gap: Interval; relativeGap: Interval | null };
}

export interface VerificationCurve {
  /** K: verifications per sample of the selector's verifiers that draw several. */
  draws: number;
  /** The verifiers of the selector whose draws the subsets take (the others are read as they are). */
  verifiers: string[];
  /** The seed of the subsets drawn when C(K, k) > MAX_SUBSETS: createRng("verifications:" + seed). */
  seed: number;
  /** k = 1 … K. */
  points: VerificationPoint[];
}

/**
 * The curve of the report's selector and filter, or null when the selector reads no verifier that
 * draws several verifications, reads two with different K, or scored nothing. `accuracy`: each task's
 * J(f|x), in the pool's task order.
 */
export function verificationCurve(pool: SamplePool, selector: ScoreSelector, filter: FilterSpec, accuracy: Float64Array, bootstrap: BootstrapOptions): VerificationCurve | null {
  return finishSteps(verificationCurveSteps(pool, selector, filter, accuracy, bootstrap));
}

/** verificationCurve a step at a time (a subset's filter pass and AUROC, or a few resamples), for the panel's slices. */
export function* verificationCurveSteps(pool: SamplePool, selector: ScoreSelector, filter: FilterSpec, accuracy: Float64Array, bootstrap: BootstrapOptions): Steps<VerificationCurve | null> {
  const drawn = selectorVerifiers(selector).filter((name) => pool.draws?.has(name));
  const columnsOf = (name: string): Float64Array[] => pool.draws?.get(name) ?? [];
  const K = columnsOf(drawn[0] ?? '').length;
  if (drawn.length === 0 || drawn.some((name) => columnsOf(name).length !== K)) return null;
  const { starts, correct } = pool;
  const tasks = starts.length - 1;
  const rows = correct.length;
  if (!selectorColumn(pool.columns, selector, rows).some((s) => s !== MISSING_SCORE)) return null;
  const rng = createRng(`verifications:${bootstrap.seed}`);
  const points: VerificationPoint[] = [];
  for (let k = 1; k <= K; k++) {
    const exact = binomial(K, k) <= MAX_SUBSETS;
    const subsets = exact ? allSubsets(K, k) : Array.from({ length: MAX_SUBSETS }, () => randomSubset(K, k, rng));
    const filteredSum = new Float64Array(tasks);
    let aurocSum: number | null = 0;
    for (const subset of subsets) {
      const columns = new Map(pool.columns);
      for (const name of drawn) columns.set(name, subsetColumn(columnsOf(name), subset, aggregateOf(name), rows));
      const scores = selectorColumn(columns, selector, rows);
      const weights = selectorWeights(columns, selector, filter, starts);
      for (let t = 0; t < tasks; t++) filteredSum[t] = (filteredSum[t] as number) + summarizeTask(correct, weights, starts[t] as number, starts[t + 1] as number).filteredAccuracy;
      // A subset whose draws all failed scores nothing: its AUROC, like a report's, is not measured.
      const area: number | null = aurocSum === null || !scores.some((s) => s !== MISSING_SCORE) ? null : auroc(scores, correct);
      aurocSum = area === null || aurocSum === null ? null : aurocSum + area;
      yield;
    }
    points.push(yield* curvePoint(k, subsets.length, exact, filteredSum, aurocSum, accuracy, bootstrap));
  }
  return { draws: K, verifiers: drawn, seed: bootstrap.seed, points };
}

/** The per-task means over the subsets, pooled as the report pools the gap. */
function* curvePoint(k: number, count: number, exact: boolean, filteredSum: Float64Array, aurocSum: number | null, accuracy: Float64Array, bootstrap: BootstrapOptions): Steps<VerificationPoint> {
  const tasks = accuracy.length;
  const filtered = filteredSum.map((sum) => sum / count);
  const relative = new Float64Array(tasks);
  let accuracySum = 0;
  let filteredTotal = 0;
  let relativeSum = 0;
  let relativeTasks = 0;
  for (let t = 0; t < tasks; t++) {
    const J = accuracy[t] as number;
    // J = c/n is exactly 1 only when every sample is correct: no room to improve (taskSummary.relativeGain).
    const gain = J < 1 ? ((filtered[t] as number) - J) / (1 - J) : NaN;
    relative[t] = gain;
    accuracySum += J;
    filteredTotal += filtered[t] as number;
    if (J < 1) {
      relativeSum += gain;
      relativeTasks++;
    }
  }
  const filteredAccuracy = filteredTotal / tasks;
  const gap = filteredAccuracy - accuracySum / tasks;
  const relativeGap = relativeTasks === 0 ? null : relativeSum / relativeTasks;
  // bootstrapGap's draws, a few resamples at a time (the same intervals, bit for bit).
  const draws = new GapBootstrap(accuracy, filtered, relative, { accuracy: accuracySum / tasks, filteredAccuracy, gap, relativeGap }, bootstrap);
  while (!draws.advance(resamplesPerStep(tasks))) yield;
  const ci = draws.intervals();
  return {
    k,
    subsets: count,
    exact,
    filteredAccuracy,
    gap,
    relativeGap,
    auroc: aurocSum === null ? null : aurocSum / count,
    ci: { filteredAccuracy: ci.filteredAccuracy as Interval, gap: ci.gap as Interval, relativeGap: ci.relativeGap },
  };
}

/** Each row's aggregate of the draws in `subset` (their scored ones; none: missing). */
function subsetColumn(draws: readonly Float64Array[], subset: readonly number[], aggregate: 'mean' | 'majority', rows: number): Float64Array {
  const out = new Float64Array(rows);
  const scores = new Float64Array(subset.length);
  for (let row = 0; row < rows; row++) {
    let m = 0;
    for (const d of subset) {
      const s = (draws[d] as Float64Array)[row] as number;
      if (s !== MISSING_SCORE) scores[m++] = s;
    }
    out[row] = aggregateScores(scores.subarray(0, m), aggregate) ?? MISSING_SCORE;
  }
  return out;
}

/** C(n, k) exactly (n ≤ 16 here, far from 2^53). */
export function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Every k-subset of 0 … n−1, each ascending, in lexicographic order. */
function allSubsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    out.push(pick.slice());
    let i = k - 1;
    while (i >= 0 && pick[i] === n - k + i) i--;
    if (i < 0) return out;
    pick[i] = (pick[i] as number) + 1;
    for (let j = i + 1; j < k; j++) pick[j] = (pick[j - 1] as number) + 1;
  }
}

/** A uniform k-subset of 0 … n−1 by a partial Fisher–Yates shuffle (position j swapped with j + rng.int(n − j)), ascending. */
function randomSubset(n: number, k: number, rng: { int(n: number): number }): number[] {
  const positions = Array.from({ length: n }, (_, i) => i);
  for (let j = 0; j < k; j++) {
    const other = j + rng.int(n - j);
    [positions[j], positions[other]] = [positions[other] as number, positions[j] as number];
  }
  return positions.slice(0, k).sort((a, b) => a - b);
}
