// A run folder as compact columns: what the statistics and the coverage need of each sample in
// typed arrays (about 70 bytes a sample with two verifiers), never the records themselves. Texts
// stay on disk: a row keeps the byte offsets of its generation line (which orders the HTML report's
// tasks as the file does) and of its verification lines, from which the panel reads a sample's
// details on demand. readRun (runStore.ts) is the reader that keeps every record.
import path from 'node:path';
import { MISSING_SCORE } from '../filter/columns';
import { Numbering } from '../util/numbering';
import { poolOrder, type SamplePool } from '../stats/pool';
import type { Task } from '../tasks/task';
import type { AnnotationRecord, CallFailureKind, FailureRecord, GenerationRecord, RunManifest, VerificationRecord } from './records';
import type { RecordCoverage, VerifierFailureKind } from '../stats/coverage';
import { countCoverage, verifierNames } from './coverage';
import { correctedVerdict } from './labels';
import { orphanWarning, readAnnotations, scanSamples, type ScanEnd } from './sampleRecords';
import { encodeColumns, loadColumnCache, worthWriting, writeColumnCache, type CacheTell } from './columnCache';
import { openRunFolder, RUN_FILES, type ReadRunOptions } from './runStore';
import { sampleKey } from './sampleKey';
import { drawCount, drawnVerdict } from './drawnScores';
import { stageDraw, stageKey, stageVerifier } from '../verify/draws';
import type { VerificationFailureKind } from '../verify/verifier';

const GENERATION = 'generation';
/** A score column's value where the sample has no record of that verifier. */
const NO_RECORD = NaN;
const FIRST_CAPACITY = 1024;
/** An offset column's value for a record that is not in the file read (it was added afterwards, see ColumnStore). */
export const OFFSET_UNKNOWN = -2;

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
  /** Per row: byte offset of the kept verification line in samples.jsonl; −1 without one, OFFSET_UNKNOWN when added afterwards. */
  offset: Float64Array;
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
  /** Per row: byte offset of the generation line in samples.jsonl; −1 without a generation, OFFSET_UNKNOWN when added afterwards. */
  generation: Float64Array;
  /** The checker's verdict (1 correct), where there is a generation. */
  correct: Uint8Array;
  /** Per row: the normalized answer as a position in `answers`, −1 for none. */
  answer: Int32Array;
  /** Per row: the answer as written in the output (the grade's `extracted`) as a position in `answers`, −1 for none. */
  extracted: Int32Array;
  answers: string[];
  generationStage: StageColumn;
  /** Verifier name -> its column, in order of first record; a verifier that draws several verifications per sample: their aggregate (drawnScores.ts). */
  verifiers: Map<string, VerifierColumn>;
  /** Verifier that draws K ≥ 2 verifications per sample -> a column per draw, 0 … K − 1 (its column in `verifiers` holds their aggregate). */
  draws: Map<string, VerifierColumn[]>;
  /** Failure kinds named by the problem codes. */
  kinds: string[];
  /** Row -> stage -> byte offset of the stage's current call failure line (OFFSET_UNKNOWN when added afterwards); only where one is current. */
  failures: Map<number, Map<string, number>>;
  /** In file order. */
  annotations: AnnotationRecord[];
  warnings: string[];
  /** The row of (task position, index), −1 if the run has no record of that sample. */
  rowOf(task: number, index: number): number;
}

export interface ColumnReadOptions extends ReadRunOptions {
  /** False: the column cache (columnCache.ts) is neither loaded nor written, and every line is parsed (report --no-column-cache). */
  columnCache?: boolean;
  /** Told, in one line, why the column cache was not written (a read-only folder, a full disk): no fault of the run, so no warning. */
  onDebug?: (msg: string) => void;
  /**
   * True: the cache is loaded but not written anew by this read, however much it parsed past it: the
   * reader is an execution about to append, whose first checkpoint writes it (columnCheckpoints.ts)
   * once the run's first requests are out, instead of 70 MB hashed and written before them at 1M samples.
   */
  deferCacheWrite?: boolean;
}

