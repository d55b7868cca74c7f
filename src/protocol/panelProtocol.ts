// The gap panel's one message protocol: the types and runtime validators that the extension host
// (src/extension/) and the webview (webview/) both import. Must not import 'vscode' or touch the DOM.
//
// Envelopes
//   host → webview   {kind:'notify', method, params}            pushes, no answer: 'init', 'samples',
//                                                                'sampleTable', 'annotations', 'runState', 'progress', 'error',
//                                                                'command', 'audit', 'endpoints', 'restricted'
//                    {kind:'reply', id, ok:true, result}          answer to a webview request
//                    {kind:'reply', id, ok:false, error:{code, message}}
//   webview → host   {kind:'notify', method, params}            'ready', 'filterChanged', 'manageTrust'
//                    {kind:'request', id, method, params}       'annotate', 'markAnswer', 'openSample', 'copy',
//                                                                'sampleDetail', 'drawAudit'
// Every message is validated on arrival (parseHostMessage / parseWebviewMessage); an invalid one is
// logged and dropped. An invalid *request* whose id is readable still gets an error reply, so the
// webview's promise settles instead of hanging.
//
// Ready handshake
//   1. The host creates the panel and wraps webview.postMessage in createMessageQueue(); everything it
//      sends goes through queue.send() and is held until the webview is ready.
//   2. The webview script starts, reads its persisted PanelState and sends notify 'ready' {state}.
//   3. The host answers with queue.ready(snapshot): the snapshot (init, sampleTable batches, annotations,
//      runState, progress: the whole current state, init first and progress last — the webview paints the
//      snapshot when its progress arrives) replaces whatever was held, then the queue is open and
//      later messages go straight out. queue.ready() without a snapshot flushes the held messages.
//   A webview whose content was discarded (panel hidden without retainContextWhenHidden, window
//   reload) starts again at step 2 and says 'ready' again: answer each 'ready' with a full snapshot.
//   'init' always resets the webview's data, so a snapshot can be sent at any time.
//
// Two ways to send samples
//   'samples'      full rows (text, grade, every verification with prompt and raw output): live updates
//                  while a run streams, a few rows at a time.
//   'sampleTable'  the same rows as columns, without text and verification details: snapshots. At 10^5
//                  samples full rows cost seconds to clone and parse; columns cost tens of ms. Build it
//                  with toSampleColumns(rows); the webview asks for a row's details with the
//                  'sampleDetail' request when the user opens it.
//
// Persisted webview state (setState) is a PanelState: run id, filter settings and selection — never the
// samples (the host re-sends them after 'ready'). The panel serializer reads it with parsePanelState.
import { z } from 'zod';
import type { EndpointFigures } from '../core/llm/endpointFigures';
import { CALL_FAILURE_KINDS, type CallFailureKind } from '../core/runs/records';
import { annotationRecordSchema, describeIssues } from '../core/runs/recordSchemas';
import { annotateParamsSchema, auditParamsSchema, drawAuditParamsSchema, drawAuditResultSchema } from './auditProtocol';
import { VERIFIER_FAILURE_KINDS, type RecordCoverage } from '../core/stats/coverage';
import { VERIFICATION_FAILURE_KINDS, type VerificationFailureKind } from '../core/verify/verifier';
import { isPlainObject } from '../core/util/plainObject';

const nonEmpty = z.string().min(1);
const count = z.number().int().nonnegative();

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

const runSummarySchema = z.object({
  id: nonEmpty,
  model: nonEmpty,
  /** The task source as given: `builtin:gsm8k`, a file path, `selection`. */
  tasks: nonEmpty,
  /** Samples per task. */
  n: z.number().int().positive(),
  verifiers: z.array(nonEmpty),
  /** Verifiers run by another model than `model` (cross-verification): verifier name -> model spec, as run.json's `verifierModels`. */
  verifierModels: z.record(nonEmpty, nonEmpty).optional(),
  /** The run's filter in parseFilter form, e.g. `quantile:0.8`: the panel's starting filter. */
  filter: nonEmpty,
  /** The starting score selector in parseSelector form; defaults to the first verifier. */
  selector: nonEmpty.optional(),
  createdAt: z.string().optional(),
  /** Absent for ad-hoc checks that have no run folder. */
  /**
   * How the generations were sampled, as the reports say it (core's samplingText): a setting the
   * endpoint refused is named as not sent, an imported run gives its source's settings.
   */
  sampling: z.string().optional(),
}).refine((run) => Object.keys(run.verifierModels ?? {}).every((name) => run.verifiers.includes(name)), {
  message: 'must name only verifiers of the run',
  path: ['verifierModels'],
});

