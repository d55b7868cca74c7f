// An audit of a run's samples: drawing it from a plan, and evaluating it from audit.json and the labels
// in annotations.jsonl (the draw made again from the plan and checked against the file, the labels
// matched to the samples drawn, the estimates). The one place `gaplens audit`, `gaplens report` and the
// panel turn an audit into samples and numbers. Definitions: docs/statistics.md, "Audit". Pure.
import { MISSING_SCORE } from '../filter/columns';
import { parseFilter, parseSelector } from '../filter/parse';
import { selectorColumn, selectorVerifiers, selectorWeights } from '../filter/weights';
import { auditLabels } from '../runs/labels';
import { AUDIT_SCHEMA_VERSION, AUDIT_STRATA, type AnnotationRecord, type AuditFile, type AuditPlan, type AuditSample } from '../runs/records';
import { sampleKey } from '../runs/sampleKey';
import { UserError } from '../util/errors';
import type { BootstrapOptions } from './bootstrap';
import { auditStrata, drawAudit, type AuditDraw } from './auditDraw';
import { evaluateAudit, prepareAudit, type AuditResult, type AuditRows, type PreparedAudit } from './auditEstimate';
import type { SamplePool } from './pool';

/** The samples an audit draws from (a report's samples, laid out by buildPool), with the checker's verdicts as graded. */
export type AuditData = Pick<SamplePool, 'taskIds' | 'starts' | 'indices' | 'correct' | 'columns'> & {
  /** Verifiers the data has even without a score yet (a run's configured ones). */
  verifiers?: readonly string[];
};

export interface AuditReport {
  /** The audit as audit.json has it. */
  plan: AuditPlan & { at: string };
  /** Samples carrying a label of this audit (their last such annotation counts). */
  labels: number;
  /** Why this audit cannot be evaluated on this data; null when `result` is there. */
  unavailable: string | null;
  result: AuditResult | null;
}

/** The audit filter's weights over the data, or why the plan does not fit it. */
function auditRows(data: AuditData, plan: AuditPlan): AuditRows | string {
  let parsed;
  try {
    parsed = { selector: parseSelector(plan.selector), filter: parseFilter(plan.filter) };
  } catch (err) {
    return `the audit's selector and filter (${plan.selector}, ${plan.filter}) do not parse: ${err instanceof Error ? err.message : String(err)}`;
  }
  const rows = data.correct.length;
  if (rows === 0) return 'no graded sample to audit';
  const known = new Set([...(data.verifiers ?? []), ...data.columns.keys()]);
  const unknown = selectorVerifiers(parsed.selector).filter((name) => !known.has(name));
  if (unknown.length > 0) return `the audit's selector ${plan.selector} reads ${unknown.join(', ')}, which this run does not have`;
  if (!selectorColumn(data.columns, parsed.selector, rows).some((s) => s !== MISSING_SCORE)) {
    return `not measured: ${plan.selector} scored no sample, so the verifier kept and dropped nothing`;
  }
  return { starts: data.starts, correct: data.correct, weights: selectorWeights(data.columns, parsed.selector, parsed.filter, data.starts) };
}

/** The drawn samples in labelling order, each with its stratum. */
function drawnSamples(data: AuditData, strata: Uint8Array, draw: AuditDraw): AuditSample[] {
  const taskOf: string[] = [];
  data.taskIds.forEach((task, t) => {
    for (let row = data.starts[t] as number; row < (data.starts[t + 1] as number); row++) taskOf[row] = task;
  });
  return [...draw.order].map((row) => ({ task: taskOf[row] as string, index: data.indices[row] as number, stratum: AUDIT_STRATA[strata[row] as number] as AuditSample['stratum'] }));
}

/** The id of an audit drawn at `at`: `audit-` and the UTC time. */
export function auditId(at: Date): string {
  return `audit-${at.toISOString()}`;
}

