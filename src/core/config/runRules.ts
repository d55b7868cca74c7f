// The configuration rules every layer applies — the CLI, the language server, the extension and the
// panel: the defaults of a new run, the verifier a run is read by when none is named, and when a task
// has no gold answer. Once here, so the surfaces cannot drift apart. Pure (no node: import), so the
// webview bundle can read it too; where runs go is runsRoot.ts.
import type { Task } from '../tasks/task';

/** A new run's settings when the user names none (the CLI's flags, the extension's gaplens.* settings, an import). */
export const RUN_DEFAULTS = {
  n: 8,
  temperature: 0.7,
  topP: 0.9,
  maxTokens: 512,
  verifierTemperature: 0.7,
  verifierMaxTokens: 512,
  seed: 0,
  verifiers: ['mc'],
  filter: 'quantile:0.8',
  concurrency: 8,
} as const;

/** The verifier a report reads when neither the user nor the run names one. */
export const DEFAULT_VERIFIER = 'mc';

/** The selector a run is read by unless one is named: its first verifier; null when it has none (no gap to show). */
export function runSelector(config: { verifiers: readonly string[] }): string | null {
  return config.verifiers[0] ?? null;
}

/** The selector a report reads: the one named, else the run's first verifier, else DEFAULT_VERIFIER (its gap is then "not measured"). */
export function reportSelector(config: { verifiers: readonly string[] }, named?: string): string {
  return named ?? runSelector(config) ?? DEFAULT_VERIFIER;
}

/** True when a task has no gold answer to grade against (Check Selection before an answer is marked): its samples count in no accuracy or gap. */
export function hasNoGold(task: Task): boolean {
  return typeof task.answer === 'string' ? task.answer.trim() === '' : task.answer.length === 0;
}
