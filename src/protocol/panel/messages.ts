// The panel protocol's messages: each method's payload schema, the tables of host notifications,
// webview notifications and requests with their results, the persisted PanelState, and the types
// derived from them. Types and schemas only: no 'vscode', no DOM.
import { z } from 'zod';
import type { EndpointFigures } from '../../core/llm/endpointFigures';
import { CALL_FAILURE_KINDS } from '../../core/runs/records';
import { annotationRecordSchema } from '../../core/runs/recordSchemas';
import { annotateParamsSchema, auditParamsSchema, drawAuditParamsSchema, drawAuditResultSchema } from '../auditProtocol';
import { VERIFIER_FAILURE_KINDS, type RecordCoverage } from '../../core/stats/coverage';
import { sampleColumnsSchema } from './columns';
import { sampleRowSchema, sampleRowsSchema, taskInfosSchema } from './rows';

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
  /** Verifier columns the user hid in this run's table (columnsChanged), as the host remembers them per run; absent: none. */
  hiddenColumns: z.array(nonEmpty).optional(),
});

const sampleTableParamsSchema = z.object({
  /** As in 'samples'. */
  tasks: taskInfosSchema,
  columns: sampleColumnsSchema,
});

/**
 * The run's tasks with their questions, sent by a snapshot after its progress: the first paint needs
 * only the rows (at 10^5 tasks the questions are tens of MB), and a question shows when it arrives.
 */
const tasksParamsSchema = z.object({ tasks: taskInfosSchema });

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
export const hostNotificationSchemas = {
  init: initParamsSchema,
  samples: samplesParamsSchema,
  sampleTable: sampleTableParamsSchema,
  tasks: tasksParamsSchema,
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

export { ANNOTATION_CAUSES } from '../../core/runs/records';

const sampleRefSchema = z.object({ task: nonEmpty, index: count });

/** What the panel's run-actions bar can do to its run (each is a Gap Lens command on the run's folder). */
export const RUN_ACTIONS = ['resume', 'cancel', 'reverify', 'delete', 'label', 'editTemplate'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

export const requestSchemas = {
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

export const requestResultSchemas = {
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

export const panelStateSchema = z.object({
  runId: nonEmpty,
  /** parseSelector form; empty when the run has no verifier to filter by. */
  selector: z.string(),
  filter: nonEmpty,
  checkerCorrected: z.boolean(),
  view: panelViewSchema,
  selection: sampleRefSchema.nullable(),
});

export const webviewNotificationSchemas = {
  /** The webview has loaded (again) and has no data: the host sends a full snapshot. */
  ready: z.object({ state: panelStateSchema.nullable() }),
  /** The panel's current filter, for the host's status bar and `Export Kept Samples…`. */
  filterChanged: z.object({ selector: nonEmpty, filter: nonEmpty }),
  /** The user asks to manage workspace trust (the Restricted Mode note's button). */
  manageTrust: z.object({}),
  /**
   * The verifier columns the user has hidden now (the table's Columns menu). The host remembers them
   * per run in the workspace's state, so that they stay hidden when the panel is reopened or VS Code
   * restarts (webview state would not survive closing the panel); every 'init' carries them back.
   */
  columnsChanged: z.object({ hidden: z.array(nonEmpty) }),
} as const;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type Schemas = Record<string, z.ZodType>;
type Outputs<S extends Schemas> = { [M in keyof S]: z.output<S[M]> };

export type RunSummary = z.output<typeof runSummarySchema>;
export type { AnnotationCause } from '../../core/runs/records';
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