/**
 * Reads a run folder into columns, validating every line exactly as readRun does (the same errors
 * and warnings). Verifications of a sample without a generation are dropped with readRun's warning.
 */
export async function readRunColumns(dir: string, opts: ColumnReadOptions = {}): Promise<RunColumns> {
  const { store, scan: _scan, ...rest } = await readColumnStore(dir, opts);
  return { ...store.columns(), ...rest };
}

/**
 * readRunColumns, keeping the store the columns live in so that records written after the read can
 * be added to them (the panel of a run that is executing). The lines of samples.jsonl that the run's
 * column cache covers are not parsed again: the store starts from the cache and the scan from its
 * end; a read that parsed many lines writes the cache anew (docs/run-format.md, "The column cache").
 */
export async function readColumnStore(dir: string, opts: ColumnReadOptions = {}): Promise<StoreRead> {
  const { manifest, tasks, warnings, reader } = await openRunFolder(dir, opts);
  const file = path.join(dir, RUN_FILES.samples);
  const store = new ColumnStore(tasks, manifest.config.n, manifest.config.verifications);
  const run = { dir, manifest, tasks };
  // The cache is not the run's: what is wrong with it is told, but is not one of the run's warnings.
  const tell: CacheTell = { warn: (msg) => opts.onWarning?.(msg), debug: (msg) => opts.onDebug?.(msg) };
  const cached = opts.columnCache === false ? null : await loadColumnCache(run, file, tell);
  if (cached) store.restore(cached.state);
  const end = await scanSamples(
    file,
    reader,
    {
      generation: (record, offset) => store.addGeneration(record, offset),
      verification: (record, line, offset) => store.addVerification(record, offset, line),
      failure: (record, offset) => void store.addFailure(record, offset),
    },
    cached?.position,
  );
  // Written before the orphans are dropped: the cache holds what the scan left, and the columns are written from the store's own arrays.
  const rewrite = opts.columnCache !== false && opts.deferCacheWrite !== true && worthWriting(end, cached?.position ?? null);
  if (rewrite) await writeColumnCache(run, encodeColumns(store.state()), end, file, tell);
  const orphans = store.dropOrphans(file, reader.warn);
  const annotations = await readAnnotations(path.join(dir, RUN_FILES.annotations), reader);
  return { store, dir, manifest, tasks, annotations, warnings, scan: { end, orphans, cached: rewrite ? end.offset : (cached?.position.offset ?? 0) } };
}

/** What readColumnStore read: the store, and how its scan of samples.jsonl ended. */
export interface StoreRead extends Pick<RunColumns, 'dir' | 'manifest' | 'tasks' | 'annotations' | 'warnings'> {
  store: ColumnStore;
  /**
   * Where the scan ended, and how many samples' verifications it then dropped as orphans: with
   * none, and a scan that ended `complete`, the store is what a scan of the file's first
   * `end.offset` bytes leaves (what the column cache keeps; a run executing goes on from it).
   */
  scan: {
    end: ScanEnd;
    orphans: number;
    /** The bytes of samples.jsonl the column cache covers once the read is done (0: none): `end.offset` where the read wrote it. */
    cached: number;
  };
}

/**
 * A ColumnStore's contents as a scan of samples.jsonl left them, before orphans are dropped: what
 * the column cache keeps. Arrays hold `rows` entries; maps are entry lists in their insertion order.
 */
export interface ColumnState {
  rows: number;
  task: Int32Array;
  index: Float64Array;
  generation: Float64Array;
  correct: Uint8Array;
  answer: Int32Array;
  extracted: Int32Array;
  firstVerificationLine: Uint32Array;
  generationProblem: Uint8Array;
  verifiers: Array<[string, VerifierColumn]>;
  draws: Array<[string, VerifierColumn[]]>;
  answers: string[];
  kinds: string[];
  failures: Array<[number, Array<[string, number]>]>;
}

