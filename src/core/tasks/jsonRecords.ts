// One JSON Lines record → one Task, for Gap Lens's own schema and for the public files as they come
// (GSM8K, MATH / MATH-500, NQ-open). Which reader applies is decided once per file.

import { lastBoxed } from '../grade/answerExtraction';
import { parseNumber } from '../grade/numericGrader';
import { nearestNames } from '../util/editDistance';
import { isPlainObject } from '../util/plainObject';
import { GRADER_NAMES, type GraderName, type Task, type TaskFix } from './task';

export type JsonFormat = 'native' | 'gsm8k' | 'math' | 'nq';

export const FORMAT_NAMES: Record<JsonFormat, string> = {
  native: 'Gap Lens task',
  gsm8k: 'GSM8K',
  math: 'MATH',
  nq: 'NQ-open',
};

/** What a problem is about: a top-level field's value, or its name (an unknown field). */
export interface FieldRef {
  field: string;
  part: 'key' | 'value';
}

/** A problem with a record; without `at` it is about the record as a whole (e.g. a missing field). */
export interface RecordProblem {
  message: string;
  at?: FieldRef;
  /** Replacements for the text `at` points to, best first. */
  fixes?: TaskFix[];
}

/** What one record gave: the task if it is usable, and the problems found. */
export interface RecordResult {
  task: Task | null;
  errors: RecordProblem[];
  warnings: RecordProblem[];
}

/** A problem about the value of `field` (or the record as a whole without one). */
export function problemAt(message: string, field?: string): RecordProblem {
  return field === undefined ? { message } : { message, at: { field, part: 'value' } };
}

type JsonObject = Record<string, unknown>;

const NATIVE_FIELDS = ['id', 'question', 'answer', 'grader', 'meta'];

/**
 * The format of a file, from its first valid record: `problem` → MATH; `id` → Gap Lens schema;
 * `question` with a list answer → NQ-open; `question` with an answer containing `####` → GSM8K;
 * anything else is read as the Gap Lens schema (whose errors then say what is missing).
 */
export function detectFormat(record: JsonObject): JsonFormat {
  if ('problem' in record) return 'math';
  if ('id' in record) return 'native';
  if (Array.isArray(record['answer']) && 'question' in record) return 'nq';
  if (typeof record['answer'] === 'string' && record['answer'].includes('####') && 'question' in record) return 'gsm8k';
  return 'native';
}

/** `fallbackId` (`<basename>:<line>`) names records that carry no id of their own. */
export function readRecord(format: JsonFormat, record: JsonObject, fallbackId: string): RecordResult {
  switch (format) {
    case 'native': return readNative(record);
    case 'gsm8k': return readGsm8k(record, fallbackId);
    case 'math': return readMath(record, fallbackId);
    case 'nq': return readNq(record, fallbackId);
  }
}

function readNative(record: JsonObject): RecordResult {
  const errors: RecordProblem[] = [];
  const id = requireString(record, 'id', errors, 'every task needs a unique string id');
  const question = requireString(record, 'question', errors);
  const answer = readAnswer(record['answer'], errors);
  const grader = readGrader(record['grader'], answer, errors);
  const meta = record['meta'];
  if (meta !== undefined && !isObject(meta)) errors.push(problemAt(`"meta" must be an object, got ${typeName(meta)}`, 'meta'));
  const absent = NATIVE_FIELDS.filter((key) => !(key in record));
  const warnings = Object.keys(record)
    .filter((key) => !NATIVE_FIELDS.includes(key))
    .map((key): RecordProblem => {
      // A misspelled field: renaming it is the fix (only to a field the record lacks).
      const { likely } = nearestNames(key, absent);
      return {
        message: `unknown field "${key}" is ignored (fields: ${NATIVE_FIELDS.join(', ')})`,
        at: { field: key, part: 'key' },
        ...(likely !== null ? { fixes: [{ title: `Rename to "${likely}"`, text: JSON.stringify(likely), preferred: true }] } : {}),
      };
    });
  if (errors.length > 0 || id === null || question === null || answer === null || grader === null) return { task: null, errors, warnings };
  const task: Task = { id, question, answer, grader };
  if (isObject(meta)) task.meta = meta;
  return { task, errors, warnings };
}

function readGsm8k(record: JsonObject, fallbackId: string): RecordResult {
  const errors: RecordProblem[] = [];
  const question = requireString(record, 'question', errors);
  const solution = requireString(record, 'answer', errors, 'GSM8K answers are a worked solution ending in "#### <number>"');
  let gold: string | null = null;
  if (solution !== null) {
    gold = gsm8kFinalAnswer(solution);
    if (gold === null) errors.push(problemAt('"answer" must end with "#### <number>" (GSM8K format)', 'answer'));
  }
  if (question === null || solution === null || gold === null || errors.length > 0) return { task: null, errors, warnings: [] };
  return { task: { id: recordId(record, fallbackId), question, answer: gold, grader: 'numeric', meta: { solution } }, errors, warnings: [] };
}