const initParamsSchema = z.object({
  run: runSummarySchema,
  /**
   * 'gap': every task has a gold answer. 'check' (Check Selection): gold answers may be missing; the
   * panel shows verifier scores and answer clusters and lets the user mark the right answer (markAnswer).
   */
  mode: z.enum(['gap', 'check']),
});

/** A task as the panel shows it. Sent once per task, and again when it changes (markAnswer). */
export interface TaskInfo {
  id: string;
  question: string;
  /** Accepted gold answers; empty when the task has none (Check Selection before markAnswer). */
  gold: string[];
  grader: string;
}

// By hand, like the rows: a snapshot carries one per task, 10^4 of them.
const taskInfosSchema = z.unknown().superRefine((tasks, ctx) => {
  if (!Array.isArray(tasks)) {
    ctx.addIssue({ code: 'custom', message: 'must be an array of tasks' });
    return;
  }
  for (let i = 0; i < tasks.length; i++) {
    const issue = taskInfoIssue(tasks[i]);
    if (issue) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
      return;
    }
  }
}) as unknown as z.ZodType<TaskInfo[]>;

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
const sampleRowsSchema = z.unknown().superRefine((rows, ctx) => {
  if (!Array.isArray(rows)) {
    ctx.addIssue({ code: 'custom', message: 'must be an array of sample rows' });
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const issue = sampleRowIssue(rows[i]);
    if (issue) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
      return;
    }
  }
}) as unknown as z.ZodType<SampleRow[]>;

interface RowIssue {
  path: (string | number)[];
  message: string;
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
  return null;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Rows as parallel columns (entry i of every array is row i). A null score means no score: the
 * verifier's output did not parse, or it has not run on that sample yet (the statistics treat both
 * as the lowest score; 'sampleDetail' tells them apart).
 */
export interface SampleColumns {
  /**
   * The rows' tasks, run-length encoded: the first runLength[0] rows belong to task runTask[0], the
   * next runLength[1] to runTask[1], and so on. A snapshot sends rows task by task, so 10^5 rows carry
   * one id per task instead of one per row (each a string to clone, check and collect).
   */
  runTask: string[];
  runLength: number[];
  index: number[];
  correct: (boolean | null)[];
  /**
   * Each distinct extracted or normalized answer once: a task's samples repeat a few answers, and the
   * normalized form is mostly the extracted one. extracted[i] and normalized[i] index it, −1 for null.
   */
  answers: string[];
  extracted: number[];
  normalized: number[];
  /** Verifier name -> score per row. */
  scores: Record<string, (number | null)[]>;
}

// Checked by hand for the same reason as the rows: this is the message that carries 10^5 samples.
const sampleColumnsSchema = z.unknown().superRefine((value, ctx) => {
  const issue = sampleColumnsIssue(value);
  if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
}) as unknown as z.ZodType<SampleColumns>;

