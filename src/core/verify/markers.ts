// Reading the output markers the verify templates teach ("Verdict: correct", "Score: 7",
// "Better: A"). The LAST marker in the output counts: a model may quote or revise an earlier one
// while reasoning, and its final word comes last.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The word after the last `label:` (case-insensitive), with markdown emphasis or quotes around it
 * skipped and sentence punctuation after it dropped; null when the label never occurs.
 */
function lastMarkerValue(text: string, label: string, optionalPrefix = ''): string | null {
  const re = new RegExp(`\\b${label}\\s*:[\\s*_"'\`]*${optionalPrefix}([^\\s*_"'\`,;:!?)\\]]*)`, 'gi');
  let last: string | null = null;
  for (const m of text.matchAll(re)) last = m[1] ?? '';
  return last === null ? null : last.replace(/\.+$/, '');
}

/** `Verdict: correct|incorrect`, any case. Other words (yes/no, right/wrong) are not accepted. */
export function parseVerdict(text: string): Parsed<'correct' | 'incorrect'> {
  const value = lastMarkerValue(text, 'verdict');
  if (value === null) return { ok: false, error: "no 'Verdict: correct' or 'Verdict: incorrect' in the output" };
  const verdict = value.toLowerCase();
  if (verdict === 'correct' || verdict === 'incorrect') return { ok: true, value: verdict };
  return { ok: false, error: `the last 'Verdict:' is followed by '${value}', not 'correct' or 'incorrect'` };
}

/** `Score: N` with N a whole number from 1 to 10 (`N/10` also accepted). */
export function parseScore(text: string): Parsed<number> {
  const value = lastMarkerValue(text, 'score');
  if (value === null) return { ok: false, error: "no 'Score: N' in the output" };
  const m = /^(\d+)(?:\/10)?$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 10) return { ok: true, value: n };
  return { ok: false, error: `the last 'Score:' is followed by '${value}', not a whole number from 1 to 10` };
}

/** `Better: A|B` (also `Better: Response B`), any case. */
export function parseBetter(text: string): Parsed<'A' | 'B'> {
  const value = lastMarkerValue(text, 'better', '(?:response\\s+)?');
  if (value === null) return { ok: false, error: "no 'Better: A' or 'Better: B' in the output" };
  const side = value.toUpperCase();
  if (side === 'A' || side === 'B') return { ok: true, value: side };
  return { ok: false, error: `the last 'Better:' is followed by '${value}', not 'A' or 'B'` };
}