/** Draws a new audit (docs/statistics.md, "The draw"); a UserError when the plan does not fit the data. */
export function drawNewAudit(data: AuditData, plan: AuditPlan, at: Date): AuditFile {
  const rows = auditRows(data, plan);
  if (typeof rows === 'string') throw new UserError(`cannot draw the audit: ${rows}`);
  const strata = auditStrata(rows.weights, rows.correct);
  const draw = drawAudit(strata, plan.size, plan.seed);
  const { id, seed, size, selector, filter } = plan;
  return { v: AUDIT_SCHEMA_VERSION, id, seed, size, selector, filter, at: at.toISOString(), strata: draw.sizes, samples: drawnSamples(data, strata, draw) };
}

export type AuditSetup = { ok: true; prepared: PreparedAudit } | { ok: false; unavailable: string };

/**
 * Everything that does not depend on the labels: the draw made again from the file's plan on the data,
 * which must be the file's draw (else the run changed since the audit was drawn), the coefficients and
 * the checker's intervals.
 */
export function setUpAudit(data: AuditData, file: AuditFile, bootstrap: BootstrapOptions): AuditSetup {
  const rows = auditRows(data, file);
  if (typeof rows === 'string') return { ok: false, unavailable: rows };
  const prepared = prepareAudit(rows, file.size, file.seed, bootstrap);
  const now = drawnSamples(data, prepared.strata, prepared.draw);
  const same =
    prepared.draw.sizes.every((n, h) => n === file.strata[h]) &&
    now.length === file.samples.length &&
    now.every((s, i) => {
      const f = file.samples[i] as AuditSample;
      return s.task === f.task && s.index === f.index && s.stratum === f.stratum;
    });
  if (!same) {
    return {
      ok: false,
      unavailable:
        `the run's samples are not those the audit was drawn from: drawn again from its plan, the strata hold ${prepared.draw.sizes.join(', ')} samples ` +
        `(at the draw ${file.strata.join(', ')}) and the draw differs; draw a new audit`,
    };
  }
  return { ok: true, prepared };
}

/**
 * The audit's estimates from its labels among `annotations` (every annotation, file order): each drawn
 * sample's last annotation carrying the audit's id. A label is used when it has a human verdict and the
 * stratum it records is the sample's; every other label of the audit is counted as ignored.
 */
export function evaluateLabels(data: AuditData, prepared: PreparedAudit, file: AuditFile, annotations: readonly AnnotationRecord[], bootstrap: BootstrapOptions): AuditResult {
  const rowOf = rowLookup(data);
  const human = new Int8Array(prepared.rows.correct.length).fill(-1);
  let ignored = 0;
  for (const label of auditLabels(annotations, file.id).values()) {
    const row = rowOf(label.task, label.index);
    const usable =
      label.human !== undefined && row >= 0 && (prepared.draw.position[row] as number) >= 0 && AUDIT_STRATA[prepared.strata[row] as number] === label.audit?.stratum;
    if (usable) human[row] = label.human === 'correct' ? 1 : 0;
    else ignored++;
  }
  return evaluateAudit(prepared, human, ignored, bootstrap);
}

/**
 * The audit in `file` over `data` with the labels among `annotations`. `setup`: setUpAudit of the same
 * data, file and bootstrap, when the caller keeps it while only the labels change (the panel).
 */
export function auditOf(
  data: AuditData,
  file: AuditFile,
  annotations: readonly AnnotationRecord[],
  bootstrap: BootstrapOptions,
  setup: AuditSetup = setUpAudit(data, file, bootstrap),
): AuditReport {
  const { id, seed, size, selector, filter, at } = file;
  const head = { plan: { id, seed, size, selector, filter, at }, labels: auditLabels(annotations, id).size };
  if (!setup.ok) return { ...head, unavailable: setup.unavailable, result: null };
  return { ...head, unavailable: null, result: evaluateLabels(data, setup.prepared, file, annotations, bootstrap) };
}

/** The row of a sample, −1 when the data has none. */
function rowLookup(data: AuditData): (task: string, index: number) => number {
  const rows = new Map<string, number>();
  data.taskIds.forEach((task, t) => {
    for (let row = data.starts[t] as number; row < (data.starts[t + 1] as number); row++) rows.set(sampleKey(task, data.indices[row] as number), row);
  });
  return (task, index) => rows.get(sampleKey(task, index)) ?? -1;
}