/** The final answer of a GSM8K worked solution: the text after its last `####`, commas removed; null when there is none. */
export function gsm8kFinalAnswer(solution: string): string | null {
  const at = solution.lastIndexOf('####');
  const gold = at < 0 ? '' : solution.slice(at + 4).trim().replace(/,/g, '');
  return gold === '' ? null : gold;
}

function readMath(record: JsonObject, fallbackId: string): RecordResult {
  const errors: RecordProblem[] = [];
  const problem = requireString(record, 'problem', errors);
  const solution = record['solution'];
  if (solution !== undefined && typeof solution !== 'string') errors.push(problemAt(`"solution" must be a string, got ${typeName(solution)}`, 'solution'));
  let answer: string | null = null;
  if (record['answer'] !== undefined) {
    answer = requireString(record, 'answer', errors);
  } else if (typeof solution === 'string') {
    answer = lastBoxed(solution)?.text.trim() ?? null;
    if (!answer) errors.push(problemAt('no "answer" field and no \\boxed{…} in "solution" to take it from', 'solution'));
  } else {
    errors.push(problemAt('missing "answer" (or a "solution" with a \\boxed{…} answer)'));
  }
  if (problem === null || answer === null || errors.length > 0) return { task: null, errors, warnings: [] };
  const meta: JsonObject = {};
  for (const key of ['subject', 'level', 'unique_id', 'solution']) if (record[key] !== undefined) meta[key] = record[key];
  return { task: { id: recordId(record, fallbackId), question: problem, answer, grader: 'math', meta }, errors, warnings: [] };
}

function readNq(record: JsonObject, fallbackId: string): RecordResult {
  const errors: RecordProblem[] = [];
  const question = requireString(record, 'question', errors);
  const aliases = record['answer'];
  if (!Array.isArray(aliases) || aliases.length === 0 || !aliases.every((a) => typeof a === 'string')) {
    errors.push(problemAt('"answer" must be a non-empty list of accepted answers (NQ-open format)', 'answer'));
  }
  if (question === null || errors.length > 0) return { task: null, errors, warnings: [] };
  return { task: { id: recordId(record, fallbackId), question, answer: aliases as string[], grader: 'nq' }, errors, warnings: [] };
}

/** Public files have no `id`: MATH's `unique_id` when present, else `<basename>:<line>`. */
function recordId(record: JsonObject, fallbackId: string): string {
  const unique = record['unique_id'];
  return typeof unique === 'string' && unique !== '' ? unique : fallbackId;
}

function requireString(record: JsonObject, field: string, errors: RecordProblem[], hint?: string): string | null {
  const value = record[field];
  const why = hint ? ` (${hint})` : '';
  if (value === undefined) errors.push(problemAt(`missing "${field}"${why}`));
  else if (typeof value !== 'string') errors.push(problemAt(`"${field}" must be a string, got ${typeName(value)}${why}`, field));
  else if (value.trim() === '') errors.push(problemAt(`"${field}" is empty`, field));
  else return value;
  return null;
}

function readAnswer(value: unknown, errors: RecordProblem[]): string | string[] | null {
  if (value === undefined) errors.push(problemAt('missing "answer"'));
  else if (typeof value === 'string' && value.trim() === '') errors.push(problemAt('"answer" is empty', 'answer'));
  else if (typeof value === 'string') return value;
  else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  else errors.push(problemAt(`"answer" must be a string or a non-empty list of strings, got ${typeName(value)}`, 'answer'));
  return null;
}

/** The grader of a task that names none: `nq` for a list of aliases, `numeric` for an answer that is a plain number, `exact` otherwise. */
export function defaultGrader(answer: string | string[]): GraderName {
  if (Array.isArray(answer)) return 'nq';
  return parseNumber(answer) === null ? 'exact' : 'numeric';
}

/** The declared grader, or defaultGrader when none is given. */
function readGrader(value: unknown, answer: string | string[] | null, errors: RecordProblem[]): GraderName | null {
  if (value === undefined) return answer === null ? null : defaultGrader(answer);
  if (typeof value === 'string' && (GRADER_NAMES as readonly string[]).includes(value)) return value as GraderName;
  // Every grader is a fix; a misspelling's intended one first, preferred.
  const { ordered, likely } = typeof value === 'string' ? nearestNames(value, GRADER_NAMES) : { ordered: [...GRADER_NAMES], likely: null };
  errors.push({
    message: `unknown grader ${JSON.stringify(value)}; use one of ${GRADER_NAMES.join(', ')}`,
    at: { field: 'grader', part: 'value' },
    fixes: ordered.map((name) => ({ title: `Use grader "${name}"`, text: JSON.stringify(name), preferred: name === likely })),
  });
  return null;
}

export function isObject(value: unknown): value is JsonObject {
  return isPlainObject(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
