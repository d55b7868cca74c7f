// The panel protocol's sample rows and tasks (the 'samples' and 'sampleDetail' payloads) and their
// validators, written by hand for speed. Types and validators only: no 'vscode', no DOM.
import { z } from 'zod';
import { CALL_FAILURE_KINDS, type CallFailureKind } from '../../core/runs/records';
import { VERIFICATION_FAILURE_KINDS, type VerificationFailureKind } from '../../core/verify/verifier';
import { isPlainObject } from '../../core/util/plainObject';

/** A task as the panel shows it. Sent once per task, and again when it changes (markAnswer). */
export interface TaskInfo {
  id: string;
  question: string;
  /** Accepted gold answers; empty when the task has none (Check Selection before markAnswer). */
  gold: string[];
  grader: string;
}

// By hand, like the rows: a snapshot carries one per task, 10^4 of them.
export const taskInfosSchema = checkedBy<TaskInfo[]>(listIssue(taskInfoIssue, 'tasks'));

function taskInfoIssue(task: unknown): RowIssue | null {
  if (!isPlainObject(task)) return { path: [], message: 'must be an object' };
  if (!isNonEmptyString(task.id)) return { path: ['id'], message: 'must be a non-empty string' };
  if (typeof task.question !== 'string') return { path: ['question'], message: 'must be a string' };
  if (!Array.isArray(task.gold) || !task.gold.every((g) => typeof g === 'string')) return { path: ['gold'], message: 'must be an array of strings' };
  if (!isNonEmptyString(task.grader)) return { path: ['grader'], message: 'must be a non-empty string' };
  return null;
}

/** One verifier's judgement of one sample, as in the run's verification records. */
export interface VerificationRow {
  verifier: string;
  /** In [0, 1]; null exactly when parse is 'failed'. */
  score: number | null;
  parse: 'ok' | 'failed';
  /** Only when parse is 'failed': why (absent in records older than the field: read as 'unparsable'). */
  failure?: VerificationFailureKind;
  parseError?: string;
  prompt: string;
  raw: string;
  detail?: Record<string, unknown>;
}

/** One generation with its grade and every verification so far. Re-sending (task, index) replaces the row. */
export interface SampleRow {
  task: string;
  index: number;
  /** The full model output: untrusted, always rendered as text. */
  text: string;
  finishReason?: string;
  /** The checker's verdict; null when the task has no gold answer to grade against. */
  correct: boolean | null;
  extracted: string | null;
  normalized: string | null;
  /** The checker's one-sentence reason. */
  gradeReason: string;
  verifications: VerificationRow[];
  /** The verifiers whose model call for this sample failed and that have no verification since (a resume asks again). */
  callFailures?: CallFailureRow[];
}

/** A verifier's model call for a sample that failed after the retries (the run's failure record of that stage). */
export interface CallFailureRow {
  /** The verifier (a row always has its generation, so never 'generation'). */
  stage: string;
  kind: CallFailureKind;
  /** The last error, naming the endpoint. */
  message: string;
}

// Rows are checked by hand rather than by a zod object schema: a snapshot carries up to ~10^5 rows and
// zod's generic parse (without eval, as the webview's CSP requires) costs seconds there; this costs ms.
// Unknown keys are kept, not stripped; nothing reads them.
export const sampleRowsSchema = checkedBy<SampleRow[]>(listIssue(sampleRowIssue, 'sample rows'));

export interface RowIssue {
  path: (string | number)[];
  message: string;
}

/** A schema that checks a value by hand with `issueOf` and reports its first issue. */
export function checkedBy<T>(issueOf: (value: unknown) => RowIssue | null): z.ZodType<T> {
  return z.unknown().superRefine((value, ctx) => {
    const issue = issueOf(value);
    if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }) as unknown as z.ZodType<T>;
}

/** The first issue of an array whose items `issueOf` checks, at the item's index. */
function listIssue(issueOf: (item: unknown) => RowIssue | null, what: string): (items: unknown) => RowIssue | null {
  return (items) => {
    if (!Array.isArray(items)) return { path: [], message: `must be an array of ${what}` };
    for (let i = 0; i < items.length; i++) {
      const issue = issueOf(items[i]);
      if (issue) return { path: [i, ...issue.path], message: issue.message };
    }
    return null;
  };
}

