// What the per-sample table shows: which rows, in which order, under which task header, and which
// samples the verifier and the checker disagree on. Pure: the table component only paints items.
import { accepted, disagreement, isWeighted, type Disagreement } from '../../src/core/report/weightTerms';
import type { PanelView } from '../../src/protocol/panelProtocol';
import type { FilterResult } from './analysis';
import type { Dataset } from './dataset';

export type { Disagreement };

/** What the table needs of a filter result: its weights, its kind (binary or weighted), and whether the weights come from scores at all. */
export type FilterDecisions = Pick<FilterResult, 'weights' | 'measured'> & { filter: Pick<FilterResult['filter'], 'kind'> };

/**
 * The filter's decision against the checker's grade (kept = weight > 0 under a binary filter, weight ≥ ½
 * under exp:β; docs/statistics.md, "Weighted filters"). Null for agreement, for ungraded samples (no
 * grade to disagree with) and when the selector scored nothing (no judgement to disagree with).
 */
export function disagreementOf(ds: Dataset, filter: FilterDecisions, row: number): Disagreement | null {
  if (!filter.measured || ds.taskGraded[ds.taskOf[row] as number] === 0) return null;
  return disagreement(filter.weights[row] as number, ds.correct[row] === 1, isWeighted(filter.filter));
}

export interface TableItems {
  /** One entry per table line: ≥ 0 is a dataset row, < 0 the header of task −(item + 1). */
  items: Int32Array;
  /** Line of each dataset row, −1 when the row is filtered out. */
  lineOf: Int32Array;
  /** Sample lines (items minus headers). */
  samples: number;
}

export function headerItem(task: number): number {
  return -(task + 1);
}

export function headerTask(item: number): number {
  return -item - 1;
}

export interface TableInputs {
  ds: Dataset;
  /**
   * The filter's decisions; null when the view neither shows nor sorts by them (linesFollowFilter): a
   * slider move then keeps the lines instead of rebuilding them (10^6 rows).
   */
  filter: FilterDecisions | null;
  /** The selector's score per row (for sorting by score). */
  scores: Float64Array;
  /** 1 for rows with an annotation. */
  annotated: Uint8Array;
}

/** Whether the view's lines depend on the filter: it shows kept, dropped or disagreements, or sorts by weight. */
export function linesFollowFilter(view: PanelView): boolean {
  return view.show === 'disagreements' || view.show === 'kept' || view.show === 'dropped' || view.sort === 'kept';
}

/**
 * Lines grouped by task (tasks in dataset order, a header before each task with a visible row); within a
 * task, rows sorted by the view's key, ties by sample index ascending.
 */
export function buildTableItems({ ds, filter, scores, annotated }: TableInputs, view: PanelView): TableItems {
  if (filter === null && linesFollowFilter(view)) throw new Error(`the view ${JSON.stringify(view)} needs the filter's decisions`);
  const keep = rowFilter(ds, filter as FilterDecisions, annotated, view.show);
  const sortKey = sortKeyOf(ds, filter?.weights ?? null, scores, view.sort);
  const sign = view.descending ? -1 : 1;
  const only = view.task === null ? -1 : (ds.taskNumber.get(view.task) ?? -2);
  const items = new Int32Array(ds.slots.length + ds.taskIds.length);
  const lineOf = new Int32Array(ds.slots.length).fill(-1);
  let lines = 0;
  let samples = 0;
  for (let t = 0; t < ds.taskIds.length; t++) {
    if (only !== -1 && only !== t) continue;
    // The task's visible rows go straight into `items`, after a line kept for its header (dropped
    // again when no row is visible), and are sorted in place: no per-task arrays at 10^5 rows.
    const header = lines++;
    for (let r = ds.starts[t] as number; r < (ds.starts[t + 1] as number); r++) if (keep(r)) items[lines++] = r;
    if (lines === header + 1) {
      lines = header;
      continue;
    }
    items[header] = headerItem(t);
    if (sortKey) items.subarray(header + 1, lines).sort((a, b) => sign * (sortKey(a) - sortKey(b)) || a - b);
    else if (sign < 0) items.subarray(header + 1, lines).reverse();
    for (let line = header + 1; line < lines; line++) lineOf[items[line] as number] = line;
    samples += lines - header - 1;
  }
  return { items: items.subarray(0, lines), lineOf, samples };
}

/** Which rows the view shows; `filter` is set whenever linesFollowFilter(view). */
function rowFilter(ds: Dataset, filter: FilterDecisions, annotated: Uint8Array, show: PanelView['show']): (row: number) => boolean {
  const graded = (r: number): boolean => ds.taskGraded[ds.taskOf[r] as number] === 1;
  switch (show) {
    case 'all':
      return () => true;
    case 'disagreements':
      return (r) => disagreementOf(ds, filter, r) !== null;
    case 'kept':
      return (r) => accepted(filter.weights[r] as number, isWeighted(filter.filter));
    case 'dropped':
      return (r) => !accepted(filter.weights[r] as number, isWeighted(filter.filter));
    case 'correct':
      return (r) => graded(r) && ds.correct[r] === 1;
    case 'wrong':
      return (r) => graded(r) && ds.correct[r] === 0;
    case 'annotated':
      return (r) => annotated[r] === 1;
  }
}

/** Ascending key of a row, or null for sample-index order (rows are stored that way already); `weights` is set when sorting by them. */
function sortKeyOf(ds: Dataset, weights: Float64Array | null, scores: Float64Array, sort: PanelView['sort']): ((row: number) => number) | null {
  switch (sort) {
    case 'task':
      return null;
    case 'score':
      // Missing scores are −∞: sorted below every real score, like the filters rank them.
      return (r) => scores[r] as number;
    case 'correct':
      return (r) => ds.correct[r] as number;
    case 'kept':
      return (r) => (weights as Float64Array)[r] as number;
  }
}

/** The line of the next (step 1) or previous (step −1) sample after `line`, skipping headers; −1 at the end. */
export function stepSample(items: Int32Array, line: number, step: 1 | -1): number {
  for (let i = line + step; i >= 0 && i < items.length; i += step) if ((items[i] as number) >= 0) return i;
  return -1;
}

/** The first sample line after `line` (wrapping around) whose row satisfies `match`; −1 if none does. */
export function nextMatching(items: Int32Array, line: number, match: (row: number) => boolean): number {
  const n = items.length;
  for (let k = 1; k <= n; k++) {
    const i = (((line + k) % n) + n) % n;
    const item = items[i] as number;
    if (item >= 0 && match(item)) return i;
  }
  return -1;
}
