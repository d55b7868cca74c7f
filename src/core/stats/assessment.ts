// A gap report together with what it rests on: the coverage of its records and selector, whether the
// run is complete and live, and the conclusion those allow. Every surface that shows a report (CLI
// text and JSON, the HTML report, the extension) renders this one object.
import type { ScoreSelector } from '../filter/spec';
import type { AuditReport } from './audit';
import { concludeGap, runState, type Conclusion, type RunState } from './conclusion';
import { selectorCoverage, type Coverage, type RecordCoverage } from './coverage';
import type { GapReport } from './types';

export interface AssessedReport {
  /** A run folder, or a samples file scored elsewhere (complete and not live by definition). */
  source: 'run' | 'samples';
  report: GapReport;
  coverage: Coverage;
  state: RunState;
  conclusion: Conclusion;
  /** The run's audit (runAudit); absent or null when it has none. */
  audit?: AuditReport | null;
}

/** `live`: true when a writer holds the run's lock (ignored for a samples file). */
export function assessReport(
  source: AssessedReport['source'],
  report: GapReport,
  selector: ScoreSelector,
  records: RecordCoverage,
  live: boolean,
): AssessedReport {
  const coverage: Coverage = { ...records, selector: selectorCoverage(report, selector) };
  // A samples file holds what it holds: complete and not live by definition (a missing key is coverage, not an outstanding record).
  const state: RunState = source === 'samples' ? { complete: true, live: false } : runState(records, live);
  return { source, report, coverage, state, conclusion: concludeGap(report, coverage, state) };
}

/** The JSON of `gaplens report --json`: the report's fields, then complete, live, coverage, conclusion and audit. */
export function assessedJson(assessed: AssessedReport): Record<string, unknown> {
  const { report, coverage, state, conclusion } = assessed;
  return { ...report, complete: state.complete, live: state.live, coverage, conclusion, audit: assessed.audit ?? null };
}
