// gaplens report: statistics of a run folder, or of a samples file scored elsewhere.
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { selectorScore, selectorVerifiers } from '../../core/filter/weights';
import { assessRunReport, assessSamplesReport, runAudit, weightsOf, type ReportOptions } from '../../core/pipeline/runReport';
import { isWeighted, weightSummary, type WeightSummary } from '../../core/report/weightTerms';
import { renderHtmlReport, type HtmlSampleRow } from '../../core/report/html';
import { checkOutputFile, writeOutputFile } from '../../core/runs/outputPath';
import { liveLockHolder } from '../../core/runs/runLock';
import { readRun, type RunData } from '../../core/runs/runStore';
import { readScoredSamplesFile } from '../../core/runs/scoredSamplesFile';
import { toScoredSamples } from '../../core/runs/scoredSamples';
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

const OPTIONS = {
  samples: { type: 'string' },
  verifier: { type: 'string' },
  filter: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  'checker-corrected': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  const v = values as RawValues;
  const samplesFile = stringOpt(v, 'samples');
  if ((samplesFile === undefined) === (positionals.length === 0) || positionals.length > 1) {
    throw new UserError('report takes one RUN_DIR or --samples FILE', 2);
  }
  // Flags are checked before any file is read, so a typo is a usage error, not a file error.
  const filterFlag = stringOpt(v, 'filter');
  const verifierFlag = stringOpt(v, 'verifier');
  if (filterFlag !== undefined) parseFilter(filterFlag);
  if (verifierFlag !== undefined) parseSelector(verifierFlag);
  const html = stringOpt(v, 'html');
  if (html !== undefined) checkOutputFile(html, { force: flag(v, 'force'), option: '--html' });
  if (samplesFile !== undefined) {
    const samples = await readScoredSamplesFile(samplesFile);
    const verifier = stringOpt(v, 'verifier') ?? onlyVerifier(samples, samplesFile);
    const assessed = assessSamplesReport(samples, reportOptions(verifier, stringOpt(v, 'filter') ?? 'quantile:0.8', v));
    await emit(assessed, v, { title: basename(samplesFile), context: [{ label: 'samples file', value: samplesFile }], weights: () => weightsSummary(samples, assessed.report) });
    return 0;
  }
  return printRunReport(positionals[0] as string, { json: flag(v, 'json'), warn: say, values: v });
}

/**
 * Prints (or writes as HTML) the report of a run folder; shared with `gaplens run` and `reverify`.
 * A run whose lock a live writer holds is being added to while it is read: the report says so and
 * draws no conclusion.
 */
export async function printRunReport(dir: string, opts: { json: boolean; warn: (m: string) => void; values?: RawValues }): Promise<number> {
  const v: RawValues = { ...opts.values, json: opts.json };
  const run = await readRun(dir, { onWarning: opts.warn });
  const samples = toScoredSamples(run, { checkerCorrected: flag(v, 'checker-corrected') });
  const imported = run.manifest.import;
  if (run.manifest.config.verifiers.length === 0 && stringOpt(v, 'verifier') === undefined) {
    // Only an import makes a run with no verifiers: it waits for `reverify` to add them.
    throw new UserError(`${dir} has no verifiers yet${imported ? ' (its generations were imported)' : ''}: add them with gaplens reverify ${dir} --verifier mc (docs/import.md)`);
  }
  const verifier = stringOpt(v, 'verifier') ?? run.manifest.config.verifiers[0] ?? 'mc';
  const filter = stringOpt(v, 'filter') ?? run.manifest.config.filter;
  const live = (await liveLockHolder(dir)) !== null;
  const options = reportOptions(verifier, filter, v);
  const batch = await batchOf(dir, opts.warn);
  const batchLines = batch === null ? [] : [batchProgressText(batch)];
  let assessedRun: AssessedReport;
  try {
    assessedRun = assessRunReport(run, samples, options, live);
  } catch (err) {
    // A batch run has no samples until its first phase lands: where its batches stand is the news.
    if (err instanceof UserError && batch !== null) throw new UserError(`${err.message}; ${batchLines.join('')}`);
    throw err;
  }
  const assessed = { ...assessedRun, audit: await runAudit(run, options) };
  const c = run.manifest.config;
  // Which model generated and which verified what this report reads: the f and g of gap(f, g).
  const models = gapModels(c, selectorVerifiers(parseSelector(verifier)));
  await emit(assessed, v, {
    title: run.manifest.id,
    models: gapModelsText(models),
    context: [
      { label: 'run', value: dir },
      { label: 'model', value: c.model },
      { label: 'generator and verifier', value: gapModelsText(models) },
      ...(imported ? [{ label: 'generations', value: importedFromText(imported) }] : []),
      { label: 'tasks', value: `${c.tasks}${c.limit !== undefined ? ` (first ${c.limit})` : ''}` },
      { label: 'samples per task', value: String(c.n) },
      { label: 'verifiers', value: c.verifiers.join(', ') },
      { label: 'sampling', value: samplingText(run.manifest) },
      { label: 'versions', value: Object.entries(run.manifest.versions).map(([k, x]) => `${k} ${x}`).join(', ') },
    ],
    rows: () => sampleRows(run, samples, assessed.report),
    weights: () => weightsSummary(samples, assessed.report),
    notes: [
      ...(imported ? [importedFromText(imported)] : []),
      // Said in the text only when the endpoint did not take a setting: the run must not claim it.
      ...(Object.keys(settingsNotSentByModel(run.manifest)).length > 0 ? [`sampling ${samplingText(run.manifest)}`] : []),
      ...batchLines,
    ],
    extra: { run: dir, models, ...(imported ? { import: imported } : {}), ...notSentJson(run.manifest), ...(batch === null ? {} : { batch }) },
  });
  return 0;
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
  /** Under a weighted filter (exp:β), the weights' summary the text report shows instead of kept/dropped counts. */
  weights?: () => WeightSummary | null;
  title: string;
  /** The gap(f, g) line of a run report (gapModelsText). */
  models?: string;
  context: { label: string; value: string }[];
  rows?: () => HtmlSampleRow[];
  extra?: Record<string, unknown>;
  /** Lines of a run report's text about its data (settings an endpoint was not sent). */
  notes?: string[];
}

