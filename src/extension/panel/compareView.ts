// The Compare Runs page: accuracy, filtered accuracy, gap and relative gap with their 95 % intervals
// side by side, each run with what its numbers rest on (incomplete or live, each verifier's coverage,
// "—" and the reason for a statistic that is not measured, the partial note, the conclusion), — for
// runs whose model profile gives its pre-training FLOPs — the paper's scaling plot of relative gap
// against log10 FLOPs, and each run's verifier quality and any-N curves (compareQuality.ts). Static
// HTML and SVG, no script. Pure.
import { notMeasuredReason, partialNote, runStateLines, verifierCoverageLines } from '../../core/report/coverageText';
import { html, type SafeHtml } from '../../core/report/escape';
import { formatIn, formatIntervalIn, formatRange, type Unit } from '../../core/report/numbers';
import { LINE_CHART_CSS } from '../../core/report/styles';
import type { AssessedReport } from '../../core/stats/assessment';
import { conclusionText } from '../../core/stats/conclusion';
import type { Interval } from '../../core/stats/types';
import { webviewHtml } from './panelHtml';
import { COMPARE_CHART_VARIABLES, compareQualitySection, type ComparedRun } from './compareQuality';
import { MATRIX_CSS, matrixSectionHtml, type MatrixSection } from './compareMatrix';

export type CompareEntry =
  /** `verifiedBy`: the short name of the model that ran the compared verifier, when it is not the run's own (gap(f, g)). */
  | { runId: string; model: string; tasks: string; flops?: number; verifiedBy?: string; assessed: AssessedReport }
  | { runId: string; model: string; tasks: string; error: string };

export interface ScalingPoint {
  label: string;
  log10Flops: number;
  relativeGap: number;
  ci: Interval | null;
}

/** The runs that can go on the scaling plot, and the ones that cannot (with why). */
export function scalingPoints(entries: readonly CompareEntry[]): { points: ScalingPoint[]; left: string[] } {
  const points: ScalingPoint[] = [];
  const left: string[] = [];
  for (const e of entries) {
    if ('error' in e) continue;
    const { report, coverage } = e.assessed;
    if (e.flops === undefined) left.push(`${e.model}: no model profile with pretrainingFlops matches this model`);
    else if (!coverage.selector.measured) left.push(`${e.model}: relative gap not measured (${notMeasuredReason(coverage)})`);
    else if (report.relativeGap === null) left.push(`${e.model}: relative gap undefined (every task already fully correct)`);
    else {
      const model = e.verifiedBy === undefined ? e.model : `${e.model} verified by ${e.verifiedBy}`;
      const label = coverage.selector.partial ? `${model} (partial)` : model;
      points.push({ label, log10Flops: Math.log10(e.flops), relativeGap: report.relativeGap, ci: report.ci.relativeGap });
    }
  }
  return { points, left };
}

const W = 640;
const H = 300;
const M = { top: 20, right: 24, bottom: 44, left: 60 };

