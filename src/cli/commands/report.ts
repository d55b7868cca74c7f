// gaplens report: statistics of a run folder, or of a samples file scored elsewhere.
import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import { reportSelector, RUN_DEFAULTS } from '../../core/config/runRules';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { selectorColumn, selectorVerifiers, selectorWeights } from '../../core/filter/weights';
import { assessRunColumnsShared, assessSamplesReportShared, runAudit, runReportInput, weightsOf, type ReportOptions, type RunReportInput } from '../../core/pipeline/runReport';
import { isWeighted, weightSummary, type WeightSummary } from '../../core/report/weightTerms';
import { DEFAULT_SAMPLE_LIMITS, renderHtmlReport, shownTasks, type HtmlReportInput, type HtmlSampleRow, type SampleLimits } from '../../core/report/html';
import { checkOutputFile, writeOutputFile } from '../../core/runs/outputPath';
import { liveLockHolder } from '../../core/runs/runLock';
import { RUN_FILES } from '../../core/runs/runStore';
import { readRunColumns, type RunColumns } from '../../core/runs/runColumns';
import { scanSamples } from '../../core/runs/sampleRecords';
import type { GenerationRecord, VerificationRecord } from '../../core/runs/records';
import type { SamplePool } from '../../core/stats/pool';
import { MISSING_SCORE } from '../../core/filter/columns';
import type { Task } from '../../core/tasks/task';
import { readScoredSamplesFile } from '../../core/runs/scoredSamplesFile';
import { gapModels, gapModelsText } from '../../core/runs/verifierModels';
import { sampleKey } from '../../core/runs/sampleKey';
import type { RunManifest } from '../../core/runs/records';
import { samplingText, settingsNotSentByModel } from '../../core/report/samplingText';
import { assessedJson, type AssessedReport } from '../../core/stats/assessment';
import type { GapReport, ScoredSample } from '../../core/stats/types';
import { UserError } from '../../core/util/errors';
import { batchProgress, batchProgressText, type BatchProgress } from '../../core/batch/batchProgress';
import { readBatchState } from '../../core/batch/batchState';
import { readPricing, type Pricing } from '../../core/cost/pricing';
import { flag, numberOpt, stringOpt, type RawValues } from '../options';
import { formatReport } from '../format';
import { say, writeOut } from '../terminalText';
import { importedFromText } from '../../core/import/provenanceText';
import { seriesReport } from '../../core/pipeline/seriesReport';
import { renderSeriesHtml } from '../../core/report/seriesHtml';
import { formatSeriesText, seriesJson } from '../../core/report/seriesText';
import { workerHelper } from './reportThreads';

const OPTIONS = {
  samples: { type: 'string' },
  series: { type: 'boolean' },
  verifier: { type: 'string' },
  filter: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  'checker-corrected': { type: 'boolean' },
  force: { type: 'boolean' },
  'no-column-cache': { type: 'boolean' },
} as const;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  const samplesFile = stringOpt(v, 'samples');
  if (flag(v, 'series')) return seriesCommand(positionals, v);
  if ((samplesFile === undefined) === (positionals.length === 0) || positionals.length > 1) {
    throw new UserError('report takes one RUN_DIR or --samples FILE', 2);
  }
  checkFlags(v);
  if (samplesFile !== undefined) {
    const samples = await readScoredSamplesFile(samplesFile);
    const verifier = stringOpt(v, 'verifier') ?? onlyVerifier(samples, samplesFile);
    const assessed = await assessSamplesReportShared(samples, reportOptions(verifier, stringOpt(v, 'filter') ?? RUN_DEFAULTS.filter, v), workerHelper());
    await emit(assessed, v, { title: basename(samplesFile), context: [{ label: 'samples file', value: samplesFile }], weights: () => weightsSummary(samples, assessed.report) });
    return 0;
  }
  return printRunReport(positionals[0] as string, { json: flag(v, 'json'), warn: say, values: v });
}

/** Flags are checked before any file is read, so a typo is a usage error, not a file error. */
function checkFlags(v: RawValues): void {
  const filterFlag = stringOpt(v, 'filter');
  const verifierFlag = stringOpt(v, 'verifier');
  if (filterFlag !== undefined) parseFilter(filterFlag);
  if (verifierFlag !== undefined) parseSelector(verifierFlag);
  const html = stringOpt(v, 'html');
  if (html !== undefined) checkOutputFile(html, { force: flag(v, 'force'), option: '--html' });
}

