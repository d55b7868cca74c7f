// Human-readable rendering of an assessed GapReport for the terminal. The first lines say what the
// numbers rest on (run state, verifier coverage, few tasks); a verifier statistic is "—" with the
// reason when nothing was scored, and carries "(partial: …)" when only part of the samples was.
import { notMeasuredReason, partialNote, runStateLines, verifierCoverageLines } from '../core/report/coverageText';
import type { AssessedReport } from '../core/stats/assessment';
import { conclusionText } from '../core/stats/conclusion';
import { auditLines } from './formatAudit';
import { anyNLines, biasCorrectedLine, qualityLines } from './formatQuality';
import type { GapReport, Interval } from '../core/stats/types';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const signedPct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;
const interval = (ci: Interval | null, f: (x: number) => string): string => (ci ? `  95% CI [${f(ci[0])}, ${f(ci[1])}]` : '');
const orDash = (x: number | null, f: (x: number) => string): string => (x === null ? '—' : f(x));

/**
 * A run's report adds `models`, the line naming the generator and verifier models (gapModelsText),
 * and `notes`, lines about the data shown after the coverage (e.g. sampling settings an endpoint
 * was not sent).
 */
export function formatReport(assessed: AssessedReport, heading: string, { models, notes = [] }: { models?: string; notes?: readonly string[] } = {}): string {
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
    `  accuracy J(f)            ${pct(report.accuracy)}${interval(report.ci.accuracy, pct)}`,
    ...(coverage.selector.measured ? [...verifierLines(report, beside), ...biasCorrectedLine(report.finiteN, beside)] : unmeasuredLines(`— (${notMeasuredReason(coverage)})`)),
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
  lines.push(...qualityLines(assessed));
  if (assessed.audit) lines.push(...auditLines(assessed.audit));
  lines.push('', `  ${conclusionText(assessed.conclusion)}`);
  return `${lines.join('\n')}\n`;
}

/** The statistics that depend on the verifier, each followed by `beside` (the partial-coverage note, or ''). */
function verifierLines(report: GapReport, beside: string): string[] {
  const { ci } = report;
  const c = report.confusion;
  const lines = [
    `  filtered accuracy        ${orDash(report.filteredAccuracy, pct)}${interval(ci.filteredAccuracy, pct)}${beside}`,
    `  gap                      ${orDash(report.gap, signedPct)}${interval(ci.gap, signedPct)}${beside}`,
    `  relative gap             ${orDash(report.relativeGap, (x) => x.toFixed(4))}${interval(ci.relativeGap, (x) => x.toFixed(4))}` +
      (report.relativeGapExcludedTasks > 0 ? `   (${report.relativeGapExcludedTasks} tasks with J(f|x)=1 excluded)` : '') +
      beside,
    `  retention                ${orDash(report.retention, pct)}   AUROC ${orDash(report.auroc, (x) => x.toFixed(4))}${beside}`,
  ];
  if (c) {
    lines.push(
      `  kept: ${c.keptCorrect} correct, ${c.keptWrong} wrong   dropped: ${c.droppedCorrect} correct, ${c.droppedWrong} wrong` +
        `   precision ${orDash(report.precision, pct)}  recall ${orDash(report.recall, pct)}${beside}`,
    );
  }
  if ((report.tasksNothingKept ?? 0) > 0) lines.push(`  ${report.tasksNothingKept} tasks kept nothing (counted at J(f|x))${beside}`);
  return lines;
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
