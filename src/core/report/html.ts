// `gaplens report RUN --html FILE`: one self-contained static HTML file with the statistics of a
// run and, when the report is over a run folder, every sample to inspect. No scripts and no
// external resources (a strict CSP says so); expandable parts are <details>, charts inline SVG.
// Everything printed goes through `html` (see escape.ts) because model output is untrusted.

import type { AssessedReport } from '../stats/assessment';
import { conclusionText } from '../stats/conclusion';
import type { Confusion, DifficultyBin, GapReport, Interval, TaskStats } from '../stats/types';
import { UserError } from '../util/errors';
import { plural } from '../util/plural';
import { notMeasuredReason, partialNote, runStateLines, verifierCoverageLines } from './coverageText';
import { html, type SafeHtml } from './escape';
import { measureNote, missing, orMissing, partialBadge, verifierValue, type Measure } from './measure';
import { binScores, type ScoreHistogram } from './histogram';
import { formatAmount, formatEss, formatIn, formatIntervalIn, formatLevel, formatPercent, formatPoints, formatRate, formatShort, formatSigned, type Unit } from './numbers';
import { pageHead } from './styles';
import { auditSection } from './auditSection';
import { anyNSection, qualitySection } from './qualitySections';
import { verificationSection } from './verificationSection';
import { histogramChart, kLineChart, type KSeries } from './svgCharts';
import { disagreement, disagreementText, weightMass, type Disagreement, type WeightSummary } from './weightTerms';

export interface HtmlReportInput {
  /** E.g. the run id or the samples file name. */
  title: string;
  /** ISO time. */
  generatedAt: string;
  /** Model, tasks, n, verifier, filter, versions…, shown as a definition list. */
  context: { label: string; value: string }[];
  /** The report with its coverage, run state and conclusion (shown as the banner at the top). */
  assessed: AssessedReport;
  /** Present when the report is over a run folder: every sample's row, or with `sampleTotals` only those of the tasks shown (shownTasks). */
  samples?: HtmlSampleRow[];
  /**
   * A large run's rows are not all read: `samples` holds the shown tasks' rows, and the histogram
   * and the truncation note read every sample's selector score and verdict from here.
   */
  sampleTotals?: { tasks: number; samples: number; scores: Iterable<{ score: number | null; correct: boolean }> };
  /** How much of the per-sample section to render; defaults to DEFAULT_SAMPLE_LIMITS. */
  sampleLimits?: SampleLimits;
  /**
   * Under a weighted filter (exp:β) whose verifier scored something, the weights' summary: the report
   * then speaks of weights, not kept/dropped (docs/statistics.md, "Weighted filters") — the filter
   * decisions show the weight on correct and incorrect samples and the Kish effective sample size, and
   * a sample's disagreement is decided at w ≥ ½. Absent or null: a binary filter.
   */
  weights?: WeightSummary | null;
}

export interface HtmlSampleRow {
  task: string;
  index: number;
  question: string;
  gold: string;
  /** Full model generation. */
  text: string;
  extracted: string | null;
  correct: boolean;
  gradeReason: string;
  /** The selected verifier's score. */
  score: number | null;
  /** Filter weight (0 = dropped). */
  weight: number;
  verifications: { verifier: string; score: number | null; parse: 'ok' | 'failed'; raw: string }[];
}

/**
 * The per-sample section shows whole tasks, in input order, until either limit is reached (but
 * always at least one task). Both limits exist because a task count alone does not bound the
 * size: 500 tasks of 128 samples with four verifiers' outputs each would still be hundreds of MB.
 */
export interface SampleLimits {
  tasks: number;
  samples: number;
}

export const DEFAULT_SAMPLE_LIMITS: SampleLimits = { tasks: 500, samples: 10_000 };

