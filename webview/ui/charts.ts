// The charts: score histogram, filter sweep, per-task scatter, the k-curves and, for a run drawing
// several verifications per sample, the verification curve. (The reliability diagram is with the
// verifier quality, qualityView.ts.)
import type { FilterSpec } from '../../src/core/filter/spec';
import { formatFilter } from '../../src/core/filter/parse';
import { formatRate } from '../../src/core/report/numbers';
import type { ScoreHistogram } from '../../src/core/report/histogram';
import type { VerificationCurve } from '../../src/core/stats/verificationCurve';
import type { KCurves } from '../model/analysis';
import type { ScatterPoint, SweepPoint } from '../model/chartData';
import { filterParameter } from '../model/filterControl';
import { el, svg } from './dom';
import { frame, linePath } from './svgChart';
import { verificationContent } from './verificationChart';

export interface ChartsModel {
  histogram: ScoreHistogram | null;
  selectorLabel: string;
  sweep: { points: SweepPoint[]; accuracy: number; current: FilterSpec } | null;
  scatter: ScatterPoint[];
  curves: KCurves | null;
  /** The selector scored some sample; otherwise the filter decided nothing and its charts are not measured. */
  measured: boolean;
  /** The verification curve over `tasks` graded tasks (null: not measured; 'pending': being computed); absent when no verifier draws several verifications per sample. */
  verifications?: { curve: VerificationCurve | null | 'pending'; tasks: number; resamples: number };
}

type ChartKey = 'histogram' | 'sweep' | 'scatter' | 'curves' | 'verifications';

const TITLES: Record<ChartKey, string> = {
  histogram: 'Score histogram',
  sweep: 'Accuracy and gap vs the filter',
  scatter: 'Per task: J(f|x) vs J(f[w]|x)',
  curves: 'pass@k, pass^k and best-of-k',
  verifications: 'Gap and AUROC with k verifications per sample',
};

export class ChartsPanel {
  readonly element: HTMLElement;
  private readonly bodies = new Map<ChartKey, HTMLElement>();

  constructor() {
    const figures = (Object.keys(TITLES) as ChartKey[]).map((key) => {
      const body = el('div', { className: 'chart-body' });
      this.bodies.set(key, body);
      return el('figure', { className: `chart-figure ${key}`, attrs: { 'data-chart': key } }, [el('figcaption', { text: TITLES[key] }), body]);
    });
    this.element = el('section', { className: 'charts', attrs: { 'aria-label': 'Charts' } }, figures);
  }

  update(model: ChartsModel): void {
    this.show('histogram', model.histogram ? histogramChart(model.histogram, model.selectorLabel) : note('No graded sample yet.'));
    // A function: each chart needs its own nodes.
    const unmeasured = (): Element[] => note('Not measured: the selector scored no sample, so the filter decides nothing.');
    this.show('sweep', model.sweep && model.sweep.points.length > 0 ? sweepChart(model.sweep) : model.sweep && !model.measured ? unmeasured() : note('No graded sample yet.'));
    this.show('scatter', model.scatter.length === 0 ? note('No graded task yet.') : model.measured ? scatterChart(model.scatter) : unmeasured());
    this.show('curves', model.curves && model.curves.passAtK.length > 0 ? curvesChart(model.curves) : note('No graded task yet.'));
    const { verifications } = model;
    const computing = (): Element[] => [el('p', { className: 'hint', text: 'Computing the gap at every k…', attrs: { 'data-role': 'verifications-pending' } })];
    this.show('verifications', !verifications ? [] : verifications.curve === 'pending' ? computing() : verificationContent(verifications.curve, verifications.tasks, verifications.resamples));
    // Only a run drawing several verifications per sample has the figure, as only its report has the section.
    ((this.bodies.get('verifications') as HTMLElement).parentElement as HTMLElement).hidden = verifications === undefined;
  }

  private show(key: ChartKey, content: Element[]): void {
    (this.bodies.get(key) as HTMLElement).replaceChildren(...content);
  }
}

/** A muted paragraph in place of (or under) a chart. */
export function note(text: string): Element[] {
  return [el('p', { className: 'hint', text })];
}

/** Swatches naming a chart's series by their CSS classes. */
export function legend(entries: [className: string, label: string][]): HTMLElement {
  return el('div', { className: 'legend' }, entries.map(([className, label]) => el('span', { className: `legend-item ${className}` }, [el('span', { className: 'swatch' }), label])));
}

