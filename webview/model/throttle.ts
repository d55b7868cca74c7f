// Rate limiting of the live updates: a run streaming hundreds of samples a second must not repaint the
// statistics hundreds of times (the cap: 4 updates per second), and a snapshot of 10^5 samples
// arriving as dozens of messages should be painted once, when the last one is in.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ThrottleTiming {
  /** Runs are at least this far apart (250 ms: at most 4 per second). */
  intervalMs: number;
  /** A run waits until no call came for this long (the end of a burst of messages)… */
  quietMs: number;
  /** …but not longer than this after the first waiting call, so a steady flood still shows. */
  maxWaitMs: number;
}

export const LIVE_TIMING: ThrottleTiming = { intervalMs: 250, quietMs: 30, maxWaitMs: 1000 };

export interface Throttle {
  /** Asks for a run; see ThrottleTiming for when it happens. */
  schedule(): void;
  /** Runs now if a run is pending (e.g. before a user action that needs fresh data). */
  flush(): void;
  cancel(): void;
  /** A run is scheduled and has not happened yet (data is still arriving). */
  readonly pending: boolean;
}

export function createThrottle(fn: () => void, timing: ThrottleTiming, clock: Clock): Throttle {
  let lastRun = -Infinity;
  let firstCall = 0;
  let lastCall = 0;
  let timer: unknown = null;
  const run = (): void => {
    timer = null;
    lastRun = clock.now();
    fn();
  };
  const arm = (now: number): void => {
    const settled = Math.min(lastCall + timing.quietMs, firstCall + timing.maxWaitMs);
    timer = clock.setTimeout(fire, Math.max(0, lastRun + timing.intervalMs - now, settled - now));
  };
  const fire = (): void => {
    const now = clock.now();
    const settled = now - lastCall >= timing.quietMs || now - firstCall >= timing.maxWaitMs;
    if (settled && now - lastRun >= timing.intervalMs) run();
    else arm(now);
  };
  return {
    schedule() {
      lastCall = clock.now();
      if (timer !== null) return;
      firstCall = lastCall;
      arm(lastCall);
    },
    flush() {
      if (timer === null) return;
      clock.clearTimeout(timer);
      run();
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
    get pending() {
      return timer !== null;
    },
  };
}