/**
 * The columns of a run as its records arrive, in file order (readRunColumns), or as a running run
 * writes them (offset OFFSET_UNKNOWN). Rows are added as samples first appear; every column grows
 * together (doubling), from a start sized for every sample the run expects, so a complete run is read
 * without a copy or a spare row. A generation or verification the store holds already is a
 * duplicate: the earliest is kept. A verifier that draws K ≥ 2 verifications per sample has a column
 * per draw (`draws`) and, under its name, the column of their aggregate (drawnScores.ts), kept up to
 * date as its draws arrive; its offset is draw 0's, whose record stands for the sample's verdict.
 */
export class ColumnStore {
  rows = 0;
  capacity: number;
  task: Int32Array;
  index: Float64Array;
  generation: Float64Array;
  correct: Uint8Array;
  answer: Int32Array;
  extracted: Int32Array;
  /** The line of a row's first verification, for the orphan warning; 0: none. */
  firstVerificationLine: Uint32Array;
  generationStage: StageColumn;
  readonly verifiers = new Map<string, VerifierColumn>();
  /** Verifier drawing K ≥ 2 verifications per sample -> a column per draw. */
  readonly draws = new Map<string, VerifierColumn[]>();
  private readonly answerNumbers = new Numbering();
  /** The distinct answers (normalized and extracted) by number, as `answer` and `extracted` hold them. */
  readonly answers = this.answerNumbers.texts;
  readonly kinds: string[] = [];
  readonly failures = new Map<number, Map<string, number>>();
  private readonly taskIds: Map<string, number>;
  /** (task, index) -> row + 1 for index < n (0: none); other indices in `extraRows`. */
  private readonly denseRows: Int32Array;
  private readonly extraRows = new Map<string, number>();

  /** `verifications`: run.json's draws per sample of the verifiers that draw several (absent: one each). */
  constructor(
    tasks: readonly Task[],
    private readonly n: number,
    private readonly verifications: Readonly<Record<string, number>> = {},
  ) {
    this.taskIds = new Map(tasks.map((t, i) => [t.id, i]));
    this.denseRows = new Int32Array(tasks.length * n);
    const capacity = Math.max(FIRST_CAPACITY, tasks.length * n);
    this.capacity = capacity;
    this.task = new Int32Array(capacity);
    this.index = new Float64Array(capacity);
    this.generation = new Float64Array(capacity).fill(-1);
    this.correct = new Uint8Array(capacity);
    this.answer = new Int32Array(capacity);
    this.extracted = new Int32Array(capacity);
    this.firstVerificationLine = new Uint32Array(capacity);
    this.generationStage = { problem: new Uint8Array(capacity) };
  }

  /** The row of a record's sample; the record's task must be one of the run's. */
  rowOfSample(task: string, index: number): number {
    return this.rowOf(this.taskIds.get(task) as number, index);
  }

  /** False for a duplicate. */
  addGeneration(record: GenerationRecord, offset: number): boolean {
    const row = this.row(this.taskIds.get(record.task) as number, record.index);
    if (this.generation[row] !== -1) return false;
    this.generation[row] = offset;
    this.correct[row] = record.grade.correct ? 1 : 0;
    this.answer[row] = record.grade.normalized === null ? -1 : this.answerNumbers.of(record.grade.normalized);
    this.extracted[row] = record.grade.extracted === null ? -1 : this.answerNumbers.of(record.grade.extracted);
    this.generationStage.problem[row] = 0;
    this.stageDone(row, GENERATION);
    return true;
  }

  /** False for a duplicate. `line`: the record's line in the file (0 when added afterwards). */
  addVerification(record: VerificationRecord, offset: number, line = 0): boolean {
    const row = this.row(this.taskIds.get(record.task) as number, record.index);
    if (this.firstVerificationLine[row] === 0) this.firstVerificationLine[row] = line;
    const column = this.stageColumn(record.verifier, record.draw);
    if (column === undefined) return true;
    if (!Number.isNaN(column.score[row] as number)) return false;
    column.score[row] = record.score ?? MISSING_SCORE;
    column.offset[row] = offset;
    column.problem[row] = record.score === null ? this.kind(record.failure ?? 'unparsable') : 0;
    this.stageDone(row, stageKey(record.verifier, record.draw));
    this.fold(row, record.verifier);
    return true;
  }