const WHY = {
  relativeGap: 'undefined: every task has J(f|x) = 1, so no task has room to improve (the relative gap divides by 1 − J(f|x))',
  precision: 'undefined: the filter kept no sample (precision = kept correct / kept)',
  recall: 'undefined: there is no correct sample (recall = kept correct / correct)',
  correlation: 'undefined: a verifier’s scores are constant, or too few samples have scores from both verifiers',
  sampleScore: 'no score: the selected verifier’s output could not be parsed or is missing; filters rank it lowest',
  verificationScore: 'no score: this verifier’s output could not be parsed',
  extracted: 'no final answer was found in the generation',
} as const;

export function renderHtmlReport(input: HtmlReportInput): string {
  const limits = checkLimits(input.sampleLimits ?? DEFAULT_SAMPLE_LIMITS);
  const { assessed } = input;
  const { report, coverage } = assessed;
  const measure: Measure = coverage.selector.measured
    ? { measured: true, partial: coverage.selector.partial ? partialNote(coverage.selector) : null }
    : { measured: false, reason: `not measured: ${notMeasuredReason(coverage)}` };
  const groups = input.samples === undefined ? undefined : groupByTask(input.samples);
  const shown = groups === undefined ? [] : groups.slice(0, shownTasks(groups.map(([, rows]) => rows.length), limits));
  const totals = input.sampleTotals ?? (input.samples === undefined ? undefined : { tasks: groups?.length ?? 0, samples: input.samples.length, scores: input.samples });
  // Task -> position in the per-sample section, so the per-task table can link to it. Anchors
  // are numbers, never task ids: no untrusted string ends up in an id or a URL.
  const anchors = new Map(shown.map(([task], i) => [task, i]));
  const weights = input.weights ?? null;
  const weighted = weights !== null;
  const page = html`${pageHead(`Gap Lens report: ${input.title}`)}
<body>
<header>
<h1>Gap Lens report: ${input.title}</h1>
${banner(assessed)}
<p class="muted">Generated ${input.generatedAt}</p>
<dl class="context">
${input.context.map((c) => html`<dt>${c.label}</dt><dd>${c.value}</dd>
`)}</dl>
<nav><a href="#summary">Summary</a><a href="#scores">Scores</a><a href="#quality">Verifier quality</a>${assessed.audit ? html`<a href="#audit">Audit</a>` : ''}<a href="#k">pass@k</a><a href="#anyn">Any N</a>${report.verificationCurve === undefined ? '' : html`<a href="#verifications">Verifications</a>`}<a href="#difficulty">Difficulty</a><a href="#correlations">Correlations</a><a href="#tasks">Tasks</a><a href="#samples">Samples</a></nav>
</header>
<main>
${summarySection(report, measure, weights)}
${scoresSection(totals, report.verifier)}
${qualitySection(assessed)}
${auditSection(assessed.audit)}
${kSection(report, measure)}
${anyNSection(report, measure)}
${verificationSection(report, measure)}${difficultySection(report.byDifficulty, measure)}
${correlationSection(report.correlations)}
${perTaskSection(report.perTask, anchors, measure, weighted)}
${samplesSection(totals, shown, limits, weighted)}
</main>
</body>
</html>
`;
  return page.toString();
}

function checkLimits(limits: SampleLimits): SampleLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new UserError(`HTML report: the per-sample limit "${name}" must be a positive integer, got ${value}.`);
    }
  }
  return limits;
}

// ---- banner -----------------------------------------------------------------------------------

/** What the numbers rest on, before any number: run state, verifier coverage, few tasks, the conclusion. */
function banner(assessed: AssessedReport): SafeHtml {
  const { coverage, state, report, conclusion } = assessed;
  const stateLines = assessed.source === 'run' ? runStateLines(coverage, state) : [];
  const { warning: finiteNWarning } = report.finiteN;
  const warn = !state.complete || state.live || coverage.selector.partial || !coverage.selector.measured || report.fewTasksWarning !== null || finiteNWarning !== null;
  const line = (text: string): SafeHtml => html`<p>${text}</p>
`;
  return html`<div class="banner${warn ? ' warn' : ''}" role="status" data-role="coverage">
${stateLines.map(line)}${verifierCoverageLines(coverage).map(line)}${report.fewTasksWarning === null ? '' : line(report.fewTasksWarning)}${finiteNWarning === null ? '' : line(finiteNWarning)}<p class="conclusion">${conclusionText(conclusion)}</p>
</div>`;
}

