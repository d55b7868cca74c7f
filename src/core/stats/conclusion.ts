// When a report may draw a conclusion about the gap, and the warning every interval over few tasks
// carries. Definitions: docs/statistics.md, "Coverage and what a number rests on".
import { isComplete, outstandingVerifications, type Coverage, type RecordCoverage } from './coverage';
import type { GapReport, Interval } from './types';
import { plural } from '../util/plural';
import { formatRange } from '../report/numbers';

/** Below this many tasks the task bootstrap is unreliable, and no conclusion is drawn. */
export const MIN_TASKS = 30;
/** The share of the generated samples the selector must score before a conclusion is drawn. */
export const MIN_SCORED_PERCENT = 95;
/** The interval level a conclusion rests on. */
export const CONCLUSION_LEVEL = 0.95;

/** Whether the run's records are all in (derived from coverage) and whether a writer is adding records right now. */
export interface RunState {
  /** Every expected generation and verification record exists (a failed parse counts as existing; a call failure does not). */
  complete: boolean;
  /** A writer holds the run's lock: records are being added while this report is read. */
  live: boolean;
}

export type Verdict = 'positive' | 'negative';

/** What the rule reads of a report: its tasks and the gap's interval (the panel has these without a whole GapReport). */
export type ConcludedReport = Pick<GapReport, 'tasks'> & { ci: Pick<GapReport['ci'], 'gap' | 'resamples' | 'level'> };

export interface Conclusion {
  /** null: no conclusion is drawn; `reasons` says why. */
  verdict: Verdict | null;
  /** Every condition that fails, in the order (a) complete and not live, (b) scored share, (c) tasks, (d) interval. Empty with a verdict. */
  reasons: string[];
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  positive: 'gap is positive: filtering by this verifier adds signal on these tasks',
  negative: 'gap is negative: filtering by this verifier cannot drive self-improvement here',
};

/** "only T tasks: the task-bootstrap interval is unreliable" below MIN_TASKS tasks, else null. */
export function fewTasksWarning(tasks: number): string | null {
  return tasks < MIN_TASKS ? `only ${plural(tasks, 'task')}: the task-bootstrap interval is unreliable` : null;
}

/** The run state a report's records give; `live` comes from the run's lock. A samples file is complete and not live. */
export function runState(coverage: RecordCoverage, live: boolean): RunState {
  return { complete: isComplete(coverage), live };
}

/**
 * A verdict only when (a) the run is complete and not live, (b) the selector scored at least 95 % of
 * the report's samples, (c) there are at least 30 tasks and (d) the 95 % bootstrap interval of the
 * gap excludes 0; its sign is the verdict. Otherwise every failing condition, with its numbers.
 */
export function concludeGap(report: ConcludedReport, coverage: Coverage, state: RunState): Conclusion {
  const reasons: string[] = [];
  if (!state.complete) reasons.push(`the run is incomplete (${incompleteness(coverage)})`);
  if (state.live) reasons.push('the run is live (a writer is still adding records)');
  const { selector, scored, samples } = coverage.selector;
  if (scored * 100 < MIN_SCORED_PERCENT * samples) {
    reasons.push(`${selector} scored ${scored} of ${plural(samples, 'sample')} (needs ≥ ${MIN_SCORED_PERCENT} %)`);
  }
  if (report.tasks < MIN_TASKS) reasons.push(`${plural(report.tasks, 'task')} (needs ≥ ${MIN_TASKS})`);
  const interval = gapInterval(report);
  if (typeof interval === 'string') reasons.push(interval);
  else if (interval[0] <= 0 && interval[1] >= 0) reasons.push(`the 95 % interval of the gap, ${formatRange(interval, 'points')}, includes 0`);
  if (reasons.length > 0 || typeof interval === 'string') return { verdict: null, reasons };
  return { verdict: interval[0] > 0 ? 'positive' : 'negative', reasons: [] };
}

/** The verdict sentence, or "no conclusion: " and every reason. */
export function conclusionText(conclusion: Conclusion): string {
  return conclusion.verdict === null ? `no conclusion: ${conclusion.reasons.join('; ')}` : VERDICT_TEXT[conclusion.verdict];
}

/** The 95 % bootstrap interval of the gap, or why there is none. */
function gapInterval(report: ConcludedReport): Interval | string {
  const { ci } = report;
  if (ci.gap === null) return 'the gap has no 95 % interval (not measured)';
  if (ci.resamples === 0) return 'the gap has no 95 % bootstrap interval (0 resamples)';
  if (ci.level !== CONCLUSION_LEVEL) return `the gap has no 95 % interval (the report's level is ${ci.level})`;
  return ci.gap;
}

/** What is missing of an incomplete run: "8 of 40 tasks generated", or "12 of 640 verifications outstanding". */
export function incompleteness(coverage: RecordCoverage): string {
  const { tasks } = coverage;
  if (tasks.done < tasks.expected) return `${tasks.done} of ${plural(tasks.expected, 'task')} generated`;
  const { outstanding, expected } = outstandingVerifications(coverage);
  return `${outstanding} of ${plural(expected, 'verification')} outstanding`;
}
