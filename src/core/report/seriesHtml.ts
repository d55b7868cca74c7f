// `gaplens report --series RUN… --html FILE`: the series as one self-contained static page (no
// scripts, a strict CSP), the same numbers and words as the text (seriesText.ts) and the pass@k
// curves of every round overlaid on one chart, so diversity lost at large k shows.
import type { SeriesReport, SeriesRound } from '../pipeline/seriesReport';
import { conclusionText } from '../stats/conclusion';
import { plural } from '../util/plural';
import { runStateLines } from './coverageText';
import { html, type SafeHtml } from './escape';
import { formatIn, formatLevel, type Unit } from './numbers';
import { checkText, lineageText, passAtKCell, passAtKColumns, roundCells } from './seriesText';
import { pageHead } from './styles';
import { kLineChart, lineChart, signedAxis, type ChartAxis, type LineSeries } from './svgCharts';

/** Series colours: the line chart's classes s-0 … s-4 (styles.ts), reused from the sixth round on. */
const SERIES_CLASSES = 5;

export function renderSeriesHtml(series: SeriesReport, generatedAt: string): string {
  const { rounds } = series;
  const title = `self-improvement series of ${plural(rounds.length, 'round')}`;
  const ks = passAtKColumns(rounds);
  const page = html`${pageHead(`Gap Lens: ${title}`)}
<body>
<header>
<h1>Gap Lens: ${title}</h1>
<p class="muted">Generated ${generatedAt} · tasks.jsonl sha256 ${series.tasksSha256.slice(0, 12)}… · verifier <code>${series.verifier}</code> · filter <code>${series.filter}</code> · ${formatLevel(series.level)} intervals from ${series.resamples} task-bootstrap resamples (seed ${series.seed})</p>
${series.notes.map((n) => html`<p class="note">${n}</p>
`)}</header>
<main>
<section id="rounds">
<h2>Rounds</h2>
<table>
<thead><tr><th>round</th><th>run</th><th>model</th><th>accuracy</th><th>gap</th><th>relative gap</th><th>lineage</th></tr></thead>
<tbody>
${rounds.map((round) => {
  const cells = roundCells(round);
  return html`<tr><td>${round.round}</td><td class="text">${round.id}</td><td class="text">${round.model}</td><td>${cells.accuracy}</td><td>${cells.gap}</td><td>${cells.relativeGap}</td><td class="text">${lineageText(round)}</td></tr>
`;
})}</tbody>
</table>
${rounds.map((round) => {
  const { report, state, coverage, conclusion } = round.assessed;
  const lines = [...runStateLines(coverage, state), ...(report.fewTasksWarning === null ? [] : [report.fewTasksWarning])];
  const warn = !state.complete || state.live || report.fewTasksWarning !== null;
  return html`<div class="banner${warn ? ' warn' : ''}" data-round="${round.round}"><p>round ${round.round}: ${lines.join(' · ')}</p><p class="conclusion">${conclusionText(conclusion)}</p></div>
`;
})}${gapChart(series)}
</section>
<section id="checks">
<h2>Does round r+1 beat round r accuracy plus its gap?</h2>
<p class="muted">J(f<sub>r</sub>) + gap(f<sub>r</sub>) = J(f<sub>r</sub>[w]); the excess is J(f<sub>r+1</sub>) − J(f<sub>r</sub>[w]) over the tasks both rounds have, with a paired task-bootstrap interval.</p>
<ul>
${series.checks.map((check) => html`<li>${checkText(check, series.level, series.resamples)}</li>
`)}</ul>
</section>
<section id="passk">
<h2>pass@k per round</h2>
<p class="muted">pass@k rising at small k and falling at large k over the rounds is diversity lost to self-improvement (the paper, Sec. 5).</p>
<table>
<thead><tr><th>k</th>${rounds.map((r) => html`<th>round ${r.round}</th>`)}</tr></thead>
<tbody>
${ks.map((k) => html`<tr><td>${k}</td>${rounds.map((r) => html`<td>${passAtKCell(r, k)}</td>`)}</tr>
`)}</tbody>
</table>
${kLineChart(rounds.map((r) => ({ label: `round ${r.round}`, cls: `s-${r.round % SERIES_CLASSES}`, values: r.assessed.report.passAtK })))}
</section>
</main>
</body>
</html>
`;
  return page.toString();
}

/** The gap and the relative gap of every round, against the round; a round whose value is not measured or undefined breaks the line. */
function gapChart(series: SeriesReport): SafeHtml {
  const { rounds } = series;
  const last = Math.max(1, rounds.length - 1);
  const roundAxis: ChartAxis = { title: 'round', position: (r) => r / last, ticks: rounds.map((r) => ({ value: r.round, label: String(r.round) })) };
  const line = (label: string, cls: string, value: (r: SeriesRound) => number | null, unit: Unit): LineSeries => ({
    label,
    cls,
    points: rounds.map((r) => {
      const v = value(r);
      return v === null ? null : { x: r.round, y: v, title: `round ${r.round} ${label}: ${formatIn(v, unit)}` };
    }),
  });
  const lines = [line('gap', 's-0', (r) => r.assessed.report.gap, 'points'), line('relative gap', 's-1', (r) => r.assessed.report.relativeGap, 'signed-percent')];
  const values = lines.flatMap((l) => l.points.flatMap((p) => (p === null ? [] : [p.y])));
  return lineChart(`Gap and relative gap by round (${series.verifier}, ${series.filter})`, lines, roundAxis, signedAxis('gap (fraction)', values));
}
