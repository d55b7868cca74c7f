// The panel protocol's column form of sample rows ('sampleTable'): its type, its validator and
// toSampleColumns, the encoder the host builds a snapshot with. No 'vscode', no DOM.
import { isPlainObject } from '../../core/util/plainObject';
import { MISSING_SCORE } from '../../core/filter/columns';
import { Numbering } from '../../core/util/numbering';
import { checkedBy, drawScoresOf, isNonEmptyString, type RowIssue, type SampleRow } from './rows';

/**
 * Rows as parallel columns (entry i of every column is row i). Every per-row column is a typed array:
 * VS Code's webview postMessage carries typed arrays as binary beside the message's JSON (since 1.57),
 * so at 10^6 rows a snapshot is a few MB of bytes that neither side converts to or from text, and the
 * page reads them as they come. A score of MISSING_SCORE means none: the verifier's output did not
 * parse, or it has not run on that sample yet (the statistics treat both as the lowest score;
 * 'sampleDetail' tells them apart).
 */
export interface SampleColumns {
  /**
   * The rows' tasks, run-length encoded: the first runLength[0] rows belong to task runTask[0], the
   * next runLength[1] to runTask[1], and so on. A snapshot sends rows task by task, so 10^5 rows carry
   * one id per task instead of one per row (each a string to clone, check and collect).
   */
  runTask: string[];
  runLength: Int32Array;
  index: Int32Array;
  /** The checker's verdicts: 1 correct, 0 wrong, VERDICT_NONE (−1) none (no gold answer). */
  correct: Int8Array;
  /**
   * Each distinct extracted or normalized answer once: a task's samples repeat a few answers, and the
   * normalized form is mostly the extracted one. extracted[i] and normalized[i] index it, −1 for null.
   */
  answers: string[];
  extracted: Int32Array;
  normalized: Int32Array;
  /** Verifier name -> score per row. */
  scores: Record<string, ScoreColumn>;
  /**
   * A verifier drawing K ≥ 2 verifications per sample -> a score column per draw, 0 … K − 1; none where
   * the draw scored nothing or the sample's aggregate in `scores` rests on draws not all recorded yet
   * (as the statistics' pool has them, for the verification curve). Absent without such a verifier.
   */
  draws?: Record<string, ScoreColumn[]>;
}

/** A score per row: in [0, 1], or MISSING_SCORE (−∞) for none. */
export type ScoreColumn = Float64Array;

/** A verdict in SampleColumns.correct: the task has no gold answer. */
export const VERDICT_NONE = -1;

// Checked by hand for the same reason as the rows: this is the message that carries 10^6 samples.
export const sampleColumnsSchema = checkedBy<SampleColumns>(sampleColumnsIssue);

/**
 * The first entry of a typed column that is not of its kind, or of another length. The class is
 * checked exactly: a column of another element type would read as other numbers.
 */
function typedIssue<A extends Int32Array | Int8Array | Float64Array>(
  values: unknown,
  kind: { new (n: number): A; name: string },
  path: (string | number)[],
  length: number,
  like: string,
  ok: (v: number) => boolean,
  what: string,
): RowIssue | null {
  if (!(values instanceof kind) || values.constructor !== kind || values.length !== length) return { path, message: `must be a ${kind.name} of ${length} entries, like "${like}"` };
  for (let i = 0; i < length; i++) if (!ok(values[i] as number)) return { path: [...path, i], message: `must be ${what}` };
  return null;
}

const isScoreOrNone = (v: number): boolean => v === MISSING_SCORE || (v >= 0 && v <= 1);

