// A minimal SVG plotting frame: linear or log axes with tick labels. Colours come from CSS classes
// (VS Code theme variables), so charts follow light, dark and high-contrast themes.
import { formatShort } from '../../src/core/report/numbers';
import { svg } from './dom';

export const WIDTH = 320;
export const HEIGHT = 190;
const MARGIN = { left: 40, right: 10, top: 10, bottom: 30 };

export interface Axis {
  domain: [number, number];
  log?: boolean;
  label: string;
  ticks?: number[];
}

export interface Frame {
  root: SVGSVGElement;
  plot: SVGGElement;
  x(v: number): number;
  y(v: number): number;
}

export function frame(title: string, xAxis: Axis, yAxis: Axis): Frame {
  const x = scale(xAxis, MARGIN.left, WIDTH - MARGIN.right);
  const y = scale(yAxis, HEIGHT - MARGIN.bottom, MARGIN.top);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': title });
  const axes = svg('g', { class: 'axes' });
  axes.append(
    svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom }),
    svg('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom }),
  );
  for (const t of xAxis.ticks ?? ticks(xAxis)) {
    axes.append(svg('line', { class: 'tick', x1: x(t), x2: x(t), y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom + 4 }));
    axes.append(svg('text', { x: x(t), y: HEIGHT - MARGIN.bottom + 14, 'text-anchor': 'middle' }, [formatShort(t)]));
  }
  for (const t of yAxis.ticks ?? ticks(yAxis)) {
    axes.append(svg('line', { class: 'grid', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(t), y2: y(t) }));
    axes.append(svg('text', { x: MARGIN.left - 4, y: y(t) + 3, 'text-anchor': 'end' }, [formatShort(t)]));
  }
  axes.append(svg('text', { class: 'axis-label', x: (MARGIN.left + WIDTH - MARGIN.right) / 2, y: HEIGHT - 3, 'text-anchor': 'middle' }, [xAxis.label]));
  axes.append(svg('text', { class: 'axis-label', x: 10, y: MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 10 ${MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2})` }, [yAxis.label]));
  const plot = svg('g', { class: 'plot' });
  root.append(axes, plot);
  return { root, plot, x, y };
}

/** An SVG path through the points (NaN points break the line). */
export function linePath(points: readonly [number, number][]): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
    pen = true;
  }
  return d;
}

function scale(axis: Axis, from: number, to: number): (v: number) => number {
  const [lo, hi] = axis.domain;
  if (axis.log) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    return (v) => from + ((Math.log10(v) - a) / (b - a || 1)) * (to - from);
  }
  return (v) => from + ((v - lo) / (hi - lo || 1)) * (to - from);
}

/** About five round ticks over the domain (powers of ten on a log axis). */
function ticks(axis: Axis): number[] {
  const [lo, hi] = axis.domain;
  if (axis.log) {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(10 ** e);
    return out;
  }
  const span = hi - lo || 1;
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}
