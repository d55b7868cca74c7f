// The A/B view of two template versions of a verifier: the statistics side by side with B − A
// (the cells `gaplens templates compare` prints), then every sample whose verdict changed — a list
// of links to each one, and for each the answer judged and both versions' raw outputs side by side.
// Static HTML, no script (in-page links navigate). Pure.
import { html, type SafeHtml } from '../../core/report/escape';
import { formatPercent } from '../../core/report/numbers';
import { changedSummary, comparisonTable, verdictText } from '../../core/report/templateComparisonText';
import type { SampleChange, TemplateComparison } from '../../core/pipeline/templateComparison';
import { webviewHtml } from './panelHtml';

/** The texts a changed sample shows: the generation judged, and each version's raw output (null: no record). */
export type ChangedSampleTexts = (task: string, index: number) => { generation: string; a: string | null; b: string | null };

export function templateComparisonHtml(c: TemplateComparison, texts: ChangedSampleTexts, csp: { cspSource: string; nonce: string }): string {
  const [header = [], ...rows] = comparisonTable(c);
  const anchor = (i: number): string => `sample-${i}`;
  const body = html`<h1 id="top">${c.verifier}: ${c.a.version} vs ${c.b.version}</h1>
<p class="sub">${c.run} · filter ${c.filter} · ${String(c.samples)} samples · accuracy ${formatPercent(c.a.accuracy)} · versions ${c.versions.join(', ')} (v1: the run's own templates)</p>
<table><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map(([label = '', ...cells]) => html`<tr><th scope="row">${label}</th>${cells.map((cell) => html`<td class="value">${cell}</td>`)}</tr>`)}</tbody></table>
<h2>${changedSummary(c)}</h2>
${c.changed.length === 0 ? '' : html`<ol class="changes">${c.changed.map((s, i) => html`<li><a href="#${anchor(i)}">${sampleName(s)}</a> <span class="sub">${verdictText(s.a)} → ${verdictText(s.b)}</span></li>`)}</ol>`}
${c.changed.map((s, i) => changedSample(s, anchor(i), c, texts(s.task, s.index)))}`;
  return webviewHtml({ title: `Gap Lens: ${c.verifier} ${c.a.version} vs ${c.b.version}`, ...csp, scripts: [], styles: [], inlineCss: CSS, body: body.toString() });
}

function sampleName(s: SampleChange): string {
  return `${s.task} #${String(s.index)} (${s.correct ? 'correct' : 'incorrect'})`;
}

function changedSample(s: SampleChange, id: string, c: TemplateComparison, text: ReturnType<ChangedSampleTexts>): SafeHtml {
  const output = (version: string, verdict: SampleChange['a'], raw: string | null): SafeHtml =>
    html`<div class="side"><h4>${version}: ${verdictText(verdict)}</h4>${raw === null ? html`<p class="sub">no verification record</p>` : html`<pre>${raw}</pre>`}</div>`;
  return html`<section id="${id}"><h3>${sampleName(s)}</h3>
<details><summary>the answer judged</summary><pre>${text.generation}</pre></details>
<div class="sides">${output(c.a.version, s.a, text.a)}${output(c.b.version, s.b, text.b)}</div>
<p class="sub"><a href="#top">back to the list</a></p></section>`;
}

const CSS = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { text-align: left; padding: 4px 12px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-editorWidget-border)); vertical-align: top; }
td.value { font-family: var(--vscode-editor-font-family); }
.sub { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.changes li { margin: 2px 0; }
section { border-top: 1px solid var(--vscode-panel-border, var(--vscode-editorWidget-border)); margin-top: 16px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
pre { white-space: pre-wrap; word-break: break-word; font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 6px; }
`;
