// The task of an imported sample, built the same way for every format: the gold answer checked,
// the grader chosen (`--grader`, else what the source implies, else the task files' default rule),
// and the gold checked against that grader, so no sample is graded against a gold it cannot use.
import { getGrader } from '../grade/graders';
import { defaultGrader } from '../tasks/jsonRecords';
import type { GraderName, Task } from '../tasks/task';

export interface TaskFields {
  id: string;
  question: string;
  answer: string | string[];
  /** The checker the source implies (a known benchmark), if any. */
  grader?: GraderName;
  meta?: Record<string, unknown>;
}

/**
 * Where a task's checker came from: `option` (--grader), `source` (the record names it, or the
 * benchmark it comes from decides it), `gold` (the task files' rule on the gold answer).
 */
export type GraderChoice = 'option' | 'source' | 'gold';

/** The task and where its checker came from, or one sentence on why its gold answer cannot be graded. */
export function importedTask(fields: TaskFields, override: GraderName | undefined): { task: Task; graderFrom: GraderChoice } | { error: string } {
  const graderFrom: GraderChoice = override !== undefined ? 'option' : fields.grader !== undefined ? 'source' : 'gold';
  const grader = override ?? fields.grader ?? defaultGrader(fields.answer);
  const task: Task = { id: fields.id, question: fields.question, answer: fields.answer, grader, ...(fields.meta ? { meta: fields.meta } : {}) };
  const problem = getGrader(grader).checkGold(task);
  if (problem === null) return { task, graderFrom };
  const chosen = { option: ` (--grader ${grader})`, source: '', gold: ' (chosen from the gold answer; pass --grader to choose another)' }[graderFrom];
  return { error: `task "${task.id}": the ${grader} grader${chosen} cannot use this gold answer: ${problem}` };
}

/** A gold answer as given: a non-empty string, or a non-empty list of non-empty strings (aliases); else what is wrong with it. */
export function goldAnswer(value: unknown, field: string): { answer: string | string[] } | { error: string } {
  if (typeof value === 'string') return value.trim() === '' ? { error: `"${field}" is empty: a gold answer is needed to grade the samples` } : { answer: value };
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '')) return { answer: value as string[] };
  return { error: `"${field}" must be a non-empty string or a non-empty list of non-empty strings, got ${describeJson(value)}` };
}

/** A short description of a JSON value for messages: `a list`, `number 3`, `null`. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value);
  return `${typeof value} ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`;
}
