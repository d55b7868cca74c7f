// A flat, typed-array view of verifier scores. Reports run over up to millions of samples, so the hot
// loops read one Float64Array per verifier instead of per-sample records.

/**
 * How a null or missing score is stored. −Infinity ranks below every real score, fails every threshold,
 * gets weight exp(−∞) = 0 and makes mean/min of a combination missing too: exactly "missing counts as
 * lowest" everywhere, with no special cases in the loops. Only the quantile cut must skip it explicitly.
 */
export const MISSING_SCORE = -Infinity;

/** Verifier name -> one score per sample, MISSING_SCORE where the score is null or absent. Read-only by convention. */
export type ScoreColumns = ReadonlyMap<string, Float64Array>;

/**
 * Columns for `count` samples, one per verifier name that occurs in any record. Throws (see assertScores)
 * on a score that is not null and not a number in [0, 1]; `where(i)` names sample i in that message.
 */
export function buildScoreColumns(
  count: number,
  scoresAt: (i: number) => Readonly<Record<string, number | null>>,
  where: (i: number) => string = (i) => `sample ${i}`,
): Map<string, Float64Array> {
  const columns = new Map<string, Float64Array>();
  for (let i = 0; i < count; i++) {
    const scores = scoresAt(i);
    for (const name in scores) {
      const value = scores[name];
      let column = columns.get(name);
      if (!column) {
        column = new Float64Array(count).fill(MISSING_SCORE);
        columns.set(name, column);
      }
      if (value === null || value === undefined) continue;
      if (!isScore(value)) throw new Error(badScore(where(i), name, value));
      column[i] = value;
    }
  }
  return columns;
}

/**
 * Every verifier normalises its score to [0, 1]; anything else (NaN, 7 on a 1–10 scale, a string) is a
 * bug upstream that would silently distort every filter, so it is refused with the sample named.
 */
export function assertScores(scores: Readonly<Record<string, number | null>>, where: string): void {
  for (const name in scores) {
    const value = scores[name];
    if (value !== null && value !== undefined && !isScore(value)) throw new Error(badScore(where, name, value));
  }
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

function badScore(where: string, name: string, value: unknown): string {
  return `${where}: score of verifier "${name}" is ${String(value)}; scores must be numbers in [0, 1] or null`;
}