function sampleColumnsIssue(value: unknown): RowIssue | null {
  if (!isPlainObject(value)) return { path: [], message: 'must be an object of columns' };
  if (!Array.isArray(value.index)) return { path: ['index'], message: 'must be an array' };
  if (!Array.isArray(value.runTask)) return { path: ['runTask'], message: 'must be an array' };
  if (!Array.isArray(value.answers)) return { path: ['answers'], message: 'must be an array' };
  const rows = value.index.length;
  const runs = value.runTask.length;
  const answers = value.answers.length;
  const isAnswer = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < answers;
  /** An array of `length` entries (as long as `like`), each satisfying `ok`. */
  const column = (values: unknown, path: (string | number)[], ok: (v: unknown) => boolean, what: string, length = rows, like = 'index'): RowIssue | null => {
    if (!Array.isArray(values) || values.length !== length) return { path, message: `must be an array of ${length} entries, like "${like}"` };
    for (let i = 0; i < length; i++) if (!ok(values[i])) return { path: [...path, i], message: `must be ${what}` };
    return null;
  };
  const runIssue =
    column(value.runTask, ['runTask'], isNonEmptyString, 'a non-empty string', runs, 'runTask') ??
    column(value.runLength, ['runLength'], (v) => isCount(v) && v > 0, 'an integer >= 1', runs, 'runTask');
  if (runIssue) return runIssue;
  let runRows = 0;
  for (const length of value.runLength as number[]) runRows += length;
  if (runRows !== rows) return { path: ['runLength'], message: `must add up to the ${rows} entries of "index", not ${runRows}` };
  const issue =
    column(value.index, ['index'], isCount, 'an integer >= 0') ??
    column(value.correct, ['correct'], (v) => v === null || typeof v === 'boolean', 'true, false or null') ??
    column(value.answers, ['answers'], (v) => typeof v === 'string', 'a string', answers, 'answers') ??
    column(value.extracted, ['extracted'], isAnswer, 'an index into "answers" or -1') ??
    column(value.normalized, ['normalized'], isAnswer, 'an index into "answers" or -1');
  if (issue) return issue;
  if (!isPlainObject(value.scores)) return { path: ['scores'], message: 'must be an object: verifier name -> scores' };
  for (const [name, scores] of Object.entries(value.scores)) {
    if (name === '') return { path: ['scores'], message: 'verifier names must be non-empty' };
    const scoreIssue = column(scores, ['scores', name], (v) => v === null || (typeof v === 'number' && v >= 0 && v <= 1), 'a number in [0, 1] or null');
    if (scoreIssue) return scoreIssue;
  }
  return null;
}

/** The column form of rows, for 'sampleTable'. */
export function toSampleColumns(rows: readonly SampleRow[]): SampleColumns {
  const columns: SampleColumns = { runTask: [], runLength: [], index: [], correct: [], answers: [], extracted: [], normalized: [], scores: {} };
  const answerIndex = new Map<string, number>();
  const answer = (text: string | null): number => {
    if (text === null) return -1;
    let at = answerIndex.get(text);
    if (at === undefined) {
      at = columns.answers.push(text) - 1;
      answerIndex.set(text, at);
    }
    return at;
  };
  rows.forEach((row, i) => {
    const run = columns.runTask.length - 1;
    if (run >= 0 && columns.runTask[run] === row.task) columns.runLength[run] = (columns.runLength[run] as number) + 1;
    else {
      columns.runTask.push(row.task);
      columns.runLength.push(1);
    }
    columns.index.push(row.index);
    columns.correct.push(row.correct);
    columns.extracted.push(answer(row.extracted));
    columns.normalized.push(answer(row.normalized));
    for (const v of row.verifications) (columns.scores[v.verifier] ??= new Array<number | null>(rows.length).fill(null))[i] = v.score;
  });
  return columns;
}

const sampleTableParamsSchema = z.object({
  /** As in 'samples'. */
  tasks: taskInfosSchema,
  columns: sampleColumnsSchema,
});

const sampleRowSchema = z.unknown().superRefine((row, ctx) => {
  const issue = sampleRowIssue(row);
  if (issue) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
}) as unknown as z.ZodType<SampleRow>;

const samplesParamsSchema = z.object({
  /** Tasks whose info is new or changed; rows may refer to tasks sent in earlier batches. */
  tasks: taskInfosSchema,
  rows: sampleRowsSchema,
});

const annotationsParamsSchema = z.object({
  /** New annotations in append order; a sample's latest annotation is its current label. */
  records: z.array(annotationRecordSchema),
});

const progressParamsSchema = z
  .object({
    /** Generations graded so far. */
    done: count,
    total: count,
    status: z.enum(['running', 'done', 'cancelled', 'failed']),
    message: z.string().optional(),
  })
  .refine((p) => p.done <= p.total, { message: 'must not exceed total', path: ['done'] });

/** Every kind as a count (0 when it did not occur), and no other kind. */
function kindCounts<K extends string>(kinds: readonly K[]): z.ZodObject<{ [P in K]: typeof count }, z.core.$strict> {
  return z.strictObject(Object.fromEntries(kinds.map((kind) => [kind, count])) as { [P in K]: typeof count });
}

/** failed = Σ failures and expected = got + failed + missing, exactly (docs/statistics.md, "Coverage counts"). */
function addsUp<G extends 'done' | 'scored'>(got: G) {
  return (c: { expected: number; failed: number; missing: number; failures: Record<string, number> } & Record<G, number>, ctx: z.RefinementCtx): void => {
    const failed = Object.values(c.failures).reduce((sum, n) => sum + n, 0);
    if (c.failed !== failed) ctx.addIssue({ code: 'custom', message: `must equal the sum of failures (${failed})`, path: ['failed'] });
    if (c.expected !== c[got] + c.failed + c.missing) ctx.addIssue({ code: 'custom', message: `expected must equal ${got} + failed + missing`, path: ['expected'] });
  };
}

