// The live figures of one endpoint as text (docs/run-format.md, "Several endpoints"), the same in
// the CLI's progress lines and the VS Code panel's endpoint table.
import type { EndpointFigures } from '../llm/endpointFigures';

export interface EndpointTexts {
  url: string;
  state: 'up' | 'DOWN';
  /** Slots in use of the current limit, e.g. "12/16". */
  slots: string;
  /** Usable answers per second over the last 5 s, e.g. "41.0". */
  callsPerSecond: string;
  overloaded: string;
  unreachable: string;
  /** Median latency of the recent answers, e.g. "250 ms"; "—" before the first (`latencyNote` says why). */
  latency: string;
  latencyNote: string | null;
}

export const NO_LATENCY_YET = 'no answer yet';

export function endpointTexts(e: EndpointFigures): EndpointTexts {
  return {
    url: e.url,
    state: e.state === 'up' ? 'up' : 'DOWN',
    slots: `${e.inFlight}/${e.limit}`,
    callsPerSecond: e.callsPerSecond.toFixed(1),
    overloaded: String(e.overloaded),
    unreachable: String(e.unreachable),
    latency: e.latencyMs === null ? '—' : `${Math.round(e.latencyMs)} ms`,
    latencyNote: e.latencyMs === null ? NO_LATENCY_YET : null,
  };
}
