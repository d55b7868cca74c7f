// The one "best first" order used by top-k and best-of-k, so both break ties the same way.

/**
 * Row numbers from..to−1 ordered by score descending, ties (including missing = −∞) by row ascending.
 * Rows of a task are stored in sample-index order, so "row ascending" is "lower sample index first".
 */
export function bestFirstOrder(scores: Float64Array, from: number, to: number): Int32Array {
  const order = new Int32Array(to - from);
  for (let i = 0; i < order.length; i++) order[i] = from + i;
  return order.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa > sb ? -1 : sa < sb ? 1 : a - b;
  });
}
