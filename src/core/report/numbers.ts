// Number formatting for every surface (panel, status bar, runs tree, CLI text, HTML report): one
// module, so a reader can compare a number digit by digit wherever it appears. The units follow the
// paper: accuracies and other shares of samples in percent, differences of them (the gap) in
// percentage points, both with PERCENT_DECIMALS decimals (docs/statistics.md, "Numbers on screen").
// Scores, weights, AUROC and κ are not shares of samples: they stay fractions with RATE_DECIMALS.

import type { Interval } from '../stats/types';

export const RATE_DECIMALS = 4;
export const PERCENT_DECIMALS = 2;

/** The minus sign of signed values (U+2212, as in typeset tables; a hyphen reads as a dash). */
const MINUS = '\u2212';

/** A score, weight or probability: "0.7500". */
export function formatRate(x: number): string {
  return x.toFixed(RATE_DECIMALS);
}

/** A difference of scores: "+0.1250", "−0.0500", and "0.0000" for zero (no sign on nothing). */
export function formatSigned(x: number): string {
  return signed(x, formatRate);
}

export function formatInterval([lo, hi]: Interval, signedEnds: boolean): string {
  const format = signedEnds ? formatSigned : formatRate;
  return `[${format(lo)}, ${format(hi)}]`;
}

/**
 * How a statistic is shown: a share in percent, a difference of shares in points, the size of such a
 * difference (a standard error: points, no sign), a signed share (relative gap) or a plain fraction.
 */
export type Unit = 'percent' | 'points' | 'point-size' | 'signed-percent' | 'rate';

const SUFFIX: Record<Unit, string> = { percent: ' %', points: ' pp', 'point-size': ' pp', 'signed-percent': ' %', rate: '' };

/** The number alone, without the unit: "21.58", "+3.13", "−0.50", "0.7500". */
function bare(x: number, unit: Unit): string {
  const percent = (v: number): string => (v * 100).toFixed(PERCENT_DECIMALS);
  switch (unit) {
    case 'percent':
    case 'point-size':
      return percent(x);
    case 'points':
    case 'signed-percent':
      return signed(x, percent);
    case 'rate':
      return formatRate(x);
  }
}

/** A value in its unit: "21.58 %", "+3.13 pp", "−12.50 %", "0.7500". */
export function formatIn(x: number, unit: Unit): string {
  return `${bare(x, unit)}${SUFFIX[unit]}`;
}

/** An accuracy, retention or other share of samples: 0.2158 -> "21.58 %". */
export function formatPercent(x: number): string {
  return formatIn(x, 'percent');
}

/** A gap (a difference of accuracies): 0.03125 -> "+3.13 pp", 0 -> "0.00 pp". */
export function formatPoints(x: number): string {
  return formatIn(x, 'points');
}

/**
 * A bootstrap interval in the value's unit, "[20.10, 23.05] %" or "[+1.00, +5.00] pp"; or, when the
 * interval cannot say anything about uncertainty, why: see degenerateReason.
 */
export function formatIntervalIn(ci: Interval, unit: Unit, tasks: number, resamples?: number): string {
  const reason = degenerateReason(ci, tasks, resamples);
  return reason === null ? formatRange(ci, unit) : `n/a (${reason})`;
}

/** The two ends in the value's unit, the unit once after the bracket: "[+1.00, +5.00] pp". */
export function formatRange([lo, hi]: Interval, unit: Unit): string {
  return `[${bare(lo, unit)}, ${bare(hi, unit)}]${SUFFIX[unit]}`;
}

/**
 * Why an interval is degenerate, or null when it is not: no resample drawn (`resamples` 0, when the
 * caller knows it), a task bootstrap over one task (or none), which redraws the same task every time,
 * and an interval of zero width, where every resample gave the same value — none says the value is certain.
 */
export function degenerateReason([lo, hi]: Interval, tasks: number, resamples?: number): string | null {
  if (resamples === 0) return '0 resamples';
  if (tasks < 2) return tasks === 1 ? '1 task' : 'no task';
  if (lo === hi) return 'every resample gives the same value';
  return null;
}

/**
 * A sum of filter weights: binary filters give whole counts, shown as integers; the exp filter
 * gives fractional sums, shown like rates.
 */
export function formatAmount(x: number): string {
  return Number.isInteger(x) ? String(x) : formatRate(x);
}

/** A Kish effective sample size beside its sample count: "12.3 of 320" (docs/statistics.md, "Weighted filters"). */
export function formatEss(ess: number, samples: number): string {
  return `${ess.toFixed(1)} of ${samples}`;
}

/** A bin edge or axis label: shortest form up to the rate precision ("0", "0.2", "0.3333"). */
export function formatShort(x: number): string {
  return String(Number(x.toFixed(RATE_DECIMALS)));
}

/** A confidence level 0.95 -> "95 %". */
export function formatLevel(level: number): string {
  return `${formatShort(level * 100)} %`;
}

/** "+" before a positive value, U+2212 before a negative one (even one that rounds to zero, so a tiny loss stays visibly a loss), nothing before zero. */
function signed(x: number, format: (v: number) => string): string {
  if (x === 0) return format(0);
  return x > 0 ? `+${format(x)}` : `${MINUS}${format(-x)}`;
}