const recordCoverageSchema = z.object({
  tasks: z.object({ expected: count, done: count }).refine((t) => t.done <= t.expected, { message: 'must not exceed expected', path: ['done'] }),
  generations: z.object({ expected: count, done: count, failed: count, failures: kindCounts(CALL_FAILURE_KINDS), missing: count }).superRefine(addsUp('done')),
  verifiers: z.record(nonEmpty, z.object({ expected: count, scored: count, failed: count, failures: kindCounts(VERIFIER_FAILURE_KINDS), missing: count }).superRefine(addsUp('scored'))),
}) satisfies z.ZodType<RecordCoverage>;

const runStateParamsSchema = z.object({
  /** The run's records counted as core counts them (src/core/runs/coverage.ts): what every number rests on. */
  coverage: recordCoverageSchema,
  /** A writer is adding records right now: this window's run, or another process holding the run's lock. */
  live: z.boolean(),
});

const errorParamsSchema = z.object({ message: nonEmpty });

/** One endpoint's live figures (core's EndpointFigures; docs/run-format.md, "Several endpoints"). */
const endpointFiguresSchema = z.object({
  url: nonEmpty,
  state: z.enum(['up', 'down']),
  inFlight: count,
  limit: z.number().int().positive(),
  answered: count,
  callsPerSecond: z.number().nonnegative().finite(),
  overloaded: count,
  unreachable: count,
  latencyMs: z.number().nonnegative().finite().nullable(),
}) satisfies z.ZodType<EndpointFigures>;

/**
 * The live figures of each model of the executing run that several endpoints serve, about once a
 * second while it executes; an empty list when it stops (not part of a snapshot: the next one comes
 * within a second).
 */
const endpointsParamsSchema = z.object({
  models: z.array(z.object({ model: nonEmpty, endpoints: z.array(endpointFiguresSchema).min(1) })),
});

/**
 * Where a batch run's batches stand while it executes (docs/batch.md, "Progress"): its latest
 * phase, that phase's shards and requests, and what the batches so far cost at the batch prices —
 * or why no cost is shown. null clears it (the execution ended, or is not in batches).
 */
const batchParamsSchema = z.object({
  progress: z
    .object({
      phase: z.number().int().positive(),
      stages: z.record(nonEmpty, count),
      shards: z.object({ toSubmit: count, submitted: count, inProgress: count, done: count, failed: count }),
      requests: z.object({ total: count, done: count }).refine((r) => r.done <= r.total, { message: 'more requests done than there are' }),
      // The amount as the CLI writes it comes along: the webview bundle has no share of core/cost.
      cost: z.union([z.object({ amount: z.number().finite().nonnegative(), currency: z.string().nullable(), text: nonEmpty }), z.object({ amount: z.null(), why: nonEmpty })]),
    })
    .nullable(),
});

/** Editor commands forwarded to the panel (e.g. the `Gap Lens: Next Disagreement` command). */
const commandParamsSchema = z.object({ command: z.enum(['nextSample', 'previousSample', 'nextDisagreement']) });

const hostNotificationSchemas = {
  init: initParamsSchema,
  samples: samplesParamsSchema,
  sampleTable: sampleTableParamsSchema,
  annotations: annotationsParamsSchema,
  runState: runStateParamsSchema,
  progress: progressParamsSchema,
  error: errorParamsSchema,
  command: commandParamsSchema,
  audit: auditParamsSchema,
  endpoints: endpointsParamsSchema,
  /** Restricted Mode ignores some of the workspace's settings (its model profiles, runs folder…): what, in one line; sent after each snapshot. */
  restricted: z.object({ note: nonEmpty }),
  batch: batchParamsSchema,
} as const;

export { ANNOTATION_CAUSES } from '../core/runs/records';

const sampleRefSchema = z.object({ task: nonEmpty, index: count });

