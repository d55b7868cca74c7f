// What the extension tells the task-file language server beyond LSP: which lines of a task file
// are selected (for the selection CodeLens; LSP's CodeLens request carries no selection) and how
// many lenses the user wants (the gaplens.taskCodeLens setting). Both ends import this file; the
// server validates every message with the parsers here. Must not import 'vscode'.
import { isPlainObject } from '../core/util/plainObject';

/** Notification, client → server, on every selection change in a task file (debounced). */
export const TASK_SELECTION_METHOD = 'gaplens/taskSelection';

/** 1-based inclusive line ranges; a selection's last line is left out when it ends at its start (whole lines selected). */
export interface LineRange {
  first: number;
  last: number;
}

export interface TaskSelectionParams {
  uri: string;
  /** The non-empty selections (a cursor alone selects nothing). */
  ranges: LineRange[];
}

/** At most this many ranges are kept (multi-cursor edits can make thousands). */
const MAX_RANGES = 1000;

export function parseTaskSelection(raw: unknown): TaskSelectionParams | null {
  if (!isPlainObject(raw) || typeof raw['uri'] !== 'string' || !Array.isArray(raw['ranges'])) return null;
  const ranges: LineRange[] = [];
  for (const r of raw['ranges'].slice(0, MAX_RANGES)) {
    if (!isPlainObject(r)) return null;
    const { first, last } = r;
    if (!Number.isInteger(first) || !Number.isInteger(last) || (first as number) < 1 || (last as number) < (first as number)) return null;
    ranges.push({ first: first as number, last: last as number });
  }
  return { uri: raw['uri'], ranges };
}

/**
 * Which "Run gap check" lenses a task file shows (setting gaplens.taskCodeLens): one for the file on
 * its first line, plus one above the selected tasks ('selection'), or above every task
 * ('everyTask'); 'off' shows none.
 */
export const TASK_CODE_LENS_MODES = ['selection', 'file', 'everyTask', 'off'] as const;
export type TaskCodeLensMode = (typeof TASK_CODE_LENS_MODES)[number];
export const TASK_CODE_LENS_SETTING = 'taskCodeLens';
export const DEFAULT_TASK_CODE_LENS: TaskCodeLensMode = 'selection';

/** The mode in a `gaplens` settings object; the default for anything unset or unknown. */
export function taskCodeLensMode(settings: unknown): TaskCodeLensMode {
  const value = isPlainObject(settings) ? settings[TASK_CODE_LENS_SETTING] : undefined;
  return (TASK_CODE_LENS_MODES as readonly unknown[]).includes(value) ? (value as TaskCodeLensMode) : DEFAULT_TASK_CODE_LENS;
}
