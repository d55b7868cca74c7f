// What a task's filtered accuracy would have been with fewer samples: the expectation of J(f[w]|x) over
// the k-subsets of its samples, the filter applied to the subset alone. Exact by a closed form for
// threshold (every selector) and topk (one score), by enumerating the subsets when there are few,
// else a seeded estimate from uniformly drawn subsets. Definitions: docs/statistics.md, "Any N".
import { MISSING_SCORE, type ScoreColumns } from '../filter/columns';
import { bestFirstOrder } from '../filter/ranking';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { applyFilter, selectorVerifiers, selectorWeights } from '../filter/weights';
import type { Rng } from '../util/random';
import { summarizeTask } from './taskSummary';

/** The pool's rows with the filter they are judged by. */
export interface SubsetInput {
  /** Task t owns rows starts[t] .. starts[t+1]−1, in sample-index order. */
  starts: Int32Array;
  correct: Uint8Array;
  /** Every verifier's score column (MISSING_SCORE where missing). */
  columns: ScoreColumns;
  selector: ScoreSelector;
  filter: FilterSpec;
  /** The filter's weights over whole tasks (threshold's closed form reads them: a threshold decides per sample). */
  weights: Float64Array;
  /** The selector's score per row (topk's closed form ranks by it). */
  scores: Float64Array;
}

export interface SubsetEstimate {
  /** E over k-subsets of J(f[w]|x), exact or estimated. */
  mean: number;
  /** The variance of `mean` as an estimate: 0 when exact, else the draws' sample variance / draws. */
  variance: number;
  exact: boolean;
}

/** How the expectation is computed for a selector and filter. */
export function closedForm(selector: ScoreSelector, filter: FilterSpec): 'threshold' | 'topk' | null {
  if (filter.kind === 'threshold') return 'threshold';
  if (filter.kind === 'topk' && selector.kind !== 'and') return 'topk';
  return null;
}

export class SubsetExpectation {
  private readonly form: 'threshold' | 'topk' | null;
  private readonly verifiers: string[];
  private logFactorial = Float64Array.of(0);
  /** The evaluators by subset size, kept across tasks: a report asks for 10^5 tasks at a few sizes, and allocating per task was most of its time. */
  private readonly evaluators = new Map<number, SubsetEvaluator>();
  /** sampled's permutation and drawn values, grown as needed. */
  private permutation = new Int32Array(0);
  private drawnValues = new Float64Array(0);

  constructor(private readonly input: SubsetInput) {
    this.form = closedForm(input.selector, input.filter);
    this.verifiers = selectorVerifiers(input.selector);
  }

  /**
   * E over the uniformly drawn k-subsets of task t's samples of J(f[w]|x), 1 ≤ k ≤ n. A single sample
   * is its own filtered accuracy under every filter (kept or, kept nothing, the fallback J), so k = 1
   * is J(f|x). Without a closed form the subsets are enumerated when C(n, k) ≤ draws, else `draws`
   * are drawn from `rng`.
   */
  expectation(t: number, k: number, draws: number, rng: Rng): SubsetEstimate {
    const from = this.input.starts[t] as number;
    const n = (this.input.starts[t + 1] as number) - from;
    if (!Number.isSafeInteger(k) || k < 1 || k > n) throw new RangeError(`cannot draw ${k} of ${n} samples`);
    if (k === 1) return exact(summarizeTask(this.input.correct, this.input.weights, from, from + n).accuracy);
    if (this.form === 'threshold') return exact(this.threshold(from, n, k));
    if (this.form === 'topk' && this.input.filter.kind === 'topk') return exact(this.topk(from, n, k, this.input.filter.k));
    return binomialAtMost(n, k, draws) ? this.enumerated(from, n, k) : this.sampled(from, n, k, draws, rng);
  }

  /**
   * A threshold keeps a sample by its own score, so a subset keeps exactly its samples the whole task
   * keeps. Given that it keeps a ≥ 1, the kept correct are hypergeometric with mean a·K_c/K, so
   * J(f[w]) averages K_c/K; keeping none (probability C(D,k)/C(n,k)) it is J of k dropped samples,
   * on average D_c/D.
   */
  private threshold(from: number, n: number, k: number): number {
    let kept = 0;
    let keptCorrect = 0;
    let correct = 0;
    for (let row = from; row < from + n; row++) {
      const c = this.input.correct[row] as number;
      correct += c;
      if ((this.input.weights[row] as number) > 0) {
        kept++;
        keptCorrect += c;
      }
    }
    const dropped = n - kept;
    let noneKept = 1;
    for (let j = 0; j < k; j++) noneKept *= Math.max(0, dropped - j) / (n - j);
    return (kept > 0 ? (1 - noneKept) * (keptCorrect / kept) : 0) + (dropped > 0 ? noneKept * ((correct - keptCorrect) / dropped) : 0);
  }

