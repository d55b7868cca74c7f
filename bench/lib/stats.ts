// Summaries of repeated measurements: benchmarks report medians, with the spread alongside.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every repetition, in the order measured. */
  runs: number[];
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs: [...values] };
}

/** The median of the per-repetition ratios a[i] / b[i] (pairs measured back to back). */
export function pairedRatio(a: readonly number[], b: readonly number[]): Summary {
  if (a.length !== b.length) throw new Error(`pairedRatio: ${a.length} vs ${b.length} values`);
  return summarize(a.map((x, i) => x / (b[i] as number)));
}
