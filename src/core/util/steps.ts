// Long computations written as generators that yield between small steps, so the panel can run them a
// slice at a time between user inputs while the CLI and reports run the same code to the end at once.

/** A computation that yields (nothing) between steps and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end and returns the result. */
export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
