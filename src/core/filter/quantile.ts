// One quantile definition for the whole project — the quantile filter's per-task cut and the bootstrap's
// percentile intervals — so results can be checked against numpy.

/**
 * numpy's default `np.quantile(a, q)` (method 'linear') of ascending-sorted values: h = (m−1)·q,
 * interpolate between sorted[⌊h⌋] and sorted[⌊h⌋+1] with numpy's own two-sided lerp. The two-sided form
 * returns exactly sorted[0] at q = 0 and sorted[m−1] at q = 1, and never leaves [a, b], so a cut at the
 * q-quantile keeps every sample at q = 0 and at least the maximum at q = 1.
 * `length` lets callers pass a reused buffer whose first `length` entries are the data.
 */
export function linearQuantile(sorted: ArrayLike<number>, q: number, length: number = sorted.length): number {
  if (length < 1) throw new Error('linearQuantile: no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`linearQuantile: q = ${q} is outside [0, 1]`);
  const h = (length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, length - 1);
  const gamma = h - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