/** What the panel's run-actions bar can do to its run (each is a Gap Lens command on the run's folder). */
export const RUN_ACTIONS = ['resume', 'cancel', 'reverify', 'delete', 'label', 'editTemplate'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

const requestSchemas = {
  /** Append an annotation to the run's annotations.jsonl. */
  annotate: annotateParamsSchema,
  /** Check Selection: make `answer` the task's gold answer, regrade, and re-send the task and its rows. */
  markAnswer: z.object({ task: nonEmpty, answer: nonEmpty }),
  /** Open the sample's full generation in an editor. */
  openSample: sampleRefSchema,
  /** Put text on the clipboard (the webview has no reliable clipboard of its own). */
  copy: z.object({ text: z.string() }),
  /** The full row (text, grade reason, every verification's prompt and raw output) of a sample sent in a 'sampleTable'. */
  sampleDetail: sampleRefSchema,
  /** Draw a new audit into the run's audit.json (docs/statistics.md, "Audit"); the host then sends 'audit'. */
  drawAudit: drawAuditParamsSchema,
  /** The run-actions bar: the host starts the command on the panel's run (it answers once started, not when done). */
  runAction: z.object({ action: z.enum(RUN_ACTIONS) }),
} as const;

const requestResultSchemas = {
  /** The record as written, with its timestamp; the host also pushes it in an 'annotations' notification. */
  annotate: z.object({ record: annotationRecordSchema }),
  /** How many rows were regraded (they arrive in a 'samples' notification). */
  markAnswer: z.object({ regraded: count }),
  openSample: z.object({}),
  copy: z.object({}),
  sampleDetail: z.object({ row: sampleRowSchema }),
  drawAudit: drawAuditResultSchema,
  runAction: z.object({}),
} as const;

const panelViewSchema = z.object({
  /** Only this task, or all. */
  task: z.string().nullable(),
  show: z.enum(['all', 'disagreements', 'kept', 'dropped', 'correct', 'wrong', 'annotated']),
  sort: z.enum(['task', 'score', 'correct', 'kept']),
  descending: z.boolean(),
});

const panelStateSchema = z.object({
  runId: nonEmpty,
  /** parseSelector form; empty when the run has no verifier to filter by. */
  selector: z.string(),
  filter: nonEmpty,
  checkerCorrected: z.boolean(),
  view: panelViewSchema,
  selection: sampleRefSchema.nullable(),
});

const webviewNotificationSchemas = {
  /** The webview has loaded (again) and has no data: the host sends a full snapshot. */
  ready: z.object({ state: panelStateSchema.nullable() }),
  /** The panel's current filter, for the host's status bar and `Export Kept Samples…`. */
  filterChanged: z.object({ selector: nonEmpty, filter: nonEmpty }),
  /** The user asks to manage workspace trust (the Restricted Mode note's button). */
  manageTrust: z.object({}),
} as const;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

type Schemas = Record<string, z.ZodType>;
type Outputs<S extends Schemas> = { [M in keyof S]: z.output<S[M]> };

export type RunSummary = z.output<typeof runSummarySchema>;
export type { AnnotationCause } from '../core/runs/records';
export type PanelMode = z.output<typeof initParamsSchema>['mode'];
export type PanelView = z.output<typeof panelViewSchema>;
export type PanelState = z.output<typeof panelStateSchema>;
export type SampleRef = z.output<typeof sampleRefSchema>;
export type RunStateParams = z.output<typeof runStateParamsSchema>;

export type HostNotificationParams = Outputs<typeof hostNotificationSchemas>;
export type HostNotificationMethod = keyof HostNotificationParams;
export type HostNotification = { [M in HostNotificationMethod]: { kind: 'notify'; method: M; params: HostNotificationParams[M] } }[HostNotificationMethod];

export type RequestParams = Outputs<typeof requestSchemas>;
export type RequestResults = Outputs<typeof requestResultSchemas>;
export type RequestMethod = keyof RequestParams;
export type WebviewRequest = { [M in RequestMethod]: { kind: 'request'; id: number; method: M; params: RequestParams[M] } }[RequestMethod];

export type WebviewNotificationParams = Outputs<typeof webviewNotificationSchemas>;
export type WebviewNotificationMethod = keyof WebviewNotificationParams;
export type WebviewNotification = {
  [M in WebviewNotificationMethod]: { kind: 'notify'; method: M; params: WebviewNotificationParams[M] };
}[WebviewNotificationMethod];

/**
 * Why a request failed: 'invalid-request' — the message did not validate; 'unknown-method'; 'failed' —
 * the handler threw (the message is for the user, e.g. a UserError's text).
 */
export type ReplyErrorCode = 'invalid-request' | 'unknown-method' | 'failed';
export interface ReplyError {
  code: ReplyErrorCode;
  message: string;
}
/** A reply as it travels; the webview checks `result` against the method it asked (parseRequestResult). */
export type Reply = { kind: 'reply'; id: number; ok: true; result: unknown } | { kind: 'reply'; id: number; ok: false; error: ReplyError };

export type HostMessage = HostNotification | Reply;
export type WebviewMessage = WebviewNotification | WebviewRequest;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Validators
// ---------------------------------------------------------------------------------------------

const envelopeSchema = z.object({ kind: z.enum(['notify', 'request', 'reply']), method: z.string().optional(), id: z.unknown().optional() });
const requestIdSchema = z.number().int().positive();
const replySchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('reply'), id: requestIdSchema, ok: z.literal(true), result: z.unknown() }),
  z.object({
    kind: z.literal('reply'),
    id: requestIdSchema,
    ok: z.literal(false),
    error: z.object({ code: z.enum(['invalid-request', 'unknown-method', 'failed']), message: z.string() }),
  }),
]);

