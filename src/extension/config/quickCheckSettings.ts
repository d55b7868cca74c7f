// The gaplens.quickCheck.* settings of the quick gap check (a CodeLens on a task, the selection or
// the status bar), validated like every other gaplens.* setting (one message naming each bad
// setting). Pure: no 'vscode'.
import { Problems, readNumber, type SettingGetter } from './settings';

export interface QuickCheckSettings {
  /** Samples per task (N). */
  n: number;
  /** At most the first this many of the tasks checked; null: every one. */
  limit: number | null;
}

/** Small on purpose: a quick check is a glance while editing, not a measurement to publish. */
export const QUICK_CHECK_DEFAULTS = { n: 4, limit: 10 } as const;

/** Reads gaplens.quickCheck.*; throws one UserError listing every invalid one. */
export function readQuickCheckSettings(get: SettingGetter): QuickCheckSettings {
  const problems = new Problems();
  const num = (key: string, fallback: number, check: Parameters<typeof readNumber>[2]): number => readNumber(get(`quickCheck.${key}`), fallback, check, (m) => problems.add(`quickCheck.${key}`, m));
  const n = num('n', QUICK_CHECK_DEFAULTS.n, { integer: true, min: 1, max: 100_000 });
  // null is "every task"; unset is the default.
  const limit = get('quickCheck.limit') === null ? null : num('limit', QUICK_CHECK_DEFAULTS.limit, { integer: true, min: 1 });
  problems.throwIfAny();
  return { n, limit };
}