  /**
   * A record of the stage supersedes its call failures, whichever came first; the last failure is the
   * current one. False when a record of the stage supersedes this failure.
   */
  addFailure(record: FailureRecord, offset: number): boolean {
    const row = this.row(this.taskIds.get(record.task) as number, record.index);
    const column = record.stage === GENERATION ? null : this.stageColumn(record.stage, record.draw);
    if (column === undefined) return false;
    const done = column === null ? this.generation[row] !== -1 : !Number.isNaN(column.score[row] as number);
    if (done) return false;
    (column ?? this.generationStage).problem[row] = this.kind(record.kind);
    let byStage = this.failures.get(row);
    if (!byStage) this.failures.set(row, (byStage = new Map()));
    byStage.set(stageKey(record.stage, record.draw), offset);
    if (column !== null) this.fold(row, record.stage);
    return true;
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
    if (!column) this.verifiers.set(name, (column = this.newColumn()));
    return column;
  }

  private newColumn(): VerifierColumn {
    return { score: new Float64Array(this.capacity).fill(NO_RECORD), offset: new Float64Array(this.capacity).fill(-1), problem: new Uint8Array(this.capacity) };
  }

  kind(name: string): number {
    const at = this.kinds.indexOf(name);
    if (at !== -1) return at + 1;
    this.kinds.push(name);
    return this.kinds.length;
  }

  /** The same rule and warning as readRun's: a verification needs its sample's generation. Returns how many samples' verifications it dropped. */
  dropOrphans(file: string, warn: (msg: string) => void): number {
    let count = 0;
    let firstLine = Infinity;
    for (let row = 0; row < this.rows; row++) {
      const line = this.firstVerificationLine[row] as number;
      if (line === 0 || this.generation[row] !== -1) continue;
      count++;
      firstLine = Math.min(firstLine, line);
      for (const column of this.allColumns()) {
        column.score[row] = NO_RECORD;
        column.offset[row] = -1;
        column.problem[row] = 0;
      }
      for (const stage of this.verifiers.keys()) this.stageDone(row, stage);
      for (const [name, drawn] of this.draws) drawn.forEach((_, draw) => this.stageDone(row, stageKey(name, draw)));
    }
    if (count > 0) warn(orphanWarning(file, count, firstLine));
    return count;
  }

  /** The store's contents, as views of its arrays (valid until the next record). */
  state(): ColumnState {
    const rows = this.rows;
    const view = (c: VerifierColumn): VerifierColumn => ({ score: c.score.subarray(0, rows), offset: c.offset.subarray(0, rows), problem: c.problem.subarray(0, rows) });
    return {
      rows,
      task: this.task.subarray(0, rows),
      index: this.index.subarray(0, rows),
      generation: this.generation.subarray(0, rows),
      correct: this.correct.subarray(0, rows),
      answer: this.answer.subarray(0, rows),
      extracted: this.extracted.subarray(0, rows),
      firstVerificationLine: this.firstVerificationLine.subarray(0, rows),
      generationProblem: this.generationStage.problem.subarray(0, rows),
      verifiers: [...this.verifiers].map(([name, column]) => [name, view(column)]),
      draws: [...this.draws].map(([name, columns]) => [name, columns.map(view)]),
      answers: [...this.answers],
      kinds: [...this.kinds],
      failures: [...this.failures].map(([row, byStage]) => [row, [...byStage]]),
    };
  }

