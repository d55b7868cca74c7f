// From verifier scores to the weights w of the paper's reweighted distribution f[w] (Sec. 2).
// Definitions, with the choices made where the paper is silent, are in docs/statistics.md.
import { MISSING_SCORE, buildScoreColumns, type ScoreColumns } from './columns';
import { linearQuantile } from './quantile';
import { bestFirstOrder } from './ranking';
import type { FilterSpec, ScoreSelector } from './spec';

type ScoreAt = (row: number) => number;

/**
 * Turns a selector into one function of the row, built once, so the per-sample loop allocates nothing.
 * mean = arithmetic mean of the parts (missing if any part is missing, since −∞ absorbs the sum);
 * and = minimum of the parts. The and-score is only used where one score per sample is needed
 * (AUROC, best-of-k); and-filtering itself multiplies per-part weights, see selectorWeights.
 * Callers check the selector first (assertSelector): an empty part list would yield NaN or +∞.
 */
function compileSelector(sel: ScoreSelector, leaf: (name: string) => ScoreAt): ScoreAt {
  if (sel.kind === 'verifier') return leaf(sel.name);
  const parts = sel.parts.map((part) => compileSelector(part, leaf));
  if (sel.kind === 'mean') {
    return (row) => {
      let sum = 0;
      for (const part of parts) sum += part(row);
      return sum / parts.length;
    };
  }
  return (row) => {
    let min = Infinity;
    for (const part of parts) min = Math.min(min, part(row));
    return min;
  };
}

/** The selector's score of one sample; null when it (or, for mean/and, any part) is null or missing. */
export function selectorScore(scores: Readonly<Record<string, number | null>>, sel: ScoreSelector): number | null {
  assertSelector(sel);
  const score = compileSelector(sel, (name) => {
    const value = scores[name];
    const s = value === null || value === undefined ? MISSING_SCORE : value;
    return () => s;
  })(0);
  return score === MISSING_SCORE ? null : score;
}

/** Throws on an and()/mean() without parts, anywhere in the selector (parseSelector never builds one). */
export function assertSelector(sel: ScoreSelector): void {
  if (sel.kind === 'verifier') return;
  if (sel.parts.length === 0) throw new Error(`${sel.kind}() needs at least one part`);
  sel.parts.forEach(assertSelector);
}

/** Every verifier name the selector reads, in order of first mention. */
export function selectorVerifiers(sel: ScoreSelector): string[] {
  if (sel.kind === 'verifier') return [sel.name];
  return [...new Set(sel.parts.flatMap(selectorVerifiers))];
}

/** The selector's score of every row (MISSING_SCORE where missing). May return a column itself: do not mutate. */
export function selectorColumn(columns: ScoreColumns, sel: ScoreSelector, rows: number): Float64Array {
  assertSelector(sel);
  if (sel.kind === 'verifier') return columns.get(sel.name) ?? new Float64Array(rows).fill(MISSING_SCORE);
  const scoreAt = compileSelector(sel, (name) => {
    const column = columns.get(name);
    return column ? (row) => column[row] as number : () => MISSING_SCORE;
  });
  const out = new Float64Array(rows);
  for (let row = 0; row < rows; row++) out[row] = scoreAt(row);
  return out;
}

/**
 * The weight of every row. Task t owns rows starts[t] .. starts[t+1]−1, in sample-index order; per-task
 * filters (quantile, topk, exp) look only at their task's rows. For and(a,b,…) the filter is applied to
 * each part separately and the weights are multiplied (binary filters: kept only if every part keeps it).
 */