/** `report --series RUN_DIR…`: the rounds of a self-improvement series in lineage order (docs/statistics.md). */
async function seriesCommand(dirs: string[], v: RawValues): Promise<number> {
  if (stringOpt(v, 'samples') !== undefined) throw new UserError('--series reads run folders, not --samples', 2);
  checkFlags(v);
  const series = await seriesReport(dirs, {
    selector: stringOpt(v, 'verifier'),
    filter: stringOpt(v, 'filter'),
    resamples: numberOpt(v, 'bootstrap', 1000, { integer: true, min: 0 }),
    seed: numberOpt(v, 'seed', 0, { integer: true, min: 0 }),
    checkerCorrected: flag(v, 'checker-corrected'),
  }, say);
  const html = stringOpt(v, 'html');
  if (html !== undefined) {
    await writeOutputFile(html, renderSeriesHtml(series, new Date().toISOString()));
    say(`wrote ${html}`);
  }
  if (flag(v, 'json')) writeOut(`${JSON.stringify(seriesJson(series))}\n`);
  else if (html === undefined) writeOut(formatSeriesText(series));
  return 0;
}

/**
 * Prints (or writes as HTML) the report of a run folder; shared with `gaplens run` and `reverify`.
 * A run whose lock a live writer holds is being added to while it is read: the report says so and
 * draws no conclusion.
 */
export async function printRunReport(dir: string, opts: { json: boolean; warn: (m: string) => void; values?: RawValues }): Promise<number> {
  const v: RawValues = { ...opts.values, json: opts.json };
  const { input, samples } = await readRunReport(dir, v, opts.warn);
  const { manifest, pool } = input;
  const imported = manifest.import;
  if (manifest.config.verifiers.length === 0 && stringOpt(v, 'verifier') === undefined) {
    // Only an import makes a run with no verifiers: it waits for `reverify` to add them.
    throw new UserError(`${dir} has no verifiers yet${imported ? ' (its generations were imported)' : ''}: add them with gaplens reverify ${dir} --verifier mc (docs/import.md)`);
  }
  const verifier = reportSelector(manifest.config, stringOpt(v, 'verifier'));
  const filter = stringOpt(v, 'filter') ?? manifest.config.filter;
  const live = (await liveLockHolder(dir)) !== null;
  const options = reportOptions(verifier, filter, v);
  const batch = await batchOf(dir, opts.warn);
  const batchLines = batch === null ? [] : [batchProgressText(batch)];
  let assessedRun: AssessedReport;
  try {
    assessedRun = await assessRunColumnsShared(input, options, live, workerHelper());
  } catch (err) {
    // A batch run has no samples until its first phase lands: where its batches stand is the news.
    if (err instanceof UserError && batch !== null) throw new UserError(`${err.message}; ${batchLines.join('')}`);
    throw err;
  }
  const assessed = { ...assessedRun, audit: await runAudit(input, options) };
  const c = manifest.config;
  // Which model generated and which verified what this report reads: the f and g of gap(f, g).
  const models = gapModels(c, selectorVerifiers(parseSelector(verifier)));
  await emit(assessed, v, {
    title: manifest.id,
    models: gapModelsText(models),
    context: [
      { label: 'run', value: dir },
      { label: 'model', value: c.model },
      { label: 'generator and verifier', value: gapModelsText(models) },
      ...(imported ? [{ label: 'generations', value: importedFromText(imported) }] : []),
      { label: 'tasks', value: `${c.tasks}${c.limit !== undefined ? ` (first ${c.limit})` : ''}` },
      { label: 'samples per task', value: String(c.n) },
      { label: 'verifiers', value: c.verifiers.join(', ') },
      { label: 'sampling', value: samplingText(manifest) },
      { label: 'versions', value: Object.entries(manifest.versions).map(([k, x]) => `${k} ${x}`).join(', ') },
    ],
    ...(samples === null ? {} : { rows: (limits: SampleLimits) => sampleRows(samples, pool, assessed.report, limits) }),
    weights: () => poolWeightsSummary(pool, assessed.report),
    notes: [
      ...(imported ? [importedFromText(imported)] : []),
      // Said in the text only when the endpoint did not take a setting: the run must not claim it.
      ...(Object.keys(settingsNotSentByModel(manifest)).length > 0 ? [`sampling ${samplingText(manifest)}`] : []),
      ...batchLines,
    ],
    extra: { run: dir, models, ...(imported ? { import: imported } : {}), ...notSentJson(manifest), ...(batch === null ? {} : { batch }) },
  });
  return 0;
}

/**
 * What the run's report rests on, and its columns when the HTML report shows samples from them
 * (sampleRows). Otherwise nothing holds the columns once this returns: they are let go before the
 * report resamples (RunReportInput).
 */
