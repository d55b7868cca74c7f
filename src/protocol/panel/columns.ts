// The panel protocol's column form of sample rows ('sampleTable'): its type, its validator and
// toSampleColumns, the encoder the host builds a snapshot with. No 'vscode', no DOM.
import { isPlainObject } from '../../core/util/plainObject';
import { MISSING_SCORE } from '../../core/filter/columns';
import { checkedBy, drawScoresOf, isCount, isNonEmptyString, type RowIssue, type SampleRow } from './rows';

/**
 * Rows as parallel columns (entry i of every array is row i). Score columns are ScoreColumn text;
 * MISSING_SCORE there means no score: the verifier's output did not parse, or it has not run on that
 * sample yet (the statistics treat both as the lowest score; 'sampleDetail' tells them apart).
 */
export interface SampleColumns {
  /**
   * The rows' tasks, run-length encoded: the first runLength[0] rows belong to task runTask[0], the
   * next runLength[1] to runTask[1], and so on. A snapshot sends rows task by task, so 10^5 rows carry
   * one id per task instead of one per row (each a string to clone, check and collect).
   */
  runTask: string[];
  runLength: number[];
  index: number[];
  /** The checker's verdicts, a character a row: '1' correct, '0' wrong, '-' none (no gold answer); see verdictAt. */
  correct: string;
  /**
   * Each distinct extracted or normalized answer once: a task's samples repeat a few answers, and the
   * normalized form is mostly the extracted one. extracted[i] and normalized[i] index it, −1 for null.
   */
  answers: string[];
  extracted: number[];
  normalized: number[];
  /** Verifier name -> score per row. */
  scores: Record<string, ScoreColumn>;
  /**
   * A verifier drawing K ≥ 2 verifications per sample -> a score column per draw, 0 … K − 1; none where
   * the draw scored nothing or the sample's aggregate in `scores` rests on draws not all recorded yet
   * (as the statistics' pool has them, for the verification curve). Absent without such a verifier.
   */
  draws?: Record<string, ScoreColumn[]>;
}

const VERDICTS = /^[01-]*$/;

/** Row `at`'s verdict in a SampleColumns `correct` text: null for none. */
export function verdictAt(correct: string, at: number): boolean | null {
  const c = correct[at];
  return c === '-' ? null : c === '1';
}

/**
 * A score per row as float64s (little-endian, as every platform VS Code runs on holds them) in
 * base64: a score in [0, 1], or MISSING_SCORE (−∞) for none. At 10^6 rows a score written as JSON
 * text takes about 18 bytes and this 10.7, bit for bit the same number; the scores are most of a
 * snapshot's bytes, and the page takes them as a typed array without a number array between.
 */
export type ScoreColumn = string;

/** Scores (each in [0, 1] or MISSING_SCORE) as a ScoreColumn. */
export function encodeScores(scores: Float64Array): ScoreColumn {
  return new TextDecoder().decode(base64Encode(new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength)));
}

/**
 * The score columns the last validated 'sampleTable' decoded to check them: the page then reads the
 * same message's columns, and decoding each again cost the first paint a second pass over every score.
 */
let checked = new Map<string, Float64Array>();

/** A ScoreColumn of `rows` scores, or null when it is not one (not base64, another length, a value out of range). */
export function decodeScores(column: unknown, rows: number): Float64Array | null {
  if (typeof column !== 'string' || column.length !== Math.ceil((rows * 8) / 3) * 4) return null;
  const kept = checked.get(column);
  if (kept !== undefined) return kept;
  const bytes = base64Decode(new TextEncoder().encode(column), rows * 8);
  if (bytes === null) return null;
  const scores = new Float64Array(bytes.buffer);
  for (const score of scores) if (!(score === MISSING_SCORE || (score >= 0 && score <= 1))) return null;
  return scores;
}

// Base64 (RFC 4648, padded) by hand: btoa and atob take binary strings, built and taken apart a
// character at a time, about ten times slower at a million scores; Buffer is not in the webview.
const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 61; // '='
const SEXTET = new Int8Array(256).fill(-1);
ALPHABET.forEach((c, i) => (SEXTET[c] = i));

function base64Encode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  const at = (sextet: number): number => ALPHABET[sextet] as number;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = at(n >> 18);
    out[o++] = at((n >> 12) & 63);
    out[o++] = at((n >> 6) & 63);
    out[o++] = at(n & 63);
  }
  if (i < bytes.length) {
    const two = i + 1 < bytes.length;
    const n = ((bytes[i] as number) << 16) | (two ? (bytes[i + 1] as number) << 8 : 0);
    out[o++] = at(n >> 18);
    out[o++] = at((n >> 12) & 63);
    out[o++] = two ? at((n >> 6) & 63) : PAD;
    out[o++] = PAD;
  }
  return out;
}

/** Exactly `length` bytes from padded base64 text (as its ASCII bytes), or null for anything else. */
function base64Decode(text: Uint8Array, length: number): Uint8Array | null {
  if (text.length !== Math.ceil(length / 3) * 4) return null;
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = SEXTET[text[i] as number] as number;
    const b = SEXTET[text[i + 1] as number] as number;
    // Past the bytes wanted, only padding may stand.
    const c = o + 1 < length ? (SEXTET[text[i + 2] as number] as number) : text[i + 2] === PAD ? 0 : -1;
    const d = o + 2 < length ? (SEXTET[text[i + 3] as number] as number) : text[i + 3] === PAD ? 0 : -1;
    if ((a | b | c | d) < 0) return null;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (o < length) out[o++] = (n >> 8) & 255;
    if (o < length) out[o++] = n & 255;
  }
  return out;
}

