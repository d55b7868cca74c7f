// The gap statistics of a Dataset under one score selector and filter, assembled from the same core
// pieces as computeReport (src/core/stats/report.ts) and equal to it number for number (tests hold
// them together). They are split by what they depend on so that a slider move recomputes only the
// filter-dependent part: weights and per-task sums (fast), then the bootstrap intervals (deferred, a
// few resamples at a time).
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { selectorColumn, selectorWeights } from '../../src/core/filter/weights';
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import { auroc } from '../../src/core/stats/auroc';
import { bestOfKCurve } from '../../src/core/stats/bestOfK';
import { DEFAULT_BOOTSTRAP, GapBootstrap, resamplesPerStep, type BootstrapOptions } from '../../src/core/stats/bootstrap';
import { GapTally } from '../../src/core/stats/gap';
import { oracleTasks, type OracleTasks } from '../../src/core/stats/oracle';
import { passAllKCurve, passAtKCurve } from '../../src/core/stats/passAtK';
import { relativeGain, summarizeScoredTask, type TaskSummary } from '../../src/core/stats/taskSummary';
import type { LiveGapStats } from '../../src/core/stats/types';
import { verificationCurveSteps, type VerificationCurve } from '../../src/core/stats/verificationCurve';
import { finishSteps, type Steps } from '../../src/core/util/steps';
import { gradedColumn, type Dataset } from './dataset';

export interface FilterResult {
  /** Null when the run has no verifier: nothing is kept and J(f[w]|x) falls back to J(f|x). */
  selector: ScoreSelector | null;
  filter: FilterSpec;
  /** Filter weight of every dataset row (0 = dropped). */
  weights: Float64Array;
  /** Summary of every dataset task (for an ungraded task only the kept counts mean anything). */
  tasks: TaskSummary[];
  /** Over the graded tasks; null when no task is graded yet. */
  stats: LiveGapStats | null;
  /**
   * The selector scored at least one sample: the filter decided by scores. When false every weight is 0
   * because nothing had a score, not because the verifier judged: kept, dropped and disagreements are
   * not measured.
   */
  measured: boolean;
  /** The same filter with the checker as the verifier, over the graded tasks (docs/statistics.md, "The oracle line"); null when no task is graded. */
  oracle: OracleTasks | null;
}

export interface SelectorResult {
  selector: ScoreSelector | null;
  /** The selector's score of every dataset row (MISSING_SCORE where missing). Do not mutate. */
  scores: Float64Array;
  /** Pooled over graded rows; null without both correct and incorrect samples, or when no graded row is scored. */
  auroc: number | null;
}

/** Weights, per-task summaries and the pooled gap statistics: everything a filter change must update at once. */
export function applyFilter(ds: Dataset, selector: ScoreSelector | null, filter: FilterSpec): FilterResult {
  const weights = selector ? selectorWeights(ds.columns, selector, filter, ds.starts) : new Float64Array(ds.slots.length);
  const scores = selectorScores(ds, selector);
  const tasks = new Array<TaskSummary>(ds.taskIds.length);
  const tally = new GapTally();
  for (let t = 0; t < ds.taskIds.length; t++) {
    const summary = summarizeScoredTask(ds.correct, weights, scores, ds.starts[t] as number, ds.starts[t + 1] as number);
    tasks[t] = summary;
    if (ds.taskGraded[t] === 1) tally.add(summary);
  }
  return {
    selector,
    filter,
    weights,
    tasks,
    stats: ds.graded.tasks.length > 0 ? tally.stats() : null,
    measured: anyScored(scores),
    oracle: ds.graded.tasks.length > 0 ? oracleTasks(ds.graded.correct, ds.graded.starts, filter) : null,
  };
}

/**
 * The task-bootstrap of a filter result's confidence intervals, ready to draw (the slow part: resamples ×
 * graded tasks); null when no task is graded.
 */
export function gapBootstrap(ds: Dataset, result: FilterResult, options: BootstrapOptions = DEFAULT_BOOTSTRAP): GapBootstrap | null {
  if (!result.stats) return null;
  const graded = ds.graded.tasks;
  const accuracy = new Float64Array(graded.length);
  const filtered = new Float64Array(graded.length);
  const relative = new Float64Array(graded.length);
  graded.forEach((t, g) => {
    const summary = result.tasks[t] as TaskSummary;
    accuracy[g] = summary.accuracy;
    filtered[g] = summary.filteredAccuracy;
    relative[g] = relativeGain(summary) ?? NaN;
  });
  return new GapBootstrap(accuracy, filtered, relative, result.stats, options);
}

/** The task-bootstrap of the oracle line's intervals, drawn like the gap's (the same seed: the same draws); null when no task is graded. */
export function oracleBootstrap(result: FilterResult, options: BootstrapOptions = DEFAULT_BOOTSTRAP): GapBootstrap | null {
  const { oracle } = result;
  return oracle ? new GapBootstrap(oracle.accuracy, oracle.filtered, oracle.relative, oracle.stats, options) : null;
}

