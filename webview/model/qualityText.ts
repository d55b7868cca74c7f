// The panel's verifier-quality and any-N sections as text: every number formatted as the HTML report
// prints it (src/core/report/numbers.ts, qualityTerms.ts), a score that scored nothing "—" with the
// reason core gives, one that scored part of the samples with the partial note, and "[…]" for an
// interval still being drawn. Pure.
import { formatSelector } from '../../src/core/filter/parse';
import type { ScoreSelector } from '../../src/core/filter/spec';
import { qualityEntryCoverage } from '../../src/core/report/coverageText';
import { formatIn, formatInterval, formatLevel, formatPercent, formatPoints, formatRange, formatRate } from '../../src/core/report/numbers';
import { ANY_N_NO_RELATIVE_GAP, anyNHow, aurcYardsticks, BIAS_AWARE_NAME, QUALITY_COLUMNS, qualityValue, shortfallMeaning, shortfallName } from '../../src/core/report/qualityTerms';
import type { AnyN } from '../../src/core/stats/anyN';
import { selectorCoverage, type SelectorCoverage } from '../../src/core/stats/coverage';
import type { FiniteN } from '../../src/core/stats/finiteN';
import type { QualityIntervalKey } from '../../src/core/stats/verifierQuality';
import type { RunStateParams } from '../../src/protocol/panelProtocol';
import type { KCurves } from './analysis';
import { PENDING, type QualityEntry } from './quality';
import { measureOf, type Measure } from './restsOn';

const DASH = '—';
/** An interval still being drawn. */
const DRAWING = '[…]';

export interface QualityCellText {
  key: QualityIntervalKey;
  value: string;
  /** The interval, DRAWING while it is drawn, '' when the value has none. */
  interval: string;
  /** What the statistic is; for "—", why there is no value. */
  title: string;
}

export interface QualityRowText {
  selector: string;
  measure: Measure['kind'];
  /** "24 of 24" (scored), the partial note, or "not measured: …" (then every cell is "—"). */
  coverage: string;
  cells: QualityCellText[];
}

/**
 * One row per score. The first entry is the panel's selector, read with the selector's coverage; the
 * others each with their own (as the report reads its entries).
 */
export function qualityRows(entries: readonly QualityEntry[], selector: ScoreSelector, runState: RunStateParams | null): QualityRowText[] {
  const head = entries[0]?.point;
  const selectorSel = head ? selectorCoverage({ verifier: formatSelector(selector), samples: head.samples, scored: head.scored }, selector) : null;
  return entries.map(({ point, ci }, i) => {
    const measure = measureOf(i === 0 ? selectorSel : qualityEntryCoverage({ selector: selectorSel as SelectorCoverage }, point, false), runState);
    const cells = QUALITY_COLUMNS.map(({ key, title, undefinedWhy }): QualityCellText => {
      if (measure.kind === 'unmeasured') return { key, value: DASH, interval: '', title: measure.reason };
      const value = qualityValue(point, key);
      if (value === null) return { key, value: DASH, interval: '', title: undefinedWhy };
      const interval = ci === PENDING ? DRAWING : ci[key];
      return {
        key,
        value: formatRate(value),
        interval: typeof interval === 'string' ? interval : interval === null ? DASH : formatInterval(interval, false),
        title: key === 'aurc' ? `${title}; ${aurcYardsticks(point)}` : title,
      };
    });
    const coverage = measure.kind === 'unmeasured' ? measure.reason : measure.kind === 'partial' ? measure.note : `${point.scored} of ${point.samples}`;
    return { selector: point.selector, measure: measure.kind, coverage, cells };
  });
}

export interface AnyNRowText {
  k: string;
  filteredAccuracy: string;
  gap: string;
  relativeGap: string;
  /** Why the relative gap is "—"; '' when it has a value. */
  relativeGapTitle: string;
  /** "exact" or "estimated, ± 0.0042". */
  how: string;
}

export interface AnyNText {
  /** How the points were computed. */
  method: string;
  rows: AnyNRowText[];
}

export function anyNText(anyN: AnyN): AnyNText {
  const estimated = anyN.points.some((p) => !p.exact);
  return {
    method: estimated
      ? `Exact where marked; otherwise estimated from ${anyN.draws} random subsets per task (seed ${anyN.seed}), with its standard error.`
      : 'Exact at every k.',
    rows: anyN.points.map((p) => ({
      k: String(p.k),
      filteredAccuracy: formatPercent(p.filteredAccuracy),
      gap: formatPoints(p.gap),
      relativeGap: p.relativeGap === null ? DASH : formatIn(p.relativeGap, 'signed-percent'),
      relativeGapTitle: p.relativeGap === null ? ANY_N_NO_RELATIVE_GAP : '',
      how: anyNHow(p),
    })),
  };
}

/**
 * pass@N, pass^N and the best-of-N shortfall at N = the smallest graded task, as lines; the shortfall
 * only when best-of-k is measured.
 */
export function oracleLines(curves: KCurves): string[] {
  const n = curves.passAtK.length;
  if (n === 0) return [];
  const passAt = curves.passAtK[n - 1] as number;
  const lines = [`pass@${n} ${formatPercent(passAt)} (at least one of ${n} correct), pass^${n} ${formatPercent(curves.passAllK[n - 1] as number)} (all ${n} correct)`];
  const best = curves.bestOfK[n - 1];
  if (best !== undefined) lines.push(`${shortfallName(n)}: ${formatPoints(passAt - best)} — ${shortfallMeaning(n)}.`);
  return lines;
}

/** The bias-aware gap as the HTML report words it, or "—" and why there is none. */
export function biasAwareLine(finite: FiniteN, level: number): string {
  const b = finite.biasCorrected;
  if (b === null) return `${BIAS_AWARE_NAME}: ${DASH} (${finite.biasCorrectedUnavailable ?? ''})`;
  const ci = b.ci.gap === null ? `${DASH} (no resample defines it)` : formatRange(b.ci.gap, 'points');
  return `${BIAS_AWARE_NAME}: ${formatPoints(b.gap)}, ${formatLevel(level)} CI ${ci}; gap at N/2 ${formatPoints(b.halfSampleGap)}`;
}
