// Finite-N honesty: with few samples per task the filtered accuracy of a per-task filter is biased
// relative to the gap with unlimited samples, and the task-bootstrap interval (which sees only the
// spread between tasks) covers that gap less often than it says. Definitions, the simulation and its
// numbers: docs/statistics.md, "Finite N".
import { formatFilter } from '../filter/parse';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { createRng } from '../util/random';
import { finishSteps, type Steps } from '../util/steps';
import { GapBootstrap, type BootstrapOptions, type GapInputs } from './bootstrap';
import { subsetDraws } from './anyN';
import { RunningSum } from './runningSum';
import { SubsetExpectation, type SubsetInput } from './subsetExpectation';
import type { Interval } from './types';

/** From this many samples per task on, no finite-N warning. */
export const FINITE_N_MIN_SAMPLES = 32;

export interface BiasCorrected {
  /** Mean over tasks of E over n_x/2-subsets of J(f[w]|x), minus accuracy: the gap at half the samples. */
  halfSampleGap: number;
  /** Mean over tasks of 2·J(f[w]|x) − E over n_x/2-subsets of J(f[w]|x). */
  filteredAccuracy: number;
  /** filteredAccuracy − accuracy. */
  gap: number;
  /** Task-bootstrap intervals over the per-task corrected values (the gap's resamples). */
  ci: { filteredAccuracy: Interval | null; gap: Interval | null };
}

export interface FiniteN {
  /** N: the smallest task's samples. */
  samplesPerTask: number;
  /** The finite-N warning, or null. */
  warning: string | null;
  /** The half-sample (Richardson) bias-corrected estimate, or null: see biasCorrectedUnavailable. */
  biasCorrected: BiasCorrected | null;
  /** Why there is no bias-corrected estimate; null when there is one. */
  biasCorrectedUnavailable: string | null;
}

/**
 * "few samples per task for quantile:0.5 (N = 8 < 32): …" when the filter is not topk and N < 32;
 * topk:m is defined at its N (the best m of N), so there is nothing to be biased against.
 */
export function finiteNWarning(filter: FilterSpec, samplesPerTask: number): string | null {
  if (filter.kind === 'topk' || samplesPerTask >= FINITE_N_MIN_SAMPLES) return null;
  return (
    `few samples per task for ${formatFilter(filter)} (N = ${samplesPerTask} < ${FINITE_N_MIN_SAMPLES}): ` +
    'at small N its filtered accuracy is biased and the interval of the gap may miss the gap of unlimited samples'
  );
}

/** The finite-N block when the selector scored no sample: no warning and no estimate, since nothing was filtered. */
export function unmeasuredFiniteN(samplesPerTask: number): FiniteN {
  return { samplesPerTask, warning: null, biasCorrected: null, biasCorrectedUnavailable: 'not measured: the selector scored no sample' };
}

/**
 * Samples a quantile filter keeps of n distinct scores: n − ⌈(n−1)·q⌉, the product in double precision
 * as the filter computes it. (When (n−1)·q lies within rounding of an integer without being one, the
 * cut can land on a score and keep one more; q as typed, e.g. 0.7, is far from that.)
 */
export function quantileKept(n: number, q: number): number {
  return n - Math.ceil((n - 1) * q);
}

/**
 * Why the half-sample correction does not apply, or null when it does: a quantile filter on one score,
 * an even number of samples in every task, and the same kept share at n and n/2. The correction
 * assumes a bias proportional to 1/n, which holds for the quantile cut at a fixed share (docs).
 */
export function biasCorrectionUnavailable(selector: ScoreSelector, filter: FilterSpec, samples: ArrayLike<number>): string | null {
  if (filter.kind !== 'quantile') return `offered for quantile filters only, not ${formatFilter(filter)}`;
  if (selector.kind === 'and') return 'offered for one score only (a verifier or mean(…)): and(…) cuts every part at its own quantile';
  for (let t = 0; t < samples.length; t++) {
    const n = samples[t] as number;
    if (n < 2 || n % 2 === 1) return `needs an even number of samples in every task; a task has ${n}`;
    const kept = quantileKept(n, filter.q);
    const halfKept = quantileKept(n / 2, filter.q);
    if (kept !== 2 * halfKept) {
      return `${formatFilter(filter)} keeps ${kept} of ${n} samples but ${halfKept} of ${n / 2}: the half-sample extrapolation needs the same kept share`;
    }
  }
  return null;
}