export { resamplesPerStep };

/** Scores and AUROC of a selector; independent of the filter's kind and parameter. */
export function scoreSelector(ds: Dataset, selector: ScoreSelector | null): SelectorResult {
  const scores = selectorScores(ds, selector);
  const graded = gradedColumn(ds, scores);
  const hasBothClasses = ds.graded.correct.some((c) => c === 1) && ds.graded.correct.some((c) => c === 0);
  return { selector, scores, auroc: hasBothClasses && anyScored(graded) ? auroc(graded, ds.graded.correct) : null };
}

/** The selector's score of every dataset row (MISSING_SCORE where missing, everywhere without a selector). */
function selectorScores(ds: Dataset, selector: ScoreSelector | null): Float64Array {
  return selector ? selectorColumn(ds.columns, selector, ds.slots.length) : new Float64Array(ds.slots.length).fill(MISSING_SCORE);
}

/**
 * The gap and AUROC with k of the K verifications per sample (docs/statistics.md, "The verification
 * curve"), over the graded tasks, as computeReport's `verificationCurve`: undefined where the report
 * has no key (no verifier draws several), null where it has null.
 */
export function verificationCurveOf(ds: Dataset, result: FilterResult, options: BootstrapOptions = DEFAULT_BOOTSTRAP): VerificationCurve | null | undefined {
  const steps = verificationCurveJob(ds, result, options);
  return steps === undefined ? undefined : finishSteps(steps);
}

/** verificationCurveOf a step at a time, for the panel's slices (at 10^5 samples and K = 16 the whole takes seconds); undefined without draws. */
export function verificationCurveJob(ds: Dataset, result: FilterResult, options: BootstrapOptions = DEFAULT_BOOTSTRAP): Steps<VerificationCurve | null> | undefined {
  if (ds.draws.size === 0) return undefined;
  const { selector, stats } = result;
  if (!selector || !stats) return nothing();
  const graded = (column: Float64Array): Float64Array => gradedColumn(ds, column);
  const pool = {
    taskIds: Array.from(ds.graded.tasks, (t) => ds.taskIds[t] as string),
    starts: ds.graded.starts,
    correct: ds.graded.correct,
    // Not read by the curve (nor are answers): the pool's other fields are the graded part's.
    indices: new Float64Array(0),
    answers: null,
    columns: new Map([...ds.columns].map(([name, column]) => [name, graded(column)])),
    draws: new Map([...ds.draws].map(([name, columns]) => [name, columns.map(graded)])),
  };
  const accuracy = Float64Array.from(ds.graded.tasks, (t) => (result.tasks[t] as TaskSummary).accuracy);
  return verificationCurveSteps(pool, selector, result.filter, accuracy, options);
}

/** A job with nothing to compute: null at once. */
function* nothing(): Steps<null> {
  return null;
}

export interface KCurves {
  /** Index k−1 holds the value for k, k up to the smallest graded task. */
  passAtK: number[];
  /** pass^k: the chance that k samples drawn without replacement are all correct. */
  passAllK: number[];
  /** Accuracy of the selector's favourite among k samples; empty when no graded row is scored (not measured). */
  bestOfK: number[];
}

/** Per graded task: its samples and correct samples, and K = the smallest task (0 when none is graded). */
export interface TaskCounts {
  samples: Int32Array;
  correct: Int32Array;
  maxK: number;
}

export function gradedTaskCounts(ds: Dataset): TaskCounts {
  const { starts, correct } = ds.graded;
  const tasks = starts.length - 1;
  const samples = new Int32Array(tasks);
  const correctCounts = new Int32Array(tasks);
  let maxK = tasks === 0 ? 0 : Infinity;
  for (let g = 0; g < tasks; g++) {
    const from = starts[g] as number;
    const to = starts[g + 1] as number;
    samples[g] = to - from;
    maxK = Math.min(maxK, to - from);
    for (let r = from; r < to; r++) correctCounts[g] = (correctCounts[g] as number) + (correct[r] as number);
  }
  return { samples, correct: correctCounts, maxK };
}

/** pass@k, pass^k and best-of-k over the graded tasks (empty when none is graded). */
export function kCurves(ds: Dataset, selection: SelectorResult): KCurves {
  const { samples, correct, maxK } = gradedTaskCounts(ds);
  if (samples.length === 0) return { passAtK: [], passAllK: [], bestOfK: [] };
  const scores = gradedColumn(ds, selection.scores);
  return {
    passAtK: passAtKCurve(samples, correct, maxK),
    passAllK: passAllKCurve(samples, correct, maxK),
    bestOfK: anyScored(scores) ? bestOfKCurve(scores, ds.graded.correct, ds.graded.starts, maxK) : [],
  };
}

function anyScored(scores: Float64Array): boolean {
  return scores.some((s) => s !== MISSING_SCORE);
}
