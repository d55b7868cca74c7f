// Compare Runs, continued: can each run's verifier be believed, and was its N large enough — the
// verifier quality of each run's score and its any-N curve, side by side across runs (several models or
// sizes). Tables with the intervals, then charts with one line per run: reliability, risk–coverage, the
// gap and the relative gap against samples per task. A statistic with nothing under it is "—" and why.
// Static HTML and SVG. Pure.
import { notMeasuredReason, partialNote } from '../../core/report/coverageText';
import { html, type SafeHtml } from '../../core/report/escape';
import { formatIn, formatInterval, formatRange, formatRate, type Unit } from '../../core/report/numbers';
import { ANY_N_NO_RELATIVE_GAP, BIAS_AWARE_NAME, QUALITY_COLUMNS, qualityValue, shortfallMeaning, shortfallName } from '../../core/report/qualityTerms';
import { kAxis, lineChart, rateAxis, signedAxis, type LineSeries } from '../../core/report/svgCharts';
import type { AssessedReport } from '../../core/stats/assessment';
import type { Interval } from '../../core/stats/types';
import type { VerifierQuality } from '../../core/stats/verifierQuality';

/** A run of the comparison that has a report. */
export interface ComparedRun {
  runId: string;
  model: string;
  assessed: AssessedReport;
}

/** The theme variables lineChart's CSS (LINE_CHART_CSS) reads, from VS Code's. */
export const COMPARE_CHART_VARIABLES = `:root {
  --muted: var(--vscode-descriptionForeground); --line: var(--vscode-panel-border, var(--vscode-editorWidget-border));
  --pass: var(--vscode-charts-blue, #3794ff); --maj: var(--vscode-charts-purple, #b180d7); --best: var(--vscode-charts-orange, #d18616);
  --ok: var(--vscode-charts-green, #89d185); --bad: var(--vscode-charts-red, #f14c4c);
}
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
.charts figure { margin: 0; }
.charts figcaption { font-weight: 600; }
`;

/** How each run is named in the tables and legends: its model, and its run id where two runs share a model. */
function runLabels(runs: readonly ComparedRun[]): string[] {
  return runs.map((r) => (runs.filter((o) => o.model === r.model).length > 1 ? `${r.model} (${r.runId})` : r.model));
}

/** The run's own score: the first verifier-quality entry is the report's selector. */
function selectorQuality(run: ComparedRun): VerifierQuality | undefined {
  return run.assessed.report.verifierQuality[0];
}

/** Why a run's verifier statistics are "—", or null when they are measured. */
function unmeasured(run: ComparedRun): string | null {
  const { coverage } = run.assessed;
  return coverage.selector.measured ? null : `not measured: ${notMeasuredReason(coverage)}`;
}

/** A value in its unit, as the HTML report shows it (docs/statistics.md, "Numbers on screen"): verifier-quality metrics stay fractions. */
function valueCell(value: number | null, ci: Interval | null, why: string, unit: Unit = 'rate'): SafeHtml {
  if (value === null) return html`<td class="unmeasured"><span class="value">—</span><div class="sub">${why}</div></td>`;
  const interval = ci === null ? '' : unit === 'rate' ? formatInterval(ci, false) : formatRange(ci, unit);
  return html`<td><span class="value">${formatIn(value, unit)}</span>${ci ? html`<div class="sub">${interval}</div>` : ''}</td>`;
}

function runHead(label: string, run: ComparedRun): SafeHtml {
  const sel = run.assessed.coverage.selector;
  return html`<th scope="row">${label}<div class="sub">${run.assessed.report.verifier} · ${run.assessed.report.filter}</div>${sel.partial ? html`<div class="mark partial">${partialNote(sel)}</div>` : ''}</th>`;
}

