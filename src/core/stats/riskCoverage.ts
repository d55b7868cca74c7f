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

/** Per tie block: how many samples it holds and how many of them are incorrect (with multiplicity). */
export interface BlockTotals {
  samples: Float64Array;
  errors: Float64Array;
}

/** The tie blocks' totals; `multiplicity[row]`, when given, counts a row that many times (a resample). */
export function blockTotals(ranking: ScoreRanking, correct: ArrayLike<number>, multiplicity?: ArrayLike<number>): BlockTotals {
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
 * The risk–coverage curve and its area from the tie blocks' totals, best block first. Within a block
 * the order is random, so the expected errors grow linearly through it: at the j-th of its n samples
 * they are E + j·e/n. null when the blocks hold no sample. `curvePoints` 0 skips the curve.
 */
export function riskCoverageOfBlocks(totals: BlockTotals, blockScores: Float64Array, curvePoints: number = RISK_COVERAGE_POINTS): RiskCoverage | null {
  let total = 0;
  let totalErrors = 0;
  for (let b = 0; b < totals.samples.length; b++) {
    total += totals.samples[b] as number;
    totalErrors += totals.errors[b] as number;
  }
  if (total === 0) return null;
  const points = Math.min(total, curvePoints);
  const curve: RiskCoveragePoint[] = [];
  // The j-th point of the curve is at i = ⌈j·N/P⌉ samples covered, j = 1..P.
  let nextPoint = 1;
  let covered = 0;
  let errors = 0;
  let riskSum = 0;
  for (let b = 0; b < totals.samples.length; b++) {
    const n = totals.samples[b] as number;
    if (n === 0) continue;
    const e = totals.errors[b] as number;
    const rate = e / n;
    // Σ_{i=a+1..a+n} (E + (i − a)·rate)/i = n·rate + (E − a·rate)·(H(a+n) − H(a)).
    riskSum += n * rate + (errors - covered * rate) * harmonicRange(covered, covered + n);
    const score = blockScores[b] as number;
    for (let i = Math.ceil((nextPoint * total) / points); nextPoint <= points && i <= covered + n; i = Math.ceil((nextPoint * total) / points)) {
      curve.push({ coverage: i / total, risk: (errors + (i - covered) * rate) / i, score: score === MISSING_SCORE ? null : score });
      nextPoint++;
    }
    covered += n;
    errors += e;
  }
  const correct = total - totalErrors;
  return {
    samples: total,
    aurc: riskSum / total,
    aurcOptimal: (total - correct - correct * harmonicRange(correct, total)) / total,
    aurcRandom: totalErrors / total,
    curve,
  };
}

/** riskCoverageOfBlocks over the rows (with multiplicity, when given). */
export function riskCoverage(ranking: ScoreRanking, correct: ArrayLike<number>, multiplicity?: ArrayLike<number>, curvePoints: number = RISK_COVERAGE_POINTS): RiskCoverage | null {
  return riskCoverageOfBlocks(blockTotals(ranking, correct, multiplicity), ranking.blockScores, curvePoints);
}

/** Below this, Σ 1/i is summed term by term; above, by the asymptotic expansion of the harmonic numbers. */
const DIRECT_TERMS = 64;

/**
 * H(b) − H(a) = Σ_{i=a+1..b} 1/i for integers 0 ≤ a ≤ b. Long ranges use H(x) = ln x + γ + 1/(2x) −
 * 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + O(x⁻⁸) from x ≥ 64 on, the difference of logarithms as log1p
 * so that nothing cancels: error below 1e-16 relative.
 */
export function harmonicRange(a: number, b: number): number {
  let sum = 0;
  let i = a;
  while (i < b && (i < DIRECT_TERMS || b - i <= DIRECT_TERMS)) sum += 1 / ++i;
  if (i === b) return sum;
  return sum + Math.log1p((b - i) / i) + harmonicTail(b) - harmonicTail(i);
}

/** H(x) − ln x − γ by its asymptotic series, for x ≥ 64. */
function harmonicTail(x: number): number {
  const inv2 = 1 / (x * x);
  return 1 / (2 * x) - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 / 252));
}
