// The verification curve in the panel: the gap and AUROC with k of the K verifications per sample
// (docs/statistics.md, "The verification curve"), as two small charts and the table the HTML report
// prints, from the same cells (verificationCells). Undefined values are "—" with the reason, never 0.
import { formatPoints, formatRate, formatShort } from '../../src/core/report/numbers';
import { NO_AUROC, NO_CURVE, NO_RELATIVE_GAP, noCurveText, verificationCells } from '../../src/core/report/verificationSection';
import type { VerificationCurve } from '../../src/core/stats/verificationCurve';
import { el, svg } from './dom';
import { frame, linePath } from './svgChart';

/**
 * The figure's content: the charts and the table, or the reason there is no curve. `tasks`: the graded
 * tasks the intervals rest on; `resamples`: the bootstrap's.
 */
export function verificationContent(curve: VerificationCurve | null, tasks: number, resamples: number): Element[] {
  if (curve === null) return [el('p', { className: 'hint', text: noCurveText(), title: NO_CURVE, attrs: { 'data-role': 'verifications-none' } })];
  const intro = `${curve.draws} verifications per sample of ${curve.verifiers.join(', ')}: at each k the mean over the k-subsets of the draws, each sample scored by the aggregate of its draws in the subset. A gap still rising at k = ${curve.draws} says more verification compute would pay.`;
  return [el('p', { className: 'hint', text: intro }), gapChart(curve), aurocChart(curve), el('div', { className: 'quality-block' }, [curveTable(curve, tasks, resamples)])];
}

/** ticks 1 … K (K ≤ 16): every k has a point. */
function kTicks(draws: number): number[] {
  return Array.from({ length: draws }, (_, i) => i + 1).filter((k) => draws <= 8 || k === 1 || k % 4 === 0);
}

function gapChart(curve: VerificationCurve): SVGSVGElement {
  const { points, draws } = curve;
  const ends = points.flatMap((p) => [p.gap, ...p.ci.gap]);
  const lo = Math.min(0, ...ends);
  const hi = Math.max(0, ...ends);
  const pad = (hi - lo) * 0.1 || 0.01;
  const f = frame('Gap with k verifications per sample', { domain: [1, Math.max(2, draws)], label: 'verifications per sample k', ticks: kTicks(draws) }, { domain: [lo - pad, hi + pad], label: 'gap' });
  f.plot.append(svg('line', { class: 'grid', x1: f.x(1), x2: f.x(Math.max(2, draws)), y1: f.y(0), y2: f.y(0) }));
  f.plot.append(svg('path', { class: 'series-gap', d: linePath(points.map((p) => [f.x(p.k), f.y(p.gap)])) }));
  for (const p of points) {
    const [from, to] = p.ci.gap;
    f.plot.append(
      svg('line', { class: 'series-gap whisker', x1: f.x(p.k), x2: f.x(p.k), y1: f.y(from), y2: f.y(to) }),
      svg('circle', { class: 'series-gap', cx: f.x(p.k), cy: f.y(p.gap), r: 2.5, 'data-k': p.k }, [svg('title', {}, [`k = ${p.k}: gap ${formatPoints(p.gap)}, interval [${formatShort(from * 100)}, ${formatShort(to * 100)}] pp`])]),
    );
  }
  return f.root;
}

function aurocChart(curve: VerificationCurve): SVGSVGElement {
  const { points, draws } = curve;
  const f = frame('AUROC with k verifications per sample', { domain: [1, Math.max(2, draws)], label: 'verifications per sample k', ticks: kTicks(draws) }, { domain: [0, 1], label: 'AUROC' });
  // A k whose AUROC is undefined breaks the line and has no dot.
  f.plot.append(svg('path', { class: 'series-pass', d: linePath(points.map((p) => [f.x(p.k), p.auroc === null ? NaN : f.y(p.auroc)])) }));
  for (const p of points) {
    if (p.auroc !== null) f.plot.append(svg('circle', { class: 'series-pass', cx: f.x(p.k), cy: f.y(p.auroc), r: 2.5 }, [svg('title', {}, [`k = ${p.k}: AUROC ${formatRate(p.auroc)}`])]));
  }
  return f.root;
}

function curveTable(curve: VerificationCurve, tasks: number, resamples: number): HTMLElement {
  const head = el('tr', {}, ['k', 'filtered accuracy', 'gap', 'gap interval', 'relative gap', 'AUROC', 'how'].map((text) => el('th', { text })));
  const cell = (role: string, text: string | null, why = ''): HTMLElement => el('td', { text: text ?? '—', title: text === null ? why : '', attrs: { 'data-verification': role } });
  const body = curve.points.map((p) => {
    const c = verificationCells(curve, p, tasks, resamples);
    return el('tr', { attrs: { 'data-verification-k': String(p.k) } }, [
      el('td', { text: String(p.k) }),
      cell('filteredAccuracy', c.filteredAccuracy),
      cell('gap', c.gap),
      cell('gapInterval', c.gapInterval),
      cell('relativeGap', c.relativeGap, NO_RELATIVE_GAP),
      cell('auroc', c.auroc, NO_AUROC),
      cell('how', c.how),
    ]);
  });
  return el('table', { className: 'quality-table', attrs: { 'data-role': 'verifications-table' } }, [el('thead', {}, [head]), el('tbody', {}, body)]);
}