function sampleRowIssue(row: unknown): RowIssue | null {
  if (!isPlainObject(row)) return { path: [], message: 'must be an object' };
  const fail = (field: string, message: string): RowIssue => ({ path: [field], message });
  if (!isNonEmptyString(row.task)) return fail('task', 'must be a non-empty string');
  if (!isCount(row.index)) return fail('index', 'must be an integer >= 0');
  if (typeof row.text !== 'string') return fail('text', 'must be a string');
  if (row.finishReason !== undefined && typeof row.finishReason !== 'string') return fail('finishReason', 'must be a string if present');
  if (row.correct !== null && typeof row.correct !== 'boolean') return fail('correct', 'must be true, false or null');
  if (row.extracted !== null && typeof row.extracted !== 'string') return fail('extracted', 'must be a string or null');
  if (row.normalized !== null && typeof row.normalized !== 'string') return fail('normalized', 'must be a string or null');
  if (typeof row.gradeReason !== 'string') return fail('gradeReason', 'must be a string');
  if (!Array.isArray(row.verifications)) return fail('verifications', 'must be an array');
  const verifications = row.verifications as unknown[];
  for (let j = 0; j < verifications.length; j++) {
    const issue = verificationIssue(verifications[j]);
    if (issue) return { path: ['verifications', j, ...issue.path], message: issue.message };
    // A row has a handful of verifiers: a quadratic scan beats allocating a Set per row.
    const name = (verifications[j] as VerificationRow).verifier;
    for (let k = 0; k < j; k++) {
      if ((verifications[k] as VerificationRow).verifier === name) {
        return fail('verifications', `must name each verifier at most once ("${name}" repeats)`);
      }
    }
  }
  if (row.callFailures === undefined) return null;
  if (!Array.isArray(row.callFailures)) return fail('callFailures', 'must be an array if present');
  const failures = row.callFailures as unknown[];
  for (let j = 0; j < failures.length; j++) {
    const issue = callFailureIssue(failures[j], verifications as VerificationRow[], failures.slice(0, j) as CallFailureRow[]);
    if (issue) return { path: ['callFailures', j, ...issue.path], message: issue.message };
  }
  return null;
}

/** A call failure is the current state of its stage: never beside a verification of the same verifier, once per verifier. */
function callFailureIssue(f: unknown, verifications: readonly VerificationRow[], earlier: readonly CallFailureRow[]): RowIssue | null {
  if (!isPlainObject(f)) return { path: [], message: 'must be an object' };
  const fail = (field: string, message: string): RowIssue => ({ path: [field], message });
  if (!isNonEmptyString(f.stage) || f.stage === 'generation') return fail('stage', 'must name a verifier (a row has its generation)');
  const stage = f.stage;
  if (verifications.some((v) => v.verifier === stage)) return fail('stage', `must not be a verifier the row has a verification of ("${stage}")`);
  if (earlier.some((e) => e.stage === stage)) return fail('stage', `must name each verifier at most once ("${stage}" repeats)`);
  if (!(CALL_FAILURE_KINDS as readonly unknown[]).includes(f.kind)) return fail('kind', `must be one of ${CALL_FAILURE_KINDS.join(', ')}`);
  if (typeof f.message !== 'string') return fail('message', 'must be a string');
  return null;
}

function verificationIssue(v: unknown): RowIssue | null {
  if (!isPlainObject(v)) return { path: [], message: 'must be an object' };
  const fail = (field: string, message: string): RowIssue => ({ path: [field], message });
  if (!isNonEmptyString(v.verifier)) return fail('verifier', 'must be a non-empty string');
  if (v.parse !== 'ok' && v.parse !== 'failed') return fail('parse', 'must be "ok" or "failed"');
  if (v.score === null) {
    if (v.parse !== 'failed') return fail('score', 'must be null exactly when parse is "failed"');
  } else {
    if (typeof v.score !== 'number' || !(v.score >= 0 && v.score <= 1)) return fail('score', 'must be a number in [0, 1] or null');
    if (v.parse !== 'ok') return fail('score', 'must be null exactly when parse is "failed"');
  }
  if (v.failure !== undefined) {
    if (v.parse !== 'failed') return fail('failure', 'must be absent when parse is "ok"');
    if (!(VERIFICATION_FAILURE_KINDS as readonly unknown[]).includes(v.failure)) return fail('failure', `must be one of ${VERIFICATION_FAILURE_KINDS.join(', ')}`);
  }
  if (v.parseError !== undefined && typeof v.parseError !== 'string') return fail('parseError', 'must be a string if present');
  if (typeof v.prompt !== 'string') return fail('prompt', 'must be a string');
  if (typeof v.raw !== 'string') return fail('raw', 'must be a string');
  if (v.detail !== undefined && !isPlainObject(v.detail)) return fail('detail', 'must be an object if present');
  const draws = isPlainObject(v.detail) ? v.detail.drawScores : undefined;
  if (draws !== undefined && !(Array.isArray(draws) && draws.length >= 2 && draws.every(isScore))) {
    return { path: ['detail', 'drawScores'], message: 'must be an array of at least 2 scores (a number in [0, 1] or null), one per draw, if present' };
  }
  return null;
}

/**
 * Each draw's score of a verifier drawing several verifications per sample (the host puts them in
 * `detail.drawScores`, checked above); null for any other verifier.
 */
export function drawScoresOf(v: VerificationRow): (number | null)[] | null {
  const draws = v.detail?.['drawScores'];
  return Array.isArray(draws) ? (draws as (number | null)[]) : null;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A verifier's score as the protocol carries it: a number in [0, 1], or null for none. */
export function isScore(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && value >= 0 && value <= 1);
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** One row as 'sampleDetail' answers it. */
export const sampleRowSchema = checkedBy<SampleRow>(sampleRowIssue);

/** The gold answers of a task as the protocol carries them: a list, empty when there is none. */
export function goldList(answer: string | readonly string[]): string[] {
  if (typeof answer !== 'string') return [...answer];
  return answer === '' ? [] : [answer];
}
