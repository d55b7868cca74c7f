// Agreement between verifiers (the paper's Sec. 6.2 reports Pearson MC–CoT-B 0.24, MC–CoT-S 0.39).
import { MISSING_SCORE, type ScoreColumns } from '../filter/columns';
import { argsort } from './argsort';

/** Pearson's r; null when there are fewer than 2 pairs or either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n < 2 || isConstant(x) || isConstant(y)) return null;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i] as number;
    meanY += y[i] as number;
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - meanX;
    const dy = (y[i] as number) - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Rounding can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman's ρ: Pearson's r of the average ranks. null under the same conditions as pearson. */
export function spearman(x: Float64Array, y: Float64Array): number | null {
  // Ranks are constant exactly when the values are, so pearson's checks carry over.
  return pearson(averageRanks(x), averageRanks(y));
}

/** 1-based ranks, tied values sharing the mean of the ranks they span. */
export function averageRanks(values: Float64Array): Float64Array {
  return ranksAlong(values, argsort(values), null, values.length);
}

/**
 * Pearson and Spearman between every pair of verifiers in `columns`, over the rows where both scores
 * are present. Keys are "a~b" with a < b in UTF-16 code-unit order. Each column is argsorted once; a
 * pair's Spearman ranks are read off those orders, skipping the rows the pair does not share.
 */
export function verifierCorrelations(columns: ScoreColumns): {
  pearson: Record<string, number | null>;
  spearman: Record<string, number | null>;
} {
  const names = [...columns.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Only a column in some pair is ranked: one verifier's million scores need no argsort.
  const orders = new Map(names.length < 2 ? [] : names.map((name) => [name, argsort(columns.get(name) as Float64Array)]));
  const result = { pearson: {} as Record<string, number | null>, spearman: {} as Record<string, number | null> };
  names.forEach((a, i) => {
    for (const b of names.slice(i + 1)) {
      const columnA = columns.get(a) as Float64Array;
      const columnB = columns.get(b) as Float64Array;
      const { x, y, position } = pairedRows(columnA, columnB);
      const key = `${a}~${b}`;
      result.pearson[key] = pearson(x, y);
      result.spearman[key] = pearson(
        ranksAlong(columnA, orders.get(a) as Int32Array, position, x.length),
        ranksAlong(columnB, orders.get(b) as Int32Array, position, y.length),
      );
    }
  });
  return result;
}

/**
 * Average ranks of a subset of rows: `order` lists all rows by ascending value, `position[row]` is the
 * row's place in the output (−1 to skip it; null means every row, in place). Ties share the mean rank.
 */
function ranksAlong(values: Float64Array, order: Int32Array, position: Int32Array | null, size: number): Float64Array {
  const ranks = new Float64Array(size);
  let ranked = 0;
  for (let start = 0; start < order.length; ) {
    const v = values[order[start] as number];
    let end = start;
    let members = 0;
    for (; end < order.length && values[order[end] as number] === v; end++) {
      if (position === null || (position[order[end] as number] as number) >= 0) members++;
    }
    // The group's members take ranks ranked+1 .. ranked+members; each gets their mean.
    const rank = ranked + (members + 1) / 2;
    for (let k = start; k < end; k++) {
      const row = order[k] as number;
      const at = position === null ? row : (position[row] as number);
      if (at >= 0) ranks[at] = rank;
    }
    ranked += members;
    start = end;
  }
  return ranks;
}

/** The rows where both scores are present, in row order, and each row's place among them (−1 if absent). */
function pairedRows(a: Float64Array, b: Float64Array): { x: Float64Array; y: Float64Array; position: Int32Array } {
  const position = new Int32Array(a.length).fill(-1);
  let n = 0;
  for (let row = 0; row < a.length; row++) if (a[row] !== MISSING_SCORE && b[row] !== MISSING_SCORE) position[row] = n++;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let row = 0; row < a.length; row++) {
    const at = position[row] as number;
    if (at >= 0) {
      x[at] = a[row] as number;
      y[at] = b[row] as number;
    }
  }
  return { x, y, position };
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}
