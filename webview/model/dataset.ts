// The store's rows laid out the way the statistics want them (src/core/stats/pool.ts): tasks sorted by
// id, each task's rows in index order, correctness and scores as typed columns. Built once per change
// of the data (or of the checker-corrected switch); every filter setting then reuses it.
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { correctedVerdict } from '../../src/core/runs/labels';
import { VERDICT_NONE } from './rowTable';
import type { SampleStore, StoredRow } from './sampleStore';

export interface Dataset {
  /** The store slot of every row: task by task (taskIds order), index ascending within a task. */
  slots: Int32Array;
  /** The sample index of every row. */
  index: Int32Array;
  /** A row's sample, read from the store when asked (for the rows shown, not for every row). */
  sampleAt(row: number): StoredRow;
  taskIds: string[];
  /** Task id -> task number. */
  taskNumber: Map<string, number>;
  /** Task t owns rows starts[t] .. starts[t+1]−1; length tasks + 1. */
  starts: Int32Array;
  /** The task number of each row. */
  taskOf: Int32Array;
  /** Verifier name -> score per row (MISSING_SCORE where null or absent), as buildPool makes them. */
  columns: Map<string, Float64Array>;
  /** A verifier drawing K ≥ 2 verifications per sample -> each draw's score per row (MISSING_SCORE where none), as buildPool's `draws`. */
  draws: Map<string, Float64Array[]>;
  /** Every verifier the run has mentioned, in order of first appearance. */
  verifiers: string[];
  /** 1 when the task is graded: every row has a verdict (not Check Selection without a gold answer). */
  taskGraded: Uint8Array;
  /** The correctness the statistics use: the checker's verdict, flipped where `flipped` is 1. 0 when ungraded. */
  correct: Uint8Array;
  /** 1 where checker-corrected statistics flipped the checker's verdict (its latest annotation: checker-wrong, or a human verdict that differs). */
  flipped: Uint8Array;
  /** The graded part, as separate flat arrays for the statistics; `rows` null when every task is graded. */
  graded: GradedPart;
}

export interface GradedPart {
  /** Row numbers of the graded rows, or null when that is every row. */
  rows: Int32Array | null;
  /** Dataset task numbers of the graded tasks, in order. */
  tasks: Int32Array;
  /** Over the graded rows only: task g owns starts[g] .. starts[g+1]−1. */
  starts: Int32Array;
  correct: Uint8Array;
}

/** Lays the store out; with `checkerCorrected`, each sample counts with the verdict its latest annotation gives it (correctedVerdict). */
export function buildDataset(store: SampleStore, checkerCorrected: boolean): Dataset {
  const taskIds = store.taskIds();
  const starts = new Int32Array(taskIds.length + 1);
  const slots = new Int32Array(store.size);
  let at = 0;
  taskIds.forEach((id, t) => {
    for (const slot of store.slotsOf(id)) slots[at++] = slot;
    starts[t + 1] = at;
  });
  const size = slots.length;
  const bySlot = store.rowColumns();
  const index = new Int32Array(size);
  const taskOf = new Int32Array(size);
  const taskGraded = new Uint8Array(taskIds.length);
  const correct = new Uint8Array(size);
  for (let t = 0; t < taskIds.length; t++) {
    let graded = 1;
    for (let r = starts[t] as number; r < (starts[t + 1] as number); r++) {
      const slot = slots[r] as number;
      taskOf[r] = t;
      index[r] = bySlot.index[slot] as number;
      const verdict = bySlot.verdict[slot];
      if (verdict === VERDICT_NONE) graded = 0;
      correct[r] = verdict === 1 ? 1 : 0;
    }
    taskGraded[t] = graded;
  }
  const flipped = new Uint8Array(size);
  const taskNumber = new Map(taskIds.map((id, t) => [id, t]));
  if (checkerCorrected) {
    for (const label of store.latestAnnotations()) {
      const t = taskNumber.get(label.task);
      if (t === undefined || taskGraded[t] === 0) continue;
      const r = rowOf(index, starts[t] as number, starts[t + 1] as number, label.index);
      if (r < 0) continue;
      const checker = correct[r] === 1;
      if (correctedVerdict(checker, label) === checker) continue;
      flipped[r] = 1;
      correct[r] = checker ? 0 : 1;
    }
  }
  const verifiers = store.verifierNames();
  const gather = (scoresBySlot: Float64Array | undefined): Float64Array => {
    const column = new Float64Array(size).fill(MISSING_SCORE);
    if (scoresBySlot) for (let r = 0; r < size; r++) column[r] = scoresBySlot[slots[r] as number] as number;
    return column;
  };
  const columns = new Map(verifiers.map((name) => [name, gather(store.scoreColumn(name))]));
  const draws = new Map([...store.drawnVerifiers()].map(([name, k]) => [name, Array.from({ length: k }, (_, draw) => gather(store.drawColumn(name, draw)))]));
  return {
    slots,
    index,
    sampleAt: (row) => store.sampleAt(slots[row] as number),
    taskIds,
    taskNumber,
    starts,
    taskOf,
    columns,
    draws,
    verifiers,
    taskGraded,
    correct,
    flipped,
    graded: gradedPart(starts, taskGraded, correct),
  };
}

/** The dataset row of a sample, or −1 when the dataset has no such sample. */
export function findRow(ds: Dataset, task: string, index: number): number {
  const t = ds.taskNumber.get(task);
  return t === undefined ? -1 : rowOf(ds.index, ds.starts[t] as number, ds.starts[t + 1] as number, index);
}

/** 1 for every row that has at least one annotation. */
export function annotatedRows(ds: Dataset, store: SampleStore): Uint8Array {
  const flags = new Uint8Array(ds.slots.length);
  for (const label of store.latestAnnotations()) {
    const r = findRow(ds, label.task, label.index);
    if (r >= 0) flags[r] = 1;
  }
  return flags;
}

/** The values of a per-row column at the graded rows (the column itself when every row is graded). */
export function gradedColumn(ds: Dataset, column: Float64Array): Float64Array {
  const picks = ds.graded.rows;
  if (!picks) return column;
  const out = new Float64Array(picks.length);
  for (let i = 0; i < picks.length; i++) out[i] = column[picks[i] as number] as number;
  return out;
}

function gradedPart(starts: Int32Array, taskGraded: Uint8Array, correct: Uint8Array): GradedPart {
  const tasks: number[] = [];
  for (let t = 0; t < taskGraded.length; t++) if (taskGraded[t] === 1) tasks.push(t);
  if (tasks.length === taskGraded.length) {
    return { rows: null, tasks: Int32Array.from(tasks), starts, correct };
  }
  const gradedStarts = new Int32Array(tasks.length + 1);
  let count = 0;
  tasks.forEach((t, g) => {
    count += (starts[t + 1] as number) - (starts[t] as number);
    gradedStarts[g + 1] = count;
  });
  const rows = new Int32Array(count);
  let at = 0;
  for (const t of tasks) for (let r = starts[t] as number; r < (starts[t + 1] as number); r++) rows[at++] = r;
  const gradedCorrect = new Uint8Array(count);
  for (let i = 0; i < count; i++) gradedCorrect[i] = correct[rows[i] as number] as number;
  return { rows, tasks: Int32Array.from(tasks), starts: gradedStarts, correct: gradedCorrect };
}

/** The row number of sample `index` among rows from..to−1 (index ascending), or −1. */
function rowOf(indices: Int32Array, from: number, to: number, index: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((indices[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo < to && indices[lo] === index ? lo : -1;
}