function sampleColumnsIssue(value: unknown): RowIssue | null {
  if (!isPlainObject(value)) return { path: [], message: 'must be an object of columns' };
  if (!(value.index instanceof Int32Array)) return { path: ['index'], message: 'must be an Int32Array' };
  if (!Array.isArray(value.runTask)) return { path: ['runTask'], message: 'must be an array' };
  if (!Array.isArray(value.answers)) return { path: ['answers'], message: 'must be an array' };
  const rows = value.index.length;
  const runs = value.runTask.length;
  const answers = value.answers.length;
  const isAnswer = (v: number): boolean => v >= -1 && v < answers;
  for (let i = 0; i < runs; i++) if (!isNonEmptyString(value.runTask[i])) return { path: ['runTask', i], message: 'must be a non-empty string' };
  const runIssue = typedIssue(value.runLength, Int32Array, ['runLength'], runs, 'runTask', (v) => v > 0, 'an integer >= 1');
  if (runIssue) return runIssue;
  let runRows = 0;
  for (const length of value.runLength as Int32Array) runRows += length;
  if (runRows !== rows) return { path: ['runLength'], message: `must add up to the ${rows} entries of "index", not ${runRows}` };
  for (let i = 0; i < answers; i++) if (typeof value.answers[i] !== 'string') return { path: ['answers', i], message: 'must be a string' };
  const issue =
    typedIssue(value.index, Int32Array, ['index'], rows, 'index', (v) => v >= 0, 'an integer >= 0') ??
    typedIssue(value.correct, Int8Array, ['correct'], rows, 'index', (v) => v === 1 || v === 0 || v === VERDICT_NONE, `1, 0 or ${VERDICT_NONE} (none)`) ??
    typedIssue(value.extracted, Int32Array, ['extracted'], rows, 'index', isAnswer, 'an index into "answers" or -1') ??
    typedIssue(value.normalized, Int32Array, ['normalized'], rows, 'index', isAnswer, 'an index into "answers" or -1');
  if (issue) return issue;
  if (!isPlainObject(value.scores)) return { path: ['scores'], message: 'must be an object: verifier name -> scores' };
  const scoreIssue = (scores: unknown, path: (string | number)[]): RowIssue | null =>
    typedIssue(scores, Float64Array, path, rows, 'index', isScoreOrNone, 'a score in [0, 1] or -Infinity (none)');
  for (const [name, scores] of Object.entries(value.scores)) {
    if (name === '') return { path: ['scores'], message: 'verifier names must be non-empty' };
    const issue = scoreIssue(scores, ['scores', name]);
    if (issue) return issue;
  }
  if (value.draws === undefined) return null;
  if (!isPlainObject(value.draws)) return { path: ['draws'], message: 'must be an object if present: verifier name -> a score column per draw' };
  for (const [name, draws] of Object.entries(value.draws)) {
    if (!Array.isArray(draws) || draws.length < 2) return { path: ['draws', name], message: 'must be an array of at least 2 score columns, one per draw' };
    for (let d = 0; d < draws.length; d++) {
      const drawIssue = scoreIssue(draws[d], ['draws', name, d]);
      if (drawIssue) return drawIssue;
    }
  }
  return null;
}

/** The column form of rows, for 'sampleTable'. */
export function toSampleColumns(rows: readonly SampleRow[]): SampleColumns {
  const table = new SampleColumnsBuilder(rows.length);
  rows.forEach((row, i) => {
    table.add(row.task, row.index, row.correct, row.extracted, row.normalized);
    for (const v of row.verifications) {
      table.score(v.verifier, i, v.score);
      drawScoresOf(v)?.forEach((score, draw, all) => table.drawScore(v.verifier, draw, all.length, i, score));
    }
  });
  return table.build();
}

/** Builds 'sampleTable' columns row by row, from rows (toSampleColumns) or from the host's own columns. */
export class SampleColumnsBuilder {
  private readonly runTask: string[] = [];
  private readonly runLength: number[] = [];
  private readonly index: Int32Array;
  private readonly correct: Int8Array;
  private readonly extracted: Int32Array;
  private readonly normalized: Int32Array;
  private readonly answers = new Numbering();
  private readonly scores = new Map<string, Float64Array>();
  private readonly draws = new Map<string, Float64Array[]>();
  private added = 0;

  /** `rows`: how many rows will be added (the length of every column). */
  constructor(private readonly rows: number) {
    this.index = new Int32Array(rows);
    this.correct = new Int8Array(rows);
    this.extracted = new Int32Array(rows);
    this.normalized = new Int32Array(rows);
  }

  /** Appends a row (its scores none yet). */
  add(task: string, index: number, correct: boolean | null, extracted: string | null, normalized: string | null): void {
    const run = this.runTask.length - 1;
    if (run >= 0 && this.runTask[run] === task) this.runLength[run] = (this.runLength[run] as number) + 1;
    else {
      this.runTask.push(task);
      this.runLength.push(1);
    }
    const at = this.added++;
    this.index[at] = index;
    this.correct[at] = correct === null ? VERDICT_NONE : correct ? 1 : 0;
    this.extracted[at] = this.answer(extracted);
    this.normalized[at] = this.answer(normalized);
  }

  /** Sets row `at`'s score from a verifier. */
  score(verifier: string, at: number, score: number | null): void {
    let column = this.scores.get(verifier);
    if (!column) this.scores.set(verifier, (column = this.noScores()));
    column[at] = score ?? MISSING_SCORE;
  }

  /** Sets row `at`'s score from draw `draw` of a verifier drawing `draws` verifications per sample. */
  drawScore(verifier: string, draw: number, draws: number, at: number, score: number | null): void {
    let columns = this.draws.get(verifier);
    if (!columns) this.draws.set(verifier, (columns = Array.from({ length: draws }, () => this.noScores())));
    (columns[draw] as Float64Array)[at] = score ?? MISSING_SCORE;
  }

  /** The columns of the rows added (all `rows` of them). */
  build(): SampleColumns {
    if (this.added !== this.rows) throw new Error(`${this.added} rows were added to a table of ${this.rows}`);
    return {
      runTask: this.runTask,
      runLength: Int32Array.from(this.runLength),
      index: this.index,
      correct: this.correct,
      answers: this.answers.texts,
      extracted: this.extracted,
      normalized: this.normalized,
      scores: Object.fromEntries(this.scores),
      ...(this.draws.size > 0 ? { draws: Object.fromEntries(this.draws) } : {}),
    };
  }

  private noScores(): Float64Array {
    return new Float64Array(this.rows).fill(MISSING_SCORE);
  }

  private answer(text: string | null): number {
    return text === null ? -1 : this.answers.of(text);
  }
}
