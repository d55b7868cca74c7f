// Human-readable rendering of a GapReport for the terminal.
import type { GapReport, Interval } from '../core/stats/types';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const signedPct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;
const interval = (ci: Interval | null, f: (x: number) => string): string => (ci ? `  95% CI [${f(ci[0])}, ${f(ci[1])}]` : '');
const orDash = (x: number | null, f: (x: number) => string): string => (x === null ? '—' : f(x));

export function formatReport(report: GapReport, heading: string): string {
  const { ci, confusion: c } = report;
  const lines = [
    heading,
    `verifier ${report.verifier}   filter ${report.filter}   tasks ${report.tasks}   samples ${report.samples}`,
    '',
    `  accuracy J(f)            ${pct(report.accuracy)}${interval(ci.accuracy, pct)}`,
    `  filtered accuracy        ${pct(report.filteredAccuracy)}${interval(ci.filteredAccuracy, pct)}`,
    `  gap                      ${signedPct(report.gap)}${interval(ci.gap, signedPct)}`,
    `  relative gap             ${orDash(report.relativeGap, (x) => x.toFixed(4))}${interval(ci.relativeGap, (x) => x.toFixed(4))}` +
      (report.relativeGapExcludedTasks > 0 ? `   (${report.relativeGapExcludedTasks} tasks with J(f|x)=1 excluded)` : ''),
    `  retention                ${pct(report.retention)}   AUROC ${orDash(report.auroc, (x) => x.toFixed(4))}`,
    `  kept: ${c.keptCorrect} correct, ${c.keptWrong} wrong   dropped: ${c.droppedCorrect} correct, ${c.droppedWrong} wrong` +
      `   precision ${orDash(report.precision, pct)}  recall ${orDash(report.recall, pct)}`,
  ];
  if (report.tasksNothingKept > 0) lines.push(`  ${report.tasksNothingKept} tasks kept nothing (counted at J(f|x))`);
  if (report.passAtK.length > 0) {
    const ks = pickKs(report.passAtK.length);
    lines.push(`  pass@k   ${ks.map((k) => `@${k} ${pct(report.passAtK[k - 1] ?? 0)}`).join('  ')}`);
    lines.push(`  maj@k    ${ks.map((k) => `@${k} ${pct(report.majAtK[k - 1] ?? 0)}`).join('  ')}`);
    lines.push(`  best-of  ${ks.map((k) => `@${k} ${pct(report.bestOfK[k - 1] ?? 0)}`).join('  ')}`);
  }
  const verdict = report.gap > 0 ? 'positive: the verifier adds signal on these tasks' : 'not positive: filtering by this verifier cannot drive self-improvement here';
  lines.push('', `  gap is ${verdict}`);
  return `${lines.join('\n')}\n`;
}

/** 1, 2, 4, … and N: enough to read the curve without a wall of numbers. */
function pickKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < n; k *= 2) ks.push(k);
  ks.push(n);
  return ks;
}