  /**
   * Makes a new, empty store hold `state` (of a store of the same run, its values in range: the
   * column cache checks them), as if it had read the records that made it.
   */
  restore(state: ColumnState): void {
    // A run whose every sample has a row (a finished one): the store takes over the state's arrays,
    // which the cache made for it alone, instead of copying a million rows again.
    const adopt = state.rows === this.capacity;
    while (this.capacity < state.rows) this.grow();
    this.rows = state.rows;
    if (adopt) {
      ({ task: this.task, index: this.index, generation: this.generation, correct: this.correct, answer: this.answer, extracted: this.extracted, firstVerificationLine: this.firstVerificationLine } = state);
      this.generationStage = { problem: state.generationProblem };
    } else {
      this.task.set(state.task);
      this.index.set(state.index);
      this.generation.set(state.generation);
      this.correct.set(state.correct);
      this.answer.set(state.answer);
      this.extracted.set(state.extracted);
      this.firstVerificationLine.set(state.firstVerificationLine);
      this.generationStage.problem.set(state.generationProblem);
    }
    const put = (from: VerifierColumn): VerifierColumn => {
      if (adopt) return from;
      const into = this.newColumn();
      into.score.set(from.score);
      into.offset.set(from.offset);
      into.problem.set(from.problem);
      return into;
    };
    for (let row = 0; row < state.rows; row++) {
      const task = state.task[row] as number;
      const index = state.index[row] as number;
      if (index < this.n) this.denseRows[task * this.n + index] = row + 1;
      else this.extraRows.set(`${task}:${index}`, row);
    }
    for (const answer of state.answers) this.answerNumbers.of(answer);
    this.kinds.push(...state.kinds);
    for (const [name, columns] of state.draws) this.draws.set(name, columns.map(put));
    for (const [name, from] of state.verifiers) this.verifiers.set(name, put(from));
    for (const [row, stages] of state.failures) this.failures.set(row, new Map(stages));
  }

  /** The columns as they are now (a later record may grow them into new arrays: ask again). */
  columns(): Omit<RunColumns, 'dir' | 'manifest' | 'tasks' | 'annotations' | 'warnings'> {
    const { rows, task, index, generation, correct, answer, extracted, answers, generationStage, verifiers, draws, kinds, failures } = this;
    return { rows, task, index, generation, correct, answer, extracted, answers, generationStage, verifiers, draws, kinds, failures, rowOf: (t, i) => this.rowOf(t, i) };
  }

  /** A record of the stage arrived: its call failure, if any, is history. */
  private stageDone(row: number, stage: string): void {
    const byStage = this.failures.get(row);
    if (byStage?.delete(stage) && byStage.size === 0) this.failures.delete(row);
  }

  /**
   * The column a record of the verifier's draw goes to: the verifier's own, or of a verifier drawing
   * several, that draw's; undefined for a draw the run does not draw (such a record is not counted).
   */
  private stageColumn(verifier: string, draw = 0): VerifierColumn | undefined {
    const k = drawCount({ verifications: this.verifications }, verifier);
    if (draw >= k) return undefined;
    if (k === 1) return this.verifier(verifier);
    let drawn = this.draws.get(verifier);
    if (!drawn) this.draws.set(verifier, (drawn = Array.from({ length: k }, () => this.newColumn())));
    return drawn[draw];
  }

  /** The row's aggregate of a verifier drawing several verifications, as drawnVerdict defines it from the draws' columns. */
  private fold(row: number, name: string): void {
    const drawn = this.draws.get(name);
    if (!drawn) return;
    const verdict = drawnVerdict(
      name,
      drawn.map((d) => {
        const score = d.score[row] as number;
        return Number.isNaN(score) ? undefined : { score: score === MISSING_SCORE ? null : score, failure: this.kindOf(d.problem[row] as number) as VerificationFailureKind | undefined };
      }),
      (draw) => this.kindOf((drawn[draw] as VerifierColumn).problem[row] as number) as VerifierFailureKind | undefined,
    );
    const folded = this.verifier(name);
    const recorded = verdict !== undefined && (verdict.score !== null || verdict.recorded);
    folded.score[row] = recorded ? (verdict.score ?? MISSING_SCORE) : NO_RECORD;
    folded.offset[row] = recorded ? ((drawn[0] as VerifierColumn).offset[row] as number) : -1;
    folded.problem[row] = verdict === undefined || verdict.score !== null ? 0 : this.kind(verdict.kind);
  }

