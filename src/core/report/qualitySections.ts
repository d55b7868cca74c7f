// The HTML report's "Verifier quality" and "Any N" sections: can the verifier be believed, and was N
// large enough. Every value goes through `html` (escape.ts); definitions are in docs/statistics.md.
import type { AssessedReport } from '../stats/assessment';
import type { AnyNPoint } from '../stats/anyN';
import type { FiniteN } from '../stats/finiteN';
import type { GapReport, Interval } from '../stats/types';
import type { VerifierQuality } from '../stats/verifierQuality';
import { notMeasuredReason, partialNote, qualityEntryCoverage } from './coverageText';
import { html, type SafeHtml } from './escape';
import { measureNote, missing, partialBadge, verifierValue, type Measure } from './measure';
import { formatIn, formatInterval, formatLevel, formatPercent, formatPoints, formatRange, formatRate, formatShort } from './numbers';
import { ANY_N_NO_RELATIVE_GAP, BIAS_AWARE_NAME, anyNHow, aurcYardsticks, QUALITY_COLUMNS, qualityValue, shortfallMeaning, shortfallName } from './qualityTerms';
import { kAxis, lineChart, rateAxis, signedAxis, type LineSeries } from './svgCharts';

/** A value with its interval below it. */
function withInterval(measure: Measure, value: number | null, interval: Interval | null, why: string): SafeHtml | string {
  const shown = verifierValue(measure, value, formatRate, why);
  return value === null || interval === null || !measure.measured ? shown : html`${shown}<div class="muted">${formatInterval(interval, false)}</div>`;
}

/** The series classes of up to five scores, in order; more cycle. */
const seriesClass = (i: number): string => `s-${i % 5}`;

export function qualitySection(assessed: AssessedReport): SafeHtml {
  const { report, coverage } = assessed;
  const entries = report.verifierQuality.map((q, i) => {
    const sel = qualityEntryCoverage(coverage, q, i === 0);
    const measure: Measure = q.measured
      ? { measured: true, partial: q.partial ? partialNote(sel) : null }
      : { measured: false, reason: `not measured: ${notMeasuredReason({ verifiers: coverage.verifiers, selector: sel })}` };
    return { q, measure };
  });
  const measured = entries.filter((e) => e.q.measured);
  const reliability: LineSeries[] = [
    { label: 'perfect calibration', cls: 'diag', points: [{ x: 0, y: 0, title: 'score = share correct' }, { x: 1, y: 1, title: 'score = share correct' }] },
    ...measured.map(({ q }, i): LineSeries => ({
      label: q.selector,
      cls: seriesClass(i),
      points: (q.reliability ?? []).flatMap((b) =>
        b.meanScore === null || b.accuracy === null
          ? []
          : [{ x: b.meanScore, y: b.accuracy, title: `${q.selector} [${formatShort(b.lo)}, ${formatShort(b.hi)}): ${b.count} samples, mean score ${formatRate(b.meanScore)}, ${formatRate(b.accuracy)} correct` }],
      ),
    })),
  ];
  const riskCoverage = measured.map(({ q }, i): LineSeries => ({
    label: q.selector,
    cls: seriesClass(i),
    points: (q.riskCoverage ?? []).map((p) => ({ x: p.coverage, y: p.risk, title: `${q.selector}: coverage ${formatRate(p.coverage)}, risk ${formatRate(p.risk)}${p.score === null ? ' (unscored samples)' : `, score ≥ ${formatRate(p.score)}`}` })),
  }));
  const level = formatLevel(report.ci.level);
  return html`<section id="quality">
<h2>Verifier quality</h2>
<p>Can the score be read as the probability of being correct (calibration: Brier, ECE, RMSCE, over the samples with a score), does it rank correct samples first (AURC, over every sample, an unscored one last), and how does the filter <code>${report.filter}</code> do as a classifier (specificity, balanced accuracy, F1). Below each value: its ${level} task-bootstrap interval.</p>
<table>
<thead><tr><th>score</th><th>scored</th>${QUALITY_COLUMNS.map((c) => html`<th title="${c.title}">${c.label}</th>`)}</tr></thead>
<tbody>
${entries.map(({ q, measure }) => qualityRow(q, measure))}</tbody>
</table>
${
  measured.length === 0
    ? html`<p class="empty">No score has a value: nothing to draw.</p>`
    : html`<h3>Reliability diagram</h3>
${lineChart('Reliability: mean score against share correct per score bin', reliability, rateAxis('mean score of the bin'), rateAxis('share correct'))}
<h3>Risk–coverage</h3>
<p>Covering the best-scored samples first: the share of incorrect samples among those covered.</p>
${lineChart('Risk against coverage', riskCoverage, rateAxis('coverage'), rateAxis('risk (share incorrect)'))}
${measured.map(({ q }) => reliabilityTable(q))}`
}
</section>`;
}

