// What the panel's numbers rest on, in the words the CLI and HTML reports use (src/core/report/
// coverageText.ts): the run's state and each verifier's coverage from the host, whether the verifier
// statistics under the panel's selector are measured, partial or not measured (and why), and the
// conclusion core's rule allows. Pure.
import { formatSelector } from '../../src/core/filter/parse';
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import { notMeasuredReason, partialNote, runStateLines, verifierCoverageLines } from '../../src/core/report/coverageText';
import type { BootstrapOptions, GapIntervals } from '../../src/core/stats/bootstrap';
import { concludeGap, conclusionText, fewTasksWarning, runState } from '../../src/core/stats/conclusion';
import { selectorCoverage, type SelectorCoverage } from '../../src/core/stats/coverage';
import { finiteNWarning } from '../../src/core/stats/finiteN';
import type { LiveGapStats } from '../../src/core/stats/types';
import type { RunStateParams } from '../../src/protocol/panelProtocol';

/** How the verifier statistics are to be read. */
export type Measure =
  /** Nothing graded yet: there are no statistics at all. */
  | { kind: 'none' }
  /** Nothing scored under the selector: every verifier statistic is "—", for `reason`. */
  | { kind: 'unmeasured'; reason: string }
  /** Scored in part: every verifier statistic carries `note`. */
  | { kind: 'partial'; note: string }
  | { kind: 'measured' };

export interface RestsOn {
  /** "incomplete: …" / "complete: …", then "live: …"; empty until the host has sent the run's state. */
  state: string[];
  /** One line per verifier: scored, failed by kind, missing. */
  coverage: string[];
  fewTasks: string | null;
  /** The finite-N warning of core's rule (few samples per task for this filter), when the selector scored something. */
  finiteN: string | null;
  measure: Measure;
  /** The verdict or "no conclusion: …"; null while the intervals are being computed or the run's state is not known yet. */
  conclusion: string | null;
  /**
   * Something to look at before trusting the numbers: a run that stopped incomplete, statistics not
   * measured or partial, few tasks. Never while a writer is adding records: a run that is still
   * going is not a problem.
   */
  warn: boolean;
  /**
   * Nothing is graded yet and the run is going (a writer is adding records, or the host has not sent
   * the run's state yet): a run that is starting, shown neutral ("starting…"), never as a warning.
   */
  starting: boolean;
}

export interface RestsOnInput {
  runState: RunStateParams | null;
  /** The panel's statistics over its graded samples; null when nothing is graded. */
  stats: LiveGapStats | null;
  selector: ScoreSelector | null;
  /** The bootstrap intervals of these statistics; null while they are being drawn. */
  intervals: GapIntervals | null;
  bootstrap: BootstrapOptions;
  filter: FilterSpec;
  /** N: the smallest graded task's samples. */
  samplesPerTask: number;
}

const NO_VERIFIER = 'the run has no verifier to filter by';

export function restsOn({ runState: host, stats, selector, intervals, bootstrap, filter, samplesPerTask }: RestsOnInput): RestsOn {
  const state = host ? runState(host.coverage, host.live) : null;
  const base = {
    state: host && state ? runStateLines(host.coverage, state) : [],
    coverage: host ? verifierCoverageLines(host.coverage) : [],
    fewTasks: stats ? fewTasksWarning(stats.tasks) : null,
  };
  if (!stats) return { ...base, finiteN: null, measure: { kind: 'none' }, conclusion: null, warn: false, starting: host === null || host.live };
  const sel = selector ? selectorCoverage({ verifier: formatSelector(selector), samples: stats.samples, scored: stats.scored }, selector) : null;
  const measure = measureOf(sel, host);
  const finiteN = measure.kind === 'measured' || measure.kind === 'partial' ? finiteNWarning(filter, samplesPerTask) : null;
  let conclusion: string | null = null;
  if (!sel) conclusion = `no conclusion: ${NO_VERIFIER}`;
  else if (host && state && intervals) {
    const report = { tasks: stats.tasks, ci: { gap: intervals.gap, resamples: bootstrap.resamples, level: bootstrap.level } };
    conclusion = conclusionText(concludeGap(report, { ...host.coverage, selector: sel }, state));
  }
  const warn =
    state?.live !== true && ((state !== null && !state.complete) || measure.kind === 'unmeasured' || measure.kind === 'partial' || base.fewTasks !== null || finiteN !== null);
  return { ...base, finiteN, measure, conclusion, warn, starting: false };
}

/** How the statistics of a score with this coverage read: not measured (and why, from the host's counts), partial or whole. */
export function measureOf(sel: SelectorCoverage | null, host: RunStateParams | null): Measure {
  if (!sel) return { kind: 'unmeasured', reason: `not measured: ${NO_VERIFIER}` };
  if (!sel.measured) {
    // Before the host's counts arrive there is nothing to say per verifier, only the totals.
    const reason = host ? notMeasuredReason({ verifiers: host.coverage.verifiers, selector: sel }) : notMeasuredReason({ verifiers: {}, selector: { ...sel, verifiers: [] } });
    return { kind: 'unmeasured', reason: `not measured: ${reason}` };
  }
  return sel.partial ? { kind: 'partial', note: partialNote(sel) } : { kind: 'measured' };
}