async function readRunReport(dir: string, v: RawValues, warn: (m: string) => void): Promise<{ input: RunReportInput; samples: RunColumns | null }> {
  // Columns, not records: memory that does not grow with the run's texts (runColumns.ts).
  const run = await readRunColumns(dir, { onWarning: warn, columnCache: !flag(v, 'no-column-cache') });
  return { input: runReportInput(run, { checkerCorrected: flag(v, 'checker-corrected') }), samples: stringOpt(v, 'html') === undefined ? null : run };
}

/** Where a run's batches stand (docs/batch.md), null for a run without any; priced when the pricing file can be read. */
async function batchOf(dir: string, warn: (m: string) => void): Promise<BatchProgress | null> {
  const state = await readBatchState(dir);
  if (state === null) return null;
  let pricing: Pricing | undefined;
  try {
    pricing = readPricing();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    warn(`the batches' cost is not shown: ${err.message}`);
  }
  return batchProgress(state, pricing);
}

/** `samplingNotSent`: model spec -> the sampling settings its endpoint refused, when there are any. */
function notSentJson(manifest: RunManifest): { samplingNotSent?: Record<string, string[]> } {
  const notSent = settingsNotSentByModel(manifest);
  return Object.keys(notSent).length > 0 ? { samplingNotSent: notSent } : {};
}

function reportOptions(verifier: string, filter: string, v: RawValues): ReportOptions {
  return {
    selector: parseSelector(verifier),
    filter: parseFilter(filter),
    resamples: numberOpt(v, 'bootstrap', 1000, { integer: true, min: 0 }),
    seed: numberOpt(v, 'seed', 0, { integer: true, min: 0 }),
  };
}

function onlyVerifier(samples: ScoredSample[], file: string): string {
  const names = new Set(samples.flatMap((s) => Object.keys(s.scores)));
  if (names.size === 1) return [...names][0] as string;
  throw new UserError(`${file} has scores from ${names.size === 0 ? 'no verifier' : [...names].join(', ')}: choose one with --verifier`, 2);
}

interface EmitContext {
  /** Under a weighted filter (exp:β), the weights' summary the text and HTML reports show instead of kept/dropped counts. */
  weights?: () => WeightSummary | null;
  title: string;
  /** The gap(f, g) line of a run report (gapModelsText). */
  models?: string;
  context: { label: string; value: string }[];
  /** The per-sample section's input for these limits. */
  rows?: (limits: SampleLimits) => Promise<Pick<HtmlReportInput, 'samples' | 'sampleTotals'>>;
  extra?: Record<string, unknown>;
  /** Lines of a run report's text about its data (settings an endpoint was not sent). */
  notes?: string[];
}

async function emit(assessed: AssessedReport, v: RawValues, ctx: EmitContext): Promise<void> {
  const html = stringOpt(v, 'html');
  if (html !== undefined) {
    const page = renderHtmlReport({ title: ctx.title, generatedAt: new Date().toISOString(), context: ctx.context, assessed, weights: ctx.weights?.() ?? null, ...(await ctx.rows?.(DEFAULT_SAMPLE_LIMITS)) });
    await writeOutputFile(html, page);
    say(`wrote ${html}`);
  }
  if (flag(v, 'json')) writeOut(`${JSON.stringify({ ...ctx.extra, ...assessedJson(assessed) })}\n`);
  else if (html === undefined) writeOut(formatReport(assessed, `Gap Lens report: ${ctx.title}`, { ...ctx, weights: ctx.weights?.() ?? null }));
}

/** weightsSummary of a run read as columns. */
function poolWeightsSummary(pool: SamplePool, report: GapReport): WeightSummary | null {
  const filter = parseFilter(report.filter);
  if (!isWeighted(filter) || report.scored === 0) return null;
  const weights = selectorWeights(pool.columns, parseSelector(report.verifier), filter, pool.starts);
  // A generator, not an array of pairs: a million-sample run holds only its columns.
  function* rows(): Generator<readonly [number, boolean]> {
    for (let row = 0; row < pool.correct.length; row++) yield [weights[row] ?? 0, pool.correct[row] === 1];
  }
  return weightSummary(rows());
}

/** The weight on correct and incorrect samples and the Kish effective sample size, under exp:β when the verifier scored something; else null. */
function weightsSummary(samples: ScoredSample[], report: GapReport): WeightSummary | null {
  const filter = parseFilter(report.filter);
  if (!isWeighted(filter) || report.scored === 0) return null;
  const weights = weightsOf(samples, parseSelector(report.verifier), filter, sampleKey);
  return weightSummary(samples.map((s) => [weights.get(sampleKey(s.task, s.index)) ?? 0, s.correct] as const));
}

