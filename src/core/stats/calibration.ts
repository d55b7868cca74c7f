// Whether a verifier's score can be read as the probability that the sample is correct: the
// reliability diagram, the expected and RMS calibration errors and the Brier score. Definitions:
// docs/statistics.md, "Verifier quality". Pure (the panel draws its reliability diagram from it).
import { MISSING_SCORE } from '../filter/columns';

export const CALIBRATION_BINS = 10;

export interface ReliabilityBin {
  /** [lo, hi); the last bin includes 1. */
  lo: number;
  hi: number;
  /** Scored samples in the bin (resampled: with multiplicity). */
  count: number;
  /** Mean score of the bin's samples; null when the bin is empty. */
  meanScore: number | null;
  /** Share of the bin's samples that are correct; null when the bin is empty. */
  accuracy: number | null;
}

export interface Calibration {
  /** The samples it rests on: those with a score (missing scores are left out). */
  scored: number;
  /** Mean of (score − correct)² over the scored samples. */
  brier: number;
  /** Σ over bins of (count/scored)·|accuracy − meanScore|; empty bins weigh 0. */
  ece: number;
  /** √(Σ over bins of (count/scored)·(accuracy − meanScore)²). */
  rmsce: number;
  bins: ReliabilityBin[];
}

/** The bin of a score in [0, 1]: ⌊bins·s⌋ in double precision, 1 (and anything above) in the last bin. */
export function calibrationBin(score: number, bins: number = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.floor(score * bins));
}

/** Per bin, at 4b … 4b+3 of CalibrationSums.totals: samples, Σ score, Σ correct, Σ (score − correct)². */
export const SUMS_PER_BIN = 4;

/**
 * Running sums per bin, from which the calibration statistics follow. Samples (or whole tasks' sums,
 * for a bootstrap resample, written straight into `totals`) are added with a multiplicity.
 */
export class CalibrationSums {
  /** SUMS_PER_BIN numbers per bin. */
  readonly totals: Float64Array;

  constructor(readonly bins: number = CALIBRATION_BINS) {
    if (!Number.isSafeInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
    this.totals = new Float64Array(SUMS_PER_BIN * bins);
  }

  /** One scored sample (score in [0, 1], correct 1/0), counted m times. */
  addSample(score: number, correct: number, m = 1): void {
    const at = SUMS_PER_BIN * calibrationBin(score, this.bins);
    const t = this.totals;
    t[at] = (t[at] as number) + m;
    t[at + 1] = (t[at + 1] as number) + m * score;
    t[at + 2] = (t[at + 2] as number) + m * correct;
    t[at + 3] = (t[at + 3] as number) + m * (score - correct) * (score - correct);
  }

  reset(): void {
    this.totals.fill(0);
  }

  /**
   * Writes brier, ece and rmsce to out[at], out[at+1], out[at+2] (NaN when no sample was added) and
   * returns the samples added. No allocation: the bootstrap calls it once per resample.
   */
  errorsInto(out: Float64Array, at: number): number {
    const { bins, totals } = this;
    let scored = 0;
    let squaredError = 0;
    for (let b = 0; b < bins; b++) {
      scored += totals[SUMS_PER_BIN * b] as number;
      squaredError += totals[SUMS_PER_BIN * b + 3] as number;
    }
    if (scored === 0) {
      out.fill(Number.NaN, at, at + 3);
      return 0;
    }
    let ece = 0;
    let squaredCalibration = 0;
    for (let b = 0; b < bins; b++) {
      const n = totals[SUMS_PER_BIN * b] as number;
      if (n === 0) continue;
      const difference = (totals[SUMS_PER_BIN * b + 2] as number) / n - (totals[SUMS_PER_BIN * b + 1] as number) / n;
      ece += (n / scored) * Math.abs(difference);
      squaredCalibration += (n / scored) * difference * difference;
    }
    out[at] = squaredError / scored;
    out[at + 1] = ece;
    out[at + 2] = Math.sqrt(squaredCalibration);
    return scored;
  }

  /** null when no sample was added. */
  result(): Calibration | null {
    const errors = new Float64Array(3);
    const scored = this.errorsInto(errors, 0);
    if (scored === 0) return null;
    const { bins, totals } = this;
    const reliability: ReliabilityBin[] = [];
    for (let b = 0; b < bins; b++) {
      const at = SUMS_PER_BIN * b;
      const n = totals[at] as number;
      const lo = b / bins;
      const hi = (b + 1) / bins;
      reliability.push(n === 0 ? { lo, hi, count: 0, meanScore: null, accuracy: null } : { lo, hi, count: n, meanScore: (totals[at + 1] as number) / n, accuracy: (totals[at + 2] as number) / n });
    }
    return { scored, brier: errors[0] as number, ece: errors[1] as number, rmsce: errors[2] as number, bins: reliability };
  }
}

/**
 * Calibration of `scores` (MISSING_SCORE where missing) against `correct` (1/0) over the scored rows;
 * `multiplicity[row]`, when given, counts a row that many times. null when no counted row has a score.
 */
export function calibration(
  scores: Float64Array,
  correct: ArrayLike<number>,
  multiplicity?: ArrayLike<number>,
  bins: number = CALIBRATION_BINS,
): Calibration | null {
  const sums = new CalibrationSums(bins);
  for (let row = 0; row < scores.length; row++) {
    const s = scores[row] as number;
    const m = multiplicity === undefined ? 1 : (multiplicity[row] as number);
    if (s !== MISSING_SCORE && m > 0) sums.addSample(s, correct[row] as number, m);
  }
  return sums.result();
}
