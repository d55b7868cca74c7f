// Can the verifier be believed? Calibration, selective-prediction risk and the chosen filter as a
// classifier, each with a task-bootstrap interval, for one score (a verifier, and(…) or mean(…)).
// Definitions: docs/statistics.md, "Verifier quality". Pure and typed-array based, so the panel
// computes the same numbers from its own rows (and draws the bootstrap in slices).
import { MISSING_SCORE } from '../filter/columns';
import type { BootstrapOptions } from './bootstrap';
import { calibration, calibrationBin, CalibrationSums, CALIBRATION_BINS, SUMS_PER_BIN, type ReliabilityBin } from './calibration';
import { expectedConfusion, filterRates, type FilterRates } from './filterQuality';
import { arrayIn, plainMemory, type LayoutMemory } from './layoutMemory';
import { aurcLayout, ResampledAurc, type AurcLayout } from './resampledAurc';
import { HarmonicNumbers, riskCoverage, RISK_COVERAGE_POINTS, ScoreRanking, type RiskCoveragePoint } from './riskCoverage';
import { TaskBootstrap } from './taskBootstrap';
import type { Confusion, Interval } from './types';

/** One score's rows, task by task, as the report's pool lays them out. */
export interface QualityRows {
  /** Task t owns rows starts[t] .. starts[t+1]−1; length tasks + 1. */
  starts: Int32Array;
  /** 1 if the row's sample is correct, else 0. */
  correct: Uint8Array;
  /** The score per row, MISSING_SCORE where missing. */
  scores: Float64Array;
  /** The chosen filter's weight per row, in [0, 1]. */
  weights: Float64Array;
}

export interface FilterQuality extends FilterRates {
  /** The filter, as text. */
  filter: string;
  /** Expected confusion of rejection sampling with acceptance probability w (plain counts for binary filters). */
  confusion: Confusion;
}

/** The statistics with an interval, in the order the bootstrap computes them. */
export const QUALITY_INTERVALS = ['brier', 'ece', 'rmsce', 'aurc', 'specificity', 'balancedAccuracy', 'f1'] as const;
export type QualityIntervalKey = (typeof QUALITY_INTERVALS)[number];
export type QualityIntervals = Record<QualityIntervalKey, Interval | null>;

/** The point estimates. Every statistic is null when the score is missing for every sample (not measured). */
export interface QualityPoint {
  /** The score, as text: "mc", "and(mc,cot-score)". */
  selector: string;
  /** Every sample of the report. */
  samples: number;
  /** Samples with this score: what the calibration statistics rest on. */
  scored: number;
  /** scored > 0. */
  measured: boolean;
  /** 0 < scored < samples. */
  partial: boolean;
  brier: number | null;
  ece: number | null;
  rmsce: number | null;
  /** 10 equal-width bins on [0, 1]; null when not measured. */
  reliability: ReliabilityBin[] | null;
  /** Over every sample, the unscored ranking last. */
  aurc: number | null;
  aurcOptimal: number | null;
  aurcRandom: number | null;
  riskCoverage: RiskCoveragePoint[] | null;
  atFilter: FilterQuality | null;
}

export interface VerifierQuality extends QualityPoint {
  /** Task-bootstrap percentile intervals (the report's resamples, seed and level). */
  ci: QualityIntervals;
}

/** The rows with what every evaluation needs, computed once: the ranking and per-task sums. */
export interface PreparedQuality {
  rows: QualityRows;
  ranking: ScoreRanking;
  /** Per task: keptCorrect, keptWrong, droppedCorrect, droppedWrong (expected counts), at 4t … 4t+3. */
  taskConfusion: Float64Array;
  /** Per task, its rows. */
  taskSamples: Int32Array;
  /** The ranked rows grouped for the resamples' AURC. */
  resampledAurc: ResampledAurc;
  /** Per task, its scored rows' calibration sums by bin (only the bins it uses): entries entryStarts[t] … entryStarts[t+1]−1. */
  entryStarts: Int32Array;
  /** Per entry: its bin, and at SUMS_PER_BIN·e … its samples, Σ score, Σ correct, Σ (score − correct)². */
  entryBin: Int32Array;
  entrySums: Float64Array;
}

/** What the resamples of a score read: prepareQuality's layouts without the rows and ranking (what a helper thread is sent). */
export type QualityLayout = Pick<PreparedQuality, 'taskConfusion' | 'taskSamples' | 'entryStarts' | 'entryBin' | 'entrySums'> & { resampledAurc: AurcLayout };

