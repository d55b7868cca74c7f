// The panel's verifier quality, any N and finite N for one filter result: computeReport's
// `verifierQuality`, `anyN` and `finiteN` (src/core/stats/report.ts), from the same core functions in
// the same order over the panel's graded rows, so the numbers are the report's. Computed a small step at
// a time for the panel's slices, and published as each part is ready: every score's point estimates
// first, then the any-N curve, the finite-N block, and last the intervals (the slow part).
import { formatFilter, formatSelector } from '../../src/core/filter/parse';
import type { ScoreSelector } from '../../src/core/filter/spec';
import { selectorColumn, selectorVerifiers, selectorWeights } from '../../src/core/filter/weights';
import { anyNSteps, type AnyN } from '../../src/core/stats/anyN';
import type { BootstrapOptions } from '../../src/core/stats/bootstrap';
import { finiteNSteps, unmeasuredFiniteN, type FiniteN } from '../../src/core/stats/finiteN';
import { HarmonicNumbers } from '../../src/core/stats/riskCoverage';
import type { SubsetInput } from '../../src/core/stats/subsetExpectation';
import type { TaskSummary } from '../../src/core/stats/taskSummary';
import {
  prepareQuality,
  qualityBootstrap,
  qualityIntervals,
  qualityPoint,
  type PreparedQuality,
  type QualityIntervals,
  type QualityPoint,
  type QualityRows,
} from '../../src/core/stats/verifierQuality';
import type { Steps } from '../../src/core/util/steps';
import type { RunStateParams, RunSummary } from '../../src/protocol/panelProtocol';
import { gradedTaskCounts, type FilterResult, type SelectorResult } from './analysis';
import { gradedColumn, type Dataset } from './dataset';

/** Not computed yet for this filter result. */
export const PENDING = 'pending';
export type Pending = typeof PENDING;

export interface QualityEntry {
  point: QualityPoint;
  ci: QualityIntervals | Pending;
}

export interface QualityState {
  /** One per score: the selector first, then every other verifier of the run in UTF-16 order (the report's order). */
  entries: QualityEntry[] | Pending;
  /** Null when the selector scored no graded sample (not measured). */
  anyN: AnyN | null | Pending;
  finiteN: FiniteN | Pending;
}

export const NOTHING_COMPUTED: QualityState = { entries: PENDING, anyN: PENDING, finiteN: PENDING };

export interface QualityInput {
  ds: Dataset;
  /** The selector's scores; the same selector as `fr`'s. */
  sel: SelectorResult;
  /** A filter result with a selector and at least one graded task. */
  fr: FilterResult & { selector: ScoreSelector };
  /** Verifiers the run has besides those with scores: its configured ones and those its records name (the report's `verifiers`). */
  verifiers: readonly string[];
  bootstrap: BootstrapOptions;
}

/**
 * The verifiers a run has besides those with scores, as `gaplens report` of the run folder counts them:
 * its configured ones and every one its records name (the keys of its coverage).
 */
export function runVerifiers(run: RunSummary, runState: RunStateParams | null): string[] {
  return [...new Set([...run.verifiers, ...Object.keys(runState?.coverage.verifiers ?? {})])];
}

/** The quality statistics of one filter result, a step at a time; `changed` hears each part as it is ready. */
export class QualityJob {
  private current: QualityState = NOTHING_COMPUTED;
  private readonly steps: Steps<void>;

  constructor(
    input: QualityInput,
    private readonly changed: (state: QualityState) => void,
  ) {
    this.steps = this.compute(input);
  }

  get state(): QualityState {
    return this.current;
  }

  /** One small step (one score, one task's expectation, one resample); true when everything is computed. */
  step(): boolean {
    return this.steps.next().done === true;
  }

  private publish(patch: Partial<QualityState>): void {
    this.current = { ...this.current, ...patch };
    this.changed(this.current);
  }

  private *compute({ ds, sel, fr, verifiers, bootstrap }: QualityInput): Steps<void> {
    const { selector, filter } = fr;
    const g = ds.graded;
    const filterText = formatFilter(filter);
    const rowsOf = (scores: Float64Array, weights: Float64Array): QualityRows => ({ starts: g.starts, correct: g.correct, scores: gradedColumn(ds, scores), weights: gradedColumn(ds, weights) });
    // As computeReport: the selector, then every other verifier the data has, each under the same filter alone.
    const known = new Set([...verifiers, ...ds.verifiers]);
    const others = [...known].filter((name) => selector.kind !== 'verifier' || name !== selector.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const scores: { label: string; rows: () => QualityRows }[] = [
      { label: formatSelector(selector), rows: () => rowsOf(sel.scores, fr.weights) },
      ...others.map((name) => {
        const one: ScoreSelector = { kind: 'verifier', name };
        return { label: name, rows: () => rowsOf(selectorColumn(ds.columns, one, ds.slots.length), selectorWeights(ds.columns, one, filter, ds.starts)) };
      }),
    ];
    const prepared: PreparedQuality[] = [];
    const entries: QualityEntry[] = [];
    // One table for every score's AURC, as the report's (QualityThread).
    const harmonic = new HarmonicNumbers();
    for (const score of scores) {
      const ready = prepareQuality(score.rows());
      prepared.push(ready);
      entries.push({ point: qualityPoint(ready, score.label, filterText, harmonic), ci: PENDING });
      yield;
    }
    this.publish({ entries: [...entries] });

    const counts = gradedTaskCounts(ds);
    // The selector's entry counts its scored graded samples: the report's `scored`.
    const measured = (entries[0] as QualityEntry).point.measured;
    const columns = new Map<string, Float64Array>();
    for (const name of selectorVerifiers(selector)) {
      const column = ds.columns.get(name);
      if (column) columns.set(name, gradedColumn(ds, column));
    }
    const subsets: SubsetInput = { starts: g.starts, correct: g.correct, columns, selector, filter, weights: gradedColumn(ds, fr.weights), scores: gradedColumn(ds, sel.scores) };
    this.publish({ anyN: measured ? yield* anyNSteps(subsets, counts, bootstrap.seed) : null });

    const accuracy = Float64Array.from(g.tasks, (t) => (fr.tasks[t] as TaskSummary).accuracy);
    const filtered = Float64Array.from(g.tasks, (t) => (fr.tasks[t] as TaskSummary).filteredAccuracy);
    this.publish({ finiteN: measured ? yield* finiteNSteps(subsets, counts.samples, accuracy, filtered, bootstrap) : unmeasuredFiniteN(counts.maxK) });

    for (let i = 0; i < entries.length; i++) {
      const { point } = entries[i] as QualityEntry;
      // Nothing is resampled for a score missing everywhere (verifierQuality does the same).
      const draws = qualityBootstrap(prepared[i] as PreparedQuality, point.measured ? bootstrap : { ...bootstrap, resamples: 0 }, harmonic);
      while (!draws.advance(1)) yield;
      entries[i] = { point, ci: qualityIntervals(draws, point) };
      this.publish({ entries: [...entries] });
    }
  }
}

