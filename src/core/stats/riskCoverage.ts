// Selective prediction: answer only on the samples the verifier likes best, and see how the error
// rate among them grows as more are covered. Definitions: docs/statistics.md, "Verifier quality".
import { MISSING_SCORE } from '../filter/columns';
import { argsort } from './argsort';

/** Points on the reported curve, at most. */
export const RISK_COVERAGE_POINTS = 100;

export interface RiskCoveragePoint {
  /** i/N: the share of the samples covered. */
  coverage: number;
  /** Expected share of incorrect samples among the i covered (ties in random order). */
  risk: number;
  /** The score of the i-th sample: covering ≥ i means keeping scores ≥ this; null in the missing-score block. */
  score: number | null;
}

export interface RiskCoverage {
  /** N: every sample, an unscored one ranking last. */
  samples: number;
  /** (1/N) Σ_{i=1..N} risk(i). */
  aurc: number;
  /** The AURC of a ranking that puts every correct sample first. */
  aurcOptimal: number;
  /** The AURC of a random ranking: the share of incorrect samples. */
  aurcRandom: number;
  curve: RiskCoveragePoint[];
}

/** Rows ranked by score, best first, once per score column; equal scores (including missing ones) form a tie block. */
export class ScoreRanking {
  /** Rows by score descending, missing scores last. */
  readonly order: Int32Array;
  /** End (exclusive position in `order`) of each tie block, ascending. */
  readonly blockEnds: Int32Array;
  /** The score of each tie block (MISSING_SCORE for the missing ones). */
  readonly blockScores: Float64Array;

  constructor(scores: Float64Array) {
    const negated = new Float64Array(scores.length);
    for (let row = 0; row < scores.length; row++) negated[row] = -(scores[row] as number);
    this.order = argsort(negated);
    const ends: number[] = [];
    const blockScores: number[] = [];
    for (let p = 1; p <= this.order.length; p++) {
      const previous = scores[this.order[p - 1] as number] as number;
      if (p === this.order.length || scores[this.order[p] as number] !== previous) {
        ends.push(p);
        blockScores.push(previous);
      }
    }
    this.blockEnds = Int32Array.from(ends);
    this.blockScores = Float64Array.from(blockScores);
  }
}

/**
 * The harmonic numbers H(i) = 1 + 1/2 + … + 1/i and their prefix sums C(x) = Σ_{i<x} H(i) =
 * x·H(x−1) − x + 1, for i, x = 0, 1, 2, …; H summed with Neumaier compensation, so every entry is
 * within an ulp or two. Grown on demand (`reserve`).
 */
export class HarmonicNumbers {
  /** H(i) at i. */
  h = new Float64Array(1);
  /** C(x) at x. */
  c = new Float64Array(1);
  private sum = 0;
  private compensation = 0;

  /** Makes H and C available up to `max`. */
  reserve(max: number): void {
    if (max < this.h.length) return;
    // Grown by a quarter at least: amortized O(1) per entry, and at 10^7 samples the two tables do not double.
    const length = Math.max(max + 1, Math.ceil(1.25 * this.h.length));
    const h = new Float64Array(length);
    const c = new Float64Array(length);
    h.set(this.h);
    c.set(this.c);
    for (let i = this.h.length; i < length; i++) {
      const x = 1 / i;
      const t = this.sum + x;
      this.compensation += this.sum >= x ? this.sum - t + x : x - t + this.sum;
      this.sum = t;
      h[i] = t + this.compensation;
      c[i] = i * (h[i - 1] as number) - i + 1;
    }
    this.h = h;
    this.c = c;
  }
}

/** The running sums of an AURC sweep over the tie blocks, best first: [covered, errors, early]. */
export type AurcSweep = Float64Array;

export function startSweep(): AurcSweep {
  return new Float64Array(3);
}

/**
 * Adds tie blocks 0 … count−1 (n[b] samples, e[b] of them incorrect, best first) to the sweep; `c` =
 * HarmonicNumbers.c, reserved up to the samples of the whole sweep.
 *
 * risk(i) = E_i/i with E_i the expected errors among the first i, so Σ_i risk(i) = Σ over incorrect
 * samples of Σ_{i ≥ position} 1/i = Σ (H(N) − H(position − 1)). An incorrect sample of a tie block at
 * positions a+1 … a+n is at each with probability 1/n, so the block takes away
 * (e/n)·Σ_{j<n} H(a + j) = (e/n)·(C(a+n) − C(a)). No allocation: the bootstrap sweeps once per resample.
 */
