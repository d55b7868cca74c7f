// Task file text → tasks plus per-line diagnostics. Pure (no file system), so the language server
// can run it on the text in the editor and the loader on the text on disk, with the same results.

import { basename } from 'node:path';
import { getGrader } from '../grade/graders';
import { detectFormat, FORMAT_NAMES, isObject, problemAt, readRecord, type FieldRef, type JsonFormat, type RecordProblem, type RecordResult } from './jsonRecords';
import { scanJsonLine, type Span } from './jsonLineSpans';
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

/** A record's problem, or one placed on the line directly (where its JSON breaks). */
interface LineProblem extends RecordProblem {
  span?: Span;
}

interface LineResult extends RecordResult {
  line: number;
  errors: LineProblem[];
  /** The line's text when it is JSON (to place a problem `at` a field); null for CSV rows. */
  json: string | null;
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
    if ('problem' in parsed) {
      results.push({ line, task: null, errors: [parsed.problem], warnings: [], json: text });
      continue;
    }
    const { record } = parsed;
    const detected: { name: JsonFormat; line: number } = format ?? { name: detectFormat(record), line };
    format = detected;
    const result = readRecord(detected.name, record, `${basename(file)}:${line}`);
    const context = detected.name === 'native' ? '' : ` (the file is read as ${FORMAT_NAMES[detected.name]}, as detected from line ${detected.line})`;
    results.push({ line, task: result.task, errors: result.errors.map((e) => ({ ...e, message: e.message + context })), warnings: result.warnings, json: text });
  }
  return { results, format: format?.name ?? null };
}


/** The record on one line, or the problem saying why it is not one. */
function parseJsonLine(text: string): { record: Record<string, unknown> } | { problem: LineProblem } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (/^\s*[[{]\s*$/.test(text)) return { problem: problemAt('invalid JSON: this looks like pretty-printed JSON; task files need one JSON object per line (JSON Lines)') };
    return { problem: invalidJson(text, error instanceof Error ? error.message : String(error)) };
  }
  if (!isObject(value)) return { problem: problemAt(`expected a JSON object like {"id": …, "question": …, "answer": …}, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`) };
  return { record: value };
}

/**
 * JSON.parse's message with the column where the line stops being JSON, and that character as the
 * span: the one JSON.parse names, else the one the line's own scan finds; the line's last
 * character when it ends too soon. The message gives the span's column, so the two agree.
 */
function invalidJson(text: string, message: string): LineProblem {
  const stated = /at position (\d+)/.exec(message);
  const scan = scanJsonLine(text);
  const at = stated ? Number(stated[1]) : scan && 'errorAt' in scan ? scan.errorAt : null;
  if (at === null || text.length === 0) return problemAt(`invalid JSON: ${message}`);
  const start = Math.min(at, text.length - 1);
  const column = `at column ${start + 1}`;
  return { message: `invalid JSON: ${stated ? message.replace(stated[0], column) : `${message} ${column}`}`, span: { start, end: start + 1 } };
}

function readCsvLines(lines: string[], file: string): ReadLines {
  const results: LineResult[] = [];
  let sawHeader = false;
  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    if (text.trim() === '') continue;
    if (!sawHeader) {
      if (!isSudokuCsvHeader(text)) {
        return { results: [{ line, task: null, errors: [problemAt('expected the header "Puzzle,Solution" (the 4x4 Sudoku CSV format; other CSV files are not task files)')], warnings: [], json: null }], format: null };
      }
      sawHeader = true;
      continue;
    }
    results.push({ line, ...readSudokuCsvRow(text, `${basename(file)}:${line}`), json: null });
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
      if (first !== undefined) errors.push(problemAt(`duplicate id "${task.id}" (first used on line ${first})`, 'id'));
      else firstLineOfId.set(task.id, result.line);
      const goldProblem = getGrader(task.grader).checkGold(task);
      if (goldProblem) errors.push(problemAt(goldProblem, 'answer'));
    }
    for (const problem of errors) diagnostics.push(diagnosticOf(file, result, 'error', problem));
    for (const problem of result.warnings) diagnostics.push(diagnosticOf(file, result, 'warning', problem));
    if (task && errors.length === 0) {
      tasks.push(task);
      origins.push({ file, line: result.line });
    }
  }
  return { tasks, origins, diagnostics };
}

/** A problem placed on its line: at its own span, else at the field it names, else the whole line. */
function diagnosticOf(file: string, result: LineResult, severity: TaskDiagnostic['severity'], problem: LineProblem): TaskDiagnostic {
  const span = problem.span ?? (problem.at && result.json !== null ? fieldSpan(result.json, problem.at) : undefined);
  return {
    file,
    line: result.line,
    ...(span ? { span } : {}),
    severity,
    message: problem.message,
    // A fix replaces the span: without one there is nothing to replace.
    ...(span && problem.fixes ? { fixes: problem.fixes } : {}),
  };
}

/** The span of a field's name or value on a JSON line (walked only for lines with a problem to place). */
function fieldSpan(text: string, at: FieldRef): Span | undefined {
  const scan = scanJsonLine(text);
  return scan && 'members' in scan ? scan.members.get(at.field)?.[at.part] : undefined;
}
