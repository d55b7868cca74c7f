// The Compare page's cross-verification matrix (docs/statistics.md, "Cross-verification matrix"): the
// generators × verifiers grid of gap(f, g) as a heatmap table. Every cell says its value, interval,
// relative gap and what it rests on in words (the wording of `gaplens matrix`); the colour only
// repeats the gap's sign and size. A missing cell links to Re-verify Run… with the verifier and model
// that fill it (a command link: the page runs no script). Pure.
import { fillCommandText, type CrossMatrix, type FillCommand, type MatrixCell } from '../../core/pipeline/crossMatrix';
import { html, type SafeHtml } from '../../core/report/escape';
import { cellLines, cellTitle, gridText } from '../../core/report/matrixText';

/** The matrix of the compared runs, or why there is none (runs on different task sets, two runs filling one cell). */
export type MatrixSection = { matrix: CrossMatrix } | { error: string };

/** The command a missing cell's link runs: Re-verify Run… with the run folder and the fill (reverifyFillArg). */
export const FILL_COMMAND = 'gaplens.reverifyRun';

export function fillCommandUri(fill: FillCommand): string {
  const args: [string, Pick<FillCommand, 'verifier' | 'model'>] = [fill.run, { verifier: fill.verifier, model: fill.model }];
  return `command:${FILL_COMMAND}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** Upper ends of the colour steps, in gap points: |gap| below 2.5 pp is step 0 (no colour), 20 pp and more step 4. */
const HEAT_STEPS = [0.025, 0.05, 0.1, 0.2];

/** The heat class of a gap: `heat-0`, `heat-p1` … `heat-p4` above 0, `heat-n1` … `heat-n4` below. */
export function heatClass(gap: number): string {
  const step = HEAT_STEPS.filter((edge) => Math.abs(gap) >= edge).length;
  return step === 0 ? 'heat-0' : `heat-${gap > 0 ? 'p' : 'n'}${String(step)}`;
}

function cellHtml(matrix: CrossMatrix, f: number, g: number): SafeHtml {
  const cell = matrix.cells[f]?.[g] as MatrixCell;
  const title = cellTitle(matrix.generators[f] as CrossMatrix['generators'][number], matrix.verifiers[g] as CrossMatrix['verifiers'][number]);
  const lines = cellLines(matrix, f, g);
  const details = html`<details><summary>what it rests on</summary>${lines.map((l) => html`<div class="sub">${l}</div>`)}</details>`;
  if (cell.kind === 'missing') {
    return html`<td class="empty" aria-label="${title}: missing"><span class="value">—</span><div class="sub">${lines[0] ?? ''}</div>
<a class="fill" href="${fillCommandUri(cell.fill)}" title="${fillCommandText(cell.fill)}">Re-verify with ${cell.fill.verifier} by ${(matrix.verifiers[g] as CrossMatrix['verifiers'][number]).label}</a>
<div class="sub"><code>${fillCommandText(cell.fill)}</code></div></td>`;
  }
  const gap = cell.kind === 'report' && cell.assessed.coverage.selector.measured ? cell.assessed.report.gap : null;
  const heat = gap === null ? 'empty' : `heat ${heatClass(gap)}`;
  return html`<td class="${heat}" aria-label="${title}: gap ${gridText(cell, 'gap')}"><span class="value">${gridText(cell, 'gap')}</span>
<div class="sub">relative gap ${gridText(cell, 'relativeGap')}</div>${details}</td>`;
}

export function matrixSectionHtml(section: MatrixSection): SafeHtml {
  if ('error' in section) return html`<h2>Cross-verification matrix</h2><p class="sub">No matrix of these runs: ${section.error}</p>`;
  const { matrix } = section;
  return html`<h2>Cross-verification matrix</h2>
<p class="sub">gap(f, g): the samples of generator f (rows) filtered by ${matrix.verifier} as model g (columns) ran it · filter ${matrix.filter} · ${String(Math.round(matrix.level * 100))} % task-bootstrap intervals · each cell is its run's report for that verifier (gaplens matrix)</p>
${matrix.notes.map((n) => html`<p class="sub">${n}</p>`)}
<table class="matrix"><thead><tr><th scope="col">generator f ↓, verifier g →</th>${matrix.verifiers.map((v) => html`<th scope="col">${v.label}</th>`)}</tr></thead>
<tbody>${matrix.generators.map((gen, f) => html`<tr><th scope="row">${gen.label}</th>${matrix.verifiers.map((_, g) => cellHtml(matrix, f, g))}</tr>`)}</tbody></table>
<p class="sub">Colour: green above 0, red below, stronger at |gap| ≥ 2.5, 5, 10 and 20 pp; no colour where there is no gap to show ("—").</p>`;
}

/** The heatmap's colours: theme chart colours mixed into the background, none in high-contrast themes (the text says it all). */
export const MATRIX_CSS = `
.matrix td { min-width: 11em; }
.matrix td.empty { font-style: italic; }
.matrix .fill { display: inline-block; margin: 4px 0; padding: 2px 8px; border: 1px solid var(--vscode-button-border, transparent); color: var(--vscode-button-foreground); background: var(--vscode-button-background); text-decoration: none; }
${[1, 2, 3, 4]
  .map((step) => {
    // At most 28 %: theme text keeps a 4.5 : 1 contrast on the strongest tint (test/webview/compareMatrix.browser.test.ts).
    const share = 7 * step;
    return `.matrix .heat-p${step} { background: color-mix(in srgb, var(--vscode-charts-green, #388a34) ${share}%, transparent); }
.matrix .heat-n${step} { background: color-mix(in srgb, var(--vscode-charts-red, #e51400) ${share}%, transparent); }`;
  })
  .join('\n')}
body.vscode-high-contrast .matrix td.heat, body.vscode-high-contrast-light .matrix td.heat { background: none; }
`;