// ---- summary ----------------------------------------------------------------------------------

function card(label: string, hint: string, value: SafeHtml | string, detail: SafeHtml | string): SafeHtml {
  return html`<div class="card"><div class="label" title="${hint}">${label}</div><div class="value">${value}</div><div class="detail">${detail}</div></div>`;
}

function aurocWhy(report: GapReport): string {
  const c = report.confusion;
  if (c === null) return 'undefined: nothing was scored';
  if (c.keptCorrect + c.droppedCorrect === 0) return 'undefined: the pool has no correct sample to rank';
  if (c.keptWrong + c.droppedWrong === 0) return 'undefined: the pool has no incorrect sample to rank';
  return 'undefined: the pool lacks correct or incorrect samples';
}

function summarySection(r: GapReport, measure: Measure, weights: WeightSummary | null): SafeHtml {
  const level = formatLevel(r.ci.level);
  const ci = (interval: Interval | null, unit: Unit): SafeHtml | string =>
    measure.measured ? html`${interval === null ? html`${level} CI ${missing(WHY.relativeGap)}` : `${level} CI ${formatIntervalIn(interval, unit, r.tasks, r.ci.resamples)}`}${partialBadge(measure)}` : measure.reason;
  const signedPercent = (x: number): string => formatIn(x, 'signed-percent');
  const verifierDetail = (text: string): SafeHtml | string => (measure.measured ? html`${text}${partialBadge(measure)}` : measure.reason);
  // Precision and recall count samples as kept or dropped; under exp:β every scored sample weighs
  // something, so they are left out, as in the CLI text (the weights below say it instead).
  const keptShares =
    weights === null
      ? html`${card('Precision', 'kept correct / kept', verifierValue(measure, r.precision, formatPercent, WHY.precision), verifierDetail('correct among kept'))}
${card('Recall', 'kept correct / correct', verifierValue(measure, r.recall, formatPercent, WHY.recall), verifierDetail('correct that were kept'))}
`
      : '';
  return html`<section id="summary">
<h2>Summary</h2>
<p>${plural(r.tasks, 'task')}, ${plural(r.samples, 'sample')} (${r.scored} scored) · verifier <code>${r.verifier}</code> · filter <code>${r.filter}</code> · ${level} intervals from ${r.ci.resamples} bootstrap resamples (seed ${r.ci.seed})${r.fewTasksWarning === null ? '' : html` · <span class="badge warn">${r.fewTasksWarning}</span>`}</p>
<div class="cards">
${card('Accuracy J(f)', 'mean correctness of all samples', formatPercent(r.accuracy), `${level} CI ${formatIntervalIn(r.ci.accuracy, 'percent', r.tasks, r.ci.resamples)}`)}
${card('Filtered accuracy J(f[w])', 'weighted mean correctness after the filter', verifierValue(measure, r.filteredAccuracy, formatPercent, ''), ci(r.ci.filteredAccuracy, 'percent'))}
${card('Gap', 'J(f[w]) − J(f), in percentage points', verifierValue(measure, r.gap, formatPoints, ''), ci(r.ci.gap, 'points'))}
${card(
  'Relative gap',
  'mean over tasks of (J(f[w]|x) − J(f|x)) / (1 − J(f|x)), tasks with J(f|x) = 1 excluded',
  verifierValue(measure, r.relativeGap, signedPercent, WHY.relativeGap),
  ci(r.ci.relativeGap, 'signed-percent'),
)}
${card('Oracle filtered accuracy', 'the same filter with the answer checker as the verifier (score 1 if graded correct, else 0)', formatPercent(r.oracle.filteredAccuracy), `${level} CI ${formatIntervalIn(r.oracle.ci.filteredAccuracy, 'percent', r.tasks, r.ci.resamples)}`)}
${card('Oracle gap', 'oracle filtered accuracy − J(f): the gap of this filter with the checker\'s grades as the scores', formatPoints(r.oracle.gap), `${level} CI ${formatIntervalIn(r.oracle.ci.gap, 'points', r.tasks, r.ci.resamples)}`)}
${card('Retention', 'share of the samples the filter kept (sum of weights / samples)', verifierValue(measure, r.retention, formatPercent, ''), verifierDetail('of the samples kept'))}
${card('AUROC', 'how well the score ranks correct above incorrect samples', verifierValue(measure, r.auroc, formatRate, aurocWhy(r)), verifierDetail('score vs correctness'))}
${keptShares}${card('Tasks with nothing kept', 'their filtered accuracy is set to their accuracy', verifierValue(measure, r.tasksNothingKept, String, ''), verifierDetail(`of ${plural(r.tasks, 'task')}`))}
${card('Excluded from relative gap', 'tasks with J(f|x) = 1 have no room to improve', String(r.relativeGapExcludedTasks), `of ${plural(r.tasks, 'task')}, J(f|x) = 1`)}
</div>
<h3>Filter decisions</h3>
${filterDecisions(r.confusion, weights, measure)}
</section>`;
}

