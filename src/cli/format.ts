// Human-readable rendering of an assessed GapReport for the terminal. The first lines say what the
// numbers rest on (run state, verifier coverage, few tasks); a verifier statistic is "—" with the
// reason when nothing was scored, and carries "(partial: …)" when only part of the samples was.
import { notMeasuredReason, partialNote, runStateLines, verifierCoverageLines } from '../core/report/coverageText';
import type { AssessedReport } from '../core/stats/assessment';
import { conclusionText } from '../core/stats/conclusion';
import { auditLines } from './formatAudit';
import { anyNLines, biasCorrectedLine, qualityLines, verificationCurveLines } from './formatQuality';
import { formatAmount, formatEss, formatIn, formatIntervalIn, formatLevel, formatPercent, formatPoints, formatRate, type Unit } from '../core/report/numbers';
import type { WeightSummary } from '../core/report/weightTerms';
import type { GapReport, Interval } from '../core/stats/types';

// Units and rounding of docs/statistics.md, "Numbers on screen": accuracies in percent, gaps in points.
const pct = formatPercent;
const signedPct = formatPoints;
const orDash = (x: number | null, f: (x: number) => string): string => (x === null ? '—' : f(x));

/** "  95 % CI [20.10, 23.05] %", or "  95 % CI n/a (1 task)" for a degenerate interval; '' without one. */
function intervalText(report: GapReport, ci: Interval | null, unit: Unit): string {
  return ci ? `  ${formatLevel(report.ci.level)} CI ${formatIntervalIn(ci, unit, report.tasks, report.ci.resamples)}` : '';
}

/**
 * A run's report adds `models`, the line naming the generator and verifier models (gapModelsText),
 * and `notes`, lines about the data shown after the coverage (e.g. sampling settings an endpoint
 * was not sent); `weights`, under a weighted filter, replaces the kept/dropped counts.
 */
export function formatReport(
  assessed: AssessedReport,
  heading: string,
  { models, notes = [], weights = null }: { models?: string; notes?: readonly string[]; weights?: WeightSummary | null } = {},
): string {
  const { report, coverage } = assessed;
  const beside = coverage.selector.partial ? `  (${partialNote(coverage.selector)})` : '';
  const lines = [
    heading,
    ...(assessed.source === 'run' ? runStateLines(coverage, assessed.state).map((l) => `run ${l}`) : []),
    ...verifierCoverageLines(coverage).map((l) => `coverage ${l}`),
    ...notes,
    ...(report.fewTasksWarning === null ? [] : [`warning: ${report.fewTasksWarning}`]),
    ...(report.finiteN.warning === null ? [] : [`warning: ${report.finiteN.warning}`]),
    `verifier ${report.verifier}   filter ${report.filter}   tasks ${report.tasks}   samples ${report.samples}   scored ${report.scored}`,
    ...(models === undefined ? [] : [models]),
    '',
    `  accuracy J(f)            ${pct(report.accuracy)}${intervalText(report, report.ci.accuracy, 'percent')}`,
    ...(coverage.selector.measured ? [...verifierLines(report, beside, weights), ...biasCorrectedLine(report.finiteN, beside)] : unmeasuredLines(`— (${notMeasuredReason(coverage)})`)),
    ...oracleLines(report),
  ];
  const ks = pickKs(report.passAtK.length);
  if (report.passAtK.length > 0) {
    const curve = (values: readonly number[]): string => ks.map((k) => `@${k} ${pct(values[k - 1] ?? 0)}`).join('  ');
    lines.push(`  pass@k   ${curve(report.passAtK)}`);
    lines.push(`  pass^k   ${curve(report.passAllK)}   (all k correct)`);
    lines.push(`  maj@k    ${curve(report.majAtK)}`);
    const bestOfK = report.bestOfK;
    if (bestOfK !== null) lines.push(`  best-of  ${curve(bestOfK)}${beside}`);
    const N = report.passAtK.length;
    if (report.bestOfNShortfall !== null) {
      lines.push(`  best-of-N shortfall      ${signedPct(report.bestOfNShortfall)}   (pass@${N} − best-of-${N}: what picking by the verifier loses against an oracle; not the gap)${beside}`);
    }
  }
  if (report.anyN !== null) lines.push(...anyNLines(report.anyN, ks, beside));
  if (report.verificationCurve !== undefined) lines.push(...verificationCurveLines(report.verificationCurve, report.ci.level, report.tasks, report.ci.resamples, beside));
  lines.push(...qualityLines(assessed));
  if (assessed.audit) lines.push(...auditLines(assessed.audit));
  lines.push('', `  ${conclusionText(assessed.conclusion)}`);
  return `${lines.join('\n')}\n`;
}