function qualityTable(runs: readonly ComparedRun[], labels: readonly string[]): SafeHtml {
  const rows = runs.map((run, i) => {
    const q = selectorQuality(run);
    const why = unmeasured(run);
    const cells = QUALITY_COLUMNS.map((c) => (why !== null || !q ? valueCell(null, null, why ?? 'no score') : valueCell(qualityValue(q, c.key), q.ci[c.key], c.undefinedWhy)));
    return html`<tr>${runHead(labels[i] as string, run)}<td>${q ? `${q.scored} of ${q.samples}` : '—'}</td>${cells}</tr>`;
  });
  return html`<table><thead><tr><th>run / score</th><th>scored</th>${QUALITY_COLUMNS.map((c) => html`<th title="${c.title}">${c.label}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table>`;
}

function anyNTable(runs: readonly ComparedRun[], labels: readonly string[]): SafeHtml {
  const rows = runs.map((run, i) => {
    const { report } = run.assessed;
    const n = report.finiteN.samplesPerTask;
    const why = unmeasured(run) ?? '';
    const last = report.anyN?.points[report.anyN.points.length - 1];
    const bias = report.finiteN.biasCorrected;
    return html`<tr>${runHead(labels[i] as string, run)}<td>${n}</td>${valueCell(report.passAllK[n - 1] ?? null, null, 'no task', 'percent')}${valueCell(
      report.bestOfNShortfall,
      null,
      why,
      'points',
    )}${valueCell(last?.relativeGap ?? null, null, last ? ANY_N_NO_RELATIVE_GAP : why, 'signed-percent')}${valueCell(
      bias?.gap ?? null,
      bias?.ci.gap ?? null,
      report.finiteN.biasCorrectedUnavailable ?? '',
      'points',
    )}<td class="text">${report.finiteN.warning ?? '—'}</td></tr>`;
  });
  return html`<table><thead><tr><th>run / score</th><th title="samples per task of the smallest task">N</th><th title="all N samples correct">pass^N</th><th>${shortfallName('N')}</th><th title="the any-N curve at its largest k">relative gap at N</th><th>${BIAS_AWARE_NAME}</th><th>finite N</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/** One line per run with a value; the runs without one are named under the charts. */
function perRun(runs: readonly ComparedRun[], labels: readonly string[], points: (run: ComparedRun, label: string) => LineSeries['points'] | null): { series: LineSeries[]; left: string[] } {
  const series: LineSeries[] = [];
  const left: string[] = [];
  runs.forEach((run, i) => {
    const label = labels[i] as string;
    const why = unmeasured(run);
    const drawn = why === null ? points(run, label) : null;
    if (drawn === null) left.push(`${label}: ${why ?? 'nothing to draw'}`);
    else series.push({ label, cls: `s-${series.length % 5}`, points: drawn });
  });
  return { series, left };
}

function charts(runs: readonly ComparedRun[], labels: readonly string[]): SafeHtml {
  const reliability = perRun(runs, labels, (run, label) =>
    (selectorQuality(run)?.reliability ?? []).flatMap((b) =>
      b.meanScore === null || b.accuracy === null ? [] : [{ x: b.meanScore, y: b.accuracy, title: `${label}: ${b.count} samples, mean score ${formatRate(b.meanScore)}, ${formatRate(b.accuracy)} correct` }],
    ),
  );
  const risk = perRun(runs, labels, (run, label) => (selectorQuality(run)?.riskCoverage ?? []).map((p) => ({ x: p.coverage, y: p.risk, title: `${label}: coverage ${formatRate(p.coverage)}, risk ${formatRate(p.risk)}` })));
  const gap = perRun(runs, labels, (run, label) => run.assessed.report.anyN?.points.map((p) => ({ x: p.k, y: p.gap, title: `${label}: gap at k=${p.k} ${formatIn(p.gap, 'points')}${p.exact ? '' : ` ± ${formatIn(p.standardError, 'point-size')}`}` })) ?? null);
  const relative = perRun(runs, labels, (run, label) =>
    run.assessed.report.anyN?.points.map((p) => (p.relativeGap === null ? null : { x: p.k, y: p.relativeGap, title: `${label}: relative gap at k=${p.k} ${formatIn(p.relativeGap, 'signed-percent')}` })) ?? null,
  );
  const maxK = Math.max(1, ...runs.map((r) => r.assessed.report.finiteN.samplesPerTask));
  const values = (s: LineSeries[]): number[] => s.flatMap((line) => line.points.flatMap((p) => (p === null ? [] : [p.y])));
  const diagonal: LineSeries = { label: 'perfect calibration', cls: 'diag', points: [{ x: 0, y: 0, title: 'score = share correct' }, { x: 1, y: 1, title: 'score = share correct' }] };
  // Every chart draws the same runs (those that scored something), so a run has one colour throughout.
  const left = reliability.left.length > 0 ? html`<p class="sub">Not on the charts: ${reliability.left.join('; ')}.</p>` : html``;
  if (reliability.series.length === 0) return left;
  return html`<div class="charts">
<figure><figcaption>Reliability</figcaption>${lineChart('Reliability: mean score against share correct, per run', [diagonal, ...reliability.series], rateAxis('mean score of the bin'), rateAxis('share correct'))}</figure>
<figure><figcaption>Risk–coverage</figcaption>${lineChart('Risk against coverage, per run', risk.series, rateAxis('coverage'), rateAxis('risk (share incorrect)'))}</figure>
<figure><figcaption>Gap against samples per task</figcaption>${lineChart('Gap against samples per task, per run', gap.series, kAxis(maxK, 'samples per task k (log scale)'), signedAxis('gap', values(gap.series)))}</figure>
<figure><figcaption>Relative gap against samples per task</figcaption>${lineChart('Relative gap against samples per task, per run', relative.series, kAxis(maxK, 'samples per task k (log scale)'), signedAxis('relative gap', values(relative.series)))}</figure>
</div>
${left}`;
}

/** The verifier-quality and any-N part of the Compare page; empty without a run that has a report. */
export function compareQualitySection(runs: readonly ComparedRun[]): SafeHtml {
  if (runs.length === 0) return html``;
  const labels = runLabels(runs);
  return html`<h2>Can each verifier be believed?</h2>
<p class="sub">Each run’s own score: calibration (Brier, ECE, RMSCE) over its samples with a score, ranking (AURC) over every sample, and its filter as a classifier. Below each value: its task-bootstrap interval.</p>
${qualityTable(runs, labels)}
<h2>Was N large enough?</h2>
<p class="sub">N is each run’s smallest task. pass^N: all N samples correct. The shortfall: ${shortfallMeaning('N')}. The gap with k ≤ N samples per task, expected over the k-subsets of each task’s samples: a gap that still moves at the largest k has not settled.</p>
${anyNTable(runs, labels)}
${charts(runs, labels)}`;
}