// Checked by hand for the same reason as the rows: this is the message that carries 10^5 samples.
export const sampleColumnsSchema = checkedBy<SampleColumns>(sampleColumnsIssue);

function sampleColumnsIssue(value: unknown): RowIssue | null {
  if (!isPlainObject(value)) return { path: [], message: 'must be an object of columns' };
  if (!Array.isArray(value.index)) return { path: ['index'], message: 'must be an array' };
  if (!Array.isArray(value.runTask)) return { path: ['runTask'], message: 'must be an array' };
  if (!Array.isArray(value.answers)) return { path: ['answers'], message: 'must be an array' };
  const rows = value.index.length;
  const runs = value.runTask.length;
  const answers = value.answers.length;
  const isAnswer = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= -1 && (v as number) < answers;
  /** An array of `length` entries (as long as `like`), each satisfying `ok`. */
  const column = (values: unknown, path: (string | number)[], ok: (v: unknown) => boolean, what: string, length = rows, like = 'index'): RowIssue | null => {
    if (!Array.isArray(values) || values.length !== length) return { path, message: `must be an array of ${length} entries, like "${like}"` };
    for (let i = 0; i < length; i++) if (!ok(values[i])) return { path: [...path, i], message: `must be ${what}` };
    return null;
  };
  const runIssue =
    column(value.runTask, ['runTask'], isNonEmptyString, 'a non-empty string', runs, 'runTask') ??
    column(value.runLength, ['runLength'], (v) => isCount(v) && v > 0, 'an integer >= 1', runs, 'runTask');
  if (runIssue) return runIssue;
  let runRows = 0;
  for (const length of value.runLength as number[]) runRows += length;
  if (runRows !== rows) return { path: ['runLength'], message: `must add up to the ${rows} entries of "index", not ${runRows}` };
  const issue =
    column(value.index, ['index'], isCount, 'an integer >= 0') ??
    (typeof value.correct === 'string' && value.correct.length === rows && VERDICTS.test(value.correct) ? null : { path: ['correct'], message: `must be a text of ${rows} characters, each 1, 0 or -` }) ??
    column(value.answers, ['answers'], (v) => typeof v === 'string', 'a string', answers, 'answers') ??
    column(value.extracted, ['extracted'], isAnswer, 'an index into "answers" or -1') ??
    column(value.normalized, ['normalized'], isAnswer, 'an index into "answers" or -1');
  if (issue) return issue;
  if (!isPlainObject(value.scores)) return { path: ['scores'], message: 'must be an object: verifier name -> scores' };
  checked = new Map();
  const scoreIssue = (scores: unknown, path: (string | number)[]): RowIssue | null => {
    const decoded = decodeScores(scores, rows);
    if (decoded === null) return { path, message: `must be base64 of ${rows} little-endian float64s, each in [0, 1] or -Infinity (none)` };
    checked.set(scores as string, decoded);
    return null;
  };
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
  private readonly columns: Omit<SampleColumns, 'scores' | 'draws' | 'correct'> = { runTask: [], runLength: [], index: [], answers: [], extracted: [], normalized: [] };
  private readonly verdicts: string[] = [];
  private readonly scores = new Map<string, Float64Array>();
  private readonly draws = new Map<string, Float64Array[]>();
  private readonly answerIndex = new Map<string, number>();

  /** `rows`: how many rows will be added (the length of every score column). */
  constructor(private readonly rows: number) {}

  /** Appends a row (its scores none yet). */
  add(task: string, index: number, correct: boolean | null, extracted: string | null, normalized: string | null): void {
    const { columns } = this;
    const run = columns.runTask.length - 1;
    if (run >= 0 && columns.runTask[run] === task) columns.runLength[run] = (columns.runLength[run] as number) + 1;
    else {
      columns.runTask.push(task);
      columns.runLength.push(1);
    }
    columns.index.push(index);
    this.verdicts.push(correct === null ? '-' : correct ? '1' : '0');
    columns.extracted.push(this.answer(extracted));
    columns.normalized.push(this.answer(normalized));
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

  /** The columns of the rows added. */
  build(): SampleColumns {
    const scores = Object.fromEntries([...this.scores].map(([name, column]) => [name, encodeScores(column)]));
    const draws = Object.fromEntries([...this.draws].map(([name, columns]) => [name, columns.map(encodeScores)]));
    return { ...this.columns, correct: this.verdicts.join(''), scores, ...(this.draws.size > 0 ? { draws } : {}) };
  }

  private noScores(): Float64Array {
    return new Float64Array(this.rows).fill(MISSING_SCORE);
  }

  private answer(text: string | null): number {
    if (text === null) return -1;
    let at = this.answerIndex.get(text);
    if (at === undefined) {
      at = this.columns.answers.push(text) - 1;
      this.answerIndex.set(text, at);
    }
    return at;
  }
}