function hasMethod<S extends Schemas>(schemas: S, method: string | undefined): method is Extract<keyof S, string> {
  return method !== undefined && Object.prototype.hasOwnProperty.call(schemas, method);
}

function parseParams<T>(schema: z.ZodType, params: unknown, what: string): Parsed<T> {
  const parsed = schema.safeParse(params);
  return parsed.success ? { ok: true, value: parsed.data as T } : { ok: false, error: `${what}: ${describeIssues(parsed.error)}` };
}

function describeEnvelope(raw: unknown): Parsed<z.output<typeof envelopeSchema>> {
  const envelope = envelopeSchema.safeParse(raw);
  return envelope.success ? { ok: true, value: envelope.data } : { ok: false, error: `not a panel message: ${describeIssues(envelope.error)}` };
}

/** Validates a message the webview received from the host. */
export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const envelope = describeEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { kind, method } = envelope.value;
  if (kind === 'reply') {
    const reply = replySchema.safeParse(raw);
    return reply.success ? { ok: true, value: reply.data } : { ok: false, error: `reply: ${describeIssues(reply.error)}` };
  }
  if (kind !== 'notify') return { ok: false, error: `the host does not send "${kind}" messages` };
  if (!hasMethod(hostNotificationSchemas, method)) return { ok: false, error: `unknown host notification "${String(method)}"` };
  const params = parseParams<HostNotificationParams[typeof method]>(hostNotificationSchemas[method], (raw as { params?: unknown }).params, `"${method}" params`);
  return params.ok ? { ok: true, value: { kind, method, params: params.value } as HostNotification } : params;
}

/**
 * Validates a message the host received from the webview. For a request that fails validation but whose
 * id is readable, `replyTo` carries that id so the caller can answer with an error.
 */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> & { replyTo?: number } {
  const envelope = describeEnvelope(raw);
  if (!envelope.ok) return envelope;
  const { kind, method, id } = envelope.value;
  if (kind === 'notify') {
    if (!hasMethod(webviewNotificationSchemas, method)) return { ok: false, error: `unknown webview notification "${String(method)}"` };
    const params = parseParams<WebviewNotificationParams[typeof method]>(webviewNotificationSchemas[method], (raw as { params?: unknown }).params, `"${method}" params`);
    return params.ok ? { ok: true, value: { kind, method, params: params.value } as WebviewNotification } : params;
  }
  if (kind !== 'request') return { ok: false, error: `the webview does not send "${kind}" messages` };
  const requestId = requestIdSchema.safeParse(id);
  if (!requestId.success) return { ok: false, error: `request "${String(method)}": id must be a positive integer` };
  const replyTo = requestId.data;
  if (!hasMethod(requestSchemas, method)) return { ok: false, error: `unknown request "${String(method)}"`, replyTo };
  const params = parseParams<RequestParams[typeof method]>(requestSchemas[method], (raw as { params?: unknown }).params, `"${method}" params`);
  return params.ok ? { ok: true, value: { kind, id: replyTo, method, params: params.value } as WebviewRequest } : { ...params, replyTo };
}

