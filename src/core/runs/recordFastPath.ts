// A fast path for validating the records of samples.jsonl (and the tasks of tasks.jsonl: a resume of a
// 125k-task run read them through zod for a third of a second), which a run's reader checks one line at a
// time: through zod, that check was 60–80 % of reading a run in CPU profiles (a 1M-sample run with
// two verifiers has 3M records); this path costs a fraction of that. Why this design rather than checking only the fields the
// columns need: docs/run-format.md promises that every line is validated when a run is read, with
// errors naming the file and line, and a record read back later by its offset (recordAt.ts) is
// past that point. So every field is still checked, here without zod's general machinery.
//
// The fast path only ever says "the schema accepts this, and here is its output" or "ask the
// schema": a record it does not vouch for (any doubt, and every invalid record) goes to the zod
// schema in recordSchemas.ts, which decides and words the error. It therefore cannot change what is
// rejected or how; it must only never vouch for a record the schema rejects, nor build an output
// other than the schema's. test/core/runs/recordFastPath.test.ts checks exactly that over the
// fixtures' records, old run folders and mutated records. The leaf rules it cannot restate simply
// (the date-time and hash patterns) are taken from the schemas themselves.
import type { z } from 'zod';
import { isPlainObject } from '../util/plainObject';
import { VERIFICATION_FAILURE_KINDS } from '../verify/verifier';
import { GRADER_NAMES, type Task } from '../tasks/task';
import {
  CALL_FAILURE_KINDS,
  PROMPT_HASH_DIGITS,
  SAMPLES_SCHEMA_VERSIONS,
  TEMPLATE_HASH_DIGITS,
  type FailureRecord,
  type GenerationRecord,
  type PromptReference,
  type VerificationRecord,
} from './records';
import { hexPrefixPattern, TIMESTAMP_PATTERN } from './recordSchemas';

type Json = Record<string, unknown>;

const TEMPLATE_HASH = hexPrefixPattern(TEMPLATE_HASH_DIGITS);
const PROMPT_HASH = hexPrefixPattern(PROMPT_HASH_DIGITS);
const REFERENCE_KEYS: ReadonlySet<string> = new Set(['template', 'values', 'matches', 'sha256']);
const MATCH_KEYS: ReadonlySet<string> = new Set(['round', 'values']);

const isVersion = (v: unknown): v is 1 | 2 => (SAMPLES_SCHEMA_VERSIONS as readonly unknown[]).includes(v);
const isText = (v: unknown): v is string => typeof v === 'string';
const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
// zod's int() is a safe integer.
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPositive = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isTimestamp = (v: unknown): v is string => typeof v === 'string' && TIMESTAMP_PATTERN.test(v);
const isTextOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isOneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    (values as readonly unknown[]).includes(v);

/**
 * An optional field: absent, or valid. A field present with the value undefined (never so in parsed
 * JSON) is left to the schema, whose output keeps such a key.
 */
function absentOr(record: Json, key: string, valid: (v: unknown) => boolean): boolean {
  const value = record[key];
  return value === undefined ? !Object.hasOwn(record, key) : valid(value);
}

/** The field as the output's own key where the record has it (zod's output omits an absent optional field). */
function kept<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// zod's record() drops a key "__proto__" from its output; such a record is the schema's to read.
const hasProtoKey = (v: Json): boolean => Object.hasOwn(v, '__proto__');

/** A z.record(z.string(), z.unknown()): any JSON object. zod copies it; the copy is equal. */
const isDetail = (v: unknown): v is Json => isPlainObject(v) && !hasProtoKey(v);

/** z.record(nonEmpty, count): placeholder name -> sample index. */
function isPromptValues(v: unknown): v is Record<string, number> {
  if (!isPlainObject(v) || hasProtoKey(v)) return false;
  for (const key in v) if (key === '' || !isCount(v[key])) return false;
  return true;
}

/** Only the keys of a strict object's shape. */
function onlyKeys(v: Json, keys: ReadonlySet<string>): boolean {
  for (const key in v) if (!keys.has(key)) return false;
  return true;
}

function promptReference(v: unknown): PromptReference | undefined {
  if (!isPlainObject(v) || !onlyKeys(v, REFERENCE_KEYS)) return undefined;
  const { template, values, matches, sha256 } = v;
  if (!isText(template) || !TEMPLATE_HASH.test(template) || !isText(sha256) || !PROMPT_HASH.test(sha256)) return undefined;
  // Exactly one of values and matches.
  if (matches === undefined && !Object.hasOwn(v, 'matches') && isPromptValues(values)) return { template, values: { ...values }, sha256 };
  if (values !== undefined || Object.hasOwn(v, 'values') || !Array.isArray(matches)) return undefined;
  const copied: { round: number; values: Record<string, number> }[] = [];
  for (const match of matches as unknown[]) {
    if (!isPlainObject(match) || !onlyKeys(match, MATCH_KEYS) || !isPositive(match['round']) || !isPromptValues(match['values'])) return undefined;
    copied.push({ round: match['round'], values: { ...match['values'] } });
  }
  return { template, matches: copied, sha256 };
}

