// A run folder as compact columns: what the statistics and the coverage need of each sample in
// typed arrays (about 50 bytes a sample with two verifiers), never the records themselves. Texts
// stay on disk: a row keeps the byte offset of its generation line (which orders the HTML report's
// tasks as the file does). readRun (runStore.ts) is the reader that keeps every record.
import path from 'node:path';
import { MISSING_SCORE } from '../filter/columns';
import { poolOrder, type SamplePool } from '../stats/pool';
import type { Task } from '../tasks/task';
import type { AnnotationRecord, CallFailureKind, RunManifest } from './records';
import type { RecordCoverage, VerifierFailureKind } from '../stats/coverage';
import { countCoverage, verifierNames } from './coverage';
import { correctedVerdict } from './labels';
import { orphanWarning, readAnnotations, scanSamples } from './sampleRecords';
import { openRunFolder, RUN_FILES, type ReadRunOptions } from './runStore';
import { sampleKey } from './sampleKey';
import { drawCount, drawnVerdict } from './drawnScores';
import type { VerificationFailureKind } from '../verify/verifier';

const GENERATION = 'generation';
/** A score column's value where the sample has no record of that verifier. */
const NO_RECORD = NaN;
const FIRST_CAPACITY = 1024;

/** The stage of a sample: its generation, or one verifier's judgement. */
export interface StageColumn {
  /**
   * Why the stage has no result, as a code into RunColumns.kinds (kinds[code − 1]); 0: no problem
   * (done, or not tried yet). For a verifier: the kind of a record without a score (its `failure`,
   * else 'unparsable'), or of the current call failure where there is no record; for the
   * generation, of the current call failure.
   */
  problem: Uint8Array;
}

export interface VerifierColumn extends StageColumn {
  /** Score per row: NaN where the sample has no record of this verifier, MISSING_SCORE where the record has no score. */
  score: Float64Array;
}

export interface RunColumns {
  dir: string;
  manifest: RunManifest;
  /** In tasks.jsonl order. */
  tasks: Task[];
  /** Rows in use: one per sample with any record (rows beyond this in the arrays are spare capacity). */
  rows: number;
  /** Per row: the task's position in `tasks`. */
  task: Int32Array;
  index: Float64Array;
  /** Per row: byte offset of the generation line in samples.jsonl; −1 without a generation. */
  generation: Float64Array;
  /** The checker's verdict (1 correct), where there is a generation. */
  correct: Uint8Array;
  /** Per row: the normalized answer as a position in `answers`, −1 for none. */
  answer: Int32Array;
  answers: string[];
  generationStage: StageColumn;
  /** Verifier name -> its column, in order of first record; a verifier that draws several verifications per sample: their aggregate (drawnScores.ts). */
  verifiers: Map<string, VerifierColumn>;
  /** Verifier that draws K ≥ 2 verifications per sample -> its K draws' score columns (as `score` above: NaN without a record, MISSING_SCORE for a failed parse). */
  draws: Map<string, Float64Array[]>;
  /** Failure kinds named by the problem codes. */
  kinds: string[];
  /** In file order. */
  annotations: AnnotationRecord[];
  warnings: string[];
  /** The row of (task position, index), −1 if the run has no record of that sample. */
  rowOf(task: number, index: number): number;
}

/**
 * Reads a run folder into columns, validating every line exactly as readRun does (the same errors
 * and warnings). Verifications of a sample without a generation are dropped with readRun's warning.
 */
