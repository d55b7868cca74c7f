// What the CLI's progress lines and the VS Code panel show of each endpoint of a model served by
// several (docs/run-format.md, "Several endpoints"). Its own module: the panel's protocol reads it
// without the pool's Node-only code.
/** What the progress line and the panel show of one endpoint. */
export interface EndpointFigures {
  /** The endpoint's base URL. */
  url: string;
  state: 'up' | 'down';
  /** Slots in use: calls in flight, and refused calls waiting there to retry. */
  inFlight: number;
  /** Calls it may have in flight now. */
  limit: number;
  /** Usable answers so far. */
  answered: number;
  /** Usable answers per second over the last 5 whole seconds (in the first 5 s, since the start, at least 1 s). */
  callsPerSecond: number;
  /** Attempts it refused as busy (HTTP 429 or 503, or with Retry-After). */
  overloaded: number;
  /** Attempts that got no answer. */
  unreachable: number;
  /** Median latency of its last 100 usable answers; null before the first. */
  latencyMs: number | null;
}
