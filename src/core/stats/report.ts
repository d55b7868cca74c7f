// The full gap report of a set of scored samples. Definitions: docs/statistics.md.
import { formatFilter, formatSelector } from '../filter/parse';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { selectorColumn, selectorVerifiers, selectorWeights } from '../filter/weights';
import { UserError } from '../util/errors';
import { auroc } from './auroc';
import { bestOfKCurve } from './bestOfK';
import { DEFAULT_BOOTSTRAP, gapBootstraps, Resampler, type BootstrapOptions, type GapBootstrap } from './bootstrap';
import { verifierCorrelations } from './correlation';
import { byDifficulty } from './difficulty';
import { GapTally } from './gap';
import { majAtKCurve } from './majAtK';
import { passAllKCurve, passAtKCurve } from './passAtK';
import { anyNCurve } from './anyN';
import { finiteNEstimateSteps, finiteNResult, unmeasuredFiniteN } from './finiteN';
import type { SubsetInput } from './subsetExpectation';
import { qualityDraws, verifierQuality } from './verifierQuality';
import { plainMemory } from './layoutMemory';
import { HarmonicNumbers } from './riskCoverage';
import { HELPER_THREAD, MAIN_THREAD, SharedClaims, sharedMemory, type HelperRun, type QualityHelper } from './sharedResamples';
import type { TaskBootstrap } from './taskBootstrap';
import { finishSteps } from '../util/steps';
import { buildPool, type SamplePool } from './pool';
import { oracleInputs, oracleLine, oracleTasks } from './oracle';
import { verificationCurve } from './verificationCurve';
import { fewTasksWarning } from './conclusion';
import { relativeGain, summarizeScoredTask } from './taskSummary';
import type { DifficultyBin, GapReport, ScoredSample, TaskStats } from './types';

export interface ReportOptions {
  selector: ScoreSelector;
  filter: FilterSpec;
  /** Defaults to 1000 resamples, seed 0, level 0.95. */
  bootstrap?: BootstrapOptions;
  /** Bin edges on J(f|x); defaults to [0, 0.2, 0.4, 0.6, 0.8, 1]. */
  difficultyEdges?: readonly number[];
  /**
   * Verifiers the data has even where no sample carries their score key yet (a run's configured
   * verifiers). The selector may name these and the verifiers of the samples' scores; any other
   * name is refused as a typo.
   */
  verifiers?: readonly string[];
}

/**
 * Groups samples by task (each task's samples in index order), filters them and computes every statistic.
 * When the selector scored no sample, every statistic that depends on the verifier is null (not
 * measured); with some scores it is computed over all samples, an unscored one ranking lowest.
 * Throws Error on a duplicate (task, index); UserError when there are no samples or the selector names a
 * verifier the data does not have at all (neither in `verifiers` nor in any sample's scores).
 */
export function computeReport(samples: readonly ScoredSample[], options: ReportOptions): GapReport {
  return computePoolReport(buildPool(samples), options);
}

/** computeReport over samples already laid out as a pool (a run read as columns: runColumns.ts). */
export function computePoolReport(pool: SamplePool, options: ReportOptions): GapReport {
  return draftReport(pool, options, null).finish();
}

/**
 * Below this many resampled samples (samples × resamples: 20,000 samples at the default 1,000
 * resamples) a report starts no helper thread: the helper's share would take less time than a worker
 * takes to start (docs/statistics.md, "Cost").
 */
export const SHARED_MIN_WORK = 2e7;

/**
 * computePoolReport with the verifier-quality resamples shared with a helper thread (sharedResamples.ts)
 * from `minWork` samples × resamples: the same report, bit for bit. Rejects when the helper fails
 * while it holds resamples.
 */
export async function computePoolReportShared(pool: SamplePool, options: ReportOptions, helper: QualityHelper, minWork = SHARED_MIN_WORK): Promise<GapReport> {
  const work = pool.correct.length * (options.bootstrap ?? DEFAULT_BOOTSTRAP).resamples;
  let started: HelperRun | null = null;
  let draft: ReportDraft;
  try {
    draft = draftReport(pool, options, work >= minWork ? { start: (job) => (started = helper.start(job)) } : null);
  } catch (err) {
    // The helper would draw on for nothing (and keep a CLI from exiting until it is done).
    (started as HelperRun | null)?.stop();
    throw err;
  }
  await draft.helped;
  return draft.finish();
}

