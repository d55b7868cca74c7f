// The stats header as text: every number formatted exactly as the CLI and the HTML report print it
// (src/core/report/numbers.ts), so a reader can compare them digit by digit; a verifier statistic is
// "—" when nothing was scored and carries the partial note when only some samples were.
import { formatInterval, formatRate, formatSigned } from '../../src/core/report/numbers';
import type { GapIntervals } from '../../src/core/stats/bootstrap';
import type { Interval, LiveGapStats } from '../../src/core/stats/types';
import type { Measure } from './restsOn';

export type StatKey = 'accuracy' | 'filteredAccuracy' | 'gap' | 'relativeGap' | 'retention' | 'auroc';

/** The header's cards, in order. */
export const STAT_LABELS: Record<StatKey, string> = {
  accuracy: 'Accuracy J(f)',
  filteredAccuracy: 'Filtered J(f[w])',
  gap: 'Gap',
  relativeGap: 'Relative gap',
  retention: 'Retention',
  auroc: 'AUROC',
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

function measuredCells({ stats, intervals, auroc }: StatsInput): StatCell[] {
  const ci = (pick: (i: GapIntervals) => Interval | null, signed: boolean): string => {
    if (!intervals) return 'pending';
    const interval = pick(intervals);
    return interval ? formatInterval(interval, signed) : DASH;
  };
  const cell = (key: StatKey, value: string, interval: string | null, explanation: string): StatCell => ({ key, value, interval, explanation, partial: null });
  return [
    cell('accuracy', rate(stats.accuracy), ci((i) => i.accuracy, false), 'Mean over tasks of the share of correct samples.'),
    cell(
      'filteredAccuracy',
      rate(stats.filteredAccuracy),
      ci((i) => i.filteredAccuracy, false),
      'Mean over tasks of the weighted share of correct samples among those the filter keeps (a task that keeps nothing counts with its plain accuracy).',
    ),
    cell('gap', signed(stats.gap), ci((i) => i.gap, true), 'Filtered accuracy − accuracy.'),
    cell(
      'relativeGap',
      stats.relativeGap === null ? DASH : signed(stats.relativeGap),
      stats.relativeGap === null ? null : ci((i) => i.relativeGap, true),
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
  ];
}

// null: not measured (the selector scored nothing); NaN: no task yet.
function rate(x: number | null): string {
  return x === null || Number.isNaN(x) ? DASH : formatRate(x);
}

function signed(x: number | null): string {
  return x === null || Number.isNaN(x) ? DASH : formatSigned(x);
}
