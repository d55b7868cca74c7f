// The words and numbers of a template comparison (gaplens templates compare, and VS Code's A/B
// view): one table of cells both surfaces lay out their own way, so they read digit for digit alike.
// A statistic a version does not have is "—" (never 0), and so is the difference of it.
import type { SampleChange, TemplateComparison, VersionStats } from '../pipeline/templateComparison';
import { formatIn, formatRange, formatSigned, type Unit } from './numbers';

/** Each row: label, the value of a version, its unit, and which difference goes with it. */
const ROWS: { label: string; value: (s: VersionStats) => number | null; unit: Unit; difference: keyof TemplateComparison['difference'] }[] = [
  { label: 'filtered accuracy', value: (s) => s.filteredAccuracy, unit: 'percent', difference: 'filteredAccuracy' },
  { label: 'gap', value: (s) => s.gap, unit: 'points', difference: 'gap' },
  { label: 'relative gap', value: (s) => s.relativeGap, unit: 'signed-percent', difference: 'relativeGap' },
  { label: 'AUROC', value: (s) => s.auroc, unit: 'rate', difference: 'auroc' },
  { label: 'ECE', value: (s) => s.ece, unit: 'rate', difference: 'ece' },
  { label: 'Brier', value: (s) => s.brier, unit: 'rate', difference: 'brier' },
  { label: 'retention', value: (s) => s.retention, unit: 'percent', difference: 'retention' },
];

/** Shares of samples differ in points; scores, AUROC and calibration errors as signed fractions. */
function differenceText(x: number | null, unit: Unit): string {
  if (x === null) return '—';
  return unit === 'rate' ? formatSigned(x) : formatIn(x, 'points');
}

const valueText = (x: number | null, unit: Unit): string => (x === null ? '—' : formatIn(x, unit));

/** The header row (statistic, A, B, B − A), then a row per statistic, the gap's interval and the coverage. */
export function comparisonTable(c: TemplateComparison): string[][] {
  const { a, b } = c;
  return [
    ['', `${a.version} (${a.verifier})`, `${b.version} (${b.verifier})`, `${b.version} − ${a.version}`],
    ...ROWS.map((row) => [row.label, valueText(row.value(a), row.unit), valueText(row.value(b), row.unit), differenceText(c.difference[row.difference], row.unit)]),
    ['gap interval', intervalText(a), intervalText(b), ''],
    ['coverage', coverageText(a), coverageText(b), signedCount(c.difference.scored)],
  ];
}

/** "6 samples changed verdict (…); 6 changed score". */
export function changedSummary(c: TemplateComparison): string {
  return `${c.changed.length} sample${c.changed.length === 1 ? '' : 's'} changed verdict (kept / dropped / unscored under ${c.filter}); ${c.scoresChanged} changed score`;
}

/** One version's verdict of a changed sample: "kept 1.0000", "unscored". */
export function verdictText(side: SampleChange['a']): string {
  return `${side.verdict}${side.score === null ? '' : ` ${formatIn(side.score, 'rate')}`}`;
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
