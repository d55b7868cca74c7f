// The terminal's "verifier quality", "any N" and finite-N lines of a report: compact blocks under the
// gap statistics. A verifier that scored nothing is "—" with the reason; one that scored part of the
// samples carries the partial note.
import { notMeasuredReason, partialNote, qualityEntryCoverage } from '../core/report/coverageText';
import type { AssessedReport } from '../core/stats/assessment';
import type { AnyN } from '../core/stats/anyN';
import type { FiniteN } from '../core/stats/finiteN';
import type { Interval } from '../core/stats/types';
import type { VerifierQuality } from '../core/stats/verifierQuality';
import { formatIn, formatIntervalIn, formatLevel, formatPercent, formatPoints, formatRange, formatRate, type Unit } from '../core/report/numbers';
import { MAX_SUBSETS, type VerificationCurve, type VerificationPoint } from '../core/stats/verificationCurve';

const rate = formatRate;
/** A value and its interval in the value's unit (docs/statistics.md, "Numbers on screen"). */
const withCi = (value: number | null, ci: Interval | null, unit: Unit): string =>
  value === null ? '—' : `${formatIn(value, unit)}${ci === null ? '' : ` ${formatRange(ci, unit)}`}`;

/** Every verifier's calibration, ranking and filter quality, the selector first. */
export function qualityLines(assessed: AssessedReport): string[] {
  const { report, coverage } = assessed;
  const lines = ['', '  verifier quality (calibration over the scored samples; ranking puts unscored samples last)'];
  report.verifierQuality.forEach((q, i) => {
    const selector = qualityEntryCoverage(coverage, q, i === 0);
    if (!q.measured) lines.push(`    ${q.selector}  — (${notMeasuredReason({ verifiers: coverage.verifiers, selector })})`);
    else lines.push(`    ${q.selector}  ${q.partial ? `(${partialNote(selector)})` : `scored ${q.scored} of ${q.samples}`}`, ...measuredQuality(q));
  });
  return lines;
}

function measuredQuality(q: VerifierQuality): string[] {
  const at = q.atFilter;
  return [
    `      calibration   Brier ${withCi(q.brier, q.ci.brier, 'rate')}  ECE ${withCi(q.ece, q.ci.ece, 'rate')}  RMSCE ${withCi(q.rmsce, q.ci.rmsce, 'rate')}`,
    `      ranking       AURC ${withCi(q.aurc, q.ci.aurc, 'rate')}  (random ${q.aurcRandom === null ? '—' : rate(q.aurcRandom)}, best possible ${q.aurcOptimal === null ? '—' : rate(q.aurcOptimal)})`,
    ...(at === null
      ? []
      : [
          `      at ${at.filter}  specificity ${withCi(at.specificity, q.ci.specificity, 'rate')}  balanced accuracy ${withCi(at.balancedAccuracy, q.ci.balancedAccuracy, 'rate')}  F1 ${withCi(at.f1, q.ci.f1, 'rate')}`,
        ]),
  ];
}

/**
 * The gap with k samples per task, at k = 1, 2, 4, … and N; "~" marks an estimate from drawn subsets,
 * with its largest standard error below the table.
 */
export function anyNLines(anyN: AnyN, shown: readonly number[], beside: string): string[] {
  const points = anyN.points.filter((p) => shown.includes(p.k));
  const cell = (text: string, exact: boolean): string => `${exact ? ' ' : '~'}${text}`.padStart(11);
  const row = (label: string, f: (p: (typeof points)[number]) => string): string => `    ${label.padEnd(18)}${points.map((p) => cell(f(p), p.exact)).join('')}`;
  const lines = [
    '',
    `  any N: the gap with k samples per task, expected over k-subsets of each task's samples${beside}`,
    `    ${'k'.padEnd(18)}${points.map((p) => String(p.k).padStart(11)).join('')}`,
    row('filtered accuracy', (p) => formatPercent(p.filteredAccuracy)),
    row('gap', (p) => formatPoints(p.gap)),
    row('relative gap', (p) => (p.relativeGap === null ? '—' : formatIn(p.relativeGap, 'signed-percent'))),
  ];
  const estimated = points.filter((p) => !p.exact);
  if (estimated.length > 0) {
    const largest = Math.max(...estimated.map((p) => p.standardError));
    lines.push(`    ~ estimated from ${anyN.draws} random subsets per task (seed ${anyN.seed}); standard error of the gap ≤ ${formatIn(largest, 'point-size')}`);
  }
  return lines;
}

/**
 * The verification curve (docs/statistics.md, "Verification compute"): the gap and AUROC with k of
 * the K verifications per sample, with the gap's interval; `null`: why there is none.
 */
export function verificationCurveLines(curve: VerificationCurve | null, level: number, tasks: number, resamples: number, beside: string): string[] {
  if (curve === null) return ['', `  verifications: — (the selector reads no verifier with several verifications per sample, reads two with different numbers, or scored nothing)`];
  const cell = (text: string, exact: boolean): string => `${exact ? ' ' : '~'}${text}`.padStart(13);
  const row = (label: string, f: (p: VerificationPoint) => string): string => `    ${label.padEnd(18)}${curve.points.map((p) => cell(f(p), p.exact)).join('')}`;
  const lines = [
    '',
    `  verifications: the gap with k of the ${curve.draws} verifications per sample of ${curve.verifiers.join(', ')}, mean over the k-subsets of the draws${beside}`,
    `    ${'k'.padEnd(18)}${curve.points.map((p) => String(p.k).padStart(13)).join('')}`,
    row('filtered accuracy', (p) => formatPercent(p.filteredAccuracy)),
    row('gap', (p) => formatPoints(p.gap)),
    row('relative gap', (p) => (p.relativeGap === null ? '—' : formatIn(p.relativeGap, 'signed-percent'))),
    row('AUROC', (p) => (p.auroc === null ? '—' : formatRate(p.auroc))),
    ...curve.points.map((p) => `    gap at k = ${p.k}: ${formatLevel(level)} CI ${formatIntervalIn(p.ci.gap, 'points', tasks, resamples)}`),
  ];
  if (curve.points.some((p) => !p.exact)) lines.push(`    ~ the mean over ${MAX_SUBSETS} random k-subsets of the draws (seed ${curve.seed}), not all C(${curve.draws}, k)`);
  return lines;
}

/** The bias-aware gap when there is one; when the report warns about finite N and there is none, why. */
export function biasCorrectedLine(finite: FiniteN, beside: string): string[] {
  const b = finite.biasCorrected;
  if (b !== null) {
    return [
      `  bias-aware gap           ${withCi(b.gap, b.ci.gap, 'points')}   (2·gap(N) − gap(N/2), gap at N/2 ${formatPoints(b.halfSampleGap)})${beside}`,
    ];
  }
  return finite.warning === null ? [] : [`  bias-aware gap           — (${finite.biasCorrectedUnavailable ?? ''})`];
}
