// The verifier-quality and any-N charts: every score's reliability diagram and risk–coverage curve on
// one chart each, and the filtered accuracy and gap against samples per task. Each mark's title gives
// the exact numbers.
import { formatRate, formatShort, formatSigned } from '../../src/core/report/numbers';
import { kTicks } from '../../src/core/report/svgCharts';
import type { AnyN } from '../../src/core/stats/anyN';
import type { QualityPoint } from '../../src/core/stats/verifierQuality';
import { legend } from './charts';
import { svg } from './dom';
import { frame, linePath } from './svgChart';

/** The series classes of up to five scores, in order; more cycle. */
export const seriesClass = (i: number): string => `series-s${i % 5}`;

/** A score on a chart, with its series class (the same as its swatch in the table). */
export interface ChartScore {
  q: QualityPoint;
  cls: string;
}

/** Share correct against mean score per score bin (non-empty bins), a dot per bin sized by its samples. */
export function reliabilityChart(scores: readonly ChartScore[]): Element[] {
  const f = frame('Reliability: mean score against share correct per score bin', { domain: [0, 1], label: 'mean score of the bin' }, { domain: [0, 1], label: 'share correct' });
  f.plot.append(svg('line', { class: 'diagonal', x1: f.x(0), y1: f.y(0), x2: f.x(1), y2: f.y(1) }));
  for (const { q, cls } of scores) {
    const filled = (q.reliability ?? []).flatMap((b) => (b.meanScore === null || b.accuracy === null ? [] : [{ ...b, meanScore: b.meanScore, accuracy: b.accuracy }]));
    const most = Math.max(1, ...filled.map((b) => b.count));
    f.plot.append(svg('path', { class: cls, d: linePath(filled.map((b) => [f.x(b.meanScore), f.y(b.accuracy)])) }));
    for (const b of filled) {
      f.plot.append(
        svg('circle', { class: `${cls} point`, cx: f.x(b.meanScore), cy: f.y(b.accuracy), r: 2 + 3 * Math.sqrt(b.count / most) }, [
          svg('title', {}, [`${q.selector} [${formatShort(b.lo)}, ${formatShort(b.hi)}): ${b.count} samples, mean score ${formatRate(b.meanScore)}, ${formatRate(b.accuracy)} correct`]),
        ]),
      );
    }
  }
  return [f.root, legend([['diagonal', 'perfect calibration'], ...scores.map(({ q, cls }): [string, string] => [cls, q.selector])])];
}

/** The share of incorrect samples among those covered, best-scored first. */
export function riskCoverageChart(scores: readonly ChartScore[]): Element[] {
  const f = frame('Risk against coverage', { domain: [0, 1], label: 'coverage' }, { domain: [0, 1], label: 'risk (share incorrect)' });
  for (const { q, cls } of scores) {
    const curve = q.riskCoverage ?? [];
    f.plot.append(
      svg('path', { class: cls, d: linePath(curve.map((p) => [f.x(p.coverage), f.y(p.risk)])) }, [
        svg('title', {}, [`${q.selector}: AURC ${q.aurc === null ? '—' : formatRate(q.aurc)}`]),
      ]),
    );
  }
  return [f.root, legend(scores.map(({ q, cls }): [string, string] => [cls, q.selector]))];
}

/** Accuracy, filtered accuracy, gap and relative gap against k (log scale), a dot per reported k. */
export function anyNChart(anyN: AnyN, accuracy: number): Element[] {
  const ks = anyN.points.map((p) => p.k);
  const maxK = Math.max(...ks);
  const low = Math.min(0, ...anyN.points.flatMap((p) => [p.gap, p.relativeGap ?? 0]));
  const x = maxK > 1 ? { domain: [1, maxK] as [number, number], log: true, label: 'samples per task k (log scale)', ticks: kTicks(maxK) } : { domain: [0.5, 1.5] as [number, number], label: 'samples per task k', ticks: [1] };
  const f = frame('Accuracy, filtered accuracy, gap and relative gap against samples per task', x, { domain: [low, 1], label: 'rate' });
  f.plot.append(svg('line', { class: 'series-accuracy', x1: f.x(x.domain[0]), x2: f.x(x.domain[1]), y1: f.y(accuracy), y2: f.y(accuracy) }));
  // A relative gap that does not exist (every task solved) breaks its line: NaN is no point.
  const series = (className: string, label: string, value: (p: AnyN['points'][number]) => number | null, format: (v: number) => string): void => {
    f.plot.append(svg('path', { class: className, d: linePath(anyN.points.map((p) => [f.x(p.k), f.y(value(p) ?? Number.NaN)])) }));
    for (const p of anyN.points) {
      const v = value(p);
      if (v !== null) f.plot.append(svg('circle', { class: `${className} point`, cx: f.x(p.k), cy: f.y(v), r: 2.5 }, [svg('title', {}, [`${label} at k=${p.k}: ${format(v)}`])]));
    }
  };
  series('series-filtered', 'filtered accuracy', (p) => p.filteredAccuracy, formatRate);
  series('series-gap', 'gap', (p) => p.gap, formatSigned);
  series('series-relative', 'relative gap', (p) => p.relativeGap, formatSigned);
  return [f.root, legend([['series-accuracy', 'accuracy'], ['series-filtered', 'filtered accuracy'], ['series-gap', 'gap'], ['series-relative', 'relative gap']])];
}
