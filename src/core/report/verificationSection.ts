// The HTML report's "Verifications" section: the gap and AUROC with k of the K verifications per
// sample (docs/statistics.md, "Verification compute"). Every value goes through `html` (escape.ts).
import type { GapReport } from '../stats/types';
import type { VerificationPoint } from '../stats/verificationCurve';
import { html, type SafeHtml } from './escape';
import { measureNote, missing, partialBadge, type Measure } from './measure';
import { formatIn, formatIntervalIn, formatLevel, formatPercent, formatPoints, formatRate } from './numbers';
import { kAxis, lineChart, signedAxis } from './svgCharts';

/** Nothing for a report without several verifications per sample (the key is absent); else the section and its line end. */
export function verificationSection(report: GapReport, measure: Measure): SafeHtml | string {
  const curve = report.verificationCurve;
  if (curve === undefined) return '';
  const head = html`<section id="verifications">
<h2>Verifications: the gap with k verifications per sample</h2>
`;
  if (curve === null || !measure.measured) {
    const why = 'the selector reads no verifier with several verifications per sample, reads two with different numbers, or scored nothing';
    return html`${head}${measure.measured ? html`<p>${missing(why)} ${why}</p>
` : measureNote(measure, 'the gap at every k')}</section>
`;
  }
  const level = formatLevel(report.ci.level);
  const row = (p: VerificationPoint): SafeHtml =>
    html`<tr><td>${p.k}</td><td>${formatPercent(p.filteredAccuracy)}</td><td>${formatPoints(p.gap)}<div class="muted">${level} CI ${formatIntervalIn(p.ci.gap, 'points', report.tasks, report.ci.resamples)}</div></td><td>${
      p.relativeGap === null ? missing('every task has J(f|x) = 1') : formatIn(p.relativeGap, 'signed-percent')
    }</td><td>${p.auroc === null ? missing('undefined: no correct or no incorrect sample, or a subset scored nothing') : formatRate(p.auroc)}</td><td class="text">${
      p.exact ? `mean over all ${p.subsets} subsets` : `estimated: mean over ${p.subsets} random subsets (seed ${curve.seed})`
    }</td></tr>
`;
  const gap = [{ label: 'gap', cls: 's-2', points: curve.points.map((p) => ({ x: p.k, y: p.gap, title: `gap with k=${p.k}: ${formatPoints(p.gap)}` })) }];
  return html`${head}<p>${curve.draws} verifications per sample of ${curve.verifiers.join(', ')}; at each k the gap and AUROC are the mean over the k-subsets of the draws, each sample scored by the aggregate of its draws in the subset. A gap that still rises at k = ${curve.draws} says more verification compute would pay.${partialBadge(measure)}</p>
<table>
<thead><tr><th>k</th><th>filtered accuracy</th><th>gap</th><th>relative gap</th><th>AUROC</th><th>how</th></tr></thead>
<tbody>
${curve.points.map(row)}</tbody>
</table>
${lineChart('Gap against verifications per sample', gap, kAxis(curve.draws, 'verifications per sample k (log scale)'), signedAxis('gap', curve.points.map((p) => p.gap)))}</section>
`;
}
