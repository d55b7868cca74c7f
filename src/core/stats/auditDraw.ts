// An audit's sample: a seeded, stratified random draw of the report's samples for a person to label,
// the strata being the verifier's decision (kept/dropped) × the checker's verdict. Unlike "Next
// Disagreement", which walks the samples where the verifier and the checker disagree (a biased sample),
// every sample has a known chance to be drawn, so the labels estimate the whole run. Definitions:
// docs/statistics.md, "Audit". Pure.
import { AUDIT_STRATA } from '../runs/records';
import { createRng } from '../util/random';

/** Stratum h of a sample: 0 kept-correct, 1 kept-incorrect, 2 dropped-correct, 3 dropped-incorrect (AUDIT_STRATA order). */
export function stratumOf(kept: boolean, checkerCorrect: boolean): number {
  return (kept ? 0 : 2) + (checkerCorrect ? 0 : 1);
}

/** Per row: its stratum, kept meaning weight > 0 and correct the checker's verdict (1). */
export function auditStrata(weights: ArrayLike<number>, correct: ArrayLike<number>): Uint8Array {
  const strata = new Uint8Array(correct.length);
  for (let row = 0; row < strata.length; row++) strata[row] = stratumOf((weights[row] as number) > 0, correct[row] === 1);
  return strata;
}

/**
 * Equal allocation, capped by the strata's sizes: n_h = min(N_h, c) with c the largest integer such that
 * Σ min(N_h, c) ≤ size; the r labels left over go one each to r of the strata with N_h > c, the larger
 * first (ties: AUDIT_STRATA order). A size of at least Σ N_h labels everything (a census).
 */
export function allocateAudit(sizes: readonly number[], size: number): number[] {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`an audit draws at least one sample, not ${size}`);
  const total = sizes.reduce((sum, n) => sum + n, 0);
  if (size >= total) return [...sizes];
  const filled = (c: number): number => sizes.reduce((sum, n) => sum + Math.min(n, c), 0);
  let c = 0;
  while (filled(c + 1) <= size) c++;
  const allocation = sizes.map((n) => Math.min(n, c));
  let left = size - filled(c);
  const open = sizes.map((n, h) => ({ n, h })).filter(({ n }) => n > c);
  open.sort((a, b) => b.n - a.n || a.h - b.h);
  for (const { h } of open) {
    if (left === 0) break;
    allocation[h] = (allocation[h] as number) + 1;
    left--;
  }
  return allocation;
}

export interface AuditDraw {
  /** N_h: the samples in each stratum, AUDIT_STRATA order. */
  sizes: number[];
  /** n_h: the samples drawn from each stratum. */
  allocation: number[];
  /** The drawn rows in labelling order: the strata interleaved at random, so the order does not give a sample's stratum away. */
  order: Int32Array;
  /** Per row: its position in `order`, −1 when it was not drawn. */
  position: Int32Array;
}

/**
 * Draws `size` samples. `strata` holds each row's stratum, rows in canonical order (tasks by id, then
 * sample index). From createRng(`audit:${seed}`): for each stratum in order, a partial Fisher–Yates
 * shuffle of its rows (in canonical order) picks its n_h; then the drawn rows, stratum by stratum, are
 * shuffled by Fisher–Yates into the labelling order.
 */
export function drawAudit(strata: Uint8Array, size: number, seed: number): AuditDraw {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`an audit's seed is an integer in [0, 2^32), not ${seed}`);
  const members: number[][] = AUDIT_STRATA.map(() => []);
  strata.forEach((h, row) => (members[h] as number[]).push(row));
  const sizes = members.map((rows) => rows.length);
  const allocation = allocateAudit(sizes, size);
  const rng = createRng(`audit:${seed}`);
  const drawn: number[] = [];
  members.forEach((rows, h) => {
    const take = allocation[h] as number;
    for (let j = 0; j < take; j++) swap(rows, j, j + rng.int(rows.length - j));
    drawn.push(...rows.slice(0, take));
  });
  for (let j = 0; j + 1 < drawn.length; j++) swap(drawn, j, j + rng.int(drawn.length - j));
  const position = new Int32Array(strata.length).fill(-1);
  drawn.forEach((row, at) => (position[row] = at));
  return { sizes, allocation, order: Int32Array.from(drawn), position };
}

function swap(items: number[], i: number, j: number): void {
  const a = items[i] as number;
  items[i] = items[j] as number;
  items[j] = a;
}