  private kindOf(code: number): string | undefined {
    return code === 0 ? undefined : this.kinds[code - 1];
  }

  /** The verifiers' columns and their draws'. */
  private allColumns(): VerifierColumn[] {
    return [...this.verifiers.values(), ...[...this.draws.values()].flat()];
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
    this.extracted = larger(this.extracted, 0);
    this.firstVerificationLine = larger(this.firstVerificationLine, 0);
    this.generationStage = { problem: larger(this.generationStage.problem, 0) };
    for (const column of this.allColumns()) {
      column.score = larger(column.score, NO_RECORD);
      column.offset = larger(column.offset, -1);
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

/** A run's pool, with the checker's own verdicts beside the pool's (which human review may correct). */
export interface ColumnsPool extends SamplePool {
  /** Per row, 1 if the checker graded it correct: what an audit measures (the same array as `correct` without checkerCorrected). */
  checkerCorrect: Uint8Array;
}

/**
 * The statistics' pool of the run's generated samples: equal, row for row, to
 * buildPool(toScoredSamples(readRun(dir), opts)) — the same rows, verdicts, answers and score columns.
 */
export function columnsPool(cols: RunColumns, opts: ColumnsPoolOptions = {}): ColumnsPool {
  // A typed array, not a growing JS array: a million rows take 4 MB, once.
  const generated = new Int32Array(cols.rows);
  let count = 0;
  for (let row = 0; row < cols.rows; row++) if (cols.generation[row] !== -1) generated[count++] = row;
  const rowAt = (i: number): number => generated[i] as number;
  const { taskIds, starts, order } = poolOrder(count, (i) => (cols.tasks[cols.task[rowAt(i)] as number] as Task).id, (i) => cols.index[rowAt(i)] as number);
  const source = (r: number): number => rowAt(order[r] as number);
  const labels = opts.checkerCorrected ? latestLabels(cols.annotations) : new Map<string, AnnotationRecord>();
  const correct = new Uint8Array(count);
  const checkerCorrect = opts.checkerCorrected ? new Uint8Array(count) : correct;
  const indices = new Float64Array(count);
  const answers = new Array<string | null>(count);
  for (let r = 0; r < count; r++) {
    const row = source(r);
    const checker = cols.correct[row] === 1;
    const label = labels.size === 0 ? undefined : labels.get(sampleKey((cols.tasks[cols.task[row] as number] as Task).id, cols.index[row] as number));
    checkerCorrect[r] = checker ? 1 : 0;
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
      scores.map(({ score }) => {
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
  return { taskIds, starts, correct, checkerCorrect, indices, columns, answers: count > 0 ? answers : null, ...(draws.size > 0 ? { draws } : {}) };
}

function latestLabels(annotations: readonly AnnotationRecord[]): Map<string, AnnotationRecord> {
  const latest = new Map<string, AnnotationRecord>();
  for (const a of annotations) latest.set(sampleKey(a.task, a.index), a);
  return latest;
}

/** The column of a stage (verify/draws.ts stageKey): a verifier's, or one draw's of a verifier drawing several. */
export function stageColumn(cols: Pick<RunColumns, 'verifiers' | 'draws'>, stage: string): VerifierColumn | undefined {
  const drawn = cols.draws.get(stageVerifier(stage));
  return drawn ? drawn[stageDraw(stage)] : cols.verifiers.get(stage);
}

/** The columns holding one record a row: each verifier's, or the draws' of one drawing several. */
export function recordColumns(cols: Pick<RunColumns, 'verifiers' | 'draws'>): VerifierColumn[] {
  return [...cols.verifiers].flatMap(([name, column]) => cols.draws.get(name) ?? [column]);
}