/** The layouts alone, as plain typed arrays. */
export function qualityLayout({ taskConfusion, taskSamples, entryStarts, entryBin, entrySums, resampledAurc }: PreparedQuality): QualityLayout {
  const { slots, chunkStarts, entryTask, entryCode, slotRatio } = resampledAurc;
  return { taskConfusion, taskSamples, entryStarts, entryBin, entrySums, resampledAurc: { slots, chunkStarts, entryTask, entryCode, slotRatio } };
}

/**
 * O(samples · log samples) for the ranking, O(samples) for the rest, once per score. The layouts are
 * made in `memory` (layoutMemory.ts).
 */
export function prepareQuality(rows: QualityRows, memory: LayoutMemory = plainMemory): PreparedQuality {
  const { starts, correct, scores, weights } = rows;
  const tasks = starts.length - 1;
  const ranking = new ScoreRanking(scores);
  const taskConfusion = arrayIn(memory, Float64Array, 4 * tasks);
  const taskSamples = arrayIn(memory, Int32Array, tasks);
  // Entries are counted first (the bins each task's scored rows fall in), so the sums go straight into typed arrays.
  const entryStarts = arrayIn(memory, Int32Array, tasks + 1);
  for (let t = 0; t < tasks; t++) {
    let used = 0;
    for (let row = starts[t] as number; row < (starts[t + 1] as number); row++) {
      const s = scores[row] as number;
      if (s !== MISSING_SCORE) used |= 1 << calibrationBin(s);
    }
    let count = 0;
    for (; used !== 0; used &= used - 1) count++;
    entryStarts[t + 1] = (entryStarts[t] as number) + count;
  }
  const entryBin = arrayIn(memory, Int32Array, entryStarts[tasks] as number);
  const entrySums = arrayIn(memory, Float64Array, SUMS_PER_BIN * entryBin.length);
  const task = new CalibrationSums(CALIBRATION_BINS);
  const totals = task.totals;
  for (let t = 0; t < tasks; t++) {
    const from = starts[t] as number;
    const to = starts[t + 1] as number;
    taskSamples[t] = to - from;
    const c = expectedConfusion(correct, weights, from, to);
    taskConfusion[4 * t] = c.keptCorrect;
    taskConfusion[4 * t + 1] = c.keptWrong;
    taskConfusion[4 * t + 2] = c.droppedCorrect;
    taskConfusion[4 * t + 3] = c.droppedWrong;
    task.reset();
    for (let row = from; row < to; row++) {
      const s = scores[row] as number;
      if (s !== MISSING_SCORE) task.addSample(s, correct[row] as number);
    }
    let e = entryStarts[t] as number;
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      const at = SUMS_PER_BIN * b;
      if (totals[at] === 0) continue;
      entryBin[e] = b;
      // Value by value, not through a subarray: a view per entry made 10^6 objects at 10^6 samples.
      for (let i = 0; i < SUMS_PER_BIN; i++) entrySums[SUMS_PER_BIN * e + i] = totals[at + i] as number;
      e++;
    }
  }
  return {
    rows,
    ranking,
    taskConfusion,
    taskSamples,
    resampledAurc: new ResampledAurc(aurcLayout(ranking, starts, correct, memory)),
    entryStarts,
    entryBin,
    entrySums,
  };
}

/** `harmonic`: the thread's table (QualityThread). */
export function qualityPoint(prepared: PreparedQuality, selector: string, filter: string, harmonic = new HarmonicNumbers()): QualityPoint {
  const { rows } = prepared;
  const samples = rows.correct.length;
  let scored = 0;
  for (let row = 0; row < samples; row++) if ((rows.scores[row] as number) !== MISSING_SCORE) scored++;
  const common = { selector, samples, scored, measured: scored > 0, partial: scored > 0 && scored < samples };
  const cal = scored > 0 ? calibration(rows.scores, rows.correct) : null;
  const rc = scored > 0 ? riskCoverage(prepared.ranking, rows.correct, undefined, RISK_COVERAGE_POINTS, harmonic) : null;
  if (cal === null || rc === null) {
    return { ...common, brier: null, ece: null, rmsce: null, reliability: null, aurc: null, aurcOptimal: null, aurcRandom: null, riskCoverage: null, atFilter: null };
  }
  const confusion = expectedConfusion(rows.correct, rows.weights);
  return {
    ...common,
    brier: cal.brier,
    ece: cal.ece,
    rmsce: cal.rmsce,
    reliability: cal.bins,
    aurc: rc.aurc,
    aurcOptimal: rc.aurcOptimal,
    aurcRandom: rc.aurcRandom,
    riskCoverage: rc.curve,
    atFilter: { filter, confusion, ...filterRates(confusion) },
  };
}

