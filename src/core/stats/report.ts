// The full gap report of a set of scored samples. Definitions: docs/statistics.md.
import { formatFilter, formatSelector } from '../filter/parse';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { selectorColumn, selectorVerifiers, selectorWeights } from '../filter/weights';
import { UserError } from '../util/errors';
import { auroc } from './auroc';
import { bestOfKCurve } from './bestOfK';
import { DEFAULT_BOOTSTRAP, bootstrapGap, type BootstrapOptions } from './bootstrap';
import { verifierCorrelations } from './correlation';
import { byDifficulty } from './difficulty';
import { GapTally } from './gap';
import { majAtKCurve } from './majAtK';
import { passAtKCurve } from './passAtK';
import { buildPool } from './pool';
import { relativeGain, summarizeTask } from './taskSummary';
import type { GapReport, ScoredSample, TaskStats } from './types';

export interface ReportOptions {
  selector: ScoreSelector;
  filter: FilterSpec;
  /** Defaults to 1000 resamples, seed 0, level 0.95. */
  bootstrap?: BootstrapOptions;
  /** Bin edges on J(f|x); defaults to [0, 0.2, 0.4, 0.6, 0.8, 1]. */
  difficultyEdges?: readonly number[];
}

/**
 * Groups samples by task (each task's samples in index order), filters them and computes every statistic.
 * Throws Error on a duplicate (task, index); UserError when there are no samples or the selector names a
 * verifier no sample has a score from (which would otherwise silently keep nothing).
 */
export function computeReport(samples: readonly ScoredSample[], options: ReportOptions): GapReport {
  if (samples.length === 0) throw new UserError('No samples to report on: the run has no graded generations yet.');
  const { selector, filter } = options;
  const pool = buildPool(samples);
  const absent = selectorVerifiers(selector).filter((name) => !pool.columns.has(name));
  if (absent.length > 0) {
    const present = [...pool.columns.keys()];
    throw new UserError(
      `No sample has a score from verifier ${absent.map((a) => `"${a}"`).join(', ')} (selector "${formatSelector(selector)}"). ` +
        `Verifiers with scores: ${present.length > 0 ? present.join(', ') : 'none yet'}. Pick one of those or run the verifier first.`,
    );
  }
  const { taskIds, starts, correct } = pool;
  const tasks = taskIds.length;
  const weights = selectorWeights(pool.columns, selector, filter, starts);

  const tally = new GapTally();
  const perTask: TaskStats[] = new Array<TaskStats>(tasks);
  const accuracy = new Float64Array(tasks);
  const filtered = new Float64Array(tasks);
  const relative = new Float64Array(tasks);
  const sampleCounts = new Int32Array(tasks);
  const correctCounts = new Int32Array(tasks);
  for (let t = 0; t < tasks; t++) {
    const summary = summarizeTask(correct, weights, starts[t] as number, starts[t + 1] as number);
    tally.add(summary);
    accuracy[t] = summary.accuracy;
    filtered[t] = summary.filteredAccuracy;
    relative[t] = relativeGain(summary) ?? NaN;
    sampleCounts[t] = summary.samples;
    correctCounts[t] = summary.correct;
    perTask[t] = {
      task: taskIds[t] as string,
      samples: summary.samples,
      accuracy: summary.accuracy,
      filteredAccuracy: summary.filteredAccuracy,
      kept: summary.weight,
      nothingKept: summary.nothingKept,
    };
  }
  const totals = tally.stats();

  const scores = selectorColumn(pool.columns, selector, correct.length);
  // The k-curves need k samples in every task; k runs up to the smallest task.
  const maxK = sampleCounts.reduce((min, n) => Math.min(min, n), Infinity);
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const intervals = bootstrapGap(accuracy, filtered, relative, totals, bootstrap);
  return {
    ...totals,
    verifier: formatSelector(selector),
    filter: formatFilter(filter),
    auroc: auroc(scores, correct),
    ci: { level: bootstrap.level, resamples: bootstrap.resamples, seed: bootstrap.seed, ...intervals },
    passAtK: passAtKCurve(sampleCounts, correctCounts, maxK),
    majAtK: pool.answers ? majAtKCurve(pool.answers, correct, starts, maxK) : [],
    bestOfK: bestOfKCurve(scores, correct, starts, maxK),
    byDifficulty: byDifficulty(accuracy, filtered, options.difficultyEdges),
    correlations: verifierCorrelations(pool.columns),
    perTask,
  };
}
