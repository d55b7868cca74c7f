// What an audit's labels say about the whole run: Cohen's κ of the verifier and of the checker against
// the human, and the accuracy, filtered accuracy and gap recomputed on the human-corrected truth — each
// a stratified estimate (the strata are sampled unequally, so every label stands for N_h / l_h samples
// of its stratum) with its interval and the labels it rests on. Definitions: docs/statistics.md,
// "Audit". Pure.
import { AUDIT_STRATA, type AuditStratum } from '../runs/records';
import { createRng } from '../util/random';
import { bootstrapGap, drawTask, percentileInterval, type BootstrapOptions, type GapIntervals } from './bootstrap';
import { auditStrata, drawAudit, type AuditDraw } from './auditDraw';
import { cohensKappa, type AgreementTable, type Kappa } from './kappa';
import { RunningSum } from './runningSum';
import { summarizeTask } from './taskSummary';
import type { Interval } from './types';

/** The audited population: the report's samples, task by task in canonical order. */
export interface AuditRows {
  /** Task t owns rows starts[t] .. starts[t+1]−1. */
  starts: Int32Array;
  /** The checker's verdict per row (1 correct), as graded: never corrected by labels. */
  correct: Uint8Array;
  /** The audit filter's weight per row; kept means > 0. */
  weights: Float64Array;
}

/** The statistics the audit corrects, in this order. */
export const CORRECTED_STATISTICS = ['accuracy', 'filteredAccuracy', 'gap'] as const;
export type CorrectedKey = (typeof CORRECTED_STATISTICS)[number];
/** Their names in the reports. */
export const CORRECTED_NAMES: Record<CorrectedKey, string> = { accuracy: 'accuracy', filteredAccuracy: 'filtered accuracy', gap: 'gap' };

/** Everything that does not depend on the labels, computed once per audit and data. */
export interface PreparedAudit {
  rows: AuditRows;
  strata: Uint8Array;
  draw: AuditDraw;
  /** The statistics on the checker's verdicts, and their task-bootstrap intervals (the report's resamples). */
  checker: Record<CorrectedKey, number>;
  checkerCi: GapIntervals;
  /**
   * Per row, how much a change of its truth by d moves each statistic (they are linear in the truth):
   * accuracy 1/(T·n_x); filtered accuracy w/(T·W_x), or 1/(T·n_x) in a task that keeps nothing; gap the difference.
   */
  coefficients: Record<CorrectedKey, Float64Array>;
}

export function prepareAudit(rows: AuditRows, size: number, seed: number, bootstrap: BootstrapOptions): PreparedAudit {
  const tasks = rows.starts.length - 1;
  const strata = auditStrata(rows.weights, rows.correct);
  const accuracy = new Float64Array(tasks);
  const filtered = new Float64Array(tasks);
  const coefficients = { accuracy: new Float64Array(rows.correct.length), filteredAccuracy: new Float64Array(rows.correct.length), gap: new Float64Array(rows.correct.length) };
  const sums = { accuracy: new RunningSum(), filtered: new RunningSum() };
  for (let t = 0; t < tasks; t++) {
    const from = rows.starts[t] as number;
    const to = rows.starts[t + 1] as number;
    const summary = summarizeTask(rows.correct, rows.weights, from, to);
    accuracy[t] = summary.accuracy;
    filtered[t] = summary.filteredAccuracy;
    sums.accuracy.add(summary.accuracy);
    sums.filtered.add(summary.filteredAccuracy);
    for (let row = from; row < to; row++) {
      const a = 1 / (tasks * summary.samples);
      const f = summary.nothingKept ? a : (rows.weights[row] as number) / (tasks * summary.weight);
      coefficients.accuracy[row] = a;
      coefficients.filteredAccuracy[row] = f;
      coefficients.gap[row] = f - a;
    }
  }
  const checker = { accuracy: sums.accuracy.value / tasks, filteredAccuracy: sums.filtered.value / tasks, gap: 0 };
  checker.gap = checker.filteredAccuracy - checker.accuracy;
  const noRelative = new Float64Array(tasks).fill(Number.NaN);
  const checkerCi = bootstrapGap(accuracy, filtered, noRelative, { ...checker, relativeGap: null }, bootstrap);
  return { rows, strata, draw: drawAudit(strata, size, seed), checker, checkerCi, coefficients };
}

export interface AuditStratumResult {
  stratum: AuditStratum;
  /** N_h. */
  samples: number;
  /** n_h: drawn for labelling. */
  drawn: number;
  /** l_h: labelled so far (the labels the estimates rest on). */
  labelled: number;
  /** Of the labelled, how many the human calls correct. */
  humanCorrect: number;
}

