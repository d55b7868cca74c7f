// A run's gap, accuracy and coverage in the few words the editor's small surfaces give them (a quick
// check's lens and tooltip, a Test Explorer message), from its assessed report: the text report's
// units and rounding (numbers.ts), and no number where the verifier scored nothing.
import type { GapReport } from '../stats/types';
import type { AssessedReport } from '../stats/assessment';
import { notMeasuredReason, runStateLines, verifierCoverageLine } from './coverageText';
import { formatIntervalIn, formatLevel, formatPercent, formatPoints } from './numbers';

/** "+12.50 pp, 95 % CI [−3.00, +27.00] pp", or "— (why)" when the selector scored nothing. */
export function gapWithInterval({ report, coverage }: AssessedReport): string {
  if (report.gap === null || !coverage.selector.measured) return `— (${notMeasuredReason(coverage)})`;
  const ci = report.ci.gap;
  return `${formatPoints(report.gap)}${ci === null ? '' : `, ${formatLevel(report.ci.level)} CI ${formatIntervalIn(ci, 'points', report.tasks, report.ci.resamples)}`}`;
}

/** "accuracy 40.00 % before the filter → 55.00 % after (verifier mc, filter quantile:0.8)". */
export function accuracyBeforeAfter(report: Pick<GapReport, 'accuracy' | 'filteredAccuracy' | 'verifier' | 'filter'>): string {
  const after = report.filteredAccuracy === null ? '—' : formatPercent(report.filteredAccuracy);
  return `accuracy ${formatPercent(report.accuracy)} before the filter → ${after} after (verifier ${report.verifier}, filter ${report.filter})`;
}

/** The run's state, then how much of the run each verifier the selector reads scored. */
export function coverageItems({ coverage, state }: AssessedReport): string[] {
  const scored = coverage.selector.verifiers.flatMap((name) => {
    const c = coverage.verifiers[name];
    return c ? [verifierCoverageLine(name, c)] : [];
  });
  return [...runStateLines(coverage, state), ...scored];
}