export async function readRunColumns(dir: string, opts: ReadRunOptions = {}): Promise<RunColumns> {
  const { manifest, tasks, warnings, reader } = await openRunFolder(dir, opts);
  const taskIds = new Map(tasks.map((t, i) => [t.id, i]));
  const file = path.join(dir, RUN_FILES.samples);
  const b = new ColumnBuilder(tasks.length, manifest.config.n);
  // A verifier's draw has its own column while reading (a draw the run does not draw is not counted);
  // foldDraws then puts their aggregate under the verifier's name.
  const column = (verifier: string, draw = 0): VerifierColumn | undefined => {
    const k = drawCount(manifest.config, verifier);
    if (draw >= k) return undefined;
    return b.verifier(k === 1 ? verifier : drawColumnName(verifier, draw));
  };
  await scanSamples(file, reader, {
    generation(record, offset) {
      const row = b.row(taskIds.get(record.task) as number, record.index);
      if (b.generation[row] !== -1) return false;
      b.generation[row] = offset;
      b.correct[row] = record.grade.correct ? 1 : 0;
      b.answer[row] = record.grade.normalized === null ? -1 : b.intern(record.grade.normalized);
      b.generationStage.problem[row] = 0;
      return true;
    },
    verification(record, line) {
      const row = b.row(taskIds.get(record.task) as number, record.index);
      if (b.firstVerificationLine[row] === 0) b.firstVerificationLine[row] = line;
      const drawn = column(record.verifier, record.draw);
      if (drawn === undefined) return true;
      if (!Number.isNaN(drawn.score[row] as number)) return false;
      drawn.score[row] = record.score ?? MISSING_SCORE;
      drawn.problem[row] = record.score === null ? b.kind(record.failure ?? 'unparsable') : 0;
      return true;
    },
    failure(record) {
      const row = b.row(taskIds.get(record.task) as number, record.index);
      const stage = record.stage === GENERATION ? b.generationStage : column(record.stage, record.draw);
      if (stage === undefined) return;
      // A record of the stage supersedes its call failures, whichever came first.
      const done = record.stage === GENERATION ? b.generation[row] !== -1 : !Number.isNaN((stage as VerifierColumn).score[row] as number);
      if (!done) stage.problem[row] = b.kind(record.kind);
    },
  });
  b.dropOrphans(file, reader.warn);
  b.foldDraws(manifest.config.verifications ?? {});
  const annotations = await readAnnotations(path.join(dir, RUN_FILES.annotations), reader);
  return { ...b.columns(), dir, manifest, tasks, annotations, warnings };
}

/** The reading column of one draw of a verifier that draws several (folded away by foldDraws). */
function drawColumnName(verifier: string, draw: number): string {
  return `${verifier}\u0000draw ${draw}`;
}

/** Rows are added as samples first appear; every column grows together (doubling). */
class ColumnBuilder {
  rows = 0;
  capacity = FIRST_CAPACITY;
  task = new Int32Array(FIRST_CAPACITY);
  index = new Float64Array(FIRST_CAPACITY);
  generation = new Float64Array(FIRST_CAPACITY).fill(-1);
  correct = new Uint8Array(FIRST_CAPACITY);
  answer = new Int32Array(FIRST_CAPACITY);
  /** The line of a row's first verification, for the orphan warning; 0: none. */
  firstVerificationLine = new Uint32Array(FIRST_CAPACITY);
  generationStage: StageColumn = { problem: new Uint8Array(FIRST_CAPACITY) };
  readonly verifiers = new Map<string, VerifierColumn>();
  readonly draws = new Map<string, Float64Array[]>();
  readonly answers: string[] = [];
  private readonly answerIds = new Map<string, number>();
  readonly kinds: string[] = [];
  /** (task, index) -> row + 1 for index < n (0: none); other indices in `extraRows`. */
  private readonly denseRows: Int32Array;
  private readonly extraRows = new Map<string, number>();

  constructor(
    tasks: number,
    private readonly n: number,
  ) {
    this.denseRows = new Int32Array(tasks * n);
  }

  rowOf(task: number, index: number): number {
    if (index < this.n) return (this.denseRows[task * this.n + index] as number) - 1;
    return this.extraRows.get(`${task}:${index}`) ?? -1;
  }

  /** The row of a sample, added if it has none yet. */
  row(task: number, index: number): number {
    const found = this.rowOf(task, index);
    if (found !== -1) return found;
    if (this.rows === this.capacity) this.grow();
    const row = this.rows++;
    this.task[row] = task;
    this.index[row] = index;
    if (index < this.n) this.denseRows[task * this.n + index] = row + 1;
    else this.extraRows.set(`${task}:${index}`, row);
    return row;
  }

  verifier(name: string): VerifierColumn {
    let column = this.verifiers.get(name);
    if (!column) {
      column = { score: new Float64Array(this.capacity).fill(NO_RECORD), problem: new Uint8Array(this.capacity) };
      this.verifiers.set(name, column);
    }
    return column;
  }

  intern(answer: string): number {
    let id = this.answerIds.get(answer);
    if (id === undefined) {
      id = this.answers.length;
      this.answers.push(answer);
      this.answerIds.set(answer, id);
    }
    return id;
  }

