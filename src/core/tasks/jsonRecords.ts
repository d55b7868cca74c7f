// One JSON Lines record → one Task, for Gap Lens's own schema and for the public files as they come
// (GSM8K, MATH / MATH-500, NQ-open). Which reader applies is decided once per file.

import { lastBoxed } from '../grade/answerExtraction';
import { parseNumber } from '../grade/numericGrader';
import { isPlainObject } from '../util/plainObject';
import { GRADER_NAMES, type GraderName, type Task } from './task';

export type JsonFormat = 'native' | 'gsm8k' | 'math' | 'nq';

export const FORMAT_NAMES: Record<JsonFormat, string> = {
  native: 'Gap Lens task',
  gsm8k: 'GSM8K',
  math: 'MATH',
  nq: 'NQ-open',
};

/** What one record gave: the task if it is usable, and the problems found. */
export interface RecordResult {
  task: Task | null;
  errors: string[];
  warnings: string[];
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
  const errors: string[] = [];
  const id = requireString(record, 'id', errors, 'every task needs a unique string id');
  const question = requireString(record, 'question', errors);
  const answer = readAnswer(record['answer'], errors);
  const grader = readGrader(record['grader'], answer, errors);
  const meta = record['meta'];
  if (meta !== undefined && !isObject(meta)) errors.push(`"meta" must be an object, got ${typeName(meta)}`);
  const warnings = Object.keys(record)
    .filter((key) => !NATIVE_FIELDS.includes(key))
    .map((key) => `unknown field "${key}" is ignored (fields: ${NATIVE_FIELDS.join(', ')})`);
  if (errors.length > 0 || id === null || question === null || answer === null || grader === null) return { task: null, errors, warnings };
  const task: Task = { id, question, answer, grader };
  if (isObject(meta)) task.meta = meta;
  return { task, errors, warnings };
}

function readGsm8k(record: JsonObject, fallbackId: string): RecordResult {
  const errors: string[] = [];
  const question = requireString(record, 'question', errors);
  const solution = requireString(record, 'answer', errors, 'GSM8K answers are a worked solution ending in "#### <number>"');
  let gold: string | null = null;
  if (solution !== null) {
    gold = gsm8kFinalAnswer(solution);
    if (gold === null) errors.push('"answer" must end with "#### <number>" (GSM8K format)');
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
  const errors: string[] = [];
  const problem = requireString(record, 'problem', errors);
  const solution = record['solution'];
  if (solution !== undefined && typeof solution !== 'string') errors.push(`"solution" must be a string, got ${typeName(solution)}`);
  let answer: string | null = null;
  if (record['answer'] !== undefined) {
    answer = requireString(record, 'answer', errors);
  } else if (typeof solution === 'string') {
    answer = lastBoxed(solution)?.text.trim() ?? null;
    if (!answer) errors.push('no "answer" field and no \\boxed{…} in "solution" to take it from');
  } else {
    errors.push('missing "answer" (or a "solution" with a \\boxed{…} answer)');
  }
  if (problem === null || answer === null || errors.length > 0) return { task: null, errors, warnings: [] };
  const meta: JsonObject = {};
  for (const key of ['subject', 'level', 'unique_id', 'solution']) if (record[key] !== undefined) meta[key] = record[key];
  return { task: { id: recordId(record, fallbackId), question: problem, answer, grader: 'math', meta }, errors, warnings: [] };
}

function readNq(record: JsonObject, fallbackId: string): RecordResult {
  const errors: string[] = [];
  const question = requireString(record, 'question', errors);
  const aliases = record['answer'];
  if (!Array.isArray(aliases) || aliases.length === 0 || !aliases.every((a) => typeof a === 'string')) {
    errors.push('"answer" must be a non-empty list of accepted answers (NQ-open format)');
  }
  if (question === null || errors.length > 0) return { task: null, errors, warnings: [] };
  return { task: { id: recordId(record, fallbackId), question, answer: aliases as string[], grader: 'nq' }, errors, warnings: [] };
}

/** Public files have no `id`: MATH's `unique_id` when present, else `<basename>:<line>`. */
function recordId(record: JsonObject, fallbackId: string): string {
  const unique = record['unique_id'];
  return typeof unique === 'string' && unique !== '' ? unique : fallbackId;
}

function requireString(record: JsonObject, field: string, errors: string[], hint?: string): string | null {
  const value = record[field];
  const why = hint ? ` (${hint})` : '';
  if (value === undefined) errors.push(`missing "${field}"${why}`);
  else if (typeof value !== 'string') errors.push(`"${field}" must be a string, got ${typeName(value)}${why}`);
  else if (value.trim() === '') errors.push(`"${field}" is empty`);
  else return value;
  return null;
}

function readAnswer(value: unknown, errors: string[]): string | string[] | null {
  if (value === undefined) errors.push('missing "answer"');
  else if (typeof value === 'string' && value.trim() === '') errors.push('"answer" is empty');
  else if (typeof value === 'string') return value;
  else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  else errors.push(`"answer" must be a string or a non-empty list of strings, got ${typeName(value)}`);
  return null;
}

/** The grader of a task that names none: `nq` for a list of aliases, `numeric` for an answer that is a plain number, `exact` otherwise. */
export function defaultGrader(answer: string | string[]): GraderName {
  if (Array.isArray(answer)) return 'nq';
  return parseNumber(answer) === null ? 'exact' : 'numeric';
}

/** The declared grader, or defaultGrader when none is given. */
function readGrader(value: unknown, answer: string | string[] | null, errors: string[]): GraderName | null {
  if (value === undefined) return answer === null ? null : defaultGrader(answer);
  if (typeof value === 'string' && (GRADER_NAMES as readonly string[]).includes(value)) return value as GraderName;
  errors.push(`unknown grader ${JSON.stringify(value)}; use one of ${GRADER_NAMES.join(', ')}`);
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
