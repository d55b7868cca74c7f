// The progress display's line per endpoint of a model served by several (docs/run-format.md,
// "Several endpoints"): state, calls in flight against its current limit, recent answer rate,
// refusals and unanswered attempts so far, and the median latency of its recent answers.
import type { EndpointReport } from '../core/pipeline/runController';

export function endpointLines(reports: readonly EndpointReport[]): string[] {
  return reports.flatMap((report) =>
    report.endpoints.map((e) => {
      const latency = e.latencyMs === null ? 'latency — (no answer yet)' : `median latency ${Math.round(e.latencyMs)} ms`;
      return (
        `  ${e.url}  ${e.state === 'up' ? 'up' : 'DOWN'}  ${e.inFlight}/${e.limit} in flight  ` +
        `${e.callsPerSecond.toFixed(1)} calls/s (last 5 s)  ${e.overloaded} × 429/503  ${e.unreachable} unanswered  ${latency}`
      );
    }),
  );
}
