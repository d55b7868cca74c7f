// The terminal text of `gaplens templates compare`: the two versions' statistics side by side with
// their difference (core/report/templateComparisonText.ts), then the samples whose verdict changed.
import { formatPercent } from '../core/report/numbers';
import { changedSummary, comparisonTable, verdictText } from '../core/report/templateComparisonText';
import type { TemplateComparison } from '../core/pipeline/templateComparison';

export function formatTemplateComparison(c: TemplateComparison): string {
  const table = comparisonTable(c);
  const widths = (table[0] ?? []).map((_, col) => Math.max(...table.map((r) => (r[col] ?? '').length)));
  const lines = [
    `Gap Lens template comparison: ${c.verifier} in ${c.run}`,
    `  filter ${c.filter}, ${c.samples} samples, accuracy ${formatPercent(c.a.accuracy)}; versions ${c.versions.join(', ')} (v1: the run's own templates)`,
    '',
    ...table.map((r) => `  ${r.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd()}`),
    '',
    `  ${changedSummary(c)}`,
    ...c.changed.map((s) => `    ${s.task} #${s.index} (${s.correct ? 'correct' : 'incorrect'}): ${verdictText(s.a)} → ${verdictText(s.b)}`),
  ];
  return `${lines.join('\n')}\n`;
}
