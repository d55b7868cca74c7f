// Number formatting for the report. Fixed precision everywhere so columns line up and a reader
// can compare values digit by digit; rates are fractions in [0,1], never percentages.

import type { Interval } from '../stats/types';

export const RATE_DECIMALS = 4;

/** A rate, score or probability: "0.7500". */
export function formatRate(x: number): string {
  return x.toFixed(RATE_DECIMALS);
}

/** A difference: "+0.1250", "-0.0500", and "0.0000" for zero (no sign on nothing). */
export function formatSigned(x: number): string {
  if (x === 0) return formatRate(0);
  return x > 0 ? `+${formatRate(x)}` : formatRate(x);
}

export function formatInterval([lo, hi]: Interval, signed: boolean): string {
  const format = signed ? formatSigned : formatRate;
  return `[${format(lo)}, ${format(hi)}]`;
}

/**
 * A sum of filter weights: binary filters give whole counts, shown as integers; the exp filter
 * gives fractional sums, shown like rates.
 */
export function formatAmount(x: number): string {
  return Number.isInteger(x) ? String(x) : formatRate(x);
}

/** A bin edge or axis label: shortest form up to the rate precision ("0", "0.2", "0.3333"). */
export function formatShort(x: number): string {
  return String(Number(x.toFixed(RATE_DECIMALS)));
}

/** A confidence level 0.95 -> "95 %". */
export function formatLevel(level: number): string {
  return `${formatShort(level * 100)} %`;
}
