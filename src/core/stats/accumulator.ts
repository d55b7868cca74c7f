// Live gap statistics while a run streams in. Every per-task filter (quantile, topk, exp) depends only on
// its own task, so a new sample or score changes one task's contribution: that task is recomputed, its
// old contribution subtracted and the new one added — O(size of the task) per update (plus its sort).
import { assertScores, MISSING_SCORE } from '../filter/columns';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { assertSelector, selectorColumn, selectorWeights } from '../filter/weights';
import { GapTally } from './gap';
import { summarizeScoredTask, type ScoredTaskSummary } from './taskSummary';
import type { LiveGapStats, ScoredSample } from './types';

/** Placeholder summary of a task whose first sample is being added; never counted. */
const EMPTY_TASK: ScoredTaskSummary = { samples: 0, scored: 0, correct: 0, weight: 0, kept: 0, keptCorrect: 0, accuracy: 0, filteredAccuracy: 0, nothingKept: false };

// A task's rows as columns (plain arrays of numbers, which V8 stores unboxed), not one score object
// per sample: a long run streams in hundreds of thousands of samples.
interface TaskState {
  /** Sample indices, ascending; correct and every score column are aligned with them. */
  indices: number[];
  correct: number[];
  /** Verifier name -> score per row, MISSING_SCORE where null or absent (as buildScoreColumns stores them). */
  scores: Map<string, number[]>;
  summary: ScoredTaskSummary;
}

export class GapAccumulator {
  private readonly tasks = new Map<string, TaskState>();
  /** Tasks counted by addFinished: in the tally, but not kept. */
  private readonly finished = new Set<string>();
  private tally = new GapTally();

  constructor(
    private selector: ScoreSelector,
    private filter: FilterSpec,
  ) {
    assertSelector(selector);
  }

  /**
   * Adds a sample, or replaces the stored one with the same (task, index) — pass the sample's complete
   * current state (all its scores so far), not a partial update. Throws on a non-integer index or a score
   * outside [0, 1], leaving the accumulator unchanged. Cost: O(samples of that task).
   */
  upsert(sample: ScoredSample): void {
    this.upsertTask(sample.task, [sample]);
  }

  /**
   * upsert of several samples of one task, all or none (each checked first): the task is recomputed
   * once, not once a sample — a panel opening a finished run adds a million samples.
   */
  upsertTask(task: string, samples: readonly ScoredSample[]): void {
    for (const sample of samples) {
      if (sample.task !== task) throw new Error(`upsertTask of task "${task}" was given a sample of task "${sample.task}"`);
      checkSample(sample);
    }
    if (this.finished.has(task)) throw new Error(`task "${task}" was added as finished: its samples cannot change`);
    if (samples.length === 0) return;
    let state = this.tasks.get(task);
    if (state) this.tally.remove(state.summary);
    else {
      state = emptyState();
      this.tasks.set(task, state);
    }
    for (const sample of samples) place(state, sample);
    state.summary = summarize(state, this.selector, this.filter);
    this.tally.add(state.summary);
  }

  /**
   * Counts a task whose samples will not change again (a resumed run's finished tasks) without
   * keeping them: a million samples on file cost the tally nothing. Its samples are checked as
   * upsert checks them; upserting one later, or switching the filter, is an error.
   */
  addFinished(task: string, samples: readonly ScoredSample[]): void {
    if (this.finished.has(task) || this.tasks.has(task)) throw new Error(`task "${task}" is already counted`);
    const state = emptyState();
    samples.forEach(checkSample);
    for (const sample of samples) place(state, sample);
    this.tally.add(summarize(state, this.selector, this.filter));
    this.finished.add(task);
  }


  /** Switches the filter; every task is recomputed. */
  setFilter(selector: ScoreSelector, filter: FilterSpec): void {
    if (this.finished.size > 0) throw new Error('the filter cannot be switched: finished tasks were counted without being kept');
    assertSelector(selector);
    this.selector = selector;
    this.filter = filter;
    this.tally = new GapTally();
    for (const state of this.tasks.values()) {
      state.summary = summarize(state, selector, filter);
      this.tally.add(state.summary);
    }
  }

  /**
   * A sample as it stands: its grade and the scores it has (a score that failed to parse is absent
   * here, as it counts the same); undefined before it is added, and for a task added as finished.
   */
  sample(task: string, index: number): Pick<ScoredSample, 'correct' | 'scores'> | undefined {
    const state = this.tasks.get(task);
    if (!state) return undefined;
    const at = insertionPoint(state.indices, index);
    if (state.indices[at] !== index) return undefined;
    const scores: Record<string, number> = {};
    for (const [name, column] of state.scores) {
      const score = column[at] as number;
      if (score !== MISSING_SCORE) scores[name] = score;
    }
    return { correct: state.correct[at] === 1, scores };
  }

  /** One task's summary under the current selector and filter; undefined before its first sample. */
  taskSummary(task: string): ScoredTaskSummary | undefined {
    return this.tasks.get(task)?.summary;
  }

  /**
   * The current statistics, by the same definitions as computeReport. Before the first sample
   * `samples` is 0, accuracy is NaN and every verifier statistic is null (nothing scored).
   */
  snapshot(): LiveGapStats {
    return this.tally.stats();
  }
}

function checkSample(sample: ScoredSample): void {
  if (!Number.isSafeInteger(sample.index) || sample.index < 0) {
    throw new Error(`task "${sample.task}": sample index ${sample.index} is not a non-negative integer`);
  }
  assertScores(sample.scores, `task "${sample.task}" sample ${sample.index}`);
}

function emptyState(): TaskState {
  return { indices: [], correct: [], scores: new Map(), summary: EMPTY_TASK };
}

/** Puts a sample in its place among the task's rows, replacing the one with its index. */
function place(state: TaskState, sample: ScoredSample): void {
  const at = insertionPoint(state.indices, sample.index);
  const replace = state.indices[at] === sample.index ? 1 : 0;
  state.indices.splice(at, replace, sample.index);
  state.correct.splice(at, replace, sample.correct ? 1 : 0);
  for (const name in sample.scores) {
    if (!state.scores.has(name)) state.scores.set(name, new Array<number>(state.indices.length - 1 + replace).fill(MISSING_SCORE));
  }
  for (const [name, column] of state.scores) column.splice(at, replace, sample.scores[name] ?? MISSING_SCORE);
}

/** Cannot throw: scores were checked on arrival (assertScores) and the selector when it was set. */
function summarize(state: TaskState, selector: ScoreSelector, filter: FilterSpec): ScoredTaskSummary {
  const rows = state.indices.length;
  const columns = new Map([...state.scores].map(([name, column]) => [name, Float64Array.from(column)]));
  const weights = selectorWeights(columns, selector, filter, Int32Array.of(0, rows));
  return summarizeScoredTask(state.correct, weights, selectorColumn(columns, selector, rows), 0, rows);
}

/** First position whose index is ≥ `index` (binary search). */
function insertionPoint(sorted: readonly number[], index: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
