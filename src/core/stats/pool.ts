// Samples regrouped once into flat, typed rows: tasks in a canonical order (so a seeded bootstrap is
// reproducible whatever order the samples were written in), each task's rows in sample-index order.
import { buildScoreColumns } from '../filter/columns';
import type { ScoredSample } from './types';

export interface SamplePool {
  /** Task ids, sorted by UTF-16 code units. */
  taskIds: string[];
  /** Task t owns rows starts[t] .. starts[t+1]−1; length tasks + 1. */
  starts: Int32Array;
  /** 1 if the row's sample is correct, else 0. */
  correct: Uint8Array;
  /** The sample index of each row. */
  indices: Float64Array;
  /** Verifier name -> score per row (MISSING_SCORE for null or missing). */
  columns: Map<string, Float64Array>;
  /** The answer per row, or null for the whole pool when no sample carries an `answer` field. */
  answers: (string | null)[] | null;
  /**
   * A verifier that draws K ≥ 2 verifications per sample (`--verifications K`) -> the score of each
   * draw per row (MISSING_SCORE where it failed, or where the row's aggregate in `columns` is missing);
   * for the verification curve (verificationCurve.ts). Absent without such a verifier.
   */
  draws?: Map<string, Float64Array[]>;
}

/** Where each pool row comes from: rows sorted into the pool's order. */
export interface PoolOrder {
  taskIds: string[];
  starts: Int32Array;
  /** Row r of the pool is item order[r] of the source. */
  order: Int32Array;
}

/**
 * The pool's order over `count` source items, item i being sample `indexAt(i)` of task `taskAt(i)`:
 * tasks by UTF-16 code units, each task's items by index. Throws on a duplicate (task, index) or an
 * index that is not a non-negative integer.
 */
export function poolOrder(count: number, taskAt: (i: number) => string, indexAt: (i: number) => number): PoolOrder {
  // Rows are placed by a counting sort on the task's rank, so no per-task arrays are allocated.
  const ordinal = new Map<string, number>();
  const taskOf = new Int32Array(count);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const task = taskAt(i);
    const index = indexAt(i);
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new Error(`task "${task}": sample index ${index} is not a non-negative integer`);
    }
    let t = ordinal.get(task);
    if (t === undefined) {
      t = ids.length;
      ordinal.set(task, t);
      ids.push(task);
    }
    taskOf[i] = t;
  }
  const taskIds = ids.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rankOf = new Int32Array(ids.length);
  taskIds.forEach((id, rank) => (rankOf[ordinal.get(id) as number] = rank));
  const starts = new Int32Array(taskIds.length + 1);
  const rankAt = (i: number): number => rankOf[taskOf[i] as number] as number;
  for (let i = 0; i < count; i++) starts[rankAt(i) + 1] = (starts[rankAt(i) + 1] as number) + 1;
  for (let t = 0; t < taskIds.length; t++) starts[t + 1] = (starts[t + 1] as number) + (starts[t] as number);
  const next = starts.slice(0, taskIds.length);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const rank = rankAt(i);
    order[next[rank] as number] = i;
    next[rank] = (next[rank] as number) + 1;
  }
  for (let t = 0; t < taskIds.length; t++) {
    const rows = order.subarray(starts[t] as number, starts[t + 1] as number);
    let sorted = true;
    for (let k = 1; k < rows.length && sorted; k++) sorted = indexAt(rows[k - 1] as number) <= indexAt(rows[k] as number);
    if (!sorted) rows.sort((a, b) => indexAt(a) - indexAt(b));
    for (let k = 1; k < rows.length; k++) {
      if (indexAt(rows[k] as number) === indexAt(rows[k - 1] as number)) {
        throw new Error(`duplicate sample: task "${taskIds[t]}" index ${indexAt(rows[k] as number)} appears more than once`);
      }
    }
  }
  return { taskIds, starts, order };
}

/** Throws on a duplicate (task, index), a non-integer index or a score outside [0, 1]. */
export function buildPool(samples: readonly ScoredSample[]): SamplePool {
  const at = (i: number): ScoredSample => samples[i] as ScoredSample;
  const { taskIds, starts, order } = poolOrder(samples.length, (i) => at(i).task, (i) => at(i).index);
  const sampleAt = (r: number): ScoredSample => at(order[r] as number);
  const correct = new Uint8Array(samples.length);
  const indices = new Float64Array(samples.length);
  let hasAnswers = false;
  for (let r = 0; r < samples.length; r++) {
    const sample = sampleAt(r);
    correct[r] = sample.correct ? 1 : 0;
    indices[r] = sample.index;
    if (sample.answer !== undefined) hasAnswers = true;
  }
  const columns = buildScoreColumns(samples.length, (r) => sampleAt(r).scores, (r) => {
    const sample = sampleAt(r);
    return `task "${sample.task}" sample ${sample.index}`;
  });
  let answers: (string | null)[] | null = null;
  if (hasAnswers) {
    answers = new Array<string | null>(samples.length);
    for (let r = 0; r < samples.length; r++) answers[r] = sampleAt(r).answer ?? null;
  }
  return { taskIds, starts, correct, indices, columns, answers };
}