  /**
   * topk:m keeps the m' = min(m, k) best of the subset in best-first order, which is the task's
   * best-first order restricted to the subset. The sample at rank r (0 = best) is kept iff it is drawn
   * and fewer than m' of the other k − 1 come from the r above it: probability
   * (k/n)·Σ_{a<m'} C(r, a)·C(n−1−r, k−1−a)/C(n−1, k−1).
   */
  private topk(from: number, n: number, k: number, m: number): number {
    const keep = Math.min(m, k);
    const order = bestFirstOrder(this.input.scores, from, from + n);
    if (keep === k) return summarizeTask(this.input.correct, this.input.weights, from, from + n).accuracy;
    const lf = this.logFactorials(n);
    const logChoose = (a: number, b: number): number => (lf[a] as number) - (lf[b] as number) - (lf[a - b] as number);
    const logAll = logChoose(n - 1, k - 1);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      if (this.input.correct[order[r] as number] !== 1) continue;
      let kept = 0;
      for (let a = Math.max(0, k - n + r); a <= Math.min(keep - 1, r, k - 1); a++) {
        kept += Math.exp(logChoose(r, a) + logChoose(n - 1 - r, k - 1 - a) - logAll);
      }
      sum += (k / n) * kept;
    }
    return sum / keep;
  }

  private enumerated(from: number, n: number, k: number): SubsetEstimate {
    const pick = Int32Array.from({ length: k }, (_, i) => i);
    const evaluate = this.subsetEvaluator(k);
    let sum = 0;
    let count = 0;
    for (;;) {
      sum += evaluate(from, pick);
      count++;
      // Next k-subset in lexicographic order: raise the rightmost position that can rise.
      let i = k - 1;
      while (i >= 0 && (pick[i] as number) === n - k + i) i--;
      if (i < 0) break;
      pick[i] = (pick[i] as number) + 1;
      for (let j = i + 1; j < k; j++) pick[j] = (pick[j - 1] as number) + 1;
    }
    return exact(sum / count);
  }

  /** `draws` subsets, each by a partial Fisher–Yates shuffle of 0..n−1 (position j swapped with j + rng.int(n − j)). */
  private sampled(from: number, n: number, k: number, draws: number, rng: Rng): SubsetEstimate {
    const evaluate = this.subsetEvaluator(k);
    if (this.permutation.length < n) this.permutation = new Int32Array(n);
    if (this.drawnValues.length < draws) this.drawnValues = new Float64Array(draws);
    const { permutation: perm, drawnValues: values } = this;
    const pick = evaluate.pick;
    let sum = 0;
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < n; i++) perm[i] = i;
      for (let j = 0; j < k; j++) {
        const swap = j + rng.int(n - j);
        const held = perm[j] as number;
        perm[j] = perm[swap] as number;
        perm[swap] = held;
      }
      // The drawn positions in ascending order (insertion sort: k is small).
      for (let i = 0; i < k; i++) {
        const position = perm[i] as number;
        let at = i;
        for (; at > 0 && (pick[at - 1] as number) > position; at--) pick[at] = pick[at - 1] as number;
        pick[at] = position;
      }
      const value = evaluate(from, pick);
      values[d] = value;
      sum += value;
    }
    const mean = sum / draws;
    let squares = 0;
    for (let d = 0; d < draws; d++) squares += ((values[d] as number) - mean) * ((values[d] as number) - mean);
    return { mean, variance: squares / (draws - 1) / draws, exact: false };
  }

  /**
   * J(f[w]) of the k-subset at positions `pick` (ascending, so in sample-index order) of the task starting
   * at row `from`. One score (a verifier or mean(…)) is filtered directly on its column; and(…) filters
   * every part's columns (selectorWeights).
   */
  private subsetEvaluator(k: number): SubsetEvaluator {
    const known = this.evaluators.get(k);
    if (known !== undefined) return known;
    const { input } = this;
    const correct = new Uint8Array(k);
    const weights = new Float64Array(k);
    const subsetScores = new Float64Array(k);
    const scratch = new Float64Array(k);
    const columns = new Map(this.verifiers.map((name) => [name, new Float64Array(k)]));
    const starts = Int32Array.of(0, k);
    const single = input.selector.kind !== 'and';
    const evaluate = (from: number, pick: Int32Array): number => {
      for (let i = 0; i < k; i++) {
        const row = from + (pick[i] as number);
        correct[i] = input.correct[row] as number;
        if (single) subsetScores[i] = input.scores[row] as number;
        else for (const [name, column] of columns) column[i] = input.columns.get(name)?.[row] ?? MISSING_SCORE;
      }
      if (single) applyFilter(subsetScores, 0, k, input.filter, weights, scratch);
      return summarizeTask(correct, single ? weights : selectorWeights(columns, input.selector, input.filter, starts), 0, k).filteredAccuracy;
    };
    const evaluator = Object.assign(evaluate, { pick: new Int32Array(k) });
    this.evaluators.set(k, evaluator);
    return evaluator;
  }

  private logFactorials(n: number): Float64Array {
    if (this.logFactorial.length <= n) {
      const lf = new Float64Array(n + 1);
      for (let i = 1; i <= n; i++) lf[i] = (lf[i - 1] as number) + Math.log(i);
      this.logFactorial = lf;
    }
    return this.logFactorial;
  }
}

/** J(f[w]) of a k-subset of a task (subsetEvaluator), with a k-position array for its caller to fill. */
type SubsetEvaluator = ((from: number, pick: Int32Array) => number) & { pick: Int32Array };

function exact(mean: number): SubsetEstimate {
  return { mean, variance: 0, exact: true };
}

/** C(n, k) ≤ limit, without forming a large binomial. */
function binomialAtMost(n: number, k: number, limit: number): boolean {
  let c = 1;
  for (let i = 0; i < Math.min(k, n - k); i++) {
    c = (c * (n - i)) / (i + 1);
    if (c > limit) return false;
  }
  return true;
}