  kind(name: string): number {
    const at = this.kinds.indexOf(name);
    if (at !== -1) return at + 1;
    this.kinds.push(name);
    return this.kinds.length;
  }

  // The same rule and warning as readRun's: a verification needs its sample's generation.
  dropOrphans(file: string, warn: (msg: string) => void): void {
    let count = 0;
    let firstLine = Infinity;
    for (let row = 0; row < this.rows; row++) {
      const line = this.firstVerificationLine[row] as number;
      if (line === 0 || this.generation[row] !== -1) continue;
      count++;
      firstLine = Math.min(firstLine, line);
      for (const column of this.verifiers.values()) {
        column.score[row] = NO_RECORD;
        column.problem[row] = 0;
      }
    }
    if (count > 0) warn(orphanWarning(file, count, firstLine));
  }

  /**
   * Replaces the draw columns of each verifier drawing K ≥ 2 verifications (`verifications`: verifier
   * -> K) by their aggregate under the verifier's name, as drawnVerdict defines it, and keeps the
   * draws' scores in `draws`. A verifier none of whose draws has a record is left out, as one without
   * records is.
   */
  foldDraws(verifications: Readonly<Record<string, number>>): void {
    for (const [name, k] of Object.entries(verifications)) {
      const names = Array.from({ length: k }, (_, draw) => drawColumnName(name, draw));
      if (!names.some((n) => this.verifiers.has(n))) continue;
      const drawn = names.map((n) => this.verifier(n));
      for (const n of names) this.verifiers.delete(n);
      const folded = this.verifier(name);
      for (let row = 0; row < this.rows; row++) {
        const verdict = drawnVerdict(
          name,
          drawn.map((d) => {
            const score = d.score[row] as number;
            return Number.isNaN(score) ? undefined : { score: score === MISSING_SCORE ? null : score, failure: this.kindOf(d.problem[row] as number) as VerificationFailureKind | undefined };
          }),
          (draw) => this.kindOf((drawn[draw] as VerifierColumn).problem[row] as number) as VerifierFailureKind | undefined,
        );
        folded.score[row] = verdict === undefined || (verdict.score === null && !verdict.recorded) ? NO_RECORD : (verdict.score ?? MISSING_SCORE);
        folded.problem[row] = verdict === undefined || verdict.score !== null ? 0 : this.kind(verdict.kind);
      }
      this.draws.set(name, drawn.map((d) => d.score));
    }
  }

  private kindOf(code: number): string | undefined {
    return code === 0 ? undefined : this.kinds[code - 1];
  }

  columns(): Omit<RunColumns, 'dir' | 'manifest' | 'tasks' | 'annotations' | 'warnings'> {
    const { rows, task, index, generation, correct, answer, answers, generationStage, verifiers, draws, kinds } = this;
    return { rows, task, index, generation, correct, answer, answers, generationStage, verifiers, draws, kinds, rowOf: (t, i) => this.rowOf(t, i) };
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const larger = <A extends Float64Array | Int32Array | Uint8Array | Uint32Array>(from: A, fill: number): A => {
      const to = new (from.constructor as new (n: number) => A)(capacity);
      to.fill(fill, from.length);
      to.set(from);
      return to;
    };
    this.task = larger(this.task, 0);
    this.index = larger(this.index, 0);
    this.generation = larger(this.generation, -1);
    this.correct = larger(this.correct, 0);
    this.answer = larger(this.answer, 0);
    this.firstVerificationLine = larger(this.firstVerificationLine, 0);
    this.generationStage = { problem: larger(this.generationStage.problem, 0) };
    for (const column of this.verifiers.values()) {
      column.score = larger(column.score, NO_RECORD);
      column.problem = larger(column.problem, 0);
    }
    this.capacity = capacity;
  }
}