/** Kept/dropped counts under a binary filter; under a weighted one the weights and their effective sample size. */
function filterDecisions(confusion: Confusion | null, weights: WeightSummary | null, measure: Measure): SafeHtml {
  if (weights !== null) return weightTable(weights, partialBadge(measure));
  return confusion === null ? html`<p class="empty">${measure.measured ? '' : measure.reason}</p>` : confusionTable(confusion, partialBadge(measure));
}

function weightTable(w: WeightSummary, note: SafeHtml | string): SafeHtml {
  return html`<p>The filter weighs every sample instead of keeping or dropping it: a weight is the probability that rejection sampling accepts the sample.${note === '' ? '' : html` ${note}`}</p>
<table class="confusion weights">
<tbody>
<tr><th title="Σ w over the graded correct samples: how many of them rejection sampling accepts, in expectation">weight on correct</th><td>${formatAmount(w.onCorrect)}</td></tr>
<tr><th title="Σ w over the graded incorrect samples: how many of them rejection sampling accepts, in expectation">weight on incorrect</th><td class="bad">${formatAmount(w.onWrong)}</td></tr>
<tr><th title="(Σ w)² / Σ w² over the same samples: n when every weight is equal, 1 when one sample carries all the weight">effective sample size (Kish)</th><td>${formatEss(w.ess, w.samples)}</td></tr>
</tbody>
</table>`;
}

function confusionTable(c: Confusion, note: SafeHtml | string): SafeHtml {
  const row = (label: string, correct: number, wrong: number, warnCorrect: boolean): SafeHtml =>
    html`<tr><th>${label}</th><td${warnCorrect ? html` class="bad"` : ''}>${formatAmount(correct)}</td><td${warnCorrect ? '' : html` class="bad"`}>${formatAmount(wrong)}</td><td>${formatAmount(correct + wrong)}</td></tr>
`;
  return html`${note === '' ? '' : html`<p>${note}</p>
`}<table class="confusion">
<thead><tr><th></th><th>correct</th><th>incorrect</th><th>total</th></tr></thead>
<tbody>
${row('kept', c.keptCorrect, c.keptWrong, false)}${row('dropped', c.droppedCorrect, c.droppedWrong, true)}<tr><th>total</th><td>${formatAmount(c.keptCorrect + c.droppedCorrect)}</td><td>${formatAmount(c.keptWrong + c.droppedWrong)}</td><td>${formatAmount(c.keptCorrect + c.keptWrong + c.droppedCorrect + c.droppedWrong)}</td></tr>
</tbody>
</table>`;
}

