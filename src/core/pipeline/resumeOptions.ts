// "Resume means the same run" (docs/run-format.md, "Resume"): settings that decide what the run
// produces cannot change on a resume; a resume that names one must name the run's own value.
// Operational settings (concurrency, timeouts, threads, the cache, the endpoints that serve the
// model) are free to change.
import { resolve } from 'node:path';
import { canonicalModelSpec, sameModel } from '../llm/modelSpec';
import type { RunConfig } from '../runs/records';
import { runVerifierModel } from '../runs/verifierModels';

/**
 * The settings that decide a run's records and can be given when it starts: run.json config fields
 * (`concurrency` is operational, and `verifierModels` is derived), and `verifierModel`, the model that
 * runs the verifiers it starts with (`gaplens run --verifier-model`; see runVerifierModel).
 */
export type ResultSetting = Exclude<keyof RunConfig, 'concurrency' | 'verifierModels'> | 'verifierModel';
type ConfigSetting = Exclude<ResultSetting, 'verifierModel'>;

/** Result settings as given (flags, parsed and checked): config values, and a verifier model spec. */
export type ResultSettings = Partial<Pick<RunConfig, ConfigSetting>> & { verifierModel?: string };

export interface SettingConflict {
  setting: ResultSetting;
  /** As given now, and as the run has it; both as text for a message. */
  given: string;
  stored: string;
}

/** Every given setting whose value differs from the run's, in a fixed order. */
export function conflictingSettings(stored: RunConfig, given: ResultSettings, cwd: string = process.cwd()): SettingConflict[] {
  const conflicts: SettingConflict[] = [];
  for (const setting of Object.keys(given) as ResultSetting[]) {
    const now = given[setting];
    if (now === undefined) continue;
    const then = setting === 'verifierModel' ? runVerifierModel(stored) : stored[setting];
    if (!same(setting, now, then, cwd)) conflicts.push({ setting, given: show(now), stored: then === undefined ? '(not set)' : show(then) });
  }
  return conflicts;
}

function same(setting: ResultSetting, now: unknown, then: unknown, cwd: string): boolean {
  switch (setting) {
    case 'verifiers': {
      const a = new Set(now as string[]);
      const b = new Set(then as string[]);
      return a.size === b.size && [...a].every((v) => b.has(v));
    }
    case 'model':
      // The same model served by other endpoints is the same run (its endpoints are operational).
      return sameModel(now as string, then as string, cwd);
    case 'verifierModel':
      return canonicalModelSpec(now as string, cwd) === canonicalModelSpec(then as string, cwd);
    case 'tasks':
      return (now as string).startsWith('builtin:') ? now === then : resolve(cwd, now as string) === resolve(cwd, then as string);
    case 'templates':
      return then !== undefined && resolve(cwd, now as string) === resolve(cwd, then as string);
    case 'tournamentBothOrders':
      return (now === true) === (then === true);
    case 'verifications': {
      // Absent is one verification of every verifier.
      const a = Object.entries((now ?? {}) as Record<string, number>);
      const b = (then ?? {}) as Record<string, number>;
      return a.length === Object.keys(b).length && a.every(([name, k]) => b[name] === k);
    }
    default:
      return now === then;
  }
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, number>);
    return entries.length === 0 ? '1' : entries.map(([name, k]) => `${k} (${name})`).join(', ');
  }
  return String(value);
}
