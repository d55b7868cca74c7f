// `gaplens matrix` as text and JSON, and the wording of a cell the Compare page shares with them
// (docs/statistics.md, "Cross-verification matrix"). A cell's numbers are its run's report, worded as
// the series report words a round (roundCells).
import { fillCommandText, type CrossMatrix, type MatrixCell, type MatrixModel } from '../pipeline/crossMatrix';
import { conclusionText } from '../stats/conclusion';
import { plural } from '../util/plural';
import { runStateLines } from './coverageText';
import { degenerateReason, formatIn, formatLevel, formatRange, type Unit } from './numbers';
import { reportNumbersJson, roundCells } from './seriesText';

/** Why a missing cell has no number: no run given has the verifier method by g over f's samples. */
export function missingReason(matrix: Pick<CrossMatrix, 'verifier'>, generator: MatrixModel, judge: MatrixModel): string {
  return `no run given has ${matrix.verifier} by ${judge.label} over the samples of ${generator.label}`;
}

/** "a verified by b (cross-verification)" or "a verified by a (self-verification)". */
export function cellTitle(generator: MatrixModel, judge: MatrixModel): string {
  return `${generator.label} verified by ${judge.label} (${generator.spec === judge.spec ? 'self' : 'cross'}-verification)`;
}

/** A statistic a grid of the text shows. */
type GridStat = 'gap' | 'relativeGap';
const GRID_UNIT: Record<GridStat, Unit> = { gap: 'points', relativeGap: 'signed-percent' };

/**
 * The cell's short text in a grid: the value and its interval (an interval that says nothing, as for
 * one task or no resample, is left to the cell's lines), or "—" and one word of why; marks for a
 * partial selector and few tasks.
 */
export function gridText(cell: MatrixCell, stat: GridStat): string {
  if (cell.kind === 'missing') return '— missing';
  if (cell.kind === 'unavailable') return '— no report';
  const { report, coverage } = cell.assessed;
  if (!coverage.selector.measured) return '— not measured';
  const value = report[stat];
  if (value === null) return '— undefined';
  const ci = report.ci[stat];
  const interval = ci !== null && degenerateReason(ci, report.tasks, report.ci.resamples) === null ? ` ${formatRange(ci, GRID_UNIT[stat])}` : '';
  const marks = [...(coverage.selector.partial ? ['partial'] : []), ...(report.fewTasksWarning !== null ? ['few tasks'] : [])];
  return `${formatIn(value, GRID_UNIT[stat])}${interval}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}`;
}

/** The lines under a cell's title: where it comes from and what it rests on, or why it is empty and the command that fills it. */
export function cellLines(matrix: CrossMatrix, f: number, g: number): string[] {
  const cell = matrix.cells[f]?.[g] as MatrixCell;
  if (cell.kind === 'missing') {
    return [`— (missing: ${missingReason(matrix, matrix.generators[f] as MatrixModel, matrix.verifiers[g] as MatrixModel)})`, `fill it with: ${fillCommandText(cell.fill)}`];
  }
  const source = `run ${cell.run.dir} (${cell.run.id}), verifier ${cell.verifierName}`;
  if (cell.kind === 'unavailable') return [source, `— (no report: ${cell.reason})`];
  const { report, coverage, state, conclusion } = cell.assessed;
  const cells = roundCells(cell);
  return [
    source,
    ...runStateLines(coverage, state),
    ...(report.fewTasksWarning !== null ? [report.fewTasksWarning] : []),
    `accuracy      ${cells.accuracy}`,
    `gap           ${cells.gap}`,
    `relative gap  ${cells.relativeGap}`,
    conclusionText(conclusion),
  ];
}

export function formatMatrixText(matrix: CrossMatrix): string {
  const { generators, verifiers } = matrix;
  const lines: string[] = [];
  lines.push(
    `Gap Lens cross-verification matrix: ${plural(generators.length, 'generator')} × ${plural(verifiers.length, 'verifier')} on one task set (tasks.jsonl sha256 ${matrix.tasksSha256.slice(0, 12)}…)`,
  );
  lines.push(`verifier ${matrix.verifier} · filter ${matrix.filter} · ${formatLevel(matrix.level)} intervals from ${matrix.resamples} task-bootstrap resamples (seed ${matrix.seed})`);
  lines.push(...matrix.notes);
  lines.push('');
  lines.push(...grid(matrix, 'gap', 'gap(f, g): rows generator f, columns verifier g'));
  lines.push(...grid(matrix, 'relativeGap', 'relative gap: rows generator f, columns verifier g'));
  generators.forEach((gen, f) =>
    verifiers.forEach((judge, g) => {
      lines.push(cellTitle(gen, judge));
      for (const line of cellLines(matrix, f, g)) lines.push(`  ${line}`);
      lines.push('');
    }),
  );
  return lines.join('\n');
}

/** One statistic's grid, its columns right-aligned, and a blank line. */
function grid(matrix: CrossMatrix, stat: GridStat, title: string): string[] {
  const { generators, verifiers, cells } = matrix;
  const rows = [['', ...verifiers.map((v) => v.label)], ...generators.map((gen, f) => [gen.label, ...verifiers.map((_, g) => gridText(cells[f]?.[g] as MatrixCell, stat))])];
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((row) => (row[c] as string).length)));
  const line = (row: string[]): string => `  ${row.map((text, c) => (c === 0 ? text.padEnd(widths[c] as number) : text.padStart(widths[c] as number))).join('   ')}`.trimEnd();
  return [title, ...rows.map(line), ''];
}

/** The JSON of `gaplens matrix --json`: the settings, both axes, and every cell row by row with its numbers or why it has none. */
export function matrixJson(matrix: CrossMatrix): Record<string, unknown> {
  const { cells, generators, verifiers, ...settings } = matrix;
  return {
    ...settings,
    generators,
    verifiers,
    cells: generators.flatMap((gen, f) =>
      verifiers.map((judge, g) => {
        const cell = cells[f]?.[g] as MatrixCell;
        const at = { generator: gen.spec, verifier: judge.spec };
        if (cell.kind === 'missing') {
          return { ...at, kind: cell.kind, gap: null, relativeGap: null, reason: missingReason(matrix, gen, judge), fill: { argv: cell.fill.argv, command: fillCommandText(cell.fill) } };
        }
        const source = { ...at, kind: cell.kind, run: cell.run.dir, id: cell.run.id, verifierName: cell.verifierName };
        if (cell.kind === 'unavailable') return { ...source, gap: null, relativeGap: null, reason: cell.reason };
        return { ...source, ...reportNumbersJson(cell.assessed) };
      }),
    ),
  };
}
