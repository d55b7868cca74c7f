// Shared test data: a hand-computed report case, a fast-check generator of scored runs, brute force helpers.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ScoredSample } from '../../../src/core/stats/types';

export function sample(task: string, index: number, correct: boolean, scores: Record<string, number | null>, answer?: string | null): ScoredSample {
  return answer === undefined ? { task, index, correct, scores } : { task, index, correct, scores, answer };
}

/**
 * Four tasks of four samples, verifier "mc". Every statistic of this set is worked out by hand in
 * report.test.ts. `null` = the verifier's output did not parse.
 *   A: correct [1,0,1,0]  mc [0.9, 0.6, 0.3, null]   answers 42, 41, 42, null
 *   B: correct [1,1,0,0]  mc [0.8, 0.7, 0.2, 0.1]    answers 7, 7, 8, 8
 *   C: correct [1,1,1,1]  mc [0.4, 0.3, 0.2, 0.1]    answers x, x, x, x
 *   D: correct [0,0,1,0]  mc [0.9, 0.8, 0.1, 0.4]    answers 5, 6, 9, 6
 */
export function handSamples(): ScoredSample[] {
  const rows: [string, number, boolean, number | null, string | null][] = [
    ['A', 0, true, 0.9, '42'], ['A', 1, false, 0.6, '41'], ['A', 2, true, 0.3, '42'], ['A', 3, false, null, null],
    ['B', 0, true, 0.8, '7'], ['B', 1, true, 0.7, '7'], ['B', 2, false, 0.2, '8'], ['B', 3, false, 0.1, '8'],
    ['C', 0, true, 0.4, 'x'], ['C', 1, true, 0.3, 'x'], ['C', 2, true, 0.2, 'x'], ['C', 3, true, 0.1, 'x'],
    ['D', 0, false, 0.9, '5'], ['D', 1, false, 0.8, '6'], ['D', 2, true, 0.1, '9'], ['D', 3, false, 0.4, '6'],
  ];
  return rows.map(([task, index, correct, mc, answer]) => sample(task, index, correct, { mc }, answer));
}

/** Scores with many exact ties (a grid) or arbitrary values in [0,1], sometimes null. */
export const scoreArb: fc.Arbitrary<number | null> = fc.option(
  fc.oneof(fc.constantFrom(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  { nil: null, freq: 5 },
);

/** 1–6 tasks of 1–8 samples with verifiers "mc" and "cot-score" (either may be missing or null). */
export const runArb: fc.Arbitrary<ScoredSample[]> = fc
  .array(
    fc.array(fc.record({ correct: fc.boolean(), mc: scoreArb, cot: scoreArb, dropCot: fc.boolean() }), { minLength: 1, maxLength: 8 }),
    { minLength: 1, maxLength: 6 },
  )
  .map((tasks) =>
    tasks.flatMap((rows, t) =>
      rows.map((r, index) => sample(`t${t}`, index, r.correct, r.dropCot ? { mc: r.mc } : { mc: r.mc, 'cot-score': r.cot })),
    ),
  );

/** Every k-subset of 0..n−1. */
export function kSubsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...kSubsets(n - 1, k), ...kSubsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

export function assertClose(actual: number | null | undefined, expected: number, message?: string): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= 1e-9,
    `${message ?? 'value'}: expected ${expected}, got ${String(actual)}`,
  );
}