/** Relative gap (with its interval as an error bar) against log10 pre-training FLOPs. */
export function scalingPlot(points: readonly ScalingPoint[]): SafeHtml {
  const xs = points.map((p) => p.log10Flops);
  const ys = points.flatMap((p) => [p.relativeGap, ...(p.ci ?? [])]);
  const [x0, x1] = paddedRange(Math.min(...xs), Math.max(...xs), 0.5);
  const [y0, y1] = paddedRange(Math.min(0, ...ys), Math.max(0, ...ys), 0.05);
  const px = (x: number): number => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number): number => M.top + (1 - (y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const f = (n: number): string => n.toFixed(1);
  const xTicks = ticks(x0, x1, 1);
  const yTicks = ticks(y0, y1, niceStep((y1 - y0) / 5));
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" xmlns="http://www.w3.org/2000/svg"><title>Relative gap against log10 pre-training FLOPs</title>
${yTicks.map((t) => html`<line class="grid" x1="${f(M.left)}" x2="${f(W - M.right)}" y1="${f(py(t))}" y2="${f(py(t))}"/><text class="tick" x="${f(M.left - 6)}" y="${f(py(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`)}
<line class="zero" x1="${f(M.left)}" x2="${f(W - M.right)}" y1="${f(py(0))}" y2="${f(py(0))}"/>
${xTicks.map((t) => html`<text class="tick" x="${f(px(t))}" y="${f(H - M.bottom + 16)}" text-anchor="middle">1e${String(t)}</text>`)}
<text class="axis-title" x="${f((M.left + W - M.right) / 2)}" y="${f(H - 6)}" text-anchor="middle">pre-training FLOPs (log scale)</text>
<text class="axis-title" transform="translate(14 ${f((M.top + H - M.bottom) / 2)}) rotate(-90)" text-anchor="middle">relative gap</text>
${points.map(
  (p) => html`<g class="point"><title>${p.label}: relative gap ${formatIn(p.relativeGap, 'signed-percent')}${p.ci ? ` ${formatRange(p.ci, 'signed-percent')}` : ''}, 1e${p.log10Flops.toFixed(2)} FLOPs</title>${
    p.ci ? html`<line class="ci" x1="${f(px(p.log10Flops))}" x2="${f(px(p.log10Flops))}" y1="${f(py(p.ci[0]))}" y2="${f(py(p.ci[1]))}"/>` : ''
  }<circle cx="${f(px(p.log10Flops))}" cy="${f(py(p.relativeGap))}" r="4"/><text class="label" x="${f(px(p.log10Flops) + 7)}" y="${f(py(p.relativeGap) - 7)}">${p.label}</text></g>`,
)}
</svg>`;
}

function paddedRange(lo: number, hi: number, minPad: number): [number, number] {
  const pad = Math.max(minPad, (hi - lo) * 0.1);
  return [lo - pad, hi + pad];
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw) as number;
}

function ticks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Number(t.toFixed(10)));
  return out;
}

function formatTick(t: number): string {
  return String(Number(t.toFixed(4)));
}

function tableRows(entries: readonly CompareEntry[]): SafeHtml[] {
  return entries.map((e) => {
    if ('error' in e) return html`<tr><th scope="row">${e.model}<div class="sub">${e.runId}</div></th><td colspan="7" class="error">${e.error}</td></tr>`;
    const { report: r, coverage, state, conclusion } = e.assessed;
    // The first state line is "complete: …" or "incomplete: …"; only what is not complete is marked.
    const marks = runStateLines(coverage, state).slice(state.complete ? 1 : 0);
    // In the units of every other surface (docs/statistics.md, "Numbers on screen"); an interval that
    // cannot express uncertainty (one task, no resample) says why instead.
    const interval = (ci: Interval | null, unit: Unit): SafeHtml | string => (ci ? html`<div class="sub">${formatIntervalIn(ci, unit, r.tasks, r.ci.resamples)}</div>` : '');
    const cell = (value: number, ci: Interval | null, unit: Unit): SafeHtml => html`<td><span class="value">${formatIn(value, unit)}</span>${interval(ci, unit)}</td>`;
    // A verifier statistic: "—" and why when nothing was scored, the partial note when some was.
    const verifierCell = (value: number | null, ci: Interval | null, unit: Unit, undefinedText: string): SafeHtml => {
      if (!coverage.selector.measured) return html`<td class="unmeasured"><span class="value">—</span><div class="sub">not measured: ${notMeasuredReason(coverage)}</div></td>`;
      const shown = value === null ? undefinedText : formatIn(value, unit);
      const partial = coverage.selector.partial ? html`<div class="mark partial">${partialNote(coverage.selector)}</div>` : '';
      return html`<td><span class="value">${shown}</span>${interval(ci, unit)}${partial}</td>`;
    };
    return html`<tr><th scope="row">${e.model}<div class="sub">${e.runId} · ${e.tasks}</div>${marks.map((m) => html`<div class="mark">${m}</div>`)}</th>
<td>${r.verifier}${e.verifiedBy === undefined ? '' : html`<div class="sub">gap(f, g): verified by ${e.verifiedBy}</div>`}<div class="sub">${r.filter}</div></td>
${cell(r.accuracy, r.ci.accuracy, 'percent')}
${verifierCell(r.filteredAccuracy, r.ci.filteredAccuracy, 'percent', 'n/a')}
${verifierCell(r.gap, r.ci.gap, 'points', 'n/a')}
${verifierCell(r.relativeGap, r.ci.relativeGap, 'signed-percent', 'n/a')}
<td>${String(r.tasks)} / ${String(r.samples)}</td>
<td class="rests">${verifierCoverageLines(coverage).map((l) => html`<div class="sub">${l}</div>`)}${r.fewTasksWarning === null ? '' : html`<div class="sub">${r.fewTasksWarning}</div>`}<div class="conclusion">${conclusionText(conclusion)}</div></td></tr>`;
  });
}

const CSS = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { text-align: left; padding: 6px 12px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-editorWidget-border)); vertical-align: top; }
thead th { font-weight: 600; }
td .value { font-family: var(--vscode-editor-font-family); }
.sub { color: var(--vscode-descriptionForeground); font-size: 0.9em; font-family: var(--vscode-editor-font-family); }
.error { color: var(--vscode-errorForeground); }
.mark { color: var(--vscode-editorWarning-foreground); font-size: 0.9em; }
.conclusion { font-size: 0.9em; margin-top: 2px; }
.chart { max-width: 720px; width: 100%; }
.chart .grid { stroke: var(--vscode-editorWidget-border, #8884); stroke-width: 0.5; }
.chart .zero { stroke: var(--vscode-foreground); stroke-width: 1; stroke-dasharray: 4 3; }
.chart .tick, .chart .axis-title, .chart .label { fill: var(--vscode-foreground); font-size: 11px; }
.chart .point circle { fill: var(--vscode-charts-blue, #3794ff); }
.chart .ci { stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 2; }
`;

/** The runs that have a report, for the verifier-quality and any-N comparison. */
function comparedRuns(entries: readonly CompareEntry[]): ComparedRun[] {
  return entries.filter((e): e is Extract<CompareEntry, { assessed: AssessedReport }> => 'assessed' in e);
}

/** `matrix`: the runs' cross-verification matrix (compareMatrix.ts), shown after the table. */
export function compareHtml(entries: readonly CompareEntry[], csp: { cspSource: string; nonce: string }, matrix?: MatrixSection): string {
  const { points, left } = scalingPoints(entries);
  const level = comparedRuns(entries)[0]?.assessed.report.ci.level ?? 0.95;
  const plot =
    points.length >= 2
      ? html`<h2>Relative gap vs pre-training compute</h2>${scalingPlot(points)}`
      : html`<p class="sub">The scaling plot needs two or more runs whose model profile sets <code>pretrainingFlops</code> (Settings → gaplens.modelProfiles).</p>`;
  const body = html`<h1>Compare runs</h1>
<table><thead><tr><th>model / run</th><th>verifier / filter</th><th>accuracy</th><th>filtered accuracy</th><th>gap</th><th>relative gap</th><th>tasks / samples</th><th>what it rests on</th></tr></thead>
<tbody>${tableRows(entries)}</tbody></table>
<p class="sub">Intervals: ${String(Math.round(level * 100))} % task bootstrap. Each run by its first verifier and its own filter.</p>
${matrix === undefined ? '' : matrixSectionHtml(matrix)}
${plot}
${left.length > 0 && points.length > 0 ? html`<p class="sub">Not on the plot: ${left.join('; ')}.</p>` : ''}
${compareQualitySection(comparedRuns(entries))}`;
  const css = `${CSS}${MATRIX_CSS}${COMPARE_CHART_VARIABLES}${LINE_CHART_CSS.toString()}`;
  return webviewHtml({ title: 'Gap Lens: Compare Runs', ...csp, scripts: [], styles: [], inlineCss: css, body: body.toString() });
}
