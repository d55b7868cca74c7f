// `gaplens report --series` as text and JSON, and the cells the HTML page shares with the text: one
// wording of every number of a series (docs/statistics.md, "Self-improvement series").
import type { SeriesReport, SeriesRound } from '../pipeline/seriesReport';
import type { AssessedReport } from '../stats/assessment';
import { conclusionText } from '../stats/conclusion';
import { ROUND_VERDICT_TEXT, type RoundCheck } from '../stats/seriesCheck';
import type { Interval } from '../stats/types';
import { plural } from '../util/plural';
import { notMeasuredReason, partialNote, runStateLines } from './coverageText';
import { formatIn, formatIntervalIn, formatLevel, formatPercent, formatPoints, type Unit } from './numbers';
import { kTicks } from './svgCharts';

/** A round's accuracy, gap and relative gap, each with its interval; a verifier statistic not measured is "—" and the reason. */
export function roundCells(round: Pick<SeriesRound, 'assessed'>): { accuracy: string; gap: string; relativeGap: string } {
  const { report, coverage } = round.assessed;
  const withCi = (value: number | null, ci: Interval | null, unit: Unit, undefinedWhy: string): string => {
    if (value === null) return `— (${undefinedWhy})`;
    const interval = ci === null ? '' : ` ${formatLevel(report.ci.level)} CI ${formatIntervalIn(ci, unit, report.tasks, report.ci.resamples)}`;
    return `${formatIn(value, unit)}${interval}`;
  };
  if (!coverage.selector.measured) {
    const why = `— (not measured: ${notMeasuredReason(coverage)})`;
    return { accuracy: withCi(report.accuracy, report.ci.accuracy, 'percent', ''), gap: why, relativeGap: why };
  }
  const partial = coverage.selector.partial ? ` (${partialNote(coverage.selector)})` : '';
  return {
    accuracy: withCi(report.accuracy, report.ci.accuracy, 'percent', ''),
    gap: `${withCi(report.gap, report.ci.gap, 'points', '')}${partial}`,
    relativeGap: `${withCi(report.relativeGap, report.ci.relativeGap, 'signed-percent', 'undefined: every task has J(f|x) = 1')}${partial}`,
  };
}

/** Where a round came from: "round 0 (no lineage)", or the export it was trained on. */
export function lineageText(round: SeriesRound): string {
  const { lineage } = round;
  if (lineage === null) return 'no lineage';
  const e = lineage.export;
  return `trained on ${e.path} (${plural(e.records, 'record')} of run ${lineage.parent.id}, ${e.selector} ${e.filter}${e.checkerCorrected ? ', checker-corrected' : ''})`;
}

/** The k of the pass@k table: powers of two up to the largest K of any round, and that K. */
export function passAtKColumns(rounds: readonly SeriesRound[]): number[] {
  return kTicks(Math.max(1, ...rounds.map((r) => r.assessed.report.passAtK.length)));
}

/** pass@k of a round, or "—" past its K (the fewest samples of any of its tasks). */
export function passAtKCell(round: SeriesRound, k: number): string {
  const value = round.assessed.report.passAtK[k - 1];
  return value === undefined ? '—' : formatPercent(value);
}

/** The check's sentence: the numbers, the interval, and the verdict or why there is none. */
export function checkText(check: RoundCheck, level: number, resamples: number): string {
  const head = `round ${check.to} vs round ${check.from} accuracy plus its gap`;
  if (check.excess === null) return `${head}: — (${check.reasons.join('; ')})`;
  const ci = check.interval === null ? '' : ` ${formatLevel(level)} CI ${formatIntervalIn(check.interval, 'points', check.commonTasks, resamples)}`;
  const numbers = `${formatPercent(check.nextAccuracy as number)} vs ${formatPercent(check.predicted as number)}: excess ${formatPoints(check.excess)}${ci} over ${plural(check.commonTasks, 'common task')}`;
  const verdict = check.verdict === null ? `no conclusion: ${check.reasons.join('; ')}` : ROUND_VERDICT_TEXT[check.verdict].replace('round r', `round ${check.from}`);
  return `${head}: ${numbers}\n    ${verdict}`;
}

export function formatSeriesText(series: SeriesReport): string {
  const lines: string[] = [];
  const { rounds } = series;
  lines.push(`Gap Lens self-improvement series: ${plural(rounds.length, 'round')} on one task set (tasks.jsonl sha256 ${series.tasksSha256.slice(0, 12)}…)`);
  lines.push(`verifier ${series.verifier} · filter ${series.filter} · ${formatLevel(series.level)} intervals from ${series.resamples} task-bootstrap resamples (seed ${series.seed})`);
  lines.push(...series.notes);
  lines.push('');
  for (const round of rounds) {
    const { report, state, coverage, conclusion } = round.assessed;
    const cells = roundCells(round);
    lines.push(`round ${round.round}: ${round.id}  ${round.model}  (${round.dir})`);
    lines.push(`  ${lineageText(round)}`);
    for (const line of runStateLines(coverage, state)) lines.push(`  ${line}`);
    if (report.fewTasksWarning !== null) lines.push(`  ${report.fewTasksWarning}`);
    lines.push(`  accuracy      ${cells.accuracy}`);
    lines.push(`  gap           ${cells.gap}`);
    lines.push(`  relative gap  ${cells.relativeGap}`);
    lines.push(`  ${conclusionText(conclusion)}`);
  }
  lines.push('');
  const ks = passAtKColumns(rounds);
  lines.push('pass@k per round (pass@k falling at large k over the rounds is lost diversity):');
  const width = 9;
  lines.push(`  ${'k'.padEnd(8)}${ks.map((k) => String(k).padStart(width)).join('')}`);
  for (const round of rounds) lines.push(`  ${`round ${round.round}`.padEnd(8)}${ks.map((k) => passAtKCell(round, k).padStart(width)).join('')}`);
  lines.push('');
  lines.push('Does round r+1 beat round r accuracy plus its gap, J(f_r) + gap(f_r) = J(f_r[w])?');
  for (const check of series.checks) lines.push(`  ${checkText(check, series.level, series.resamples)}`);
  return `${lines.join('\n')}\n`;
}

/** A report's gap numbers with their intervals and what they rest on, as the series and matrix JSON give them per round and per cell. */
export function reportNumbersJson({ report, state, coverage, conclusion }: AssessedReport): Record<string, unknown> {
  return {
    tasks: report.tasks,
    samples: report.samples,
    scored: report.scored,
    accuracy: report.accuracy,
    filteredAccuracy: report.filteredAccuracy,
    gap: report.gap,
    relativeGap: report.relativeGap,
    relativeGapExcludedTasks: report.relativeGapExcludedTasks,
    ci: { accuracy: report.ci.accuracy, filteredAccuracy: report.ci.filteredAccuracy, gap: report.ci.gap, relativeGap: report.ci.relativeGap },
    complete: state.complete,
    live: state.live,
    coverage: coverage.selector,
    conclusion,
    fewTasksWarning: report.fewTasksWarning,
  };
}

/** The JSON of `report --series --json`: the series' settings, each round's statistics with their intervals, and the checks. */
export function seriesJson(series: SeriesReport): Record<string, unknown> {
  const { rounds, ...settings } = series;
  return {
    ...settings,
    rounds: rounds.map((round) => ({
      round: round.round,
      run: round.dir,
      id: round.id,
      model: round.model,
      parent: round.lineage?.parent.id ?? null,
      lineage: round.lineage,
      ...reportNumbersJson(round.assessed),
      passAtK: round.assessed.report.passAtK,
    })),
  };
}