/** The statistics that depend on the verifier, each followed by `beside` (the partial-coverage note, or ''). */
function verifierLines(report: GapReport, beside: string, weights: WeightSummary | null): string[] {
  const { ci } = report;
  const c = report.confusion;
  const lines = [
    `  filtered accuracy        ${orDash(report.filteredAccuracy, pct)}${intervalText(report, ci.filteredAccuracy, 'percent')}${beside}`,
    `  gap                      ${orDash(report.gap, signedPct)}${intervalText(report, ci.gap, 'points')}${beside}`,
    `  relative gap             ${orDash(report.relativeGap, (x) => formatIn(x, 'signed-percent'))}${intervalText(report, ci.relativeGap, 'signed-percent')}` +
      (report.relativeGapExcludedTasks > 0 ? `   (${report.relativeGapExcludedTasks} tasks with J(f|x)=1 excluded)` : '') +
      beside,
    `  retention                ${orDash(report.retention, pct)}   AUROC ${orDash(report.auroc, formatRate)}${beside}`,
  ];
  if (weights) {
    // exp:β weighs every sample (docs/statistics.md, "Weighted filters"): weights, not kept/dropped.
    lines.push(
      `  weights: on correct ${formatAmount(weights.onCorrect)}, on incorrect ${formatAmount(weights.onWrong)}   effective sample size ${formatEss(weights.ess, weights.samples)} (Kish)${beside}`,
    );
  } else if (c) {
    lines.push(
      `  kept: ${c.keptCorrect} correct, ${c.keptWrong} wrong   dropped: ${c.droppedCorrect} correct, ${c.droppedWrong} wrong` +
        `   precision ${orDash(report.precision, pct)}  recall ${orDash(report.recall, pct)}${beside}`,
    );
  }
  if ((report.tasksNothingKept ?? 0) > 0) lines.push(`  ${report.tasksNothingKept} tasks kept nothing (counted at J(f|x))${beside}`);
  return lines;
}

/** The same filter with the answer checker as the verifier (docs/statistics.md, "The oracle line"): it reads no verifier, so it is always shown. */
function oracleLines(report: GapReport): string[] {
  const { oracle } = report;
  return [
    `  oracle filtered accuracy ${pct(oracle.filteredAccuracy)}${intervalText(report, oracle.ci.filteredAccuracy, 'percent')}   (the same filter with the answer checker as the verifier)`,
    `  oracle gap               ${signedPct(oracle.gap)}${intervalText(report, oracle.ci.gap, 'points')}`,
  ];
}

/** Nothing scored: every verifier statistic is "—" with the reason. */
function unmeasuredLines(dash: string): string[] {
  return [
    `  filtered accuracy        ${dash}`,
    `  gap                      ${dash}`,
    `  relative gap             ${dash}`,
    `  retention, AUROC, precision, recall, kept/dropped, best-of-k, best-of-N shortfall, any N: ${dash}`,
  ];
}

/** 1, 2, 4, … and N: enough to read the curve without a wall of numbers. */
function pickKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < n; k *= 2) ks.push(k);
  ks.push(n);
  return ks;
}