/** The run's coverage from its columns: equal to runCoverage(readRun(dir)). */
export function columnsCoverage(cols: RunColumns): RecordCoverage {
  const kindOf = <K extends string>(code: number): K | undefined => (code === 0 ? undefined : (cols.kinds[code - 1] as K));
  // Found as readRun keeps them: in a verification that is not an orphan's, or in a call failure.
  const found = [...cols.verifiers].filter(([, column]) => {
    for (let row = 0; row < cols.rows; row++) if (!Number.isNaN(column.score[row] as number) || column.problem[row] !== 0) return true;
    return false;
  });
  return countCoverage({
    n: cols.manifest.config.n,
    tasks: cols.tasks.length,
    verifiers: verifierNames(cols.manifest.config.verifiers, found.map(([name]) => name)),
    generated(t, i) {
      const row = cols.rowOf(t, i);
      return row !== -1 && cols.generation[row] !== -1;
    },
    generationFailure(t, i) {
      const row = cols.rowOf(t, i);
      return row === -1 ? undefined : kindOf<CallFailureKind>(cols.generationStage.problem[row] as number);
    },
    verdict(t, i, name) {
      const row = cols.rowOf(t, i);
      const column = cols.verifiers.get(name);
      if (row === -1 || column === undefined) return undefined;
      const score = column.score[row] as number;
      return !Number.isNaN(score) && score !== MISSING_SCORE ? 'scored' : kindOf<VerifierFailureKind>(column.problem[row] as number);
    },
  });
}

export interface ColumnsPoolOptions {
  /** Honour human review, as toScoredSamples does (correctedVerdict over each sample's latest annotation). */
  checkerCorrected?: boolean;
}

/**
 * The statistics' pool of the run's generated samples: equal, row for row, to
 * buildPool(toScoredSamples(readRun(dir), opts)) — the same rows, verdicts, answers and score columns.
 */
export function columnsPool(cols: RunColumns, opts: ColumnsPoolOptions = {}): SamplePool {
  const generated: number[] = [];
  for (let row = 0; row < cols.rows; row++) if (cols.generation[row] !== -1) generated.push(row);
  const rowAt = (i: number): number => generated[i] as number;
  const { taskIds, starts, order } = poolOrder(generated.length, (i) => (cols.tasks[cols.task[rowAt(i)] as number] as Task).id, (i) => cols.index[rowAt(i)] as number);
  const count = order.length;
  const source = (r: number): number => rowAt(order[r] as number);
  const labels = opts.checkerCorrected ? latestLabels(cols.annotations) : new Map<string, AnnotationRecord>();
  const correct = new Uint8Array(count);
  const indices = new Float64Array(count);
  const answers = new Array<string | null>(count);
  for (let r = 0; r < count; r++) {
    const row = source(r);
    const checker = cols.correct[row] === 1;
    const label = labels.size === 0 ? undefined : labels.get(sampleKey((cols.tasks[cols.task[row] as number] as Task).id, cols.index[row] as number));
    correct[r] = correctedVerdict(checker, label) ? 1 : 0;
    indices[r] = cols.index[row] as number;
    const answer = cols.answer[row] as number;
    answers[r] = answer === -1 ? null : (cols.answers[answer] as string);
  }
  // A verifier has a column where any generated sample has its record, as buildScoreColumns makes them.
  const columns = new Map<string, Float64Array>();
  for (const [name, { score }] of cols.verifiers) {
    const column = new Float64Array(count);
    let any = false;
    for (let r = 0; r < count; r++) {
      const value = score[source(r)] as number;
      any ||= !Number.isNaN(value);
      column[r] = Number.isNaN(value) ? MISSING_SCORE : value;
    }
    if (any) columns.set(name, column);
  }
  // The draws of a verifier that draws several, for the k-curve: a sample whose aggregate is not
  // defined (a draw not recorded yet) has none, as its aggregate is missing.
  const draws = new Map<string, Float64Array[]>();
  for (const [name, scores] of cols.draws) {
    const aggregate = cols.verifiers.get(name)?.score;
    draws.set(
      name,
      scores.map((score) => {
        const column = new Float64Array(count);
        for (let r = 0; r < count; r++) {
          const value = score[source(r)] as number;
          column[r] = Number.isNaN(aggregate?.[source(r)] ?? NaN) || Number.isNaN(value) ? MISSING_SCORE : value;
        }
        return column;
      }),
    );
  }
  // Every generation carries its answer field (null where none was extracted), so a run's pool always has answers.
  return { taskIds, starts, correct, indices, columns, answers: count > 0 ? answers : null, ...(draws.size > 0 ? { draws } : {}) };
}

function latestLabels(annotations: readonly AnnotationRecord[]): Map<string, AnnotationRecord> {
  const latest = new Map<string, AnnotationRecord>();
  for (const a of annotations) latest.set(sampleKey(a.task, a.index), a);
  return latest;
}
