// The words every surface (HTML report, gap panel, Compare Runs) uses for the verifier-quality and
// any-N statistics: column labels, what each means, why a value is undefined, how an any-N point was
// computed. One source, so the surfaces say the same thing. Definitions: docs/statistics.md.
import type { AnyNPoint } from '../stats/anyN';
import type { QualityIntervalKey, QualityPoint } from '../stats/verifierQuality';
import { formatIn, formatRate } from './numbers';

export interface QualityColumn {
  key: QualityIntervalKey;
  label: string;
  /** What the statistic is (a column's hover text). */
  title: string;
  /** Why a measured entry has no value for it ('' when a measured entry always has one). */
  undefinedWhy: string;
}

/** The statistics of a verifier-quality entry, in the order every table shows them. */
export const QUALITY_COLUMNS: readonly QualityColumn[] = [
  { key: 'brier', label: 'Brier', title: 'mean of (score − correct)²', undefinedWhy: '' },
  { key: 'ece', label: 'ECE', title: 'expected calibration error, 10 equal-width bins', undefinedWhy: '' },
  { key: 'rmsce', label: 'RMSCE', title: 'RMS calibration error, 10 equal-width bins', undefinedWhy: '' },
  { key: 'aurc', label: 'AURC', title: 'area under the risk–coverage curve (lower is better)', undefinedWhy: '' },
  { key: 'specificity', label: 'specificity', title: 'dropped wrong / wrong', undefinedWhy: 'undefined: no sample is incorrect' },
  { key: 'balancedAccuracy', label: 'balanced accuracy', title: '(recall + specificity) / 2', undefinedWhy: 'undefined: the samples are all correct or all incorrect' },
  { key: 'f1', label: 'F1', title: '2·kept correct / (2·kept correct + kept wrong + dropped correct)', undefinedWhy: 'undefined: no sample is correct and nothing was kept' },
];

/** An entry's point estimate of one statistic; null when not measured or undefined. */
export function qualityValue(q: QualityPoint, key: QualityIntervalKey): number | null {
  switch (key) {
    case 'brier':
    case 'ece':
    case 'rmsce':
    case 'aurc':
      return q[key];
    default:
      return q.atFilter?.[key] ?? null;
  }
}

/** The AURC's yardsticks: "random ranking 0.6250, best possible 0.1927"; '' when not measured. */
export function aurcYardsticks(q: QualityPoint): string {
  return q.aurcRandom === null || q.aurcOptimal === null ? '' : `random ranking ${formatRate(q.aurcRandom)}, best possible ${formatRate(q.aurcOptimal)}`;
}

/** Why an any-N point has no relative gap. */
export const ANY_N_NO_RELATIVE_GAP = 'undefined: every task has J(f|x) = 1';

/** How an any-N point was computed: "exact", or "estimated, ± 0.0042" (its standard error). */
export function anyNHow(p: AnyNPoint): string {
  return p.exact ? 'exact' : `estimated, ± ${formatIn(p.standardError, 'point-size')}`;
}

/** The oracle shortfall's name, which says it is not the gap: "Best-of-N shortfall (pass@8 − best-of-8, not the gap)". */
export function shortfallName(maxK: number | 'N'): string {
  return `Best-of-N shortfall (pass@${maxK} − best-of-${maxK}, not the gap)`;
}

/** What the shortfall says: "what answering with the verifier’s favourite of 8 samples loses against …". */
export function shortfallMeaning(maxK: number | 'N'): string {
  return `what answering with the verifier’s favourite of ${maxK} samples loses against an oracle that picks a correct one whenever there is one`;
}

/** The half-sample (Richardson) estimate's name, with how it is formed. */
export const BIAS_AWARE_NAME = 'Bias-aware gap (2·gap(N) − gap(N/2), half-sample extrapolation)';