async function emit(assessed: AssessedReport, v: RawValues, ctx: EmitContext): Promise<void> {
  const html = stringOpt(v, 'html');
  if (html !== undefined) {
    const page = renderHtmlReport({ title: ctx.title, generatedAt: new Date().toISOString(), context: ctx.context, assessed, ...(ctx.rows ? { samples: ctx.rows() } : {}) });
    await writeOutputFile(html, page);
    say(`wrote ${html}`);
  }
  if (flag(v, 'json')) writeOut(`${JSON.stringify({ ...ctx.extra, ...assessedJson(assessed) })}\n`);
  else if (html === undefined) writeOut(formatReport(assessed, `Gap Lens report: ${ctx.title}`, { ...ctx, weights: ctx.weights?.() ?? null }));
}

/** The weight on correct and incorrect samples and the Kish effective sample size, under exp:β when the verifier scored something; else null. */
function weightsSummary(samples: ScoredSample[], report: GapReport): WeightSummary | null {
  const filter = parseFilter(report.filter);
  if (!isWeighted(filter) || report.scored === 0) return null;
  const weights = weightsOf(samples, parseSelector(report.verifier), filter, sampleKey);
  return weightSummary(samples.map((s) => [weights.get(sampleKey(s.task, s.index)) ?? 0, s.correct] as const));
}

function sampleRows(run: RunData, samples: ScoredSample[], report: GapReport): HtmlSampleRow[] {
  const selector = parseSelector(report.verifier);
  const weights = weightsOf(samples, selector, parseFilter(report.filter), sampleKey);
  const tasks = new Map(run.tasks.map((t) => [t.id, t]));
  const byKey = new Map(samples.map((s) => [sampleKey(s.task, s.index), s]));
  const rows: HtmlSampleRow[] = [];
  for (const g of run.generations.values()) {
    const key = sampleKey(g.task, g.index);
    const task = tasks.get(g.task);
    const verifications = [...(run.verifications.get(key)?.values() ?? [])];
    const sample = byKey.get(key);
    rows.push({
      task: g.task,
      index: g.index,
      question: task?.question ?? '',
      gold: Array.isArray(task?.answer) ? task.answer.join(' | ') : (task?.answer ?? ''),
      text: g.text,
      extracted: g.grade.extracted,
      correct: sample?.correct ?? g.grade.correct,
      gradeReason: g.grade.reason,
      score: sample ? selectorScore(sample.scores, selector) : null,
      weight: weights.get(key) ?? 0,
      verifications: verifications.map((r) => ({ verifier: r.verifier, score: r.score, parse: r.parse, raw: r.raw })),
    });
  }
  return rows;
}
