// How many calls one endpoint of a pool may have in flight (docs/run-format.md, "Several
// endpoints"): it grows while the endpoint keeps up and is cut when the endpoint says it is busy,
// stops answering or slows down. An AIMD rule, as TCP's: the limit ends up hovering just under
// what the endpoint sustains, whatever that is, and every endpoint finds its own.

/** The constants of the rule; docs/run-format.md states them. */
export const ADAPTIVE_RULE = {
  /** Where a new endpoint's limit starts, and where it restarts once a down endpoint answers again. */
  initial: 4,
  /** A cut multiplies the limit by this. */
  decrease: 0.7,
  /** Growth near the level of the last cut is this fraction of the usual, to probe it carefully. */
  nearOverload: 0.1,
  /** Answers of one kind per latency window. */
  latencyWindow: 20,
  /**
   * Two windows in a row whose median latency per step is over this many times the lowest window
   * median since the (re)start mean the endpoint queues calls: a cut. (One may be a pause of the
   * client's own, which delays every answer it reads.)
   */
  latencyFactor: 2,
  /** An answer (not only a window) over this many times it means latency is rising: slow start ends (growth becomes additive), without a cut. */
  risingFactor: 1.5,
} as const;

export interface Limit {
  /** Calls the endpoint may have in flight now (at least 1). */
  readonly slots: number;
  /**
   * An answer to the endpoint's attempt number `sent` (the latest is `latest`): `perStepMs` is its
   * latency divided by the decoding steps it took, `busy` says whether it found every slot in use,
   * `cap` is the most the limit may reach (the pool's ceiling less the other endpoints' limits).
   */
  answered(sent: number, latest: number, kind: string, perStepMs: number, busy: boolean, cap: number): void;
  /** Attempt `sent` found the endpoint busy or got no answer. */
  overloaded(sent: number, latest: number): void;
  /** Starts again, for an endpoint that answers after it was down. */
  restart(cap: number): void;
}

/** A limit that never moves: `--fixed-concurrency`. */
export class FixedLimit implements Limit {
  constructor(readonly slots: number) {}
  answered(): void {}
  overloaded(): void {}
  restart(): void {}
}

export class AdaptiveLimit implements Limit {
  private value: number;
  /** Until the first cut, every answer that found the limit in use adds one: the limit doubles per round trip. */
  private slowStart = true;
  /**
   * The endpoint's latest attempt number when the limit was last cut. Refusals of attempts sent
   * before it belong to the same episode (they were sent together) and do not cut again; a
   * sustained one keeps cutting, once per round trip.
   */
  private cutAfter = 0;
  /** The limit when it was last cut, near which it grows slowly; undefined once passed. */
  private overloadedAt: number | undefined;
  private readonly latency = new Map<string, LatencyWindows>();

  constructor(cap: number) {
    this.value = Math.max(1, Math.min(ADAPTIVE_RULE.initial, cap));
  }

  get slots(): number {
    return Math.max(1, Math.floor(this.value));
  }

  answered(sent: number, latest: number, kind: string, perStepMs: number, busy: boolean, cap: number): void {
    let windows = this.latency.get(kind);
    if (!windows) this.latency.set(kind, (windows = new LatencyWindows()));
    const latency = windows.add(perStepMs);
    if (latency === 'queueing') {
      this.cut(sent, latest);
      return;
    }
    if (latency === 'rising') this.slowStart = false;
    // An endpoint that is not given enough calls to fill its limit shows nothing about a higher one;
    // nor does one whose latency at the initial limit is not known yet (the baseline that says
    // when it starts to queue calls must be measured before the load rises).
    if (!busy || !this.measured()) return;
    if (this.overloadedAt !== undefined && this.value > this.overloadedAt + 1) this.overloadedAt = undefined;
    // About `value` answers come back per round trip: each adds a `value`-th of the growth per round trip.
    const step = this.slowStart ? 1 : this.growthPerRoundTrip() / this.value;
    this.value = Math.max(this.value, Math.min(this.value + step, cap));
  }

  /**
   * After slow start: halfway back to just under the level of the last cut per round trip (at
   * least 1), so that a cut costs a few round trips, not as many as it took away; within 1 of that
   * level a tenth, so that the level that overloaded the endpoint is probed rarely; past it, 1.
   */
  private growthPerRoundTrip(): number {
    const last = this.overloadedAt;
    if (last === undefined) return 1;
    if (this.value >= last - 1) return ADAPTIVE_RULE.nearOverload;
    return Math.max(1, (last - 1 - this.value) / 2);
  }

  overloaded(sent: number, latest: number): void {
    this.cut(sent, latest);
  }

  restart(cap: number): void {
    this.value = Math.max(1, Math.min(ADAPTIVE_RULE.initial, cap));
    this.slowStart = true;
    this.overloadedAt = undefined;
    this.latency.clear();
  }

  /** Whether a latency window of some kind of call has completed since the (re)start. */
  private measured(): boolean {
    for (const windows of this.latency.values()) if (windows.complete > 0) return true;
    return false;
  }

  private cut(sent: number, latest: number): void {
    if (sent <= this.cutAfter) return;
    this.overloadedAt = this.value;
    this.value = Math.max(1, this.value * ADAPTIVE_RULE.decrease);
    this.slowStart = false;
    this.cutAfter = latest;
  }
}

/** One kind of call's latencies per step, in windows of latencyWindow answers. */
class LatencyWindows {
  private current: number[] = [];
  /** The lowest window median so far: the latency of the endpoint when it does not queue. */
  private baseline = Infinity;
  /** Windows completed so far. */
  complete = 0;
  /** Whether the last window completed was over latencyFactor × the baseline. */
  private slowWindow = false;

  /**
   * Adds an answer: 'queueing' when it completes the second window in a row whose median is over
   * latencyFactor × the baseline, 'rising' when the answer itself is over risingFactor × the
   * baseline. A single slow answer may be noise, but ending slow start costs little, and a window
   * comes too late for it: slow start doubles the limit in less time than a window takes.
   */
  add(perStepMs: number): 'queueing' | 'rising' | undefined {
    this.current.push(perStepMs);
    if (this.current.length >= ADAPTIVE_RULE.latencyWindow) {
      const m = median(this.current);
      this.current = [];
      this.complete++;
      this.baseline = Math.min(this.baseline, m);
      const slow = m > ADAPTIVE_RULE.latencyFactor * this.baseline;
      const queueing = slow && this.slowWindow;
      // A cut starts the count again.
      this.slowWindow = slow && !queueing;
      if (queueing) return 'queueing';
    }
    return perStepMs > ADAPTIVE_RULE.risingFactor * this.baseline ? 'rising' : undefined;
  }
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
