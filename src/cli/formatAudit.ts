// The terminal's "audit" block of a run report: what the audit rests on (its plan, the labels per
// stratum), the verifier's and the checker's agreement with the human, and the accuracy, filtered
// accuracy and gap on the human-corrected truth. "—" with the reason wherever an estimate or interval
// does not exist (docs/statistics.md, "Audit").
import type { AuditReport } from '../core/stats/audit';
import { CORRECTED_NAMES, CORRECTED_STATISTICS, type Agreement, type AuditResult, type CorrectedStatistic } from '../core/stats/auditEstimate';
import type { Interval } from '../core/stats/types';
import { formatIn, formatRange, type Unit } from '../core/report/numbers';

/** A value and its interval in the value's unit (docs/statistics.md, "Numbers on screen"), or "—" with the reason. */
function estimate(value: number | null, ci: Interval | null, unit: Unit, why: string | null): string {
  if (value === null) return `— (${why ?? 'not available'})`;
  return ci === null ? formatIn(value, unit) : `${formatIn(value, unit)} ${formatRange(ci, unit)}`;
}

export function auditLines(audit: AuditReport): string[] {
  const p = audit.plan;
  const head = `  audit ${p.id} (verifier ${p.selector}, filter ${p.filter}, seed ${p.seed})`;
  const r = audit.result;
  if (r === null) return ['', `${head}: — (${audit.unavailable ?? 'not available'})`];
  return ['', `${head}: ${r.labelled} of ${r.drawn} labelled (${r.samples} samples)`, ...strataLines(r), ...agreementLines(r), ...correctedLines(r)];
}

function strataLines(r: AuditResult): string[] {
  const row = (cells: (string | number)[]): string => `    ${String(cells[0]).padEnd(20)}${cells.slice(1).map((c) => String(c).padStart(16)).join('')}`;
  const lines = [
    row(['stratum', 'samples (N_h)', 'drawn (n_h)', 'labelled (l_h)', 'human-correct']),
    ...r.strata.map((s) => row([s.stratum, s.samples, s.drawn, s.labelled, s.humanCorrect])),
  ];
  if (r.ignoredLabels > 0) lines.push(`    ${r.ignoredLabels} label(s) of this audit ignored: not drawn, no verdict, or another stratum than the sample's`);
  return lines;
}

function agreementLines(r: AuditResult): string[] {
  const why = r.estimatesUnavailable;
  const line = (rater: 'verifier' | 'checker', a: Agreement): string =>
    `    ${`${rater} vs human`.padEnd(19)}κ ${estimate(a.kappa, a.ci.kappa, 'rate', a.kappaUnavailable)}` +
    (a.agreement === null
      ? ''
      : `   agreement ${estimate(a.agreement, a.ci.agreement, 'percent', why)}   chance ${estimate(a.chance, null, 'percent', why)}` +
        `   human-correct ${estimate(a.prevalence, a.ci.prevalence, 'percent', why)}   ${rater}-correct ${estimate(a.raterPositive, null, 'percent', why)}`);
  return [line('verifier', r.agreement.verifier), line('checker', r.agreement.checker)];
}

function correctedLines(r: AuditResult): string[] {
  const lines = [`    on the human-corrected truth (${r.labelled} labels):`];
  for (const key of CORRECTED_STATISTICS) {
    const c: CorrectedStatistic = r.corrected[key];
    const f: Unit = key === 'gap' ? 'points' : 'percent';
    const corrected =
      c.value === null
        ? `   corrected — (${r.estimatesUnavailable ?? 'not available'})`
        : `   corrected ${estimate(c.value, c.ci, f, null)}   correction ${estimate(c.correction, c.correctionCi, 'points', null)}`;
    lines.push(`      ${CORRECTED_NAMES[key].padEnd(19)}checker ${estimate(c.checker, c.checkerCi, f, null)}${corrected}`);
  }
  if (r.estimatesUnavailable === null && r.intervalsUnavailable !== null) lines.push(`    no interval of the audit: ${r.intervalsUnavailable}`);
  return lines;
}
