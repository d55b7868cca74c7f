// The report's stylesheet. Inline because the report is one self-contained file; the page's CSP
// allows inline styles and nothing else. Colours are variables so one media query gives dark mode.

import { html, type SafeHtml } from './escape';

/**
 * The rules lineChart's marks need (svgCharts.ts): axes, the series classes s-0 … s-4 and the diagonal.
 * They read --muted, --line, --pass, --maj, --best, --ok and --bad, which each page defines for its theme.
 */
export const LINE_CHART_CSS: SafeHtml = html`svg.chart{width:100%;max-width:720px;height:auto;display:block}
svg .axis{stroke:var(--muted)}
svg .grid{stroke:var(--line)}
svg text{fill:var(--muted);font-size:11px}
svg .axis-title{font-size:12px}
polyline.line{fill:none;stroke:currentColor;stroke-width:2}
.s-0{color:var(--pass)}
.s-1{color:var(--maj)}
.s-2{color:var(--best)}
.s-3{color:var(--ok)}
.s-4{color:var(--bad)}
.line.s-1{stroke-dasharray:6 3}
.line.s-2{stroke-dasharray:2 3}
.line.s-3{stroke-dasharray:8 2 2 2}
.diag{color:var(--muted)}
.line.diag{stroke-width:1;stroke-dasharray:4 4}
circle.dot,rect.swatch{fill:currentColor}`;

export const REPORT_STYLE: SafeHtml = html`<style>
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn-bg:#fff8c5;--warn-fg:#7d4e00;--pass:#0969da;--maj:#8250df;--best:#9a6700}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--ok:#3fb950;--bad:#f85149;--warn-bg:#3b2e00;--warn-fg:#e3b341;--pass:#4493f8;--maj:#ab7df8;--best:#d29922}}
body{margin:0 auto;max-width:1100px;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.6em;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:1.25em;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
h3{font-size:1.05em;margin:0 0 4px;overflow-wrap:anywhere}
h4{font-size:.95em;margin:12px 0 4px}
a{color:var(--pass)}
nav a{margin-right:12px}
.muted,.meta{color:var(--muted)}
dl.context{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}
dl.context dt,dl.fields dt{color:var(--muted)}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.card .label{color:var(--muted);font-size:.9em}
.card .value{font-size:1.5em;font-variant-numeric:tabular-nums}
.card .detail{color:var(--muted);font-size:.85em;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:right}
th:first-child,td.text{text-align:left}
td.text{overflow-wrap:anywhere;max-width:480px}
thead th{background:var(--card)}
.na{color:var(--muted);cursor:help}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:.85em;background:var(--card);border:1px solid var(--line)}
.badge.warn{background:var(--warn-bg);color:var(--warn-fg);border-color:transparent}
.ok{color:var(--ok)}
.bad{color:var(--bad)}
${LINE_CHART_CSS}
.bar-ok{color:var(--ok);fill:currentColor}
.bar-bad{color:var(--bad);fill:currentColor}
.k-pass{color:var(--pass)}
.k-maj{color:var(--maj)}
.k-best{color:var(--best)}
.line.k-maj{stroke-dasharray:6 3}
.line.k-best{stroke-dasharray:2 3}
.k-all{color:var(--ok)}
.line.k-all{stroke-dasharray:8 2 2 2}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);border:1px solid var(--line);border-radius:4px;padding:8px;margin:4px 0;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre.question{max-height:16em;overflow:auto}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
section.task{border-top:1px solid var(--line);padding:12px 0}
details.sample{border:1px solid var(--line);border-radius:4px;margin:4px 0}
details.sample>summary{cursor:pointer;padding:4px 8px;font-variant-numeric:tabular-nums}
details.sample>summary>span{margin-right:10px}
.sample-body{padding:0 12px 8px}
.banner{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:12px 0;background:var(--card)}
.banner.warn{background:var(--warn-bg);color:var(--warn-fg);border-color:transparent}
.banner p{margin:0}
.banner .conclusion{margin-top:6px;font-weight:600}
.note{background:var(--warn-bg);color:var(--warn-fg);padding:8px 12px;border-radius:4px}
.empty{color:var(--muted);font-style:italic}
body:has(#only-disagreements:checked) details.sample:not(.disagreement),body:has(#only-disagreements:checked) section.task:not(.has-disagreement){display:none}
</style>`;

/** A static report page up to its <body>: the strict CSP (inline styles, data: images, nothing else), the title and the stylesheet. */
export function pageHead(title: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
${REPORT_STYLE}
</head>`;
}
