// The progress display's line per endpoint of a model served by several (docs/run-format.md,
// "Several endpoints"): state, slots in use of its current limit, recent answer rate, refusals and
// unanswered attempts so far, and the median latency of its recent answers.
import { endpointTexts } from '../core/report/endpointText';
import type { EndpointReport } from '../core/pipeline/runController';

export function endpointLines(reports: readonly EndpointReport[]): string[] {
  return reports.flatMap((report) =>
    report.endpoints.map((figures) => {
      const t = endpointTexts(figures);
      const latency = t.latencyNote === null ? `median latency ${t.latency}` : `latency ${t.latency} (${t.latencyNote})`;
      return `  ${t.url}  ${t.state}  ${t.slots} in flight  ${t.callsPerSecond} calls/s (last 5 s)  ${t.overloaded} × 429/503  ${t.unreachable} unanswered  ${latency}`;
    }),
  );
}
