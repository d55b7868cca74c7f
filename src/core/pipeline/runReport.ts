// Statistics over a run folder or a samples file: the one place that turns samples + a filter into a
// GapReport and its assessment (coverage, run state, conclusion), and a run's audit labels into the
// audit's estimates; used by `gaplens report`, `export`, the HTML report and the extension.
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { taskWeights } from '../filter/weights';
import { runStateLines } from '../report/coverageText';
import { runCoverage } from '../runs/coverage';
import { readAuditFile } from '../runs/auditFile';
import type { AnnotationRecord, RunManifest } from '../runs/records';
import type { RunData } from '../runs/runStore';
import { toScoredSamples } from '../runs/scoredSamples';
import { auditOf, type AuditData, type AuditReport } from '../stats/audit';
import { assessReport, type AssessedReport } from '../stats/assessment';
import { runState } from '../stats/conclusion';
import { samplesCoverage } from '../stats/coverage';
import { buildPool, type SamplePool } from '../stats/pool';
import type { RecordCoverage } from '../stats/coverage';
import { columnsCoverage, columnsPool, type ColumnsPool, type RunColumns } from '../runs/runColumns';
import { computePoolReport, computePoolReportShared, computeReport, type ReportOptions as StatsOptions } from '../stats/report';
import type { QualityHelper } from '../stats/sharedResamples';
import type { GapReport, ScoredSample } from '../stats/types';
import { UserError } from '../util/errors';

export interface ReportOptions {
  selector: ScoreSelector;
  filter: FilterSpec;
  resamples: number;
  seed: number;
}

/** The reports' confidence level. */
export const REPORT_LEVEL = 0.95;

/** `verifiers`: verifiers the data has besides those in the samples' scores (see computeReport). */
export function reportOf(samples: ScoredSample[], opts: ReportOptions, verifiers?: readonly string[]): GapReport {
  return computeReport(samples, statsOptions(opts, verifiers));
}

function statsOptions(opts: ReportOptions, verifiers: readonly string[] | undefined): StatsOptions {
  return {
    selector: opts.selector,
    filter: opts.filter,
    bootstrap: { resamples: opts.resamples, seed: opts.seed, level: REPORT_LEVEL },
    ...(verifiers ? { verifiers } : {}),
  };
}

/**
 * The assessed report of a run folder over `samples` (its scored samples, see toScoredSamples).
 * `live`: true when a writer holds the run's lock. A run without a single generation has no report:
 * UserError saying what its records are.
 */
export function assessRunReport(run: RunData, samples: ScoredSample[], opts: ReportOptions, live: boolean): AssessedReport {
  return assessPool(run.dir, runCoverage(run), buildPool(samples), opts, live);
}

/** assessRunReport of a run read as columns, over its pool (columnsPool): the same report, in memory that does not hold records. */
export function assessRunColumns(cols: RunColumns, pool: SamplePool, opts: ReportOptions, live: boolean): AssessedReport {
  return assessPool(cols.dir, columnsCoverage(cols), pool, opts, live);
}

/**
 * What the report of a run read as columns rests on, without the columns themselves: a caller that
 * lets the columns go before it resamples (`gaplens report` without --html) holds about 70 bytes
 * less per sample at its peak (runColumns.ts), 70 MB at a million samples.
 */
export interface RunReportInput {
  dir: string;
  manifest: RunManifest;
  /** Its `checkerCorrect` is what the audit reads (the pool's verdicts may be label-corrected). */
  pool: ColumnsPool;
  coverage: RecordCoverage;
  /** What runAudit reads besides: the run's task ids and its annotations. */
  taskIds: ReadonlySet<string>;
  annotations: AnnotationRecord[];
}

export function runReportInput(cols: RunColumns, opts: { checkerCorrected: boolean }): RunReportInput {
  return {
    dir: cols.dir,
    manifest: cols.manifest,
    pool: columnsPool(cols, { checkerCorrected: opts.checkerCorrected }),
    coverage: columnsCoverage(cols),
    taskIds: new Set(cols.tasks.map((t) => t.id)),
    annotations: cols.annotations,
  };
}

