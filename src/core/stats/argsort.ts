// Ranking a million scores needs an argsort; Array/TypedArray sort with a comparator calls back into JS
// for every comparison (about a second per million). A bottom-up merge sort over typed arrays is ~10x faster.

/** Positions 0..n−1 ordered by value ascending, equal values keeping their position order (stable). */
export function argsort(values: Float64Array): Int32Array {
  const n = values.length;
  let keys = Float64Array.from(values);
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let keysOut = new Float64Array(n);
  let orderOut = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Take from the left run on ties: that is what keeps the sort stable.
        if ((keys[j] as number) < (keys[i] as number)) {
          keysOut[k] = keys[j] as number;
          orderOut[k++] = order[j++] as number;
        } else {
          keysOut[k] = keys[i] as number;
          orderOut[k++] = order[i++] as number;
        }
      }
      while (i < mid) {
        keysOut[k] = keys[i] as number;
        orderOut[k++] = order[i++] as number;
      }
      while (j < hi) {
        keysOut[k] = keys[j] as number;
        orderOut[k++] = order[j++] as number;
      }
    }
    [keys, keysOut] = [keysOut, keys];
    [order, orderOut] = [orderOut, order];
  }
  return order;
}
