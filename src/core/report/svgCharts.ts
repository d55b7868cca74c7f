// Inline SVG charts for the static report: no scripts, no external resources. Colours come from
// CSS classes defined in the page so the charts follow the light/dark theme; every bar and point
// carries a <title> so hovering shows the exact number.

import { html, type SafeHtml } from './escape';
import type { ScoreBin } from './histogram';
import { formatRate, formatShort } from './numbers';

const WIDTH = 640;
const HEIGHT = 260;
// The top margin holds the legend, so it never covers data.
const MARGIN = { top: 30, right: 16, bottom: 40, left: 48 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Coordinates with one decimal: enough for a 640-wide chart, and keeps the file small. */
function px(x: number): string {
  return x.toFixed(1);
}

/** The smallest round step (1, 2 or 5 times a power of ten) of at least `raw`. */
function roundStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

/** A round step (at least 1) giving about `count` ticks up to max. */
function countStep(max: number, count: number): number {
  return Math.max(1, roundStep(Math.max(1, max / count)));
}

function bottomAxis(ticks: { at: number; label: string }[], title: string): SafeHtml {
  const y = MARGIN.top + PLOT_H;
  return html`<line class="axis" x1="${px(MARGIN.left)}" y1="${px(y)}" x2="${px(MARGIN.left + PLOT_W)}" y2="${px(y)}"/>
${ticks.map(
  (t) => html`<line class="axis" x1="${px(t.at)}" y1="${px(y)}" x2="${px(t.at)}" y2="${px(y + 4)}"/><text class="tick" x="${px(t.at)}" y="${px(y + 16)}" text-anchor="middle">${t.label}</text>
`,
)}<text class="axis-title" x="${px(MARGIN.left + PLOT_W / 2)}" y="${px(HEIGHT - 6)}" text-anchor="middle">${title}</text>
`;
}

function leftAxis(ticks: { at: number; label: string }[], title: string): SafeHtml {
  return html`${ticks.map(
    (t) => html`<line class="grid" x1="${px(MARGIN.left)}" y1="${px(t.at)}" x2="${px(MARGIN.left + PLOT_W)}" y2="${px(t.at)}"/><text class="tick" x="${px(MARGIN.left - 6)}" y="${px(t.at + 4)}" text-anchor="end">${t.label}</text>
`,
  )}<text class="axis-title" transform="translate(12 ${px(MARGIN.top + PLOT_H / 2)}) rotate(-90)" text-anchor="middle">${title}</text>
`;
}

function chart(label: string, body: SafeHtml): SafeHtml {
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg"><title>${label}</title>
${body}</svg>`;
}

/** Side-by-side bars of correct and incorrect samples per score bin. */
export function histogramChart(bins: readonly ScoreBin[], scoreName: string): SafeHtml {
  const max = Math.max(1, ...bins.map((b) => Math.max(b.correct, b.incorrect)));
  const step = countStep(max, 4);
  const top = Math.ceil(max / step) * step;
  const yOf = (count: number): number => MARGIN.top + PLOT_H * (1 - count / top);
  const binW = PLOT_W / Math.max(1, bins.length);
  const barW = Math.max(1, binW / 2 - 1);
  const yTicks: { at: number; label: string }[] = [];
  for (let v = 0; v <= top; v += step) yTicks.push({ at: yOf(v), label: String(v) });
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ at: MARGIN.left + v * PLOT_W, label: formatShort(v) }));
  const bars = bins.map((b, i) => {
    const x = MARGIN.left + i * binW;
    const range = `[${formatShort(b.lo)}, ${formatShort(b.hi)}${i === bins.length - 1 ? ']' : ')'}`;
    return html`<rect class="bar-ok" x="${px(x + 0.5)}" y="${px(yOf(b.correct))}" width="${px(barW)}" height="${px(PLOT_H * (b.correct / top))}"><title>${range}: ${b.correct} correct</title></rect><rect class="bar-bad" x="${px(x + 0.5 + barW)}" y="${px(yOf(b.incorrect))}" width="${px(barW)}" height="${px(PLOT_H * (b.incorrect / top))}"><title>${range}: ${b.incorrect} incorrect</title></rect>
`;
  });
  return chart(
    `Histogram of ${scoreName} scores, correct versus incorrect samples`,
    html`${leftAxis(yTicks, 'samples')}${bars}${bottomAxis(xTicks, `${scoreName} score`)}${legend([
      { cls: 'bar-ok', label: 'correct' },
      { cls: 'bar-bad', label: 'incorrect' },
    ])}`,
  );
}

/** Legend entries side by side, each as wide as its label needs (at least 110 px, as before labels grew). */
function legend(items: { cls: string; label: string }[]): SafeHtml {
  let x = MARGIN.left + 8;
  return html`${items.map((item) => {
    const at = x;
    x += Math.max(110, 24 + 6.5 * item.label.length);
    return html`<rect class="swatch ${item.cls}" x="${px(at)}" y="${px(MARGIN.top - 22)}" width="10" height="10"/><text class="tick" x="${px(at + 14)}" y="${px(MARGIN.top - 13)}">${item.label}</text>
`;
  })}`;
}

export interface KSeries {
  label: string;
  /** CSS class giving the series its colour and dash pattern. */
  cls: string;
  /** values[k-1] is the value at k; null where undefined. */
  values: readonly (number | null)[];
}

/** One point of a line; its title is what hovering shows. */
export interface LinePoint {
  x: number;
  y: number;
  title: string;
}

export interface LineSeries {
  label: string;
  /** CSS class giving the series its colour and dash pattern. */
  cls: string;
  /** In drawing order; null breaks the line rather than drawing through a number that does not exist. */
  points: readonly (LinePoint | null)[];
}

/** An axis: where a value lies along it (0 … 1, clamped), its ticks and its title. */
export interface ChartAxis {
  title: string;
  position: (value: number) => number;
  ticks: readonly { value: number; label: string }[];
}

/** A rate in [0, 1], ticks every quarter. */
export function rateAxis(title: string): ChartAxis {
  return { title, position: (v) => v, ticks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, label: formatShort(v) })) };
}

/** A signed quantity: from min(0, lowest) to max(0, highest) of `values`, padded a little, ticks at round steps. */
export function signedAxis(title: string, values: readonly number[]): ChartAxis {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const pad = (hi - lo) * 0.1 || 0.01;
  const from = lo - (lo < 0 ? pad : 0);
  const to = hi + pad;
  const step = roundStep((to - from) / 4);
  const ticks: { value: number; label: string }[] = [];
  for (let i = Math.ceil(from / step); i * step <= to; i++) ticks.push({ value: i * step, label: formatShort(i * step) });
  return { title, position: (v) => (v - from) / (to - from), ticks };
}

/** k on a log2 axis (k grows by doubling in practice: 1, 2, 4, …, N); a single k sits in the middle. */
export function kAxis(maxK: number, title = 'k (log scale)'): ChartAxis {
  const span = Math.log2(maxK);
  return { title, position: (k) => (span === 0 ? 0.5 : Math.log2(k) / span), ticks: kTicks(maxK).map((k) => ({ value: k, label: String(k) })) };
}

/** Lines with a dot at every point, on the given axes; the legend names each series. */
export function lineChart(label: string, series: readonly LineSeries[], x: ChartAxis, y: ChartAxis): SafeHtml {
  const xOf = (v: number): number => MARGIN.left + Math.min(1, Math.max(0, x.position(v))) * PLOT_W;
  const yOf = (v: number): number => MARGIN.top + PLOT_H * (1 - Math.min(1, Math.max(0, y.position(v))));
  const drawn = (p: LinePoint | null): p is LinePoint => p !== null && Number.isFinite(p.x) && Number.isFinite(p.y);
  const lines = series.map((s) => {
    const segments: string[][] = [[]];
    for (const p of s.points) {
      if (drawn(p)) segments[segments.length - 1]?.push(`${px(xOf(p.x))},${px(yOf(p.y))}`);
      else segments.push([]);
    }
    return html`${segments
      .filter((points) => points.length > 1)
      .map((points) => html`<polyline class="line ${s.cls}" points="${points.join(' ')}"/>
`)}${s.points.map((p) => (drawn(p) ? html`<circle class="dot ${s.cls}" cx="${px(xOf(p.x))}" cy="${px(yOf(p.y))}" r="2.5"><title>${p.title}</title></circle>` : ''))}
`;
  });
  return chart(
    label,
    html`${leftAxis(y.ticks.map((t) => ({ at: yOf(t.value), label: t.label })), y.title)}${lines}${bottomAxis(x.ticks.map((t) => ({ at: xOf(t.value), label: t.label })), x.title)}${legend(
      series.map((s) => ({ cls: s.cls, label: s.label })),
    )}`,
  );
}

/** Rates against k on a log2 axis. */
export function kLineChart(series: readonly KSeries[]): SafeHtml {
  const maxK = Math.max(1, ...series.map((s) => s.values.length));
  const lines = series.map(
    (s): LineSeries => ({
      label: s.label,
      cls: s.cls,
      points: s.values.map((v, i) => (v === null || !Number.isFinite(v) ? null : { x: i + 1, y: v, title: `${s.label} at k=${i + 1}: ${formatRate(v)}` })),
    }),
  );
  return lineChart(`${series.map((s) => s.label).join(', ')} against k`, lines, kAxis(maxK), rateAxis('rate'));
}

/** Powers of two up to maxK, plus maxK itself; a power crowding maxK's label is dropped. */
export function kTicks(maxK: number): number[] {
  const ticks: number[] = [];
  for (let k = 1; k <= maxK; k *= 2) ticks.push(k);
  if (ticks[ticks.length - 1] !== maxK) {
    const last = ticks[ticks.length - 1] ?? 1;
    // Closer than ~5 % of the axis, the two labels would overlap.
    if (ticks.length > 1 && Math.log2(maxK / last) / Math.log2(maxK) < 0.05) ticks.pop();
    ticks.push(maxK);
  }
  return ticks;
}
