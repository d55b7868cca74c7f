// The paper's check between two rounds of self-improvement (Sec. 2.1, condition 3; Sec. 5): does
// round r+1's accuracy beat round r's accuracy plus its gap, J(f_r) + gap(f_r) = J(f_r[w])? Defined
// in docs/statistics.md, "Self-improvement series".
import { notMeasuredReason } from '../report/coverageText';
import { formatRange } from '../report/numbers';
import { plural } from '../util/plural';
import type { AssessedReport } from './assessment';
import type { BootstrapOptions } from './bootstrap';
import { CONCLUSION_LEVEL, incompleteness, MIN_SCORED_PERCENT, MIN_TASKS } from './conclusion';
import { bootstrapStatistics } from './taskBootstrap';
import type { Interval } from './types';

export type RoundVerdict = 'beats' | 'falls-short';

export interface RoundCheck {
  /** Rounds r and r+1. */
  from: number;
  to: number;
  /** Tasks with generations in both rounds, the unit of every number below. */
  commonTasks: number;
  /** Mean over the common tasks of J(f_r[w]|x) = round r's accuracy plus its gap; null when round r's gap is not measured. */
  predicted: number | null;
  /** Mean over the common tasks of J(f_{r+1}|x). */
  nextAccuracy: number | null;
  /** Mean over the common tasks of J(f_{r+1}|x) − J(f_r[w]|x); null when not measurable. */
  excess: number | null;
  /** Paired task-bootstrap percentile interval of `excess`; null when `excess` is, or no resample defines it. */
  interval: Interval | null;
  /** null: no verdict; `reasons` says why (and, when `excess` is null, why it is not measurable). */
  verdict: RoundVerdict | null;
  reasons: string[];
}

export const ROUND_VERDICT_TEXT: Record<RoundVerdict, string> = {
  beats: 'beats round r accuracy plus its gap: more than training on the filtered samples explains (the paper saw this from answer-format fixes)',
  'falls-short': "falls short of round r accuracy plus its gap: the update did not keep the filter's gain",
};

/**
 * The check of round `from` (report `r`) against round `from + 1` (report `next`), paired over the
 * tasks both have generations for. The interval resamples those tasks (createRng(seed), as every task
 * bootstrap) and averages each drawn task's difference, counted as often as drawn.
 */
export function checkRound(from: number, r: AssessedReport, next: AssessedReport, options: BootstrapOptions): RoundCheck {
  const nextByTask = new Map(next.report.perTask.map((t) => [t.task, t.accuracy]));
  const common = r.report.perTask.filter((t) => nextByTask.has(t.task));
  const base = { from, to: from + 1, commonTasks: common.length };
  const notMeasurable = (reason: string): RoundCheck => ({ ...base, predicted: null, nextAccuracy: null, excess: null, interval: null, verdict: null, reasons: [`not measurable: ${reason}`] });
  if (common.length === 0) return notMeasurable(`rounds ${from} and ${from + 1} share no task with generations`);
  if (r.report.filteredAccuracy === null) return notMeasurable(`round ${from}'s gap is not measured (${notMeasuredReason(r.coverage)})`);
  const predictedByTask = Float64Array.from(common, (t) => t.filteredAccuracy as number);
  const nextByCommon = Float64Array.from(common, (t) => nextByTask.get(t.task) as number);
  const diffs = nextByCommon.map((x, i) => x - (predictedByTask[i] as number));
  const mean = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const excess = mean(diffs);
  const [interval = null] = bootstrapStatistics(
    diffs.length,
    (counts, out) => {
      let sum = 0;
      let drawn = 0;
      for (let t = 0; t < counts.length; t++) {
        const c = counts[t] as number;
        sum += c * (diffs[t] as number);
        drawn += c;
      }
      out[0] = sum / drawn;
    },
    [excess],
    options,
  );
  const reasons = verdictReasons(from, r, next, common.length, interval, options);
  const verdict = reasons.length > 0 || interval === null ? null : interval[0] > 0 ? 'beats' : 'falls-short';
  return { ...base, predicted: mean(predictedByTask), nextAccuracy: mean(nextByCommon), excess, interval, verdict, reasons };
}

/**
 * Why no verdict is drawn, in the order of the gap's conclusion rule: (a) both rounds complete and
 * not live, (b) round r's selector scored ≥ 95 % of its samples, (c) ≥ 30 common tasks, (d) a 95 %
 * bootstrap interval that excludes 0.
 */
function verdictReasons(from: number, r: AssessedReport, next: AssessedReport, tasks: number, interval: Interval | null, options: BootstrapOptions): string[] {
  const reasons: string[] = [];
  for (const [round, a] of [[from, r], [from + 1, next]] as const) {
    if (!a.state.complete) reasons.push(`round ${round} is incomplete (${incompleteness(a.coverage)})`);
    if (a.state.live) reasons.push(`round ${round} is live (a writer is still adding records)`);
  }
  const { selector, scored, samples } = r.coverage.selector;
  if (scored * 100 < MIN_SCORED_PERCENT * samples) reasons.push(`round ${from}: ${selector} scored ${scored} of ${plural(samples, 'sample')} (needs ≥ ${MIN_SCORED_PERCENT} %)`);
  if (tasks < MIN_TASKS) reasons.push(`${plural(tasks, 'common task')} (needs ≥ ${MIN_TASKS})`);
  if (options.resamples === 0) reasons.push('no 95 % bootstrap interval (0 resamples)');
  else if (options.level !== CONCLUSION_LEVEL) reasons.push(`no 95 % interval (the level is ${options.level})`);
  else if (interval === null) reasons.push('no resample defines the interval');
  else if (interval[0] <= 0 && interval[1] >= 0) reasons.push(`the 95 % interval of the excess, ${formatRange(interval, 'points')}, includes 0`);
  return reasons;
}