export interface Agreement extends NullableKappa {
  /** Why κ is null: the estimates are unavailable, or chance agreement is 1 (κ undefined, never 0). */
  kappaUnavailable: string | null;
  /** Percentile intervals of the stratified label bootstrap. */
  ci: { kappa: Interval | null; agreement: Interval | null; prevalence: Interval | null };
  /** The labels (not weighted) by what the rater says × what the human says. */
  labels: AgreementTable;
}

type NullableKappa = { [K in keyof Kappa]: number | null };

export interface CorrectedStatistic {
  /** On the checker's verdicts (the report's number when its filter and data are the audit's). */
  checker: number;
  /** Its task-bootstrap interval. */
  checkerCi: Interval | null;
  /** The stratified estimate of Σ coefficient·(human − checker) over every sample. */
  correction: number | null;
  /** Its interval from the stratified label bootstrap. */
  correctionCi: Interval | null;
  /** checker + correction: the statistic on the human-corrected truth. */
  value: number | null;
  /** Both intervals' margins added in quadrature, side by side (which tasks, and which samples were labelled). */
  ci: Interval | null;
}

export interface AuditResult {
  /** N: the samples audited (the report's). */
  samples: number;
  /** Σ n_h. */
  drawn: number;
  /** L = Σ l_h: what every estimate rests on. */
  labelled: number;
  /** Labels of this audit not used: their sample is not in the draw any more, or the stratum they record is not the sample's (the data changed). */
  ignoredLabels: number;
  strata: AuditStratumResult[];
  /** Why κ and the corrected statistics are null: a stratum with samples has no label yet. */
  estimatesUnavailable: string | null;
  /** Why the intervals are null: that, or a stratum not labelled in full has fewer than 2 labels. */
  intervalsUnavailable: string | null;
  agreement: { verifier: Agreement; checker: Agreement };
  corrected: Record<CorrectedKey, CorrectedStatistic>;
  ci: { level: number; resamples: number; seed: number };
}

/** The statistics one set of labels gives, in a fixed order (the bootstrap keeps one array per entry). */
const ESTIMATES = ['verifierKappa', 'verifierAgreement', 'checkerKappa', 'checkerAgreement', 'prevalence', 'accuracy', 'filteredAccuracy', 'gap'] as const;
type EstimateKey = (typeof ESTIMATES)[number];

/**
 * The audit's estimates from `human` (per row: 1 the human calls it correct, 0 incorrect, −1 no usable
 * label; only drawn rows may carry one). `ignored`: this audit's labels that were not usable.
 */
export function evaluateAudit(prepared: PreparedAudit, human: Int8Array, ignored: number, bootstrap: BootstrapOptions): AuditResult {
  const { draw, strata } = prepared;
  const labelled: number[][] = AUDIT_STRATA.map(() => []);
  human.forEach((verdict, row) => {
    if (verdict < 0) return;
    if ((draw.position[row] as number) < 0) throw new RangeError(`row ${row} has a label but was not drawn`);
    (labelled[strata[row] as number] as number[]).push(row);
  });
  const stratumResults = AUDIT_STRATA.map((stratum, h): AuditStratumResult => {
    const rows = labelled[h] as number[];
    return { stratum, samples: draw.sizes[h] as number, drawn: draw.allocation[h] as number, labelled: rows.length, humanCorrect: rows.filter((r) => human[r] === 1).length };
  });
  const estimatesUnavailable = missingStratum(stratumResults);
  const intervalsUnavailable = estimatesUnavailable ?? thinStratum(stratumResults);
  const point = estimatesUnavailable === null ? estimate(prepared, labelled, human) : null;
  const intervals = point !== null && intervalsUnavailable === null ? labelBootstrap(prepared, labelled, human, point, bootstrap) : null;
  const at = (key: EstimateKey): number | null => point?.values[key] ?? null;
  const ci = (key: EstimateKey): Interval | null => intervals?.[key] ?? null;
  const agreement = (rater: 'verifier' | 'checker'): Agreement => {
    const kappa = point?.kappas[rater];
    return {
      kappa: kappa?.kappa ?? null,
      kappaUnavailable: estimatesUnavailable ?? (kappa?.kappa === null ? kappaUndefined(rater, kappa.raterPositive) : null),
      agreement: kappa?.agreement ?? null,
      chance: kappa?.chance ?? null,
      prevalence: kappa?.prevalence ?? null,
      raterPositive: kappa?.raterPositive ?? null,
      ci: { kappa: ci(`${rater}Kappa`), agreement: ci(`${rater}Agreement`), prevalence: ci('prevalence') },
      labels: labelCounts(labelled, human, rater),
    };
  };
  const corrected = (key: CorrectedKey): CorrectedStatistic => {
    const checker = prepared.checker[key];
    const checkerCi = prepared.checkerCi[key];
    const correction = at(key);
    const correctionCi = ci(key);
    const value = correction === null ? null : checker + correction;
    return { checker, checkerCi, correction, correctionCi, value, ci: value === null || correction === null ? null : combined(checker, checkerCi, correction, correctionCi) };
  };
  return {
    samples: prepared.rows.correct.length,
    drawn: draw.order.length,
    labelled: stratumResults.reduce((sum, s) => sum + s.labelled, 0),
    ignoredLabels: ignored,
    strata: stratumResults,
    estimatesUnavailable,
    intervalsUnavailable,
    agreement: { verifier: agreement('verifier'), checker: agreement('checker') },
    corrected: { accuracy: corrected('accuracy'), filteredAccuracy: corrected('filteredAccuracy'), gap: corrected('gap') },
    ci: { level: bootstrap.level, resamples: bootstrap.resamples, seed: bootstrap.seed },
  };
}

