// Live gap statistics while a run streams in. Every per-task filter (quantile, topk, exp) depends only on
// its own task, so a new sample or score changes one task's contribution: that task is recomputed, its
// old contribution subtracted and the new one added — O(size of the task) per update (plus its sort).
import { assertScores, MISSING_SCORE } from '../filter/columns';
import type { FilterSpec, ScoreSelector } from '../filter/spec';
import { assertSelector, selectorColumn, selectorVerifiers, selectorWeights } from '../filter/weights';
import { GapTally } from './gap';
import { summarizeScoredTask, type ScoredTaskSummary } from './taskSummary';
import type { LiveGapStats, ScoredSample } from './types';

/** Placeholder summary of a task whose first sample is being added; never counted. */
const EMPTY_TASK: ScoredTaskSummary = { samples: 0, scored: 0, correct: 0, weight: 0, kept: 0, keptCorrect: 0, accuracy: 0, filteredAccuracy: 0, nothingKept: false };

/**
 * Samples held as columns (a run read as runs/runColumns.ts reads it), for counting many at once
 * without an object a sample: a resumed run or an opened panel counts a million of them.
 */
export interface TaskRows {
  /** The rows to count: each task's together, by ascending sample index. */
  order: ArrayLike<number>;
  /** Per row: its task's position, and the task's id by position. */
  task: ArrayLike<number>;
  taskId(position: number): string;
  index: ArrayLike<number>;
  /** Per row: 1 correct, 0 not. */
  correct: ArrayLike<number>;
  /** Verifier name -> score per row: in [0, 1], MISSING_SCORE for a record without a score, NaN where there is no record. */
  scores: ReadonlyMap<string, ArrayLike<number>>;
}

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

  /**
   * Keeps a held task counted but stops holding its samples, which will not change again (a running
   * task whose every sample has its grade and the selector's scores): the tally is untouched, so
   * every statistic stays as it was, bit for bit. Afterwards it is a task added as finished.
   */
  finish(task: string): void {
    if (!this.tasks.delete(task)) throw new Error(`task "${task}" is not held`);
    this.finished.add(task);
  }

  /**
   * upsertTask of each task of `rows`, in their order, read from the columns: the same statistics,
   * without an object a sample. Every task must be new here. All or none (every row checked first).
   */
  upsertTasks(rows: TaskRows): void {
    const spans = this.newTaskSpans(rows);
    spans.summarize((span, summary) => {
      this.tasks.set(rows.taskId(spans.positions[span] as number), { ...taskState(rows, spans.starts[span] as number, spans.starts[span + 1] as number), summary });
      this.tally.add(summary);
    });
  }

  /** addFinished of each task of `rows`, in their order, read from the columns (see upsertTasks). */
  addFinishedTasks(rows: TaskRows): void {
    const spans = this.newTaskSpans(rows);
    spans.summarize((span, summary) => {
      this.tally.add(summary);
      this.finished.add(rows.taskId(spans.positions[span] as number));
    });
  }

  private newTaskSpans(rows: TaskRows): TaskSpans {
    return taskSpans(rows, this.selector, this.filter, (task) => this.finished.has(task) || this.tasks.has(task));
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

/**
 * The tasks of TaskRows: task `span` (at `positions[span]`) has rows starts[span] … starts[span + 1] − 1
 * of `order`. `summarize` visits each one's summary in order.
 */
interface TaskSpans {
  positions: number[];
  starts: Int32Array;
  summarize(visit: (span: number, summary: ScoredTaskSummary) => void): void;
}

/**
 * Rows gathered and weighed at a time (more when one task has more): a few MB of columns, however
 * many rows are counted — a million at once would add tens of MB to a resume's peak memory.
 */
const CHUNK_ROWS = 1 << 16;

/**
 * The tasks of `rows`, every row checked as upsert checks a sample, each task's rows together by
 * ascending index and none `counted` already; their summaries as summarize makes them of a task's
 * state: the selector's scores and the grades gathered from the columns in `order`, a chunk of tasks
 * weighed in one selectorWeights call (each task's filter reads only its own rows). A summary is
 * visited as soon as it is made, to be let go: made all first, a million samples' summaries would
 * survive young-generation collections, each copied at a cost.
 */
function taskSpans(rows: TaskRows, selector: ScoreSelector, filter: FilterSpec, counted: (task: string) => boolean): TaskSpans {
  const count = rows.order.length;
  const every = [...rows.scores];
  const positions: number[] = [];
  const from: number[] = [];
  const seen = new Set<number>();
  let task = '';
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const row = rows.order[i] as number;
    const index = rows.index[row] as number;
    const position = rows.task[row] as number;
    if (position !== positions.at(-1)) {
      task = rows.taskId(position);
      if (seen.has(position)) throw new Error(`task "${task}": its rows are not together`);
      if (counted(task)) throw new Error(`task "${task}" is already counted`);
      seen.add(position);
      positions.push(position);
      from.push(i);
      previous = -1;
    }
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`task "${task}": sample index ${index} is not a non-negative integer`);
    if (index <= previous) throw new Error(`task "${task}": sample ${index} comes after sample ${previous}; a task's rows must be by ascending index`);
    previous = index;
    for (let v = 0; v < every.length; v++) {
      const [name, column] = every[v] as (typeof every)[number];
      const score = column[row] as number;
      if (!(Number.isNaN(score) || score === MISSING_SCORE || (score >= 0 && score <= 1))) throw new Error(`task "${task}" sample ${index}: score of verifier "${name}" is ${score}; scores must be numbers in [0, 1] or null`);
    }
  }
  const starts = Int32Array.from([...from, count]);
  const read = selectorVerifiers(selector).flatMap((name) => {
    const column = rows.scores.get(name);
    return column === undefined ? [] : [[name, column] as const];
  });
  const summarize = (visit: (span: number, summary: ScoredTaskSummary) => void): void => {
    // Whole tasks a chunk, at least one: where each chunk's tasks end.
    const ends: number[] = [];
    for (let first = 0; first < positions.length; first = ends.at(-1) as number) {
      let end = first + 1;
      while (end < positions.length && (starts[end + 1] as number) - (starts[first] as number) <= CHUNK_ROWS) end++;
      ends.push(end);
    }
    // One buffer for every chunk: each chunk's own would be let go only at the next full collection.
    const largest = ends.reduce((most, end, c) => Math.max(most, (starts[end] as number) - (starts[ends[c - 1] ?? 0] as number)), 0);
    const correctBuffer = new Uint8Array(largest);
    const scoreBuffers = read.map(() => new Float64Array(largest));
    let first = 0;
    for (const end of ends) {
      const offset = starts[first] as number;
      const size = (starts[end] as number) - offset;
      const correct = correctBuffer.subarray(0, size);
      const gathered = read.map(([name, column], v) => [name, column, (scoreBuffers[v] as Float64Array).subarray(0, size)] as const);
      for (let i = 0; i < size; i++) {
        const row = rows.order[offset + i] as number;
        correct[i] = rows.correct[row] === 1 ? 1 : 0;
        for (let v = 0; v < gathered.length; v++) {
          const [, column, into] = gathered[v] as (typeof gathered)[number];
          const score = column[row] as number;
          into[i] = Number.isNaN(score) ? MISSING_SCORE : score;
        }
      }
      const columns = new Map(gathered.map(([name, , into]) => [name, into]));
      const chunkStarts = starts.slice(first, end + 1).map((start) => start - offset);
      const weights = selectorWeights(columns, selector, filter, chunkStarts);
      const scores = selectorColumn(columns, selector, size);
      for (let span = first; span < end; span++) visit(span, summarizeScoredTask(correct, weights, scores, (chunkStarts[span - first] as number), (chunkStarts[span - first + 1] as number)));
      first = end;
    }
  };
  return { positions, starts, summarize };
}

/** A task's state as upserting its rows one by one leaves it (a verifier without a record of the task: a column of MISSING_SCORE, which counts the same as none). */
function taskState(rows: TaskRows, from: number, to: number): Omit<TaskState, 'summary'> {
  const span = Array.from({ length: to - from }, (_, i) => rows.order[from + i] as number);
  const scores = new Map([...rows.scores].map(([name, column]) => [name, span.map((row) => {
    const score = column[row] as number;
    return Number.isNaN(score) ? MISSING_SCORE : score;
  })]));
  return { indices: span.map((row) => rows.index[row] as number), correct: span.map((row) => (rows.correct[row] === 1 ? 1 : 0)), scores };
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
