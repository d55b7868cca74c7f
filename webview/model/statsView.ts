// The stats header as text: every number formatted exactly as the CLI and the HTML report print it
// (src/core/report/numbers.ts: accuracies in percent, the gap in points), so a reader can compare them
// digit by digit; a verifier statistic is "—" when nothing was scored and carries the partial note
// when only some samples were; a degenerate interval says why instead of looking certain.
import { formatAmount, formatEss, formatIn, formatIntervalIn, formatRate, type Unit } from '../../src/core/report/numbers';
import { isWeighted, weightSummary, type WeightSummary } from '../../src/core/report/weightTerms';
import type { GapIntervals } from '../../src/core/stats/bootstrap';
import type { Confusion, Interval, LiveGapStats } from '../../src/core/stats/types';
import type { FilterResult } from './analysis';
import type { Dataset } from './dataset';
import type { Measure } from './restsOn';

export type StatKey = 'accuracy' | 'filteredAccuracy' | 'gap' | 'relativeGap' | 'retention' | 'auroc' | 'oracleFilteredAccuracy' | 'oracleGap';

/** The header's cards, in order. */
export const STAT_LABELS: Record<StatKey, string> = {
  accuracy: 'Accuracy J(f)',
  filteredAccuracy: 'Filtered J(f[w])',
  gap: 'Gap',
  relativeGap: 'Relative gap',
  retention: 'Retention',
  auroc: 'AUROC',
  oracleFilteredAccuracy: 'Oracle J(f[w])',
  oracleGap: 'Oracle gap',
};

export interface StatCell {
  key: StatKey;
  value: string;
  /** The 95 % interval; null when the statistic has none, 'pending' while the bootstrap runs. */
  interval: string | null;
  /** What the number means (tooltip); for a statistic that is not measured, why. */
  explanation: string;
  /** Beside a verifier statistic that rests on part of the samples: "partial: mc scored 20 of 24". */
  partial: string | null;
}

export interface StatsInput {
  stats: LiveGapStats;
  /** Null while the bootstrap has not run for these stats yet. */
  intervals: GapIntervals | null;
  auroc: number | null;
  /** The oracle line's statistics and, once drawn, their intervals (docs/statistics.md, "The oracle line"). */
  oracle: { stats: LiveGapStats; intervals: GapIntervals | null };
}

/** The statistics that depend on the verifier: not measured when it scored nothing, partial when it scored some. */
const VERIFIER_STATS: ReadonlySet<StatKey> = new Set(['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc']);

const DASH = '—';
const NOT_MEASURED = 'not measured';

export function statCells(input: StatsInput, measure: Measure): StatCell[] {
  const cells = measuredCells(input);
  return cells.map((cell) => {
    if (!VERIFIER_STATS.has(cell.key)) return cell;
    if (measure.kind === 'unmeasured') return { ...cell, value: DASH, interval: NOT_MEASURED, explanation: measure.reason };
    return measure.kind === 'partial' ? { ...cell, partial: measure.note } : cell;
  });
}