/** Validates a successful reply's result against the method that was requested. */
export function parseRequestResult<M extends RequestMethod>(method: M, result: unknown): Parsed<RequestResults[M]> {
  return parseParams<RequestResults[M]>(requestResultSchemas[method], result, `"${method}" result`);
}

/** Reads persisted webview state; null when absent or from an incompatible version (the panel then starts fresh). */
export function parsePanelState(raw: unknown): PanelState | null {
  const parsed = panelStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The gold answers of a task as the protocol carries them: a list, empty when there is none. */
export function goldList(answer: string | readonly string[]): string[] {
  if (typeof answer !== 'string') return [...answer];
  return answer === '' ? [] : [answer];
}

// ---------------------------------------------------------------------------------------------
// Host-side helpers (no 'vscode': the host passes webview.postMessage in)
// ---------------------------------------------------------------------------------------------

export interface MessageQueue {
  /** Posts now when open, else holds the message. */
  send(message: HostMessage): void;
  /**
   * The webview said 'ready': opens the queue. With a snapshot, the held messages are dropped (the
   * snapshot must contain the whole current state) and the snapshot is posted; without, they are flushed.
   */
  ready(snapshot?: readonly HostMessage[]): void;
  /** Holds messages again, e.g. while the webview reloads. */
  close(): void;
  readonly isOpen: boolean;
  /** Messages held now. */
  readonly held: number;
}

/** Queue-until-ready wrapper around `post` (e.g. `(m) => void panel.webview.postMessage(m)`). */
export function createMessageQueue(post: (message: HostMessage) => void): MessageQueue {
  let open = false;
  let held: HostMessage[] = [];
  return {
    send(message) {
      if (open) post(message);
      else held.push(message);
    },
    ready(snapshot) {
      const out = snapshot ? [...snapshot] : held;
      held = [];
      open = true;
      for (const message of out) post(message);
    },
    close() {
      open = false;
    },
    get isOpen() {
      return open;
    },
    get held() {
      return held.length;
    },
  };
}

/** Requests a host may leave unhandled: they are answered 'unknown-method'. */
type OptionalRequest = 'sampleDetail' | 'drawAudit' | 'runAction';

/** What the host does with each webview message. Requests resolve to their result or throw (→ error reply). */
export type WebviewHandlers = {
  [M in WebviewNotificationMethod]: (params: WebviewNotificationParams[M]) => void;
} & {
  [M in Exclude<RequestMethod, OptionalRequest>]: (params: RequestParams[M]) => Promise<RequestResults[M]>;
} & {
  [M in OptionalRequest]?: (params: RequestParams[M]) => Promise<RequestResults[M]>;
};

/**
 * Validates one raw message from the webview and routes it to `handlers`; requests are answered through
 * `reply` (errors as structured replies with the thrown error's message). Invalid messages are logged and
 * dropped; never throws.
 */
export async function handleWebviewMessage(
  raw: unknown,
  handlers: WebviewHandlers,
  reply: (message: Reply) => void,
  log: (message: string) => void,
): Promise<void> {
  const parsed = parseWebviewMessage(raw);
  if (!parsed.ok) {
    log(`panel: dropped an invalid message from the webview: ${parsed.error}`);
    if (parsed.replyTo !== undefined) {
      const code: ReplyErrorCode = parsed.error.startsWith('unknown request') ? 'unknown-method' : 'invalid-request';
      reply({ kind: 'reply', id: parsed.replyTo, ok: false, error: { code, message: parsed.error } });
    }
    return;
  }
  const message = parsed.value;
  if (message.kind === 'notify') {
    try {
      (handlers[message.method] as (params: unknown) => void)(message.params);
    } catch (err) {
      log(`panel: handling "${message.method}" failed: ${errorText(err)}`);
    }
    return;
  }
  const handler = handlers[message.method] as ((params: unknown) => Promise<unknown>) | undefined;
  if (!handler) {
    reply({ kind: 'reply', id: message.id, ok: false, error: { code: 'unknown-method', message: `this host does not handle "${message.method}"` } });
    return;
  }
  try {
    const result = await handler(message.params);
    reply({ kind: 'reply', id: message.id, ok: true, result });
  } catch (err) {
    log(`panel: request "${message.method}" failed: ${errorText(err)}`);
    reply({ kind: 'reply', id: message.id, ok: false, error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.name === 'UserError' ? err.message : (err.stack ?? err.message)) : String(err);
}