/** A report whose draws are made: finish() once the helper's values (if any) are in. */
interface ReportDraft {
  helped: Promise<void> | null;
  finish(): GapReport;
}

function draftReport(pool: SamplePool, options: ReportOptions, helper: QualityHelper | null): ReportDraft {
  if (pool.correct.length === 0) throw new UserError('No samples to report on: the run has no graded generations yet.');
  const { selector, filter } = options;
  const known = new Set([...(options.verifiers ?? []), ...pool.columns.keys()]);
  const unknown = selectorVerifiers(selector).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      `No verifier ${unknown.map((a) => `"${a}"`).join(', ')} in this data (selector "${formatSelector(selector)}"). ` +
        `Verifiers it has: ${known.size > 0 ? [...known].join(', ') : 'none'}. Check the spelling, or run the verifier first.`,
    );
  }
  const { taskIds, starts, correct } = pool;
  const tasks = taskIds.length;
  const weights = selectorWeights(pool.columns, selector, filter, starts);
  const scores = selectorColumn(pool.columns, selector, correct.length);
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const filterText = formatFilter(filter);
  // Quality of the selector, then of every other verifier the data has, under the same filter. With
  // a helper, the layouts are made in the memory both threads resample them in.
  const thread = { memory: helper === null ? plainMemory : sharedMemory, harmonic: new HarmonicNumbers() };
  const others = [...known].filter((name) => selector.kind !== 'verifier' || name !== selector.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const quality = [
    qualityDraws({ starts, correct, scores, weights }, formatSelector(selector), filterText, bootstrap, thread),
    ...others.map((name) => {
      const one: ScoreSelector = { kind: 'verifier', name };
      const rows = { starts, correct, scores: selectorColumn(pool.columns, one, correct.length), weights: selectorWeights(pool.columns, one, filter, starts) };
      return qualityDraws(rows, name, filterText, bootstrap, thread);
    }),
  ];
  // The helper starts first, so that it resamples while this thread computes the rest of the report.
  const helped = helper !== null && quality.some((q) => !q.bootstrap.done);
  const resampled = quality.filter((q) => !q.bootstrap.done);
  const claims = helped ? SharedClaims.buffer(bootstrap.resamples) : null;
  const helperRun = helper === null || claims === null ? null : helper.start({ tasks, layouts: resampled.map((q) => q.layout), bootstrap, claims });

  const tally = new GapTally();
  const summaries = new Array<TaskStats>(tasks);
  const accuracy = new Float64Array(tasks);
  const filtered = new Float64Array(tasks);
  const relative = new Float64Array(tasks);
  const sampleCounts = new Int32Array(tasks);
  const correctCounts = new Int32Array(tasks);
  for (let t = 0; t < tasks; t++) {
    const summary = summarizeScoredTask(correct, weights, scores, starts[t] as number, starts[t + 1] as number);
    tally.add(summary);
    accuracy[t] = summary.accuracy;
    filtered[t] = summary.filteredAccuracy;
    relative[t] = relativeGain(summary) ?? NaN;
    sampleCounts[t] = summary.samples;
    correctCounts[t] = summary.correct;
    summaries[t] = {
      task: taskIds[t] as string,
      samples: summary.samples,
      accuracy: summary.accuracy,
      filteredAccuracy: summary.filteredAccuracy,
      kept: summary.weight,
      nothingKept: summary.nothingKept,
    };
  }
  const totals = tally.stats();
  const measured = totals.scored > 0;

  // The k-curves need k samples in every task; k runs up to the smallest task.
  const maxK = sampleCounts.reduce((min, n) => Math.min(min, n), Infinity);
  const bins = byDifficulty(accuracy, filtered, options.difficultyEdges);
  const passAtK = passAtKCurve(sampleCounts, correctCounts, maxK);
  const bestOfK = measured ? bestOfKCurve(scores, correct, starts, maxK) : null;
  const subsets: SubsetInput = { starts, correct, columns: pool.columns, selector, filter, weights, scores };
  const oracle = oracleTasks(correct, starts, filter);
  const finite = measured ? finishSteps(finiteNEstimateSteps(subsets, sampleCounts, accuracy, filtered, bootstrap)) : unmeasuredFiniteN(maxK);
  // What does not rest on the report's draws comes before them: the helper resamples meanwhile.
  const pooledAuroc = measured ? auroc(scores, correct) : null;
  const curve = pool.draws ? verificationCurve(pool, selector, filter, accuracy, bootstrap) : null;
  const majAtK = pool.answers ? majAtKCurve(pool.answers, correct, starts, maxK) : [];
  const anyN = measured ? anyNCurve(subsets, { samples: sampleCounts, correct: correctCounts }, bootstrap.seed) : null;
  const correlations = verifierCorrelations(pool.columns);
  // Every interval of the report rests on the same resamples: drawn once, for all of them together.
  const means = gapBootstraps([{ accuracy, filtered, relative, point: totals }, oracleInputs(oracle), ...('inputs' in finite ? [finite.inputs] : [])], bootstrap);
  const [gapDraws, oracleDraws, finiteDraws] = means as [GapBootstrap, GapBootstrap, GapBootstrap?];
  const counted = resampled.map((q) => q.bootstrap);
  const mainClaims = claims === null ? undefined : new SharedClaims(claims, MAIN_THREAD);
  new Resampler(tasks, bootstrap).advance(bootstrap.resamples, means, counted, mainClaims);
  return {
    helped: helperRun === null || mainClaims === undefined ? null : helperValues(helperRun, mainClaims, counted),
    finish: () => ({
      ...totals,
      verifier: formatSelector(selector),
      filter: filterText,
      auroc: pooledAuroc,
      ci: { level: bootstrap.level, resamples: bootstrap.resamples, seed: bootstrap.seed, ...gapDraws.intervals() },
      oracle: oracleLine(oracle, oracleDraws),
      // Only data with several verifications per sample has the key: reports of every other run stay as they were.
      ...(curve === null ? {} : { verificationCurve: curve }),
      passAtK,
      majAtK,
      bestOfK,
      passAllK: passAllKCurve(sampleCounts, correctCounts, maxK),
      bestOfNShortfall: bestOfK === null ? null : (passAtK[maxK - 1] as number) - (bestOfK[maxK - 1] as number),
      verifierQuality: quality.map(verifierQuality),
      anyN,
      finiteN: 'inputs' in finite ? finiteNResult(finite, finiteDraws as GapBootstrap) : finite,
      byDifficulty: measured ? bins : bins.map(unmeasuredBin),
      correlations,
      perTask: measured ? summaries : summaries.map(unmeasuredTask),
      fewTasksWarning: fewTasksWarning(tasks),
    }),
  };
}

/**
 * Every resample is claimed once this thread has drawn them all. A helper that claimed none (it had
 * not started yet) is stopped and not waited for; else its values join the bootstraps'.
 */
async function helperValues(run: HelperRun, claims: SharedClaims, counted: readonly TaskBootstrap[]): Promise<void> {
  if (claims.held(HELPER_THREAD) === 0) {
    run.stop();
    return;
  }
  const values = await run.values;
  if (values.length !== counted.length) throw new Error(`the helper thread sent the values of ${values.length} scores, not ${counted.length}`);
  counted.forEach((bootstrap, i) => bootstrap.addValues(values[i] as Float64Array[]));
}

/** Without a single score the filter decided nothing: only the verifier-free numbers remain. */
function unmeasuredBin(bin: DifficultyBin): DifficultyBin {
  return { ...bin, filteredAccuracy: null, gap: null };
}

function unmeasuredTask(task: TaskStats): TaskStats {
  return { ...task, filteredAccuracy: null, kept: null, nothingKept: null };
}
