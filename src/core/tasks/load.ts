// Loading a task set by name: a built-in generator (`builtin:…`) or a task file on disk. The only
// file-system access of the tasks folder is here; parsing itself is the pure parseTaskText.

import { readFile } from 'node:fs/promises';
import { atLine, UserError } from '../util/errors';
import { generateArithmeticTasks } from './builtinArithmetic';
import { generateSudokuTasks } from './builtinSudoku';
import { foreignFileMessage, SNIFF_BYTES } from './foreignFormats';
import { FORMAT_NAMES } from './jsonRecords';
import { parseTaskText, type TaskFileFormat } from './parseTaskText';
import type { Task, TaskDiagnostic, TaskSet } from './task';

export interface BuiltinTaskSet {
  /** What to pass to loadTaskSet, e.g. `builtin:sudoku4x4`. */
  name: string;
  /** One line for pickers and help text. */
  description: string;
  generate(seed: number): Task[];
}

export const BUILTIN_TASK_SETS: readonly BuiltinTaskSet[] = [
  {
    name: 'builtin:sudoku4x4',
    description: 'the paper\'s 4x4 Sudoku: all 288 grids, each as a puzzle with a unique solution',
    generate: generateSudokuTasks,
  },
  {
    name: 'builtin:arithmetic',
    description: '200 integer expressions with 2–4 steps (+, -, ×, parentheses), graded numerically',
    generate: generateArithmeticTasks,
  },
];

export interface LoadOptions {
  /** Keep only the first K tasks. */
  limit?: number;
  /** Seed of the built-in generators (default 0); files keep their own order. */
  seed?: number;
}

/** How many error diagnostics a load failure lists before "and N more". */
const LISTED_ERRORS = 5;

/**
 * `builtin:sudoku4x4`, `builtin:arithmetic`, or the path of a task file (.jsonl / .json lines /
 * .csv). Throws UserError for an unknown built-in, an unreadable file, any error in the file,
 * or a file without tasks. Warnings do not stop loading.
 */
export async function loadTaskSet(spec: string, opts: LoadOptions = {}): Promise<TaskSet> {
  const limit = checkLimit(opts.limit);
  const seed = checkSeed(opts.seed);
  const set = spec.startsWith('builtin:') ? builtinTaskSet(spec, seed) : await fileTaskSet(spec);
  if (limit === undefined) return set;
  return { source: set.source, tasks: set.tasks.slice(0, limit), origins: set.origins.slice(0, limit) };
}

/** What `gaplens tasks validate` reports of a task file. */
export interface TaskFileCheck {
  /** The format the file was read as; null when no line could be read as any. */
  format: TaskFileFormat | null;
  /** Usable tasks (lines without an error). */
  tasks: number;
  /** Every problem, errors and warnings, in line order. */
  diagnostics: TaskDiagnostic[];
}

/**
 * Every problem in a task file, with its format and task count. Throws the UserError loadTaskSet
 * would for a file it cannot read at all: unreadable, not a text task file (Parquet, gzip, …),
 * or holding no task and no error (empty, blank lines only, a CSV header alone).
 */
export async function validateTaskFile(path: string): Promise<TaskFileCheck> {
  const { tasks, diagnostics, format } = parseTaskText(await readTaskFile(path), path);
  if (tasks.length === 0 && !diagnostics.some((d) => d.severity === 'error')) throw noTasks(path, format);
  return { format, tasks: tasks.length, diagnostics };
}

/** "GSM8K JSON Lines", "4x4 Sudoku CSV", … for messages. */
export function taskFormatLabel(format: TaskFileFormat): string {
  return format === 'sudoku-csv' ? '4x4 Sudoku CSV' : `${FORMAT_NAMES[format]} JSON Lines`;
}

function builtinTaskSet(spec: string, seed: number): TaskSet {
  const builtin = BUILTIN_TASK_SETS.find((b) => b.name === spec);
  if (!builtin) {
    const available = BUILTIN_TASK_SETS.map((b) => `  ${b.name}: ${b.description}`).join('\n');
    throw new UserError(`unknown built-in task set "${spec}". Available:\n${available}`);
  }
  const tasks = builtin.generate(seed);
  return { source: spec, tasks, origins: tasks.map(() => ({ file: spec, line: 0 })) };
}

async function fileTaskSet(path: string): Promise<TaskSet> {
  const { tasks, origins, diagnostics, format } = parseTaskText(await readTaskFile(path), path);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const listed = errors.slice(0, LISTED_ERRORS).map((d) => atLine(d.file, d.line, d.message));
    const more = errors.length > LISTED_ERRORS ? [`and ${errors.length - LISTED_ERRORS} more`] : [];
    throw new UserError(`${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} and load again:\n${[...listed, ...more].join('\n')}`);
  }
  if (tasks.length === 0) throw noTasks(path, format);
  return { source: path, tasks, origins };
}

/** A file without errors and without tasks: empty, blank lines only, or a Sudoku CSV header alone. */
function noTasks(path: string, format: TaskFileFormat | null): UserError {
  return new UserError(`${path} holds no tasks (${format === 'sudoku-csv' ? 'it has only the Puzzle,Solution header' : 'it is empty or has only blank lines'})`);
}

/** The file's text; a file that is not text (Parquet, gzip, …) is a one-line UserError saying what to do. */
async function readTaskFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : error instanceof Error ? error.message : String(error);
    const builtins = BUILTIN_TASK_SETS.map((b) => b.name).join(', ');
    throw new UserError(`cannot read task file "${path}": ${why}. Give a .jsonl or .csv task file, or one of ${builtins}.`);
  }
  const foreign = foreignFileMessage(path, bytes.subarray(0, SNIFF_BYTES));
  if (foreign !== null) throw new UserError(foreign);
  return bytes.toString('utf8');
}

function checkLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`the task limit must be a whole number of at least 1, got ${limit}`);
  return limit;
}

function checkSeed(seed: number | undefined): number {
  if (seed === undefined) return 0;
  if (!Number.isSafeInteger(seed)) throw new UserError(`the task seed must be a whole number, got ${seed}`);
  return seed;
}
