// Long computations on the panel's only thread, a slice at a time: each slice works until its time
// budget is spent, then yields to the event loop, so input, layout and painting wait at most one slice
// (the bootstrap intervals take 0.5–1.2 s at 10^5 samples). A Worker would take the work off the thread
// altogether, but needs a `worker-src` CSP source and a second bundle inside the VS Code webview, for
// work that is short and cheap to restart.

export interface SliceScheduler {
  now(): number;
  /** Runs `fn` in a later task of the event loop, after the input and rendering pending now. */
  later(fn: () => void): void;
}

/** Long enough that yielding costs little, short enough that a slider drag stays at 60 frames a second. */
export const SLICE_MS = 8;

export interface SlicedJob {
  /** Stops the job before its next step; `done` is not called. */
  cancel(): void;
}

/**
 * Calls `step` until it returns true, then `done`, in slices of about `budgetMs` (each step should be
 * short next to it), each slice a task of its own through `scheduler.later`.
 */
export function runInSlices(step: () => boolean, done: () => void, scheduler: SliceScheduler, budgetMs: number = SLICE_MS): SlicedJob {
  let cancelled = false;
  const slice = (): void => {
    if (cancelled) return;
    const end = scheduler.now() + budgetMs;
    while (!step()) {
      if (scheduler.now() >= end) {
        scheduler.later(slice);
        return;
      }
    }
    done();
  };
  scheduler.later(slice);
  return {
    cancel: () => void (cancelled = true),
  };
}
