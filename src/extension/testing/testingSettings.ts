// The gaplens.testing.* settings of the Test Explorer's gap checks, validated like every other
// gaplens.* setting (one message naming each bad setting). Pure: no 'vscode'.
import { DEFAULT_VERIFIER } from '../../core/config/runRules';
import { MIN_TASKS } from '../../core/stats/conclusion';
import { shownValue } from '../../core/util/shownValue';
import { BASE_VERIFIERS, type BaseVerifierName } from '../../core/verify/verifier';
import { Problems, readNumber, type GapLensSettings, type ModelProfile, type SettingGetter } from '../config/settings';

export interface TestingSettings {
  /** Samples per task (N). */
  samplesPerTask: number;
  /** The first this many tasks of the file; null: every task. */
  taskLimit: number | null;
  verifier: BaseVerifierName;
  profile: ModelProfile;
  /** The test passes when the lower end of the gap's 95 % interval is above this, as a fraction (the setting is in percentage points). */
  bar: number;
  /** Fewer tasks than this: the interval is not trusted and the test is errored. */
  minTasks: number;
}

export const TESTING_DEFAULTS = { samplesPerTask: 4, taskLimit: MIN_TASKS, bar: 0, minTasks: MIN_TASKS } as const;

/**
 * Reads gaplens.testing.*. The verifier defaults to the first of gaplens.defaultVerifiers; the model
 * profile to the one used last (`lastProfile`), else the first profile. Throws one UserError listing
 * every invalid testing setting.
 */
export function readTestingSettings(get: SettingGetter, settings: Pick<GapLensSettings, 'profiles' | 'defaultVerifiers'>, lastProfile: string | undefined): TestingSettings {
  const problems = new Problems();
  const num = (key: string, fallback: number, check: Parameters<typeof readNumber>[2]): number => readNumber(get(`testing.${key}`), fallback, check, (m) => problems.add(`testing.${key}`, m));
  const samplesPerTask = num('samplesPerTask', TESTING_DEFAULTS.samplesPerTask, { integer: true, min: 1, max: 100_000 });
  const limit = get('testing.taskLimit');
  // null is "every task"; unset is the default.
  const taskLimit = limit === null ? null : num('taskLimit', TESTING_DEFAULTS.taskLimit, { integer: true, min: 1 });
  const barPoints = num('gapBar', TESTING_DEFAULTS.bar, { min: -100, max: 100 });
  const minTasks = num('minTasks', TESTING_DEFAULTS.minTasks, { integer: true, min: 2 });
  if (taskLimit !== null && taskLimit < minTasks) {
    problems.add('testing.taskLimit', `is ${taskLimit}, below gaplens.testing.minTasks (${minTasks}): every gap check would be errored for too few tasks; raise it or lower minTasks`);
  }
  const verifier = readVerifier(get('testing.verifier'), settings.defaultVerifiers, problems);
  const profile = readProfileName(get('testing.modelProfile'), settings.profiles, lastProfile, problems);
  problems.throwIfAny();
  return { samplesPerTask, taskLimit, verifier, profile: profile as ModelProfile, bar: barPoints / 100, minTasks };
}

function readVerifier(value: unknown, defaults: readonly BaseVerifierName[], problems: Problems): BaseVerifierName {
  const fallback = defaults[0] ?? DEFAULT_VERIFIER;
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (BASE_VERIFIERS as readonly string[]).includes(value)) return value as BaseVerifierName;
  problems.add('testing.verifier', `must be one of ${BASE_VERIFIERS.join(', ')} (got ${shownValue(value)}); leave it empty for the first of gaplens.defaultVerifiers`);
  return fallback;
}

function readProfileName(value: unknown, profiles: readonly ModelProfile[], lastProfile: string | undefined, problems: Problems): ModelProfile | undefined {
  if (value === undefined || value === null) {
    const profile = profiles.find((p) => p.name === lastProfile) ?? profiles[0];
    if (!profile) problems.add('modelProfiles', 'has no profile: a gap check needs one');
    return profile;
  }
  const profile = typeof value === 'string' ? profiles.find((p) => p.name === value.trim()) : undefined;
  if (!profile) problems.add('testing.modelProfile', `must name a profile of gaplens.modelProfiles (${profiles.map((p) => shownValue(p.name)).join(', ')}), got ${shownValue(value)}; leave it empty for the profile used last`);
  return profile;
}