/**
 * The finite-N block of a measured report. `filtered[t]` is J(f[w]|x_t) over all the task's samples,
 * `accuracy[t]` J(f|x_t). The half-sample expectations draw from createRng(`half-sample:${seed}`).
 */
export function finiteN(
  input: SubsetInput,
  samples: ArrayLike<number>,
  accuracy: Float64Array,
  filtered: Float64Array,
  options: BootstrapOptions,
): FiniteN {
  return finishSteps(finiteNSteps(input, samples, accuracy, filtered, options));
}

/** finiteN a step at a time (one task's half-sample expectation, or one resample), for the panel's slices. */
export function* finiteNSteps(
  input: SubsetInput,
  samples: ArrayLike<number>,
  accuracy: Float64Array,
  filtered: Float64Array,
  options: BootstrapOptions,
): Steps<FiniteN> {
  const estimate = yield* finiteNEstimateSteps(input, samples, accuracy, filtered, options);
  if (!('inputs' in estimate)) return estimate;
  const { relative, point } = estimate.inputs;
  const bootstrap = new GapBootstrap(accuracy, estimate.inputs.filtered, relative, point, options);
  while (!bootstrap.advance(1)) yield;
  return finiteNResult(estimate, bootstrap);
}

/** The bias-corrected estimate before its interval, with what its task bootstrap takes: the per-task corrected values. */
export interface FiniteNEstimate {
  samplesPerTask: number;
  warning: string | null;
  halfSampleGap: number;
  inputs: GapInputs;
}

/**
 * finiteN up to its interval, a task's half-sample expectation per step: the estimate with its
 * bootstrap's inputs (a report draws it together with its other bootstraps), or the finished block
 * when there is no estimate.
 */
export function* finiteNEstimateSteps(
  input: SubsetInput,
  samples: ArrayLike<number>,
  accuracy: Float64Array,
  filtered: Float64Array,
  options: BootstrapOptions,
): Steps<FiniteNEstimate | FiniteN> {
  const tasks = accuracy.length;
  let samplesPerTask = Infinity;
  for (let t = 0; t < tasks; t++) samplesPerTask = Math.min(samplesPerTask, samples[t] as number);
  const warning = finiteNWarning(input.filter, samplesPerTask);
  const unavailable = biasCorrectionUnavailable(input.selector, input.filter, samples);
  if (unavailable !== null) return { samplesPerTask, warning, biasCorrected: null, biasCorrectedUnavailable: unavailable };
  const engine = new SubsetExpectation(input);
  const rng = createRng(`half-sample:${options.seed}`);
  const draws = subsetDraws(tasks);
  const corrected = new Float64Array(tasks);
  const accuracySum = new RunningSum();
  const halfSum = new RunningSum();
  const correctedSum = new RunningSum();
  for (let t = 0; t < tasks; t++) {
    const half = engine.expectation(t, (samples[t] as number) / 2, draws, rng).mean;
    corrected[t] = 2 * (filtered[t] as number) - half;
    accuracySum.add(accuracy[t] as number);
    halfSum.add(half);
    correctedSum.add(corrected[t] as number);
    yield;
  }
  const meanAccuracy = accuracySum.value / tasks;
  const filteredAccuracy = correctedSum.value / tasks;
  const gap = filteredAccuracy - meanAccuracy;
  const noRelative = new Float64Array(tasks).fill(Number.NaN);
  const point = { accuracy: meanAccuracy, filteredAccuracy, gap, relativeGap: null };
  return { samplesPerTask, warning, halfSampleGap: halfSum.value / tasks - meanAccuracy, inputs: { accuracy, filtered: corrected, relative: noRelative, point } };
}

/** The finite-N block of an estimate, with its bootstrap once drawn. */
export function finiteNResult({ samplesPerTask, warning, halfSampleGap, inputs: { point } }: FiniteNEstimate, drawn: GapBootstrap): FiniteN {
  const ci = drawn.intervals();
  return {
    samplesPerTask,
    warning,
    biasCorrected: { halfSampleGap, filteredAccuracy: point.filteredAccuracy as number, gap: point.gap as number, ci: { filteredAccuracy: ci.filteredAccuracy, gap: ci.gap } },
    biasCorrectedUnavailable: null,
  };
}