/**
 * The bootstrap of QUALITY_INTERVALS (in that order), ready to draw: each resample counts every row of
 * a task as often as the task was drawn, with GapBootstrap's draws. A resample costs O(tasks + entries
 * + tie blocks) (entries: a task's rows in one tie block, at most the samples) and reads memory in
 * order: calibration and the confusion add up per-task sums, the AURC streams ResampledAurc's entries.
 * Nothing is allocated per resample. `harmonic`: the thread's table (QualityThread).
 */
export function qualityBootstrap(layout: QualityLayout, options: BootstrapOptions, harmonic = new HarmonicNumbers()): TaskBootstrap {
  const { taskConfusion, taskSamples, entryStarts, entryBin, entrySums } = layout;
  const resampledAurc = layout.resampledAurc instanceof ResampledAurc ? layout.resampledAurc : new ResampledAurc(layout.resampledAurc);
  const tasks = entryStarts.length - 1;
  const calibrationSums = new CalibrationSums(CALIBRATION_BINS);
  const totals = calibrationSums.totals;
  return new TaskBootstrap(tasks, QUALITY_INTERVALS.length, (counts, out) => {
    calibrationSums.reset();
    let keptCorrect = 0;
    let keptWrong = 0;
    let droppedCorrect = 0;
    let droppedWrong = 0;
    let samples = 0;
    for (let t = 0; t < tasks; t++) {
      const m = counts[t] as number;
      if (m === 0) continue;
      for (let e = entryStarts[t] as number; e < (entryStarts[t + 1] as number); e++) {
        // Unrolled over the SUMS_PER_BIN (4) sums: this is the innermost loop of every resample.
        const from = 4 * e;
        const to = 4 * (entryBin[e] as number);
        totals[to] = (totals[to] as number) + m * (entrySums[from] as number);
        totals[to + 1] = (totals[to + 1] as number) + m * (entrySums[from + 1] as number);
        totals[to + 2] = (totals[to + 2] as number) + m * (entrySums[from + 2] as number);
        totals[to + 3] = (totals[to + 3] as number) + m * (entrySums[from + 3] as number);
      }
      keptCorrect += m * (taskConfusion[4 * t] as number);
      keptWrong += m * (taskConfusion[4 * t + 1] as number);
      droppedCorrect += m * (taskConfusion[4 * t + 2] as number);
      droppedWrong += m * (taskConfusion[4 * t + 3] as number);
      samples += m * (taskSamples[t] as number);
    }
    calibrationSums.errorsInto(out, 0);
    out[3] = resampledAurc.aurc(counts, samples, harmonic) ?? Number.NaN;
    const rates = filterRates({ keptCorrect, keptWrong, droppedCorrect, droppedWrong });
    out[4] = rates.specificity ?? Number.NaN;
    out[5] = rates.balancedAccuracy ?? Number.NaN;
    out[6] = rates.f1 ?? Number.NaN;
  }, options);
}

/** The intervals of a drawn quality bootstrap, for the point estimates (null points get none). */
export function qualityIntervals(bootstrap: TaskBootstrap, point: QualityPoint): QualityIntervals {
  const at = point.atFilter;
  const values = bootstrap.intervals([point.brier, point.ece, point.rmsce, point.aurc, at?.specificity ?? null, at?.balancedAccuracy ?? null, at?.f1 ?? null]);
  return Object.fromEntries(QUALITY_INTERVALS.map((key, i) => [key, values[i] ?? null])) as QualityIntervals;
}

/** A score's point estimates and its bootstrap, not yet drawn (nothing is resampled when the score is missing everywhere), over `layout`. */
export interface QualityDraws {
  point: QualityPoint;
  bootstrap: TaskBootstrap;
  layout: QualityLayout;
}

/**
 * What the quality statistics of one thread share: where their layouts are made (layoutMemory.ts), and
 * one table of harmonic numbers. Every score's AURC reads the same H and C, up to a resample's samples:
 * at a million samples each table is 16 MB, so one per score cost tens of megabytes per thread.
 */
export interface QualityThread {
  memory: LayoutMemory;
  harmonic: HarmonicNumbers;
}

function plainThread(): QualityThread {
  return { memory: plainMemory, harmonic: new HarmonicNumbers() };
}

export function qualityDraws(rows: QualityRows, selector: string, filter: string, options: BootstrapOptions, thread: QualityThread = plainThread()): QualityDraws {
  const prepared = prepareQuality(rows, thread.memory);
  const point = qualityPoint(prepared, selector, filter, thread.harmonic);
  return { point, bootstrap: qualityBootstrap(prepared, point.measured ? options : { ...options, resamples: 0 }, thread.harmonic), layout: qualityLayout(prepared) };
}

/** The verifier's quality once its bootstrap is drawn. */
export function verifierQuality({ point, bootstrap }: QualityDraws): VerifierQuality {
  return { ...point, ci: qualityIntervals(bootstrap, point) };
}
