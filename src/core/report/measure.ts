// How a report section shows a verifier statistic: "—" with the reason when nothing was scored, the
// partial note beside it when only part of the samples was, and "—" with a hover text for a value
// that is undefined. Shared by every section of the HTML report.
import { html, type SafeHtml } from './escape';

/** How the verifier statistics are to be read: not measured (with the reason), partial (with the note), or whole. */
export type Measure = { measured: false; reason: string } | { measured: true; partial: string | null };

/** "—" with a hover text saying why the value does not exist. */
export function missing(why: string): SafeHtml {
  return html`<span class="na" title="${why}">—</span>`;
}

export function orMissing(value: number | null, format: (x: number) => string, why: string): SafeHtml | string {
  return value === null ? missing(why) : format(value);
}

/** A verifier statistic: "—" with the reason when not measured, else its value (null: "—" with `why`). */
export function verifierValue(measure: Measure, value: number | null, format: (x: number) => string, why: string): SafeHtml | string {
  return measure.measured ? orMissing(value, format, why) : missing(measure.reason);
}

/** A section's note on the verifier columns it shows (`what`): the not-measured reason, the partial note, or nothing. */
export function measureNote(measure: Measure, what: string): SafeHtml | string {
  if (!measure.measured) return html`<p>${what}: ${measure.reason}</p>
`;
  return measure.partial === null ? '' : html`<p>${what}:${partialBadge(measure)}</p>
`;
}

/** The partial-coverage note beside a verifier statistic, or nothing. */
export function partialBadge(measure: Measure): SafeHtml | string {
  return measure.measured && measure.partial !== null ? html` <span class="badge warn">${measure.partial}</span>` : '';
}
