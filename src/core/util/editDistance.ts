// How far apart two short names are, to offer the known name a misspelling was meant to be
// ("nmeric" → "numeric", "questoin" → "question").

/**
 * The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1 (so a swapped pair is one typo, not two). Case-sensitive.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: distance between the first i characters of a and the first j of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidates ordered by distance to `name` (ties keep the candidates' order), and whether the
 * nearest one is a likely intended spelling: at most 2 edits away (1 for names of up to 4
 * characters, where 2 edits change half the name) and no other candidate as near.
 */
export function nearestNames(name: string, candidates: readonly string[]): { ordered: string[]; likely: string | null } {
  const scored = candidates.map((c, i) => ({ c, i, d: editDistance(name.toLowerCase(), c.toLowerCase()) })).sort((x, y) => x.d - y.d || x.i - y.i);
  const [first, second] = scored;
  const limit = name.length <= 4 ? 1 : 2;
  const likely = first !== undefined && first.d <= limit && (second === undefined || second.d > first.d) ? first.c : null;
  return { ordered: scored.map((s) => s.c), likely };
}
