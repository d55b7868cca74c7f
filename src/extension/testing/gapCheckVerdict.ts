// The pass rule of a Test Explorer gap check (README, "Gap checks in the Test Explorer"): what a
// finished run's assessed report says about one task file, as passed / failed / errored with its
// reason and the numbers it rests on. Pure: no 'vscode'.
import { notMeasuredReason } from '../../core/report/coverageText';
import { accuracyBeforeAfter, coverageItems, gapWithInterval } from '../../core/report/gapWords';
import { formatLevel, formatPoints } from '../../core/report/numbers';
import type { AssessedReport } from '../../core/stats/assessment';
import { incompleteness, MIN_SCORED_PERCENT } from '../../core/stats/conclusion';
import { plural } from '../../core/util/plural';
import type { GapTestResult } from '../gapTestResult';

export interface PassRule {
  /** The bar the lower end of the gap's interval must be above (a fraction). */
  bar: number;
  /** Fewer tasks: the interval is not trusted. */
  minTasks: number;
}

/** How the run's execution ended when it was not cancelled (a failed one has no report). */
export type FinishedStatus = 'complete' | 'incomplete' | 'cost-limit' | 'waiting';

/** Why an execution that ended early cannot pass, in the test message's words. */
const STOPPED: Record<Exclude<FinishedStatus, 'complete'>, string> = {
  incomplete: 'model calls failed (see the Gap Lens log); resuming the run retries them',
  'cost-limit': 'the run stopped at the cost limit (gaplens.costLimit)',
  waiting: 'its batches are still out (a resume collects them)',
};

/**
 * The rule, in order: errored — with every reason that applies — when the execution ended early, the
 * run is incomplete, the verifier scored nothing (no gap) or less than MIN_SCORED_PERCENT of the
 * samples, there are fewer than `rule.minTasks` tasks, or the gap has no interval; otherwise passed
 * when the lower end of the gap's 95 % bootstrap interval is strictly above `rule.bar`, failed when not.
 */
/** `n`: the run's samples per task. */
export function judgeGapCheck(assessed: AssessedReport, status: FinishedStatus, rule: PassRule, n: number): Omit<GapTestResult, 'dir'> {
  const { report, coverage } = assessed;
  const sel = coverage.selector;
  const reasons: string[] = [];
  if (status !== 'complete') reasons.push(STOPPED[status]);
  if (!assessed.state.complete) reasons.push(`the run is incomplete (${incompleteness(coverage)})`);
  if (!sel.measured) reasons.push(`the gap is not measured: ${notMeasuredReason(coverage)}`);
  else if (sel.scored * 100 < MIN_SCORED_PERCENT * sel.samples) reasons.push(`${sel.selector} scored ${sel.scored} of ${plural(sel.samples, 'sample')} (needs ≥ ${MIN_SCORED_PERCENT} %)`);
  if (report.tasks < rule.minTasks) reasons.push(`${plural(report.tasks, 'task')}: too few for the interval (needs ≥ ${rule.minTasks}, gaplens.testing.minTasks)`);
  const ci = report.ci.gap;
  if (sel.measured && ci === null) reasons.push('the gap has no interval');
  const numbers = numberLines(assessed, n);
  if (reasons.length > 0 || ci === null) return { outcome: 'errored', reason: reasons.join('; '), numbers };
  const lower = `the lower end of the gap's ${formatLevel(report.ci.level)} interval, ${formatPoints(ci[0])}, is`;
  return ci[0] > rule.bar
    ? { outcome: 'passed', reason: `${lower} above the bar ${formatPoints(rule.bar)}: the filter helps`, numbers }
    : { outcome: 'failed', reason: `${lower} not above the bar ${formatPoints(rule.bar)}`, numbers };
}

/** The numbers a verdict rests on, one per line, in the units and rounding of the text report (core's numbers.ts). */
function numberLines(assessed: AssessedReport, n: number): string[] {
  const { report } = assessed;
  return [
    `gap ${gapWithInterval(assessed)}`,
    accuracyBeforeAfter(report),
    `N ${n} · ${plural(report.tasks, 'task')} · ${plural(report.samples, 'sample')}`,
    `coverage: ${coverageItems(assessed).join('; ')}`,
  ];
}