export function sweepBlocks(sweep: AurcSweep, n: Float64Array | Int32Array, e: Float64Array | Int32Array, count: number, c: Float64Array): void {
  let covered = sweep[0] as number;
  let errors = sweep[1] as number;
  let early = sweep[2] as number;
  for (let b = 0; b < count; b++) {
    const blockSamples = n[b] as number;
    const blockErrors = e[b] as number;
    const next = covered + blockSamples;
    // No branch on n or e: in a resample a third of the blocks are empty and half are correct, in no order.
    early += (blockErrors / Math.max(blockSamples, 1)) * ((c[next] as number) - (c[covered] as number));
    covered = next;
    errors += blockErrors;
  }
  sweep[0] = covered;
  sweep[1] = errors;
  sweep[2] = early;
}

/** The AURC of a finished sweep over `samples` samples (HarmonicNumbers reserved up to them); null when 0. */
export function sweptAurc(sweep: AurcSweep, samples: number, harmonic: HarmonicNumbers): number | null {
  if (samples === 0) return null;
  return ((sweep[1] as number) * (harmonic.h[samples] as number) - (sweep[2] as number)) / samples;
}

/** Per tie block, best first: how many samples it holds and how many of them are incorrect (with multiplicity). */
interface BlockTotals {
  samples: Float64Array;
  errors: Float64Array;
}

/** The tie blocks' totals over the rows; `multiplicity[row]`, when given, counts a row that many times. */
function blockTotals(ranking: ScoreRanking, correct: ArrayLike<number>, multiplicity?: ArrayLike<number>): BlockTotals {
  const { order, blockEnds } = ranking;
  const samples = new Float64Array(blockEnds.length);
  const errors = new Float64Array(blockEnds.length);
  let p = 0;
  for (let b = 0; b < blockEnds.length; b++) {
    let n = 0;
    let e = 0;
    for (const end = blockEnds[b] as number; p < end; p++) {
      const row = order[p] as number;
      const m = multiplicity === undefined ? 1 : (multiplicity[row] as number);
      n += m;
      e += m * (1 - (correct[row] as number));
    }
    samples[b] = n;
    errors[b] = e;
  }
  return { samples, errors };
}

/**
 * The risk–coverage curve and its area over the rows (`multiplicity[row]`, when given, counts a row
 * that many times). Within a tie block the order is random, so the expected errors grow linearly
 * through it: at the j-th of its n samples they are E + j·e/n. null when no row counts.
 * `curvePoints` caps the points of the curve; `harmonic`, grown here as needed, may be shared with
 * other sweeps of the thread (one table instead of one per score).
 */
export function riskCoverage(
  ranking: ScoreRanking,
  correct: ArrayLike<number>,
  multiplicity?: ArrayLike<number>,
  curvePoints: number = RISK_COVERAGE_POINTS,
  harmonic = new HarmonicNumbers(),
): RiskCoverage | null {
  const totals = blockTotals(ranking, correct, multiplicity);
  let total = 0;
  let totalErrors = 0;
  for (let b = 0; b < totals.samples.length; b++) {
    total += totals.samples[b] as number;
    totalErrors += totals.errors[b] as number;
  }
  harmonic.reserve(total);
  const sweep = startSweep();
  sweepBlocks(sweep, totals.samples, totals.errors, totals.samples.length, harmonic.c);
  const aurc = sweptAurc(sweep, total, harmonic);
  if (aurc === null) return null;
  const points = Math.min(total, curvePoints);
  const curve: RiskCoveragePoint[] = [];
  // The j-th point of the curve is at i = ⌈j·N/P⌉ samples covered, j = 1..P.
  let nextPoint = 1;
  let covered = 0;
  let errors = 0;
  for (let b = 0; b < totals.samples.length; b++) {
    const n = totals.samples[b] as number;
    const e = totals.errors[b] as number;
    const score = ranking.blockScores[b] as number;
    for (let i = Math.ceil((nextPoint * total) / points); nextPoint <= points && i <= covered + n; i = Math.ceil((nextPoint * total) / points)) {
      curve.push({ coverage: i / total, risk: (errors + ((i - covered) * e) / n) / i, score: score === MISSING_SCORE ? null : score });
      nextPoint++;
    }
    covered += n;
    errors += e;
  }
  const correctTotal = total - totalErrors;
  return {
    samples: total,
    aurc,
    aurcOptimal: (totalErrors - correctTotal * ((harmonic.h[total] as number) - (harmonic.h[correctTotal] as number))) / total,
    aurcRandom: totalErrors / total,
    curve,
  };
}