/** The generation record the schema makes of `r`, or undefined: ask the schema. */
export function fastGeneration(r: Json): GenerationRecord | undefined {
  const { v, task, index, seed, text, finishReason, usage, grade, at } = r;
  if (!isVersion(v) || r['type'] !== 'generation' || !isNonEmpty(task) || !isCount(index) || !isText(text) || !isText(finishReason) || !isTimestamp(at)) return undefined;
  if (!absentOr(r, 'seed', isCount) || !absentOr(r, 'usage', isUsage) || !isPlainObject(grade)) return undefined;
  const { correct, extracted, normalized, reason } = grade;
  if (typeof correct !== 'boolean' || !isTextOrNull(extracted) || !isTextOrNull(normalized) || !isText(reason)) return undefined;
  const u = usage as GenerationRecord['usage'];
  return {
    v, type: 'generation', task, index, ...kept('seed', seed as number | undefined), text, finishReason,
    ...kept('usage', u && { promptTokens: u.promptTokens, completionTokens: u.completionTokens, ...kept('reasoningTokens', u.reasoningTokens) }),
    grade: { correct, extracted, normalized, reason }, at,
  };
}

function isUsage(v: unknown): boolean {
  return isPlainObject(v) && isCount(v['promptTokens']) && isCount(v['completionTokens']) && absentOr(v, 'reasoningTokens', isCount);
}

const isParse = isOneOf(['ok', 'failed'] as const);
const isVerificationFailure = isOneOf(VERIFICATION_FAILURE_KINDS);

/** The verification record the schema makes of `r`, or undefined: ask the schema. */
export function fastVerification(r: Json): VerificationRecord | undefined {
  const { v, task, index, verifier, score, parse, parseError, failure, raw, detail, draw, at } = r;
  if (!isVersion(v) || r['type'] !== 'verification' || !isNonEmpty(task) || !isCount(index) || !isNonEmpty(verifier) || !isParse(parse) || !isText(raw) || !isTimestamp(at)) return undefined;
  if (!(score === null || (typeof score === 'number' && score >= 0 && score <= 1))) return undefined;
  if (!absentOr(r, 'parseError', isText) || !absentOr(r, 'failure', isVerificationFailure) || !absentOr(r, 'detail', isDetail) || !absentOr(r, 'draw', isCount)) return undefined;
  // The schema's refinements: a null score exactly when parsing failed, a failure kind only then.
  if ((score === null) !== (parse === 'failed') || (failure !== undefined && parse !== 'failed')) return undefined;
  // Version 1 stored the prompt text, version 2 its reference.
  const prompt = v === 1 ? r['prompt'] : promptReference(r['prompt']);
  if (!(v === 1 ? isText(prompt) : prompt !== undefined)) return undefined;
  return {
    v, type: 'verification', task, index, verifier, score, parse,
    ...kept('parseError', parseError as string | undefined), ...kept('failure', failure as VerificationRecord['failure']),
    prompt: prompt as string | PromptReference, raw, ...kept('detail', detail === undefined ? undefined : { ...(detail as Json) }),
    ...kept('draw', draw as number | undefined), at,
  };
}

const isCallFailure = isOneOf(CALL_FAILURE_KINDS);

/** The failure record the schema makes of `r`, or undefined: ask the schema. */
export function fastFailure(r: Json): FailureRecord | undefined {
  const { v, task, index, stage, draw, kind, message, at } = r;
  if (!isVersion(v) || r['type'] !== 'failure' || !isNonEmpty(task) || !isCount(index) || !isNonEmpty(stage) || !isCallFailure(kind) || !isText(message) || !isTimestamp(at)) return undefined;
  if (!absentOr(r, 'draw', isCount)) return undefined;
  return { v, type: 'failure', task, index, stage, ...kept('draw', draw as number | undefined), kind, message, at };
}

const isGrader = isOneOf(GRADER_NAMES);
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);

/**
 * The task the schema makes of `r` (a line of tasks.jsonl), or undefined: ask the schema. Keys the
 * schema does not know are left out, as it leaves them; the answer list and meta are taken, not
 * copied as zod copies them: they are the caller's parse of one line.
 */
export function fastTask(r: Json): Task | undefined {
  const { id, question, answer, grader, meta } = r;
  if (!isNonEmpty(id) || !isText(question) || !(isText(answer) || isTextList(answer)) || !isGrader(grader) || !absentOr(r, 'meta', isDetail)) return undefined;
  return { id, question, answer, grader, ...kept('meta', meta as Json | undefined) };
}

/** A record checked by its fast path, else by its schema (which words what is wrong). */
export function parseRecord<R>(value: Json, fast: (r: Json) => R | undefined, schema: z.ZodType<R>): z.ZodSafeParseResult<R> {
  const data = fast(value);
  return data === undefined ? schema.safeParse(value) : { success: true, data };
}
