// The HTML report's "Verifications" section: the gap and AUROC with k of the K verifications per
// sample (docs/statistics.md, "Verification compute"). Every value goes through `html` (escape.ts).
import type { GapReport } from '../stats/types';
import type { VerificationCurve, VerificationPoint } from '../stats/verificationCurve';
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
    return html`${head}${measure.measured ? html`<p>${missing(NO_CURVE)} ${NO_CURVE}</p>
` : measureNote(measure, 'the gap at every k')}</section>
`;
  }
  const level = formatLevel(report.ci.level);
  const row = (p: VerificationPoint): SafeHtml => {
    const cells = verificationCells(curve, p, report.tasks, report.ci.resamples);
    return html`<tr><td>${p.k}</td><td>${cells.filteredAccuracy}</td><td>${cells.gap}<div class="muted">${level} CI ${cells.gapInterval}</div></td><td>${
      cells.relativeGap ?? missing(NO_RELATIVE_GAP)
    }</td><td>${cells.auroc ?? missing(NO_AUROC)}</td><td class="text">${cells.how}</td></tr>
`;
  };
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

/** Why the curve is null. */
export const NO_CURVE = 'the selector reads no verifier with several verifications per sample, reads two with different numbers, or scored nothing';
/** The panel's line for a null curve: "—", not a number. */
export function noCurveText(): string {
  return `— Not measured: ${NO_CURVE}.`;
}
/** Why a point's relative gap is null. */
export const NO_RELATIVE_GAP = 'every task has J(f|x) = 1';
/** Why a point's AUROC is null. */
export const NO_AUROC = 'undefined: no correct or no incorrect sample, or a subset scored nothing';

/** A point of the curve as text, the same in the HTML report and the panel; null where the value is undefined (shown "—"). */
export interface VerificationCells {
  filteredAccuracy: string;
  gap: string;
  /** The gap's bootstrap interval, or why it says nothing. */
  gapInterval: string;
  relativeGap: string | null;
  auroc: string | null;
  /** Which subsets the point averages over. */
  how: string;
}

export function verificationCells(curve: VerificationCurve, p: VerificationPoint, tasks: number, resamples: number): VerificationCells {
  return {
    filteredAccuracy: formatPercent(p.filteredAccuracy),
    gap: formatPoints(p.gap),
    gapInterval: formatIntervalIn(p.ci.gap, 'points', tasks, resamples),
    relativeGap: p.relativeGap === null ? null : formatIn(p.relativeGap, 'signed-percent'),
    auroc: p.auroc === null ? null : formatRate(p.auroc),
    how: p.exact ? `mean over all ${p.subsets} subsets` : `estimated: mean over ${p.subsets} random subsets (seed ${curve.seed})`,
  };
}
