// The stats header as text: every number formatted exactly as the CLI and the HTML report print it
// (src/core/report/numbers.ts), so a reader can compare them digit by digit.
import { formatInterval, formatRate, formatSigned } from '../../src/core/report/numbers';
import type { GapIntervals } from '../../src/core/stats/bootstrap';
import type { Interval, LiveGapStats } from '../../src/core/stats/types';

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
  /** What the number means (tooltip). */
  explanation: string;
}

export interface StatsInput {
  stats: LiveGapStats;
  /** Null while the bootstrap has not run for these stats yet. */
  intervals: GapIntervals | null;
  auroc: number | null;
}

const DASH = '—';

export function statCells({ stats, intervals, auroc }: StatsInput): StatCell[] {
  const ci = (pick: (i: GapIntervals) => Interval | null, signed: boolean): string => {
    if (!intervals) return 'pending';
    const interval = pick(intervals);
    return interval ? formatInterval(interval, signed) : DASH;
  };
  return [
    { key: 'accuracy', value: rate(stats.accuracy), interval: ci((i) => i.accuracy, false), explanation: 'Mean over tasks of the share of correct samples.' },
    {
      key: 'filteredAccuracy',
      value: rate(stats.filteredAccuracy),
      interval: ci((i) => i.filteredAccuracy, false),
      explanation: 'Mean over tasks of the weighted share of correct samples among those the filter keeps (a task that keeps nothing counts with its plain accuracy).',
    },
    { key: 'gap', value: signed(stats.gap), interval: ci((i) => i.gap, true), explanation: 'Filtered accuracy − accuracy.' },
    {
      key: 'relativeGap',
      value: stats.relativeGap === null ? DASH : signed(stats.relativeGap),
      interval: stats.relativeGap === null ? null : ci((i) => i.relativeGap, true),
      explanation:
        stats.relativeGap === null
          ? 'Undefined: every task has J(f|x) = 1, so no task has room to improve.'
          : `Mean over tasks with J(f|x) < 1 of (J(f[w]|x) − J(f|x)) / (1 − J(f|x)); ${stats.relativeGapExcludedTasks} task(s) with J(f|x) = 1 excluded.`,
    },
    { key: 'retention', value: rate(stats.retention), interval: null, explanation: 'Sum of filter weights / samples (kept / all for binary filters).' },
    {
      key: 'auroc',
      value: auroc === null ? DASH : formatRate(auroc),
      interval: null,
      explanation: auroc === null ? 'Undefined: needs both correct and incorrect samples.' : 'Probability that a correct sample scores above an incorrect one (ties ½).',
    },
  ];
}

// null: not measured (the selector scored nothing); NaN: no task yet.
function rate(x: number | null): string {
  return x === null || Number.isNaN(x) ? DASH : formatRate(x);
}

function signed(x: number | null): string {
  return x === null || Number.isNaN(x) ? DASH : formatSigned(x);
}