function histogramChart(h: ScoreHistogram, selectorLabel: string): Element[] {
  const top = Math.max(1, ...h.bins.map((b) => Math.max(b.correct, b.incorrect)));
  const f = frame('Score histogram', { domain: [0, 1], label: `score (${selectorLabel})` }, { domain: [0, top], label: 'samples' });
  for (const bin of h.bins) {
    const mid = (bin.lo + bin.hi) / 2;
    const width = (f.x(bin.hi) - f.x(bin.lo)) / 2 - 0.5;
    f.plot.append(
      svg('rect', { class: 'series-correct', x: f.x(bin.lo), y: f.y(bin.correct), width, height: f.y(0) - f.y(bin.correct) }, [svg('title', {}, [`${bin.lo}–${bin.hi}: ${bin.correct} correct`])]),
      svg('rect', { class: 'series-wrong', x: f.x(mid), y: f.y(bin.incorrect), width, height: f.y(0) - f.y(bin.incorrect) }, [svg('title', {}, [`${bin.lo}–${bin.hi}: ${bin.incorrect} incorrect`])]),
    );
  }
  const unscored = h.unscored.correct + h.unscored.incorrect;
  return [f.root, legend([['series-correct', 'correct'], ['series-wrong', 'incorrect']]), ...(unscored > 0 ? note(`${unscored} sample(s) without a score (${h.unscored.correct} correct) are not shown.`) : [])];
}

function sweepChart({ points, accuracy, current }: NonNullable<ChartsModel['sweep']>): Element[] {
  const log = current.kind === 'exp';
  const xs = points.map((p) => p.parameter);
  const domain: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const low = Math.min(0, ...points.map((p) => p.gap));
  const f = frame('Accuracy and gap vs the filter', { domain, log, label: parameterName(current) }, { domain: [low, 1], label: 'rate' });
  const line = (values: number[], className: string): SVGPathElement =>
    svg('path', { class: className, d: linePath(points.map((p, i) => [f.x(p.parameter), f.y(values[i] as number)])) });
  f.plot.append(
    svg('line', { class: 'series-accuracy', x1: f.x(domain[0]), x2: f.x(domain[1]), y1: f.y(accuracy), y2: f.y(accuracy) }),
    line(points.map((p) => p.filteredAccuracy), 'series-filtered'),
    line(points.map((p) => p.gap), 'series-gap'),
    line(points.map((p) => p.retention), 'series-retention'),
  );
  const at = filterParameter(current);
  if (at >= domain[0] && at <= domain[1]) {
    f.plot.append(svg('line', { class: 'marker', x1: f.x(at), x2: f.x(at), y1: f.y(low), y2: f.y(1), 'data-role': 'sweep-marker' }, [svg('title', {}, [`current: ${formatFilter(current)}`])]));
  }
  return [f.root, legend([['series-accuracy', 'accuracy'], ['series-filtered', 'filtered accuracy'], ['series-gap', 'gap'], ['series-retention', 'retention'], ['marker', formatFilter(current)]])];
}

function scatterChart(points: ScatterPoint[]): Element[] {
  const f = frame('Per-task accuracy', { domain: [0, 1], label: 'J(f|x)' }, { domain: [0, 1], label: 'J(f[w]|x)' });
  f.plot.append(svg('line', { class: 'diagonal', x1: f.x(0), y1: f.y(0), x2: f.x(1), y2: f.y(1) }));
  const most = Math.max(...points.map((p) => p.count));
  const tasks = points.reduce((sum, p) => sum + p.count, 0);
  const above = points.filter((p) => p.y > p.x).reduce((sum, p) => sum + p.count, 0);
  const below = points.filter((p) => p.y < p.x).reduce((sum, p) => sum + p.count, 0);
  for (const p of points) {
    f.plot.append(
      svg('circle', { class: `point ${p.y > p.x ? 'series-correct' : p.y < p.x ? 'series-wrong' : 'series-neutral'}`, cx: f.x(p.x), cy: f.y(p.y), r: 2 + 6 * Math.sqrt(p.count / most) }, [
        svg('title', {}, [`${p.count} task(s): J(f|x) ${formatRate(p.x)}, J(f[w]|x) ${formatRate(p.y)}`]),
      ]),
    );
  }
  return [f.root, ...note(`${tasks} tasks: ${above} gain, ${below} lose, ${tasks - above - below} unchanged by the filter.`)];
}

function curvesChart(curves: KCurves): Element[] {
  const n = curves.passAtK.length;
  const ks = curves.passAtK.map((_, i) => i + 1);
  const f = frame('pass@k', { domain: [1, Math.max(2, n)], label: 'k' }, { domain: [0, 1], label: 'rate' });
  f.plot.append(svg('path', { class: 'series-pass', d: linePath(ks.map((k) => [f.x(k), f.y(curves.passAtK[k - 1] as number)])) }));
  f.plot.append(svg('path', { class: 'series-pass-all', d: linePath(ks.map((k) => [f.x(k), f.y(curves.passAllK[k - 1] as number)])) }));
  // No best-of-k when the verifier scored nothing (not measured).
  if (curves.bestOfK.length > 0) f.plot.append(svg('path', { class: 'series-filtered', d: linePath(ks.map((k) => [f.x(k), f.y(curves.bestOfK[k - 1] as number)])) }));
  return [f.root, legend([['series-pass', 'pass@k (any of k correct)'], ['series-pass-all', 'pass^k (all k correct)'], ['series-filtered', 'best-of-k (verifier picks)']])];
}

function parameterName(spec: FilterSpec): string {
  return { quantile: 'quantile q', threshold: 'threshold τ', topk: 'top-k k', exp: 'exp β (log)' }[spec.kind];
}