export function selectorWeights(columns: ScoreColumns, sel: ScoreSelector, filter: FilterSpec, starts: Int32Array): Float64Array {
  const rows = starts[starts.length - 1] ?? 0;
  assertSelector(sel);
  if (sel.kind === 'and') {
    const out = new Float64Array(rows).fill(1);
    for (const part of sel.parts) {
      const w = selectorWeights(columns, part, filter, starts);
      for (let row = 0; row < rows; row++) out[row] = (out[row] as number) * (w[row] as number);
    }
    return out;
  }
  const scores = selectorColumn(columns, sel, rows);
  const out = new Float64Array(rows);
  let largestTask = 0;
  for (let t = 0; t + 1 < starts.length; t++) largestTask = Math.max(largestTask, (starts[t + 1] as number) - (starts[t] as number));
  const scratch = new Float64Array(largestTask);
  for (let t = 0; t + 1 < starts.length; t++) applyFilter(scores, starts[t] as number, starts[t + 1] as number, filter, out, scratch);
  return out;
}

/** Weights of one task's samples (given in sample-index order), e.g. for inspecting a single task. */
export function taskWeights(scores: readonly Readonly<Record<string, number | null>>[], sel: ScoreSelector, filter: FilterSpec): number[] {
  const columns = buildScoreColumns(scores.length, (i) => scores[i] ?? {});
  return Array.from(selectorWeights(columns, sel, filter, Int32Array.of(0, scores.length)));
}

/** Past this many scores a task's cut sorts them with the typed array's own sort. */
const INSERTION_SORT_MAX = 32;

/**
 * Sorts scratch[0 … m) ascending in place and returns scratch. A task has a few samples: sorting them
 * by insertion costs less than making a subarray and calling its sort, done for each of 10^5 tasks
 * at every move of the panel's slider. The order is the same (the scores are never NaN).
 */
function sortPrefix(scratch: Float64Array, m: number): Float64Array {
  if (m > INSERTION_SORT_MAX) {
    scratch.subarray(0, m).sort();
    return scratch;
  }
  for (let i = 1; i < m; i++) {
    const x = scratch[i] as number;
    let j = i - 1;
    for (; j >= 0 && (scratch[j] as number) > x; j--) scratch[j + 1] = scratch[j] as number;
    scratch[j + 1] = x;
  }
  return scratch;
}

/**
 * Writes the weights of rows from..to−1 (one task) of a single score column into `out` (for and(…),
 * selectorWeights multiplies the parts' weights). `scratch` holds at least to−from numbers.
 */
export function applyFilter(scores: Float64Array, from: number, to: number, filter: FilterSpec, out: Float64Array, scratch: Float64Array): void {
  switch (filter.kind) {
    case 'threshold':
      for (let row = from; row < to; row++) out[row] = (scores[row] as number) >= filter.tau ? 1 : 0;
      return;
    case 'quantile': {
      // The cut is the q-quantile of the task's non-missing scores; missing ones never pass. With no
      // score at all the task keeps nothing (and falls back to J(f|x) in the statistics).
      let m = 0;
      for (let row = from; row < to; row++) {
        const s = scores[row] as number;
        if (s !== MISSING_SCORE) scratch[m++] = s;
      }
      if (m === 0) {
        out.fill(0, from, to);
        return;
      }
      const cut = linearQuantile(sortPrefix(scratch, m), filter.q, m);
      for (let row = from; row < to; row++) {
        const s = scores[row] as number;
        out[row] = s !== MISSING_SCORE && s >= cut ? 1 : 0;
      }
      return;
    }
    case 'topk': {
      // Missing scores rank last, so they are kept only when the task has fewer than k real scores.
      out.fill(0, from, to);
      const order = bestFirstOrder(scores, from, to);
      const keep = Math.min(filter.k, order.length);
      for (let i = 0; i < keep; i++) out[order[i] as number] = 1;
      return;
    }
    case 'exp': {
      // exp(s/β) scaled per task by exp(−max/β), so the task's best sample weighs exactly 1. The scale
      // cancels in f[w] ∝ f·w (normalised per prompt) and keeps exp from overflowing for small β; the
      // weights then read as rejection-sampling acceptance probabilities. Missing scores weigh 0.
      let max = MISSING_SCORE;
      for (let row = from; row < to; row++) max = Math.max(max, scores[row] as number);
      for (let row = from; row < to; row++) {
        out[row] = max === MISSING_SCORE ? 0 : Math.exp(((scores[row] as number) - max) / filter.beta);
      }
      return;
    }
  }
}
