// Task file text → tasks plus per-line diagnostics. Pure (no file system), so the language server
// can run it on the text in the editor and the loader on the text on disk, with the same results.

import { basename } from 'node:path';
import { getGrader } from '../grade/graders';
import { detectFormat, FORMAT_NAMES, isObject, readRecord, type JsonFormat, type RecordResult } from './jsonRecords';
import { isSudokuCsvHeader, readSudokuCsvRow } from './sudokuCsv';
import type { Task, TaskDiagnostic, TaskOrigin } from './task';

/** How a task file is read: one of the JSON Lines formats, or the 4x4 Sudoku CSV. */
export type TaskFileFormat = JsonFormat | 'sudoku-csv';

export interface ParsedTasks {
  /** The usable tasks, in file order; a line with any error gives no task. */
  tasks: Task[];
  /** `origins[i]` is where `tasks[i]` came from. */
  origins: TaskOrigin[];
  /** Errors and warnings in line order. */
  diagnostics: TaskDiagnostic[];
  /** The format the file was read as (for JSON Lines, detected from its first valid record); null when no line could be read as any. */
  format: TaskFileFormat | null;
}

interface LineResult extends RecordResult {
  line: number;
}

/**
 * Reads a task file's text: JSON Lines (Gap Lens schema, GSM8K, MATH, NQ-open) or the 4x4 Sudoku
 * CSV (a `.csv` name or a `Puzzle,Solution` first line). Blank lines are ignored. Then checks ids
 * are unique and every gold answer is one its grader can use.
 */
export function parseTaskText(text: string, file: string): ParsedTasks {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const firstLine = lines.find((l) => l.trim() !== '') ?? '';
  const isCsv = file.toLowerCase().endsWith('.csv') || isSudokuCsvHeader(firstLine);
  const { results, format } = isCsv ? readCsvLines(lines, file) : readJsonLines(lines, file);
  return { ...finish(results, file), format };
}

interface ReadLines {
  results: LineResult[];
  format: TaskFileFormat | null;
}

function readJsonLines(lines: string[], file: string): ReadLines {
  const results: LineResult[] = [];
  let format: { name: JsonFormat; line: number } | null = null;
  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    if (text.trim() === '') continue;
    const parsed = parseJsonLine(text);
    if (typeof parsed === 'string') {
      results.push({ line, task: null, errors: [parsed], warnings: [] });
      continue;
    }
    const detected: { name: JsonFormat; line: number } = format ?? { name: detectFormat(parsed), line };
    format = detected;
    const result = readRecord(detected.name, parsed, `${basename(file)}:${line}`);
    const context = detected.name === 'native' ? '' : ` (the file is read as ${FORMAT_NAMES[detected.name]}, as detected from line ${detected.line})`;
    results.push({ line, task: result.task, errors: result.errors.map((e) => e + context), warnings: result.warnings });
  }
  return { results, format: format?.name ?? null };
}

/** The record on one line, or a message saying why it is not one. */
function parseJsonLine(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (/^\s*[[{]\s*$/.test(text)) return 'invalid JSON: this looks like pretty-printed JSON; task files need one JSON object per line (JSON Lines)';
    const message = error instanceof Error ? error.message : String(error);
    return `invalid JSON: ${message.replace(/at position (\d+)/, (_, p: string) => `at column ${Number(p) + 1}`)}`;
  }
  if (!isObject(value)) return `expected a JSON object like {"id": …, "question": …, "answer": …}, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`;
  return value;
}

function readCsvLines(lines: string[], file: string): ReadLines {
  const results: LineResult[] = [];
  let sawHeader = false;
  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    if (text.trim() === '') continue;
    if (!sawHeader) {
      if (!isSudokuCsvHeader(text)) {
        return { results: [{ line, task: null, errors: ['expected the header "Puzzle,Solution" (the 4x4 Sudoku CSV format; other CSV files are not task files)'], warnings: [] }], format: null };
      }
      sawHeader = true;
      continue;
    }
    results.push({ line, ...readSudokuCsvRow(text, `${basename(file)}:${line}`) });
  }
  return { results, format: sawHeader ? 'sudoku-csv' : null };
}

/** Duplicate ids and unusable gold answers, then the diagnostics in line order. */
function finish(results: LineResult[], file: string): Omit<ParsedTasks, 'format'> {
  const tasks: Task[] = [];
  const origins: TaskOrigin[] = [];
  const diagnostics: TaskDiagnostic[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const result of results) {
    const errors = result.errors.slice();
    const task = result.task;
    if (task && errors.length === 0) {
      const first = firstLineOfId.get(task.id);
      if (first !== undefined) errors.push(`duplicate id "${task.id}" (first used on line ${first})`);
      else firstLineOfId.set(task.id, result.line);
      const goldProblem = getGrader(task.grader).checkGold(task);
      if (goldProblem) errors.push(goldProblem);
    }
    for (const message of errors) diagnostics.push({ file, line: result.line, severity: 'error', message });
    for (const message of result.warnings) diagnostics.push({ file, line: result.line, severity: 'warning', message });
    if (task && errors.length === 0) {
      tasks.push(task);
      origins.push({ file, line: result.line });
    }
  }
  return { tasks, origins, diagnostics };
}