function qualityRow(q: VerifierQuality, measure: Measure): SafeHtml {
  const cells = QUALITY_COLUMNS.map((c) => {
    const value = withInterval(measure, qualityValue(q, c.key), q.ci[c.key], c.undefinedWhy);
    return c.key === 'aurc' ? html`<td title="${aurcYardsticks(q)}">${value}</td>` : html`<td>${value}</td>`;
  });
  return html`<tr><td class="text"><code>${q.selector}</code>${partialBadge(measure)}</td><td>${q.scored} of ${q.samples}</td>${cells}</tr>
`;
}

function reliabilityTable(q: VerifierQuality): SafeHtml {
  return html`<details><summary>Reliability bins of <code>${q.selector}</code></summary>
<table><thead><tr><th>score</th><th>samples</th><th>mean score</th><th>share correct</th></tr></thead><tbody>
${(q.reliability ?? []).map(
  (b, i, all) =>
    html`<tr><td class="text">[${formatShort(b.lo)}, ${formatShort(b.hi)}${i === all.length - 1 ? ']' : ')'}</td><td>${b.count}</td><td>${
      b.meanScore === null ? missing('empty bin') : formatRate(b.meanScore)
    }</td><td>${b.accuracy === null ? missing('empty bin') : formatRate(b.accuracy)}</td></tr>
`,
)}</tbody></table>
</details>
`;
}

export function anyNSection(report: GapReport, measure: Measure): SafeHtml {
  const head = html`<section id="anyn">
<h2>Any N: the gap with fewer samples per task</h2>
`;
  const anyN = report.anyN;
  if (anyN === null || !measure.measured) return html`${head}${measureNote(measure, 'the gap at every N')}</section>`;
  const maxK = Math.max(...anyN.points.map((p) => p.k));
  const estimated = anyN.points.some((p) => !p.exact);
  const rates: LineSeries[] = [
    { label: 'accuracy', cls: 's-0', points: anyN.points.map((p) => ({ x: p.k, y: report.accuracy, title: `accuracy: ${formatPercent(report.accuracy)}` })) },
    { label: 'filtered accuracy', cls: 's-1', points: anyN.points.map((p) => ({ x: p.k, y: p.filteredAccuracy, title: `filtered accuracy at k=${p.k}: ${formatPercent(p.filteredAccuracy)}` })) },
  ];
  const gap: LineSeries[] = [{ label: 'gap', cls: 's-2', points: anyN.points.map((p) => ({ x: p.k, y: p.gap, title: `gap at k=${p.k}: ${formatPoints(p.gap)}` })) }];
  return html`${head}<p>Each task’s filtered accuracy expected over the k-subsets of its samples, the filter applied to the subset${
    estimated ? html` (exact where marked; otherwise estimated from ${anyN.draws} random subsets per task, seed ${anyN.seed}, with its standard error)` : ' (exact at every k)'
  }. A gap that still moves at the largest k has not settled.${partialBadge(measure)}</p>
<table>
<thead><tr><th>k</th><th>filtered accuracy</th><th>gap</th><th>relative gap</th><th>how</th></tr></thead>
<tbody>
${anyN.points.map((p) => anyNRow(p))}</tbody>
</table>
${lineChart('Accuracy and filtered accuracy against samples per task', rates, kAxis(maxK, 'samples per task k (log scale)'), rateAxis('rate'))}
${lineChart('Gap against samples per task', gap, kAxis(maxK, 'samples per task k (log scale)'), signedAxis('gap', anyN.points.map((p) => p.gap)))}
${
  report.bestOfNShortfall === null
    ? ''
    : html`<p>${shortfallName(maxK)}: ${formatPoints(report.bestOfNShortfall)} — ${shortfallMeaning(maxK)}.${partialBadge(
        measure,
      )}</p>
`
}${finiteNBlock(report.finiteN, formatLevel(report.ci.level), measure)}</section>`;
}

function anyNRow(p: AnyNPoint): SafeHtml {
  return html`<tr><td>${p.k}</td><td>${formatPercent(p.filteredAccuracy)}</td><td>${formatPoints(p.gap)}</td><td>${p.relativeGap === null ? missing(ANY_N_NO_RELATIVE_GAP) : formatIn(p.relativeGap, 'signed-percent')}</td><td class="text">${anyNHow(p)}</td></tr>
`;
}

function finiteNBlock(finite: FiniteN, level: string, measure: Measure): SafeHtml {
  const b = finite.biasCorrected;
  return html`<h3>Finite N</h3>
${finite.warning === null ? '' : html`<p><span class="badge warn">${finite.warning}</span></p>
`}<p>${BIAS_AWARE_NAME}: ${
    b === null
      ? missing(finite.biasCorrectedUnavailable ?? '')
      : html`${formatPoints(b.gap)}, ${level} CI ${b.ci.gap === null ? missing('no resample defines it') : formatRange(b.ci.gap, 'points')}; gap at N/2 ${formatPoints(b.halfSampleGap)}${partialBadge(measure)}`
  }${b === null ? html` <span class="muted">(${finite.biasCorrectedUnavailable ?? ''})</span>` : ''}</p>
`;
}
