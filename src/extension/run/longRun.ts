// The gaplens.notifyLongRunSeconds setting: a run that took at least this long notifies when it
// completes (with Open), since its panel may be hidden by then. Read on each use, validated.
import * as vscode from 'vscode';

export const LONG_RUN_SETTING = 'notifyLongRunSeconds';
const DEFAULT_SECONDS = 30;

/** The setting's value; a value that is not a number ≥ 0 is logged and the default used. */
export function longRunSeconds(log: vscode.LogOutputChannel): number {
  const value: unknown = vscode.workspace.getConfiguration('gaplens').get(LONG_RUN_SETTING);
  if (value === undefined || value === null) return DEFAULT_SECONDS;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  log.warn(`gaplens.${LONG_RUN_SETTING} must be a number of seconds ≥ 0 (0: every run), not ${JSON.stringify(value)}; using ${DEFAULT_SECONDS}`);
  return DEFAULT_SECONDS;
}