/**
 * assessRunColumns with the verifier-quality resamples shared with a helper thread
 * (computePoolReportShared): the same report, bit for bit.
 */
export async function assessRunColumnsShared(input: RunReportInput, opts: ReportOptions, live: boolean, helper: QualityHelper): Promise<AssessedReport> {
  const { pool, coverage } = input;
  checkSamples(input.dir, coverage, pool, live);
  return assessReport('run', await computePoolReportShared(pool, statsOptions(opts, Object.keys(coverage.verifiers)), helper), opts.selector, coverage, live);
}

function assessPool(dir: string, records: RecordCoverage, pool: SamplePool, opts: ReportOptions, live: boolean): AssessedReport {
  checkSamples(dir, records, pool, live);
  return assessReport('run', computePoolReport(pool, statsOptions(opts, Object.keys(records.verifiers))), opts.selector, records, live);
}

function checkSamples(dir: string, records: RecordCoverage, pool: SamplePool, live: boolean): void {
  if (pool.correct.length === 0) {
    const state = runStateLines(records, runState(records, live)).join('; ');
    throw new UserError(`${dir}: no samples to report on yet (${state})`);
  }
}

/** The assessed report of a samples file: complete and not live by definition. */
export function assessSamplesReport(samples: ScoredSample[], opts: ReportOptions): AssessedReport {
  return assessReport('samples', reportOf(samples, opts), opts.selector, samplesCoverage(samples), false);
}

/** assessSamplesReport with the resamples shared with a helper thread, as assessRunColumnsShared. */
export async function assessSamplesReportShared(samples: ScoredSample[], opts: ReportOptions, helper: QualityHelper): Promise<AssessedReport> {
  return assessReport('samples', await computePoolReportShared(buildPool(samples), statsOptions(opts, undefined), helper), opts.selector, samplesCoverage(samples), false);
}

/** Filter weight of every sample, keyed by `sampleKey(task, index)`. */
export function weightsOf(samples: ScoredSample[], selector: ScoreSelector, filter: FilterSpec, key: (task: string, index: number) => string): Map<string, number> {
  const byTask = new Map<string, ScoredSample[]>();
  for (const s of samples) {
    const group = byTask.get(s.task);
    if (group) group.push(s);
    else byTask.set(s.task, [s]);
  }
  const out = new Map<string, number>();
  for (const group of byTask.values()) {
    group.sort((a, b) => a.index - b.index);
    const w = taskWeights(group.map((s) => s.scores), selector, filter);
    group.forEach((s, i) => out.set(key(s.task, s.index), w[i] ?? 0));
  }
  return out;
}

/**
 * The run's audit (audit.json) over the run's samples with the checker's verdicts as graded (whatever
 * --checker-corrected says: the audit measures the checker), or null when the run has none. Intervals
 * with the report's resamples and seed.
 */
export async function runAudit(run: RunData | RunReportInput, opts: Pick<ReportOptions, 'resamples' | 'seed'>): Promise<AuditReport | null> {
  const file = await readAuditFile(run.dir, 'pool' in run ? run.taskIds : new Set(run.tasks.map((t) => t.id)));
  if (file === null) return null;
  const data = 'pool' in run ? { ...run.pool, correct: run.pool.checkerCorrect, verifiers: run.manifest.config.verifiers } : runAuditData(run);
  return auditOf(data, file, run.annotations, { resamples: opts.resamples, seed: opts.seed, level: REPORT_LEVEL });
}

/** What an audit of the run draws from: its generated samples with the checker's grades as recorded. */
export function runAuditData(run: RunData): AuditData {
  return { ...buildPool(toScoredSamples(run)), verifiers: run.manifest.config.verifiers };
}
