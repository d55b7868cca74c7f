// The HTML report's "Audit" section: agreement with humans on a stratified random sample, and the gap
// on the human-corrected truth, each estimate with its interval and the labels it rests on. Every value
// goes through `html` (escape.ts); definitions are in docs/statistics.md, "Audit".
import type { AuditReport } from '../stats/audit';
import { CORRECTED_NAMES, CORRECTED_STATISTICS, type Agreement, type AuditResult } from '../stats/auditEstimate';
import type { Interval } from '../stats/types';
import { html, type SafeHtml } from './escape';
import { missing } from './measure';
import { formatIn, formatLevel, formatRange, type Unit } from './numbers';

/** A value with its interval below it in the value's unit (shares in percent, differences in points, κ a fraction), or "—" with the reason. */
function cell(value: number | null, interval: Interval | null, why: string, unit: Unit = 'percent'): SafeHtml | string {
  if (value === null) return missing(why);
  const shown = formatIn(value, unit);
  return interval === null ? shown : html`${shown}<div class="muted">${formatRange(interval, unit)}</div>`;
}

export function auditSection(audit: AuditReport | null | undefined): SafeHtml | string {
  if (!audit) return '';
  const p = audit.plan;
  const head = html`<section id="audit">
<h2>Audit: agreement with humans</h2>
<p>Audit <code>${p.id}</code>: a random sample of the run's samples, stratified by the verifier's decision under <code>${p.selector}</code>, <code>${p.filter}</code> and the checker's grade (seed ${p.seed}, ${p.size} requested), labelled by a person. Each label stands for N_h / l_h samples of its stratum, so the estimates are for the whole run.</p>
`;
  const r = audit.result;
  if (r === null) return html`${head}<p>Not available: ${audit.unavailable ?? ''}</p>
</section>`;
  const why = r.estimatesUnavailable ?? '';
  const level = formatLevel(r.ci.level);
  return html`${head}<p>${r.labelled} of ${r.drawn} drawn samples labelled (${r.samples} samples in the run): every estimate below rests on these ${r.labelled} labels.${
    r.ignoredLabels > 0 ? ` ${r.ignoredLabels} label(s) of this audit are ignored (not drawn, no verdict, or another stratum than the sample's).` : ''
  }${r.estimatesUnavailable === null ? '' : html` <span class="badge warn">No estimate yet: ${r.estimatesUnavailable}</span>`}${
    r.estimatesUnavailable === null && r.intervalsUnavailable !== null ? html` <span class="badge warn">No interval: ${r.intervalsUnavailable}</span>` : ''
  }</p>
<table>
<thead><tr><th>stratum</th><th>samples N_h</th><th>drawn n_h</th><th>labelled l_h</th><th>human: correct</th></tr></thead>
<tbody>
${r.strata.map((s) => html`<tr><td class="text">${s.stratum}</td><td>${s.samples}</td><td>${s.drawn}</td><td>${s.labelled}</td><td>${s.humanCorrect}</td></tr>
`)}</tbody>
</table>
<h3>Agreement with the human</h3>
<p>Cohen's κ with what it must be read with: how often the rater agrees with the human, the agreement chance alone gives, and the base rates. Below each estimate: its ${level} interval from a stratified bootstrap of the labels.</p>
<table>
<thead><tr><th>rater</th><th>κ</th><th>agreement</th><th>chance agreement</th><th title="the share the human calls correct">human: correct</th><th title="the share the rater calls correct (exact)">rater: correct</th></tr></thead>
<tbody>
${agreementRow('verifier (kept = correct)', r.agreement.verifier, why)}${agreementRow('checker', r.agreement.checker, why)}</tbody>
</table>
<h3>On the human-corrected truth (${r.labelled} labels)</h3>
<p>The report's statistics under the audit's filter on the checker's grades, and on the human's verdicts where they differ (the correction, an unbiased estimate from the labels). The corrected value's ${level} interval combines the task bootstrap of the checker value and the label bootstrap of the correction. The relative gap is not corrected.</p>
<table>
<thead><tr><th>statistic</th><th>on the checker's grades</th><th>correction</th><th>corrected</th></tr></thead>
<tbody>
${CORRECTED_STATISTICS.map((key) => correctedRow(key, r, why))}</tbody>
</table>
</section>`;
}

function agreementRow(rater: string, a: Agreement, why: string): SafeHtml {
  return html`<tr><td class="text">${rater}</td><td>${cell(a.kappa, a.ci.kappa, a.kappaUnavailable ?? why, 'rate')}</td><td>${cell(a.agreement, a.ci.agreement, why)}</td><td>${cell(a.chance, null, why)}</td><td>${cell(
    a.prevalence,
    a.ci.prevalence,
    why,
  )}</td><td>${cell(a.raterPositive, null, why)}</td></tr>
`;
}

function correctedRow(key: (typeof CORRECTED_STATISTICS)[number], r: AuditResult, why: string): SafeHtml {
  const c = r.corrected[key];
  const unit: Unit = key === 'gap' ? 'points' : 'percent';
  return html`<tr><td class="text">${CORRECTED_NAMES[key]}</td><td>${cell(c.checker, c.checkerCi, '', unit)}</td><td>${cell(c.correction, c.correctionCi, why, 'points')}</td><td>${cell(c.value, c.ci, why, unit)}</td></tr>
`;
}
