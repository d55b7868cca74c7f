// Can the verifier be believed? Calibration, selective-prediction risk and the chosen filter as a
// classifier, each with a task-bootstrap interval, for one score (a verifier, and(…) or mean(…)).
// Definitions: docs/statistics.md, "Verifier quality". Pure and typed-array based, so the panel
// computes the same numbers from its own rows (and draws the bootstrap in slices).
import { MISSING_SCORE } from '../filter/columns';
import type { BootstrapOptions } from './bootstrap';
import { calibration, calibrationBin, CalibrationSums, CALIBRATION_BINS, SUMS_PER_BIN, type ReliabilityBin } from './calibration';
import { expectedConfusion, filterRates, type FilterRates } from './filterQuality';
import { ResampledAurc } from './resampledAurc';
import { HarmonicNumbers, riskCoverage, ScoreRanking, type RiskCoveragePoint } from './riskCoverage';
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
  /**
   * Per task, its scored rows' calibration sums by bin, grouped by bin: the entries of bin b are
   * binStarts[b] … binStarts[b+1]−1, one per task with scored rows in b, by ascending task.
   */
  binStarts: Int32Array;
  /** Per entry: its task, and at SUMS_PER_BIN·e … its samples, Σ score, Σ correct, Σ (score − correct)². */
  entryTask: Int32Array;
  entrySums: Float64Array;
}

/** O(samples · log samples) for the ranking, O(samples) for the rest, once per score. */
export function prepareQuality(rows: QualityRows): PreparedQuality {
  const { starts, correct, scores, weights } = rows;
  const tasks = starts.length - 1;
  const ranking = new ScoreRanking(scores);
  const taskConfusion = new Float64Array(4 * tasks);
  const taskSamples = new Int32Array(tasks);
  // Entries are counted first (the bins each task's scored rows fall in), so the sums go straight into typed arrays.
  const binStarts = new Int32Array(CALIBRATION_BINS + 1);
  const binsUsed = new Int32Array(tasks);
  for (let t = 0; t < tasks; t++) {
    let used = 0;
    for (let row = starts[t] as number; row < (starts[t + 1] as number); row++) {
      const s = scores[row] as number;
      if (s !== MISSING_SCORE) used |= 1 << calibrationBin(s);
    }
    binsUsed[t] = used;
    for (let b = 0; b < CALIBRATION_BINS; b++) if ((used >> b) & 1) binStarts[b + 1] = (binStarts[b + 1] as number) + 1;
  }
  for (let b = 0; b < CALIBRATION_BINS; b++) binStarts[b + 1] = (binStarts[b + 1] as number) + (binStarts[b] as number);
  const entryTask = new Int32Array(binStarts[CALIBRATION_BINS] as number);
  const entrySums = new Float64Array(SUMS_PER_BIN * entryTask.length);
  const nextOfBin = binStarts.slice(0, CALIBRATION_BINS);
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
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      if (!((binsUsed[t] as number) & (1 << b))) continue;
      const e = nextOfBin[b] as number;
      nextOfBin[b] = e + 1;
      entryTask[e] = t;
      entrySums.set(totals.subarray(SUMS_PER_BIN * b, SUMS_PER_BIN * (b + 1)), SUMS_PER_BIN * e);
    }
  }
  return {
    rows,
    ranking,
    taskConfusion,
    taskSamples,
    resampledAurc: new ResampledAurc(ranking, starts, correct),
    binStarts,
    entryTask,
    entrySums,
  };
}

export function qualityPoint(prepared: PreparedQuality, selector: string, filter: string): QualityPoint {
  const { rows } = prepared;
  const samples = rows.correct.length;
  let scored = 0;
  for (let row = 0; row < samples; row++) if ((rows.scores[row] as number) !== MISSING_SCORE) scored++;
  const common = { selector, samples, scored, measured: scored > 0, partial: scored > 0 && scored < samples };
  const cal = scored > 0 ? calibration(rows.scores, rows.correct) : null;
  const rc = scored > 0 ? riskCoverage(prepared.ranking, rows.correct) : null;
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
 * + tie blocks) (entries: a task's rows in one calibration bin or in one tie block, at most the
 * samples) and reads memory in order: calibration adds up each bin's entries by ascending task, the
 * confusion the per-task sums, the AURC streams ResampledAurc's entries. Nothing is allocated per resample.
 *
 * Each bin's sums are added in ascending task order, as a pass task by task adding into the bins
 * would: the same additions in the same order, so the same numbers, bit for bit. A task drawn 0 times
 * adds 0, which changes no sum (they start at +0 and add no negative term).
 */
export function qualityBootstrap(prepared: PreparedQuality, options: BootstrapOptions): TaskBootstrap {
  const { taskConfusion, taskSamples, resampledAurc, binStarts, entryTask, entrySums } = prepared;
  const tasks = taskSamples.length;
  const calibrationSums = new CalibrationSums(CALIBRATION_BINS);
  const totals = calibrationSums.totals;
  const harmonic = new HarmonicNumbers();
  return new TaskBootstrap(tasks, QUALITY_INTERVALS.length, (counts, out) => {
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      // The bin's four sums in registers: this is the innermost loop of every resample.
      let n = 0;
      let score = 0;
      let right = 0;
      let squared = 0;
      for (let e = binStarts[b] as number; e < (binStarts[b + 1] as number); e++) {
        const m = counts[entryTask[e] as number] as number;
        const at = SUMS_PER_BIN * e;
        n += m * (entrySums[at] as number);
        score += m * (entrySums[at + 1] as number);
        right += m * (entrySums[at + 2] as number);
        squared += m * (entrySums[at + 3] as number);
      }
      const to = SUMS_PER_BIN * b;
      totals[to] = n;
      totals[to + 1] = score;
      totals[to + 2] = right;
      totals[to + 3] = squared;
    }
    let keptCorrect = 0;
    let keptWrong = 0;
    let droppedCorrect = 0;
    let droppedWrong = 0;
    let samples = 0;
    for (let t = 0; t < tasks; t++) {
      const m = counts[t] as number;
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

/** A score's point estimates and its bootstrap, not yet drawn (nothing is resampled when the score is missing everywhere). */
export interface QualityDraws {
  point: QualityPoint;
  bootstrap: TaskBootstrap;
}

export function qualityDraws(rows: QualityRows, selector: string, filter: string, options: BootstrapOptions): QualityDraws {
  const prepared = prepareQuality(rows);
  const point = qualityPoint(prepared, selector, filter);
  return { point, bootstrap: qualityBootstrap(prepared, point.measured ? options : { ...options, resamples: 0 }) };
}

/** The verifier's quality once its bootstrap is drawn. */
export function verifierQuality({ point, bootstrap }: QualityDraws): VerifierQuality {
  return { ...point, ci: qualityIntervals(bootstrap, point) };
}
