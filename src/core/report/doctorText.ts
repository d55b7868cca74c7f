// The doctor's report in words: the capability table, the logprob conformance checks and each
// verifier's verdict, as terminal text (gaplens doctor) and as Markdown (VS Code's Check Model…).
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import type { DoctorReport } from '../pipeline/doctor';

type Row = readonly [string, string];

interface Sections {
  title: string;
  capabilities: Row[];
  conformance: Row[];
  verifiers: Row[];
}

function sections(report: DoctorReport): Sections {
  const title = `${report.model} (${report.api} API)`;
  const caps = report.capabilities;
  const capabilities: Row[] = report.apiRefused !== undefined
    ? [[`${report.api} API`, `not served: ${report.apiRefused}`]]
    : caps === undefined
      ? [['backend', 'embedded llama.cpp: nothing to probe']]
      : capabilityRows(caps, report.api);
  return {
    title,
    capabilities,
    conformance: report.conformance.map((c) => [c.ok === null ? 'not run' : c.ok ? 'ok' : 'FAILED', `${c.check}: ${c.detail}`]),
    verifiers: report.verifiers.map((v) => [v.verifier, `${v.verdict}: ${v.why}`]),
  };
}

function capabilityRows(caps: EndpointCapabilities, api: string): Row[] {
  const accepted = (ok: boolean, said: string | undefined): string => (ok ? 'accepted' : `refused: ${said ?? ''}`);
  const topK = caps.topLogprobs === null ? `none: ${caps.said.topLogprobs ?? ''}` : `up to ${caps.topLogprobs} per token${caps.said.topLogprobs ? ` (${caps.said.topLogprobs})` : ''}`;
  return [
    [`${api} API`, 'served'],
    ['token budget', caps.tokenLimitParameter === 'max_tokens' ? 'max_tokens' : `max_completion_tokens (max_tokens refused: ${caps.said.tokenLimitParameter ?? ''})`],
    ['temperature', accepted(caps.temperature, caps.said.temperature)],
    ['top_p', accepted(caps.topP, caps.said.topP)],
    ['n > 1', caps.n ? 'several choices per request' : `no, one sample per request: ${caps.said.n ?? ''}`],
    ['top logprobs', topK],
    ['prompt logprobs', caps.promptLogprobs ?? `none: ${caps.said.promptLogprobs ?? ''}`],
    ['reasoning_effort', accepted(caps.reasoningEffort, caps.said.reasoningEffort)],
    ['probed', caps.probedAt],
  ];
}

function table(rows: Row[]): string[] {
  const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`);
}

export function doctorText(report: DoctorReport): string {
  const s = sections(report);
  return [
    `Gap Lens doctor: ${s.title}`,
    '',
    'capabilities',
    ...table(s.capabilities),
    ...(s.conformance.length > 0 ? ['', 'logprob conformance', ...table(s.conformance)] : []),
    '',
    'verifiers',
    ...table(s.verifiers),
    '',
  ].join('\n');
}

/** A Markdown table cell of text a server wrote: shown as text (no links, HTML or emphasis), and a `|` or a line break does not end the cell. */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|#!]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function markdownTable(head: Row, rows: Row[]): string[] {
  return [`| ${cell(head[0])} | ${cell(head[1])} |`, '| --- | --- |', ...rows.map(([a, b]) => `| ${cell(a)} | ${cell(b)} |`)];
}

export function doctorMarkdown(report: DoctorReport): string {
  const s = sections(report);
  return [
    `# Gap Lens: ${cell(s.title)}`,
    '',
    '## Capabilities',
    '',
    ...markdownTable(['capability', 'result'], s.capabilities),
    ...(s.conformance.length > 0 ? ['', '## Logprob conformance', '', ...markdownTable(['result', 'check'], s.conformance)] : []),
    '',
    '## Verifiers',
    '',
    ...markdownTable(['verifier', 'verdict'], s.verifiers),
    '',
  ].join('\n');
}