/** p_e = 1 happens only when the rater and the human each give one verdict, the same one, to every sample. */
function kappaUndefined(rater: 'verifier' | 'checker', raterPositive: number): string {
  const verdict = raterPositive === 1 ? 'correct' : 'incorrect';
  return `undefined: the ${rater} calls every sample ${verdict} and so does every label (chance agreement 1)`;
}

function missingStratum(strata: readonly AuditStratumResult[]): string | null {
  const empty = strata.find((s) => s.samples > 0 && s.labelled === 0);
  return empty ? `stratum ${empty.stratum} has no label yet (${empty.drawn} drawn of ${empty.samples})` : null;
}

function thinStratum(strata: readonly AuditStratumResult[]): string | null {
  const thin = strata.find((s) => s.labelled < s.samples && s.labelled < 2);
  return thin ? `stratum ${thin.stratum} has ${thin.labelled} label: an interval needs 2 in every stratum not labelled in full` : null;
}

/** Kept under the audit filter (strata 0, 1) for the verifier; correct by the checker (strata 0, 2) for the checker. */
function raterSaysCorrect(rater: 'verifier' | 'checker', h: number): boolean {
  return rater === 'verifier' ? h < 2 : h % 2 === 0;
}

interface Estimate {
  values: Record<EstimateKey, number>;
  kappas: Record<'verifier' | 'checker', Kappa>;
}

/**
 * The stratified estimates from `picks[h]`, the labelled rows of stratum h (with repeats in a bootstrap
 * resample); each stands for N_h / l_h samples. Shares are formed from N_h·count/l_h before dividing by N,
 * so a table whose labels all agree gives exact 0s and 1s.
 */
function estimate(prepared: PreparedAudit, picks: readonly (readonly number[])[], human: Int8Array): Estimate {
  const { sizes } = prepared.draw;
  const total = sizes.reduce((sum, n) => sum + n, 0);
  const tables = { verifier: emptyTable(), checker: emptyTable() };
  const corrections = { accuracy: 0, filteredAccuracy: 0, gap: 0 };
  picks.forEach((rows, h) => {
    const n = sizes[h] as number;
    if (n === 0 || rows.length === 0) return;
    let correct = 0;
    const sums = { accuracy: 0, filteredAccuracy: 0, gap: 0 };
    for (const row of rows) {
      const verdict = human[row] as number;
      correct += verdict;
      const d = verdict - (prepared.rows.correct[row] as number);
      if (d === 0) continue;
      for (const key of CORRECTED_STATISTICS) sums[key] += d * (prepared.coefficients[key][row] as number);
    }
    for (const key of CORRECTED_STATISTICS) corrections[key] += (n * sums[key]) / rows.length;
    for (const rater of ['verifier', 'checker'] as const) {
      const table = tables[rater];
      const humanCorrect = (n * correct) / rows.length;
      const humanIncorrect = (n * (rows.length - correct)) / rows.length;
      if (raterSaysCorrect(rater, h)) {
        table.bothCorrect += humanCorrect;
        table.raterCorrectHumanIncorrect += humanIncorrect;
      } else {
        table.raterIncorrectHumanCorrect += humanCorrect;
        table.bothIncorrect += humanIncorrect;
      }
    }
  });
  const share = (t: AgreementTable): AgreementTable => ({
    bothCorrect: t.bothCorrect / total,
    raterCorrectHumanIncorrect: t.raterCorrectHumanIncorrect / total,
    raterIncorrectHumanCorrect: t.raterIncorrectHumanCorrect / total,
    bothIncorrect: t.bothIncorrect / total,
  });
  const kappas = { verifier: cohensKappa(share(tables.verifier)), checker: cohensKappa(share(tables.checker)) };
  return {
    kappas,
    values: {
      verifierKappa: kappas.verifier.kappa ?? Number.NaN,
      verifierAgreement: kappas.verifier.agreement,
      checkerKappa: kappas.checker.kappa ?? Number.NaN,
      checkerAgreement: kappas.checker.agreement,
      prevalence: kappas.verifier.prevalence,
      ...corrections,
    },
  };
}

