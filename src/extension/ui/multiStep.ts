// A multi-step input as VS Code's own flows have it: each question says "Step k of n", has a Back
// button from step 2 on, and shows the answer given before when the user comes back to it.

import { GoBack, type StepPosition } from './prompter';

export interface Step<S> {
  /** Whether the step is asked, given the answers so far; a step that is not counts in no total. Default: always. */
  applies?(state: S): boolean;
  /**
   * Asks the question; resolves to the state with the answer, or undefined when the user cancels.
   * `state` keeps the answers of later steps after a Back, so a step shows its earlier answer.
   */
  ask(state: S, at: StepPosition): Promise<S | undefined>;
}

/** Runs the steps in order; undefined when the user cancels any of them. */
export async function runSteps<S>(steps: readonly Step<S>[], initial: S): Promise<S | undefined> {
  const applies = (i: number, state: S): boolean => steps[i]?.applies?.(state) ?? true;
  /** The indices of the steps answered, in order: where Back goes. */
  const answered: number[] = [];
  let state = initial;
  let i = 0;
  while (i < steps.length) {
    const step = steps[i];
    if (!step || !applies(i, state)) {
      i++;
      continue;
    }
    let remaining = 0;
    for (let j = i; j < steps.length; j++) if (applies(j, state)) remaining++;
    try {
      const next = await step.ask(state, { step: answered.length + 1, totalSteps: answered.length + remaining });
      if (next === undefined) return undefined;
      answered.push(i);
      state = next;
      i++;
    } catch (err) {
      if (!(err instanceof GoBack)) throw err;
      // Step 1 has no Back button; a prompter that throws there anyway asks step 1 again.
      i = answered.pop() ?? i;
    }
  }
  return state;
}
