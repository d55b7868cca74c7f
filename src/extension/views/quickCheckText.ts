// What a quick gap check says about its run, on the CodeLens (one short line) and in its tooltip:
// worded from the run's assessed report (core's computeReport, the numbers the panel shows), never
// a second computation. Honest by the house rules: no gap when the verifier scored nothing ("—" and
// why), and a partial score, an unfinished run and too few tasks for the interval are said. Pure.
import { partialNote } from '../../core/report/coverageText';
import { accuracyBeforeAfter, coverageItems, gapWithInterval } from '../../core/report/gapWords';
import type { AssessedReport } from '../../core/stats/assessment';
import { incompleteness, MIN_TASKS } from '../../core/stats/conclusion';
import { plural } from '../../core/util/plural';

/** How the quick check's execution ended (a failed one has no report). */
export type QuickCheckEnding = 'complete' | 'incomplete' | 'cancelled' | 'cost-limit' | 'waiting';

export interface QuickCheckText {
  /** The CodeLens line, e.g. "gap +12.50 pp, 95 % CI [−3.00, +27.00] pp · N=4 · 3 tasks (< 30: rough interval) · partial: mc scored 10 of 12". */
  title: string;
  /** The numbers it rests on, one per line. */
  tooltip: string;
}

/** Why an execution that ended early leaves the check unfinished, in a word or two. */
const ENDED: Record<Exclude<QuickCheckEnding, 'complete'>, string> = {
  incomplete: 'model calls failed',
  cancelled: 'cancelled',
  'cost-limit': 'stopped at the cost limit',
  waiting: 'batches still out',
};

/** `n`: the run's samples per task. */
export function quickCheckText(assessed: AssessedReport, ending: QuickCheckEnding, n: number): QuickCheckText {
  const { report, coverage, state } = assessed;
  const sel = coverage.selector;
  const tasks = `${plural(report.tasks, 'task')}${report.tasks < MIN_TASKS ? ` (< ${MIN_TASKS}: rough interval)` : ''}`;
  const flags = [
    ...(sel.measured && sel.partial ? [partialNote(sel)] : []),
    ...(ending !== 'complete' ? [ENDED[ending]] : []),
    ...(!state.complete ? [`incomplete: ${incompleteness(coverage)}`] : []),
  ];
  return {
    title: [`gap ${gapWithInterval(assessed)}`, `N=${n}`, tasks, ...flags].join(' · '),
    tooltip: [
      `Quick gap check: ${accuracyBeforeAfter(report)}`,
      `${plural(report.samples, 'sample')}; ${coverageItems(assessed).join('; ')}`,
      'Click to open the run in the gap panel.',
    ].join('\n'),
  };
}
