// The terminal text of `gaplens templates compare`: the two versions' statistics side by side with
// their difference, then the samples whose verdict changed. A statistic a version does not have is
// "—" (never 0), and the difference of it too.
import { formatIn, formatPercent, formatRange, formatSigned, type Unit } from '../core/report/numbers';
import type { SampleChange, TemplateComparison, VersionStats } from '../core/pipeline/templateComparison';

/** Each row: label, the value of a version, its unit and how the difference is shown. */
const ROWS: { label: string; value: (s: VersionStats) => number | null; unit: Unit; difference: keyof TemplateComparison['difference'] }[] = [
  { label: 'filtered accuracy', value: (s) => s.filteredAccuracy, unit: 'percent', difference: 'filteredAccuracy' },
  { label: 'gap', value: (s) => s.gap, unit: 'points', difference: 'gap' },
  { label: 'relative gap', value: (s) => s.relativeGap, unit: 'signed-percent', difference: 'relativeGap' },
  { label: 'AUROC', value: (s) => s.auroc, unit: 'rate', difference: 'auroc' },
  { label: 'ECE', value: (s) => s.ece, unit: 'rate', difference: 'ece' },
  { label: 'Brier', value: (s) => s.brier, unit: 'rate', difference: 'brier' },
  { label: 'retention', value: (s) => s.retention, unit: 'percent', difference: 'retention' },
];

/** How a difference of a unit is shown: shares of samples differ in points, the rest as signed fractions. */
function differenceText(x: number | null, unit: Unit): string {
  if (x === null) return '—';
  return unit === 'rate' ? formatSigned(x) : formatIn(x, 'points');
}

const valueText = (x: number | null, unit: Unit): string => (x === null ? '—' : formatIn(x, unit));

export function formatTemplateComparison(c: TemplateComparison): string {
  const { a, b } = c;
  const header = ['', `${a.version} (${a.verifier})`, `${b.version} (${b.verifier})`, `${b.version} − ${a.version}`];
  const table: string[][] = [
    header,
    ...ROWS.map((row) => [row.label, valueText(row.value(a), row.unit), valueText(row.value(b), row.unit), differenceText(c.difference[row.difference], row.unit)]),
    ['gap interval', intervalText(a), intervalText(b), ''],
    ['coverage', coverageText(a), coverageText(b), signedCount(c.difference.scored)],
  ];
  const widths = header.map((_, col) => Math.max(...table.map((r) => (r[col] ?? '').length)));
  const lines = [
    `Gap Lens template comparison: ${c.verifier} in ${c.run}`,
    `  filter ${c.filter}, ${c.samples} samples, accuracy ${formatPercent(a.accuracy)}; versions ${c.versions.join(', ')} (v1: the run's own templates)`,
    '',
    ...table.map((r) => `  ${r.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd()}`),
    '',
    `  ${c.changed.length} sample${c.changed.length === 1 ? '' : 's'} changed verdict (kept / dropped / unscored under ${c.filter}); ${c.scoresChanged} changed score`,
    ...c.changed.map(changeLine),
  ];
  return `${lines.join('\n')}\n`;
}

function intervalText(s: VersionStats): string {
  return s.gapInterval === null ? '—' : formatRange(s.gapInterval, 'points');
}

function coverageText(s: VersionStats): string {
  const { scored, failed, expected } = s.coverage;
  return `${scored} of ${expected} scored${failed > 0 ? `, ${failed} failed` : ''}`;
}

function signedCount(x: number): string {
  return x > 0 ? `+${x}` : x < 0 ? `\u2212${-x}` : '0';
}

function changeLine(change: SampleChange): string {
  const side = (s: SampleChange['a']): string => `${s.verdict}${s.score === null ? '' : ` ${formatIn(s.score, 'rate')}`}`;
  return `    ${change.task} #${change.index} (${change.correct ? 'correct' : 'incorrect'}): ${side(change.a)} → ${side(change.b)}`;
}