function measuredCells({ stats, intervals, auroc, oracle }: StatsInput): StatCell[] {
  const intervalOf = (drawn: GapIntervals | null, pick: (i: GapIntervals) => Interval | null, unit: Unit): string => {
    if (!drawn) return 'pending';
    const interval = pick(drawn);
    return interval ? formatIntervalIn(interval, unit, stats.tasks) : DASH;
  };
  const ci = (pick: (i: GapIntervals) => Interval | null, unit: Unit): string => intervalOf(intervals, pick, unit);
  const rate = (x: number | null): string => valueIn(x, 'percent');
  const signed = (x: number | null): string => valueIn(x, 'points');
  const cell = (key: StatKey, value: string, interval: string | null, explanation: string): StatCell => ({ key, value, interval, explanation, partial: null });
  return [
    cell('accuracy', rate(stats.accuracy), ci((i) => i.accuracy, 'percent'), 'Mean over tasks of the share of correct samples.'),
    cell(
      'filteredAccuracy',
      rate(stats.filteredAccuracy),
      ci((i) => i.filteredAccuracy, 'percent'),
      'Mean over tasks of the weighted share of correct samples among those the filter keeps (a task that keeps nothing counts with its plain accuracy).',
    ),
    cell('gap', signed(stats.gap), ci((i) => i.gap, 'points'), 'Filtered accuracy − accuracy, in percentage points.'),
    cell(
      'relativeGap',
      valueIn(stats.relativeGap, 'signed-percent'),
      stats.relativeGap === null ? null : ci((i) => i.relativeGap, 'signed-percent'),
      stats.relativeGap === null
        ? 'Undefined: every task has J(f|x) = 1, so no task has room to improve.'
        : `Mean over tasks with J(f|x) < 1 of (J(f[w]|x) − J(f|x)) / (1 − J(f|x)); ${stats.relativeGapExcludedTasks} task(s) with J(f|x) = 1 excluded.`,
    ),
    cell('retention', rate(stats.retention), null, 'Sum of filter weights / samples (kept / all for binary filters).'),
    cell(
      'auroc',
      auroc === null ? DASH : formatRate(auroc),
      null,
      auroc === null ? 'Undefined: needs both correct and incorrect samples.' : 'Probability that a correct sample scores above an incorrect one (ties ½).',
    ),
    cell(
      'oracleFilteredAccuracy',
      rate(oracle.stats.filteredAccuracy),
      intervalOf(oracle.intervals, (i) => i.filteredAccuracy, 'percent'),
      'The same filter with the answer checker as the verifier (score 1 if graded correct, else 0): what a verifier that agrees with the checker would give.',
    ),
    cell('oracleGap', signed(oracle.stats.gap), intervalOf(oracle.intervals, (i) => i.gap, 'points'), 'Oracle filtered accuracy − accuracy, in percentage points: the model’s gap next to the checker’s.'),
  ];
}

// null: not measured (the selector scored nothing); NaN: no task yet.
function valueIn(x: number | null, unit: Unit): string {
  return x === null || Number.isNaN(x) ? DASH : formatIn(x, unit);
}

/** One cell of the confusion box: what it counts and its value. */
export interface ConfusionCell {
  key: string;
  label: string;
  value: string;
  /** A count the reader should look at (the filter and the checker disagree). */
  attention: boolean;
}

/**
 * The confusion box in the filter's vocabulary (docs/statistics.md, "Weighted filters"): kept/dropped
 * counts under a binary filter; under exp:β the weight on correct and on incorrect samples and the
 * effective sample size, since there every weight > 0 would count as "kept".
 */
export function confusionCells(stats: LiveGapStats | null, w: WeightSummary | null): ConfusionCell[] {
  if (w) {
    return [
      { key: 'weightCorrect', label: 'weight on ✓', value: formatAmount(w.onCorrect), attention: false },
      { key: 'weightWrong', label: 'weight on ✗', value: formatAmount(w.onWrong), attention: true },
      { key: 'ess', label: 'ESS (Kish)', value: formatEss(w.ess, w.samples), attention: false },
    ];
  }
  const count = (key: keyof Confusion): string => (stats?.confusion ? String(stats.confusion[key]) : DASH);
  return [
    { key: 'keptCorrect', label: 'kept ✓', value: count('keptCorrect'), attention: false },
    { key: 'keptWrong', label: 'kept ✗', value: count('keptWrong'), attention: true },
    { key: 'droppedCorrect', label: 'dropped ✓', value: count('droppedCorrect'), attention: true },
    { key: 'droppedWrong', label: 'dropped ✗', value: count('droppedWrong'), attention: false },
  ];
}

/** The weight summary of the graded samples under a weighted filter that decided by scores; null otherwise. */
export function confusionWeights(ds: Dataset, fr: Pick<FilterResult, 'filter' | 'weights' | 'measured'>): WeightSummary | null {
  if (!isWeighted(fr.filter) || !fr.measured) return null;
  function* graded(): Generator<readonly [number, boolean]> {
    for (let row = 0; row < ds.slots.length; row++) if (ds.taskGraded[ds.taskOf[row] as number] === 1) yield [fr.weights[row] as number, ds.correct[row] === 1];
  }
  return weightSummary(graded());
}