function emptyTable(): AgreementTable {
  return { bothCorrect: 0, raterCorrectHumanIncorrect: 0, raterIncorrectHumanCorrect: 0, bothIncorrect: 0 };
}

function labelCounts(labelled: readonly (readonly number[])[], human: Int8Array, rater: 'verifier' | 'checker'): AgreementTable {
  const table = emptyTable();
  labelled.forEach((rows, h) => {
    const says = raterSaysCorrect(rater, h);
    for (const row of rows) {
      const correct = human[row] === 1;
      if (says && correct) table.bothCorrect++;
      else if (says) table.raterCorrectHumanIncorrect++;
      else if (correct) table.raterIncorrectHumanCorrect++;
      else table.bothIncorrect++;
    }
  });
  return table;
}

/**
 * The stratified label bootstrap: each resample redraws, stratum by stratum in order, l_h of the
 * stratum's labels (in canonical order) with replacement, each ⌊u·l_h⌋ with u from
 * createRng(`audit-bootstrap:${seed}`); a stratum labelled in full has no sampling error and stays as
 * it is. Percentile intervals at the report's level; a resample where a statistic is undefined is left
 * out of its interval; 0 resamples give [point, point].
 */
function labelBootstrap(
  prepared: PreparedAudit,
  labelled: readonly (readonly number[])[],
  human: Int8Array,
  point: Estimate,
  options: BootstrapOptions,
): Record<EstimateKey, Interval | null> {
  const pointValue = (key: EstimateKey): number | null => (Number.isNaN(point.values[key]) ? null : point.values[key]);
  if (options.resamples === 0) {
    return Object.fromEntries(ESTIMATES.map((key) => [key, pointValue(key) === null ? null : [point.values[key], point.values[key]]])) as Record<EstimateKey, Interval | null>;
  }
  const rng = createRng(`audit-bootstrap:${options.seed}`);
  const values = ESTIMATES.map(() => new Float64Array(options.resamples));
  const defined = new Int32Array(ESTIMATES.length);
  const picks = labelled.map((rows) => rows.slice());
  for (let b = 0; b < options.resamples; b++) {
    labelled.forEach((rows, h) => {
      if (rows.length === (prepared.draw.sizes[h] as number)) return;
      const pick = picks[h] as number[];
      for (let i = 0; i < rows.length; i++) pick[i] = rows[drawTask(rng, rows.length)] as number;
    });
    const resample = estimate(prepared, picks, human);
    ESTIMATES.forEach((key, s) => {
      const v = resample.values[key];
      if (Number.isNaN(v)) return;
      (values[s] as Float64Array)[defined[s] as number] = v;
      defined[s] = (defined[s] as number) + 1;
    });
  }
  return Object.fromEntries(
    ESTIMATES.map((key, s) => [key, pointValue(key) === null || defined[s] === 0 ? null : percentileInterval((values[s] as Float64Array).subarray(0, defined[s]), options.level)]),
  ) as Record<EstimateKey, Interval | null>;
}

/**
 * The corrected statistic's interval: its two sources of error are independent (which tasks the run
 * has; which of its samples were labelled), so their margins add in quadrature, each side on its own:
 * lo = v − √((g − lo_task)² + (D − lo_audit)²), hi = v + √((hi_task − g)² + (hi_audit − D)²).
 */
function combined(checker: number, checkerCi: Interval | null, correction: number, correctionCi: Interval | null): Interval | null {
  if (checkerCi === null || correctionCi === null) return null;
  const value = checker + correction;
  const low = Math.hypot(checker - checkerCi[0], correction - correctionCi[0]);
  const high = Math.hypot(checkerCi[1] - checker, correctionCi[1] - correction);
  return [value - low, value + high];
}