/**
 * The HTML report's sample section of a run read as columns: every sample's score and verdict for
 * the histogram come from the pool; the rows of the tasks shown (tasks in order of their first
 * generation in samples.jsonl) are read from the file, so the texts of the rest are never held.
 */
async function sampleRows(run: RunColumns, pool: SamplePool, report: GapReport, limits: SampleLimits): Promise<Pick<HtmlReportInput, 'samples' | 'sampleTotals'>> {
  const selector = parseSelector(report.verifier);
  const weights = selectorWeights(pool.columns, selector, parseFilter(report.filter), pool.starts);
  const scores = selectorColumn(pool.columns, selector, pool.correct.length);
  const tasks = tasksByFirstGeneration(run);
  const shown = new Set(tasks.slice(0, shownTasks(tasks.map((t) => t.samples), limits)).map((t) => t.id));
  const { generations, verifications } = await readSamplesOf(run, shown);
  const taskById = new Map(run.tasks.map((t) => [t.id, t]));
  const rows = generations.map((g): HtmlSampleRow => {
    const task = taskById.get(g.task);
    const row = poolRow(pool, g.task, g.index);
    const score = scores[row] as number;
    return {
      task: g.task,
      index: g.index,
      question: task?.question ?? '',
      gold: Array.isArray(task?.answer) ? task.answer.join(' | ') : (task?.answer ?? ''),
      text: g.text,
      extracted: g.grade.extracted,
      correct: pool.correct[row] === 1,
      gradeReason: g.grade.reason,
      score: score === MISSING_SCORE ? null : score,
      weight: weights[row] ?? 0,
      verifications: (verifications.get(sampleKey(g.task, g.index)) ?? []).map((r) => ({ verifier: r.verifier, score: r.score, parse: r.parse, raw: r.raw })),
    };
  });
  function* allScores(): Generator<{ score: number | null; correct: boolean }> {
    for (let r = 0; r < pool.correct.length; r++) yield { score: scores[r] as number, correct: pool.correct[r] === 1 };
  }
  return { samples: rows, sampleTotals: { tasks: tasks.length, samples: pool.correct.length, scores: allScores() } };
}

/** The run's tasks with generations, in order of their first generation's line, with how many they have. */
function tasksByFirstGeneration(run: RunColumns): { id: string; samples: number; first: number }[] {
  const byTask = new Map<number, { id: string; samples: number; first: number }>();
  for (let row = 0; row < run.rows; row++) {
    const offset = run.generation[row] as number;
    if (offset === -1) continue;
    const t = run.task[row] as number;
    const entry = byTask.get(t);
    if (entry) {
      entry.samples++;
      entry.first = Math.min(entry.first, offset);
    } else byTask.set(t, { id: (run.tasks[t] as Task).id, samples: 1, first: offset });
  }
  return [...byTask.values()].sort((a, b) => a.first - b.first);
}

/** The generations (file order) and verifications of the given tasks' samples, read again from samples.jsonl. */
async function readSamplesOf(run: RunColumns, tasks: ReadonlySet<string>): Promise<{ generations: GenerationRecord[]; verifications: Map<string, VerificationRecord[]> }> {
  const generations: GenerationRecord[] = [];
  const seen = new Set<string>();
  const verifications = new Map<string, VerificationRecord[]>();
  // The file was validated (and warned about) when the columns were read.
  const reader = { taskIds: new Set(run.tasks.map((t) => t.id)), warn: () => undefined, repair: false };
  await scanSamples(join(run.dir, RUN_FILES.samples), reader, {
    generation(record) {
      const key = sampleKey(record.task, record.index);
      if (!tasks.has(record.task) || seen.has(key)) return true;
      seen.add(key);
      generations.push(record);
      return true;
    },
    verification(record) {
      // Of a verifier drawing several verifications per sample, draw 0 is shown (its score column is the aggregate).
      if (!tasks.has(record.task) || (record.draw ?? 0) > 0) return true;
      const key = sampleKey(record.task, record.index);
      const list = verifications.get(key) ?? [];
      if (!list.some((r) => r.verifier === record.verifier)) list.push(record);
      verifications.set(key, list);
      return true;
    },
    failure: () => undefined,
  });
  return { generations, verifications };
}

/** The pool row of (task, index): tasks are sorted by UTF-16 code units, a task's rows by index. */
function poolRow(pool: SamplePool, task: string, index: number): number {
  const t = lowerBound(pool.taskIds.length, (i) => (pool.taskIds[i] as string) < task);
  const from = pool.starts[t] as number;
  return from + lowerBound((pool.starts[t + 1] as number) - from, (i) => (pool.indices[from + i] as number) < index);
}

/** The first i in 0..length for which `before(i)` is false (`before` true on a prefix). */
function lowerBound(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