// ---- score histogram --------------------------------------------------------------------------

function scoresSection(totals: SampleTotals | undefined, verifier: string): SafeHtml {
  const head = html`<section id="scores">
<h2>Scores of <code>${verifier}</code>, correct vs incorrect</h2>
`;
  if (totals === undefined) return html`${head}<p class="empty">No per-sample data: this report was built without the run’s samples.</p>
</section>`;
  if (totals.samples === 0) return html`${head}<p class="empty">The run has no samples.</p>
</section>`;
  const histogram = binScores(totals.scores);
  const scored = histogram.bins.some((b) => b.correct + b.incorrect > 0);
  return html`${head}${scored ? histogramChart(histogram.bins, verifier) : html`<p class="empty">No sample has a score.</p>`}
${unscoredNote(histogram)}${scored ? histogramTable(histogram) : ''}</section>`;
}

function unscoredNote({ unscored }: ScoreHistogram): SafeHtml | string {
  const total = unscored.correct + unscored.incorrect;
  if (total === 0) return '';
  return html`<p>Not in the chart: ${plural(total, 'sample')} without a score (${unscored.correct} correct, ${unscored.incorrect} incorrect), because the verifier’s output could not be parsed or is missing.</p>
`;
}

function histogramTable({ bins }: ScoreHistogram): SafeHtml {
  return html`<details><summary>Histogram counts</summary>
<table><thead><tr><th>score</th><th>correct</th><th>incorrect</th></tr></thead><tbody>
${bins.map(
  (b, i) =>
    html`<tr><td class="text">[${formatShort(b.lo)}, ${formatShort(b.hi)}${i === bins.length - 1 ? ']' : ')'}</td><td>${b.correct}</td><td>${b.incorrect}</td></tr>
`,
)}</tbody></table>
</details>
`;
}

// ---- pass@k -----------------------------------------------------------------------------------

/** Up to this many k, the table lists every k; beyond, powers of two and N, the rest folded. */
const FULL_K_TABLE = 16;

function kSection(r: GapReport, measure: Measure): SafeHtml {
  const maxK = Math.max(r.passAtK.length, r.majAtK.length, r.bestOfK?.length ?? 0);
  const head = html`<section id="k">
<h2>pass@k, pass^k, maj@k, best-of-k</h2>
`;
  if (maxK === 0) return html`${head}<p class="empty">No values: the report has no samples.</p>
</section>`;
  const all = Array.from({ length: maxK }, (_, i) => i + 1);
  const notComputed = (label: string) => (k: number) => `${label} was not computed for k = ${k}`;
  const series: (KSeries & { absent: (k: number) => string })[] = [
    { label: 'pass@k', cls: 'k-pass', values: r.passAtK, absent: notComputed('pass@k') },
    { label: 'pass^k', cls: 'k-all', values: r.passAllK, absent: notComputed('pass^k') },
    { label: 'maj@k', cls: 'k-maj', values: r.majAtK, absent: notComputed('maj@k') },
    { label: 'best-of-k', cls: 'k-best', values: r.bestOfK ?? [], absent: measure.measured ? notComputed('best-of-k') : () => measure.reason },
  ];
  const note = measureNote(measure, 'best-of-k');
  const table = (ks: number[]): SafeHtml => html`<table>
<thead><tr><th>k</th><th title="at least one of k samples is correct">pass@k</th><th title="all k samples are correct">pass^k</th><th title="the majority answer of k samples is correct">maj@k</th><th title="the highest-scoring of k samples (by the verifier) is correct">best-of-k</th></tr></thead>
<tbody>
${ks.map(
  (k) => html`<tr><td>${k}</td>${series.map((s) => html`<td>${kValue(s.values, k, s.label, s.absent)}</td>`)}</tr>
`,
)}</tbody>
</table>
`;
  if (maxK <= FULL_K_TABLE) return html`${head}${note}${table(all)}${kLineChart(series)}
</section>`;
  const key = all.filter((k) => (k & (k - 1)) === 0 || k === maxK);
  return html`${head}${note}${table(key)}<details><summary>All k from 1 to ${maxK}</summary>
${table(all)}</details>
${kLineChart(series)}
</section>`;
}

function kValue(values: readonly (number | null)[], k: number, label: string, absent: (k: number) => string): SafeHtml | string {
  const v = values[k - 1];
  if (v === undefined) return missing(absent(k));
  return orMissing(v, formatPercent, `${label} is undefined for k = ${k}`);
}

// ---- difficulty, correlations, per task ------------------------------------------------------

function difficultySection(bins: readonly DifficultyBin[], measure: Measure): SafeHtml {
  const head = html`<section id="difficulty">
<h2>By difficulty (tasks binned by J(f|x))</h2>
`;
  if (bins.length === 0) return html`${head}<p class="empty">No difficulty bins: the report has no tasks.</p>
</section>`;
  return html`${head}${measureNote(measure, 'J(f[w]) and gap')}<table>
<thead><tr><th>J(f|x)</th><th>tasks</th><th>J(f)</th><th>J(f[w])</th><th>gap</th></tr></thead>
<tbody>
${bins.map(
  (b, i) =>
    html`<tr><td class="text">[${formatShort(b.range[0])}, ${formatShort(b.range[1])}${i === bins.length - 1 ? ']' : ')'}</td><td>${b.tasks}</td><td>${formatPercent(b.accuracy)}</td><td>${verifierValue(measure, b.filteredAccuracy, formatPercent, '')}</td><td>${verifierValue(measure, b.gap, formatPoints, '')}</td></tr>
`,
)}</tbody>
</table>
</section>`;
}

function correlationSection(correlations: GapReport['correlations']): SafeHtml {
  const pairs = [...new Set([...Object.keys(correlations.pearson), ...Object.keys(correlations.spearman)])];
  const head = html`<section id="correlations">
<h2>Verifier correlations</h2>
`;
  if (pairs.length === 0) return html`${head}<p class="empty">Fewer than two verifiers: nothing to correlate.</p>
</section>`;
  const cell = (value: number | null | undefined): SafeHtml | string =>
    value === undefined ? missing('not computed for this pair') : orMissing(value, formatSigned, WHY.correlation);
  return html`${head}<table>
<thead><tr><th>verifiers</th><th>Pearson</th><th>Spearman</th></tr></thead>
<tbody>
${pairs.map(
  (pair) => html`<tr><td class="text"><code>${pair}</code></td><td>${cell(correlations.pearson[pair])}</td><td>${cell(correlations.spearman[pair])}</td></tr>
`,
)}</tbody>
</table>
</section>`;
}

function perTaskSection(tasks: readonly TaskStats[], anchors: ReadonlyMap<string, number>, measure: Measure, weighted: boolean): SafeHtml {
  const head = html`<section id="tasks">
<h2>Per task</h2>
`;
  if (tasks.length === 0) return html`${head}<p class="empty">No tasks.</p>
</section>`;
  const taskCell = (task: string): SafeHtml => {
    const anchor = anchors.get(task);
    return anchor === undefined ? html`<code>${task}</code>` : html`<a href="#task-${anchor}"><code>${task}</code></a>`;
  };
  const notes = (t: TaskStats): SafeHtml => html`${
    t.nothingKept
      ? html`<span class="badge warn" title="the filter kept no sample of this task; J(f[w]|x) is set to J(f|x)">nothing kept</span> `
      : ''
  }${t.accuracy === 1 ? html`<span class="badge" title="no room to improve; excluded from the relative gap">J(f|x) = 1</span>` : ''}`;
  const gap = (t: TaskStats): number | null => (t.filteredAccuracy === null ? null : t.filteredAccuracy - t.accuracy);
  const kept = weighted ? html`<th title="the sum of the task's filter weights">Σw</th>` : html`<th>kept</th>`;
  return html`${head}${measureNote(measure, `J(f[w]|x), gap and ${weighted ? 'Σw' : 'kept'}`)}<table>
<thead><tr><th>task</th><th>samples</th><th>J(f|x)</th><th>J(f[w]|x)</th><th>gap</th>${kept}<th>notes</th></tr></thead>
<tbody>
${tasks.map(
  (t) =>
    html`<tr><td class="text">${taskCell(t.task)}</td><td>${t.samples}</td><td>${formatPercent(t.accuracy)}</td><td>${verifierValue(measure, t.filteredAccuracy, formatPercent, '')}</td><td>${verifierValue(measure, gap(t), formatPoints, '')}</td><td>${verifierValue(measure, t.kept, formatAmount, '')}</td><td class="text">${notes(t)}</td></tr>
`,
)}</tbody>
</table>
</section>`;
}

// ---- samples ----------------------------------------------------------------------------------

type TaskGroup = [task: string, rows: HtmlSampleRow[]];
type SampleTotals = NonNullable<HtmlReportInput['sampleTotals']>;

/** Tasks in order of first appearance, each task's samples by index. */
function groupByTask(samples: readonly HtmlSampleRow[]): TaskGroup[] {
  const groups = new Map<string, HtmlSampleRow[]>();
  for (const row of samples) {
    const rows = groups.get(row.task);
    if (rows === undefined) groups.set(row.task, [row]);
    else rows.push(row);
  }
  for (const rows of groups.values()) rows.sort((a, b) => a.index - b.index);
  return [...groups];
}

/**
 * How many of the first tasks (in input order, with these sample counts) the per-sample section
 * shows: whole tasks until either limit is reached, but always at least one.
 */
export function shownTasks(sizes: Iterable<number>, limits: SampleLimits = DEFAULT_SAMPLE_LIMITS): number {
  let shown = 0;
  let samples = 0;
  for (const size of sizes) {
    if (shown >= limits.tasks) break;
    if (shown > 0 && samples + size > limits.samples) break;
    shown++;
    samples += size;
  }
  return shown;
}

/** The sample's disagreement badge in the filter's vocabulary (weightTerms.ts), or null. */
function badgeOf(row: HtmlSampleRow, weighted: boolean): string | null {
  const d = disagreement(row.weight, row.correct, weighted);
  return d === null ? null : disagreementText(d, weighted);
}

function samplesSection(totals: SampleTotals | undefined, shown: readonly TaskGroup[], limits: SampleLimits, weighted: boolean): SafeHtml {
  const head = html`<section id="samples">
<h2>Samples</h2>
`;
  if (totals === undefined) return html`${head}<p class="empty">No per-sample data: this report was built without the run’s samples.</p>
</section>`;
  if (totals.tasks === 0) return html`${head}<p class="empty">The run has no samples.</p>
</section>`;
  const kinds = (['kept-wrong', 'dropped-correct'] as const).map((d) => disagreementText(d, weighted)).join(', ');
  return html`${head}${truncationNote(totals, shown, limits)}<p><input type="checkbox" id="only-disagreements"> <label for="only-disagreements">Show only disagreements (${kinds})</label></p>
${shown.map((group, i) => taskBlock(group, i, weighted))}</section>`;
}

function truncationNote(totals: SampleTotals, shown: readonly TaskGroup[], limits: SampleLimits): SafeHtml | string {
  if (shown.length === totals.tasks) return '';
  const total = totals.samples;
  const shownSamples = shown.reduce((sum, [, rows]) => sum + rows.length, 0);
  return html`<p class="note">Showing the samples of the first ${shown.length} of ${plural(totals.tasks, 'task')} (${shownSamples} of ${plural(total, 'sample')}); ${plural(totals.tasks - shown.length, 'task')} (${plural(total - shownSamples, 'sample')}) left out to keep this file small (limit: ${plural(limits.tasks, 'task')} or ${plural(limits.samples, 'sample')}). The statistics above cover every sample; open the run in the Gap Lens extension to inspect the rest.</p>
`;
}

function taskBlock([task, rows]: TaskGroup, position: number, weighted: boolean): SafeHtml {
  const first = rows[0];
  const correct = rows.filter((r) => r.correct).length;
  const mass = weightMass(rows.map((r) => r.weight));
  const count = (d: Disagreement): number => rows.filter((r) => disagreement(r.weight, r.correct, weighted) === d).length;
  const keptWrong = count('kept-wrong');
  const droppedCorrect = count('dropped-correct');
  const badge = (n: number, d: Disagreement): SafeHtml | string => (n > 0 ? html` <span class="badge warn">${n} ${disagreementText(d, weighted)}</span>` : '');
  // Under exp:β every weight > 0 would count as kept: the task says its weight and how many samples that weight is worth.
  const filterPart = weighted ? `Σw ${formatAmount(mass.sum)} · ESS ${formatEss(mass.ess, rows.length)}` : `kept ${formatAmount(mass.sum)}`;
  return html`<section class="task${keptWrong + droppedCorrect > 0 ? ' has-disagreement' : ''}" id="task-${position}">
<h3><code>${task}</code></h3>
<p class="meta">${plural(rows.length, 'sample')} · ${correct} correct · ${filterPart}${badge(keptWrong, 'kept-wrong')}${badge(droppedCorrect, 'dropped-correct')}</p>
${
  first === undefined
    ? ''
    : html`<dl class="fields"><dt>Question</dt><dd><pre class="question">
${first.question}</pre></dd><dt>Gold</dt><dd><code>${first.gold}</code></dd></dl>
`
}${rows.map((row) => sampleBlock(row, weighted))}</section>
`;
}

/** Summary lines stay one line; the full answer is in the body. */
const SUMMARY_ANSWER_CHARS = 60;

function shortened(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

// A newline right after <pre> is dropped by HTML parsers, so each <pre> below starts with one:
// a generation that itself begins with a newline is then shown exactly.
function sampleBlock(row: HtmlSampleRow, weighted: boolean): SafeHtml {
  const badge = badgeOf(row, weighted);
  return html`<details class="sample${badge === null ? '' : ' disagreement'}">
<summary><span>#${row.index}</span>${
    row.correct ? html`<span class="ok">✓ correct</span>` : html`<span class="bad">✗ incorrect</span>`
  }<span>score ${orMissing(row.score, formatRate, WHY.sampleScore)}</span><span>weight ${formatAmount(row.weight)}</span><span>answer ${
    row.extracted === null ? missing(WHY.extracted) : html`<code>${shortened(row.extracted, SUMMARY_ANSWER_CHARS)}</code>`
  }</span>${badge === null ? '' : html`<span class="badge warn">${badge}</span>`}</summary>
<div class="sample-body">
<h4>Generation</h4>
<pre>
${row.text}</pre>
<dl class="fields"><dt>Extracted answer</dt><dd>${row.extracted === null ? missing(WHY.extracted) : html`<code>${row.extracted}</code>`}</dd><dt>Grader</dt><dd>${row.gradeReason}</dd></dl>
<h4>Verifiers</h4>
${
  row.verifications.length === 0
    ? html`<p class="empty">No verifier output recorded for this sample.</p>
`
    : row.verifications.map(
        (v) => html`<p><code>${v.verifier}</code> score ${orMissing(v.score, formatRate, WHY.verificationScore)} · parse ${
          v.parse === 'ok' ? 'ok' : html`<span class="bad">failed</span>`
        }</p>
<pre>
${v.raw}</pre>
`,
      )
}</div>
</details>
`;
}
