// What the panel shows of one run, held by the host: the tasks and one row per sample as compact
// columns (core's ColumnStore: scores, grades, answers, the byte offsets of the records), built from a
// run folder by readRunColumns or from records as they stream in, and the run's coverage counted
// from those columns as core counts a run folder's. Texts (generations, verifier outputs, prompts)
// stay on disk: a sample's full row is read back by offset when the panel needs it (the detail
// pane, a live update). Records a running run streams in are held until their lines are looked up
// in the file (settle), at the latest once HELD_ROWS samples have some.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { hasNoGold, runSelector } from '../../core/config/runRules';
import { samplingText } from '../../core/report/samplingText';
import type { GapCheckEvent } from '../../core/pipeline/gapCheck';
import { AnswerClusters } from '../../core/grade/answerClusters';
import type { GradeResult } from '../../core/grade/grader';
import { getGrader } from '../../core/grade/graders';
import { MISSING_SCORE } from '../../core/filter/columns';
import { forEachLineFrom, readRecordAt } from '../../core/runs/recordAt';
import { errorCode } from '../../core/runs/files';
import type { AnnotationRecord, FailureRecord, GenerationRecord, RunManifest, VerificationRecord } from '../../core/runs/records';
import { columnsCoverage, ColumnStore, OFFSET_UNKNOWN, readColumnStore, stageColumn } from '../../core/runs/runColumns';
import { stageKey, stageVerifier } from '../../core/verify/draws';
import type { VerificationFailureKind } from '../../core/verify/verifier';
import { RUN_FILES, type ReadRunOptions, type RunData } from '../../core/runs/runStore';
import { RunPrompts } from '../../core/runs/verificationPrompts';
import type { RecordCoverage } from '../../core/stats/coverage';
import type { Task } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { isPlainObject } from '../../core/util/plainObject';
import { parseJson } from '../../core/runs/jsonlFile';
import { goldList, SampleColumnsBuilder, type CallFailureRow, type HostNotificationParams, type PanelMode, type RunSummary, type SampleColumns, type SampleRow, type TaskInfo, type VerificationRow } from '../../protocol/panelProtocol';
import type { GapInput } from '../../core/pipeline/liveGap';
import type { TaskRows } from '../../core/stats/accumulator';

const GENERATION = 'generation';
/** Samples with streamed records held in memory before settle looks their lines up on disk. */
const HELD_ROWS = 1024;

/** The records of one sample this model was given after reading the folder: not at an offset it knows. */
interface StreamedRecords {
  generation?: GenerationRecord;
  verifications: Map<string, VerificationRecord>;
  failures: Map<string, FailureRecord>;
}

/** A row's grade: the recorded one, a regrade against a marked answer, or (no gold answer) its answer group without a verdict. */
type RowGrade = Omit<GradeResult, 'correct'> & { correct: boolean | null };

export class RunModel {
  private readonly tasks: readonly Task[];
  private readonly taskIndex = new Map<string, number>();
  private readonly file: string;
  /** Rows with a generation: the panel's samples. */
  private generated = 0;
  /** Generated rows in task order, then sample index; rebuilt after a row is added. */
  private order: Int32Array | null = null;
  /** coverage() as last counted; null once a record has changed it. */
  private covered: RecordCoverage | null = null;
  /** Records streamed in after the read (a running run's) whose lines settle has not found yet, by row. */
  private readonly streamed = new Map<number, StreamedRecords>();
  /** Where settle looks next in samples.jsonl: every record before it has its offset in the store. */
  private settledTo = 0;
  /** Rows whose grade is not the recorded one: their task has no gold answer, or one marked in this panel. */
  private readonly grades = new Map<number, RowGrade>();
  /** Tasks with a gold answer the user marked in this panel (Check Selection). */
  private readonly marked = new Map<string, string>();
  /** The answer groups of each task without a gold answer, built in the order its samples were recorded. */
  private readonly clusters = new Map<string, AnswerClusters>();
  readonly summary: RunSummary;
  /** Renders the verification prompts that version-2 records only reference, from the run's texts on disk. */
  private readonly prompts: RunPrompts;
  /**
   * While this window executes the run in batches: where they stand, as last polled (null: not in
   * batches). Held with the run, not its panel, so that a panel opened, shown again or reloaded
   * mid-run shows it with its snapshot instead of after the next poll (minutes apart).
   */
  batch: HostNotificationParams['batch']['progress'] = null;

  private constructor(
    readonly dir: string,
    private readonly manifest: RunManifest,
    readonly mode: PanelMode,
    tasks: readonly Task[],
    private readonly store: ColumnStore,
  ) {
    this.summary = summaryOf(manifest);
    this.tasks = tasks;
    tasks.forEach((t, i) => this.taskIndex.set(t.id, i));
    this.file = path.join(dir, RUN_FILES.samples);
    this.prompts = new RunPrompts(dir, manifest, {
      question: (task) => this.task(task)?.question,
      generationText: (task, index) => {
        const row = this.generatedRow(task, index);
        return row === -1 ? undefined : this.generationOf(row).text;
      },
    });
  }

  /** A run with no records yet (or whose records arrive through apply). */
  static fromManifest(dir: string, manifest: RunManifest, tasks: readonly Task[]): RunModel {
    return new RunModel(dir, manifest, tasks.some(hasNoGold) ? 'check' : 'gap', tasks, new ColumnStore(tasks, manifest.config.n, manifest.config.verifications));
  }

  /**
   * A run folder read as columns, and its annotations. Reads the texts of the samples of tasks
   * without a gold answer (to group their answers), of no other.
   */
  static async read(dir: string, opts: ReadRunOptions = {}): Promise<{ model: RunModel; annotations: AnnotationRecord[] }> {
    const { store, manifest, tasks, annotations } = await readColumnStore(dir, opts);
    const model = new RunModel(dir, manifest, tasks.some(hasNoGold) ? 'check' : 'gap', tasks, store);
    // One pass over the rows (10^6), asking each task once whether it has a gold answer.
    const noGold = tasks.map(hasNoGold);
    const ungraded: number[] = [];
    for (let row = 0; row < store.rows; row++) {
      if (store.generation[row] === -1) continue;
      model.generated++;
      if (noGold[store.task[row] as number]) ungraded.push(row);
    }
    // Answers are grouped in the order their samples were recorded, as they were while the run went on.
    ungraded.sort((a, b) => (store.generation[a] as number) - (store.generation[b] as number));
    for (const row of ungraded) model.groupAnswer(row, model.generationOf(row).text);
    model.settledTo = await fileSize(model.file);
    return { model, annotations };
  }

  /** A run held whole in memory (its records all streamed in), with the answers the user marked earlier. */
  static fromRun(run: RunData, markedAnswers: Readonly<Record<string, string>> = {}): RunModel {
    const model = RunModel.fromManifest(run.dir, run.manifest, run.tasks);
    for (const g of run.generations.values()) model.addGeneration(g);
    for (const maps of [run.verifications, run.draws]) for (const byStage of maps.values()) for (const v of byStage.values()) model.addVerification(v);
    for (const byStage of run.failures.values()) for (const f of byStage.values()) model.addFailure(f);
    model.markAnswers(markedAnswers);
    return model;
  }

  get runId(): string {
    return this.summary.id;
  }

  /** Applies a streamed record; returns the row it changed (none for task-done, a duplicate, nor for a failed generation, which has no row). */
  apply(event: GapCheckEvent): SampleRow | undefined {
    if (this.streamed.size >= HELD_ROWS) this.settle();
    if (event.type === 'generation') return this.addGeneration(event.record);
    if (event.type === 'verification') return this.addVerification(event.record);
    if (event.type === 'failure') return this.addFailure(event.record);
    return undefined;
  }

  /**
   * What the run's records cover so far, counted exactly as `gaplens report` counts the run folder.
   * Kept until a record changes it: opening a panel asks three times (Open Run, the status bar, the
   * snapshot), and at 10^6 samples each count walks every sample. Do not change the object returned.
   */
  coverage(): RecordCoverage {
    this.covered ??= columnsCoverage({ ...this.store.columns(), dir: this.dir, manifest: this.manifest, tasks: [...this.tasks], annotations: [], warnings: [] });
    return this.covered;
  }

  /**
   * Check Selection: makes `answer` the task's gold answer and regrades its samples with the task's
   * grader; returns the changed rows. The task snapshot on disk keeps no gold: the host remembers
   * marked answers and passes them to read after a reload.
   */
  markAnswer(taskId: string, answer: string): SampleRow[] {
    const task = this.task(taskId);
    if (!task) throw new UserError(`task "${taskId}" is not in this run`);
    const gold = answer.trim();
    const problem = getGrader(task.grader).checkGold({ ...task, answer: gold });
    if (problem) throw new UserError(`cannot use ${JSON.stringify(gold)} as the answer: ${problem}`);
    this.marked.set(taskId, gold);
    const changed: SampleRow[] = [];
    for (const row of this.rowOrder()) {
      if (this.tasks[this.store.task[row] as number] !== task) continue;
      this.regrade(row, task, gold);
      changed.push(this.fullRow(row));
    }
    return changed;
  }

  /** One sample's full row (texts read from disk), if it has been generated. */
  row(task: string, index: number): SampleRow | undefined {
    const row = this.generatedRow(task, index);
    return row === -1 ? undefined : this.fullRow(row);
  }

  /** Every generated row with its texts, in table order: reads each sample's records back, so for a few rows (tests), not a large run. */
  allRows(): SampleRow[] {
    return [...this.rowOrder()].map((row) => this.fullRow(row));
  }

  /** Rows `from` to `to` (table order: task order, then sample index) as 'sampleTable' columns, without texts. */
  tableColumns(from: number, to: number): SampleColumns {
    const order = this.rowOrder();
    const table = new SampleColumnsBuilder(to - from);
    const { store } = this;
    const answer = (at: number): string | null => (at === -1 ? null : (store.answers[at] as string));
    // Listed once, not iterated out of their maps for every one of 10^6 rows.
    const verifiers = [...store.verifiers];
    const draws = [...store.draws].map(([name, drawn]) => ({ name, drawn, aggregate: store.verifiers.get(name)?.score }));
    for (let i = from; i < to; i++) {
      const row = order[i] as number;
      const at = i - from;
      const grade = this.grades.get(row);
      const task = (this.tasks[store.task[row] as number] as Task).id;
      if (grade) table.add(task, store.index[row] as number, grade.correct, grade.extracted, grade.normalized);
      else table.add(task, store.index[row] as number, store.correct[row] === 1, answer(store.extracted[row] as number), answer(store.answer[row] as number));
      for (const [name, column] of verifiers) {
        const score = column.score[row] as number;
        if (!Number.isNaN(score)) table.score(name, at, score === MISSING_SCORE ? null : score);
      }
      // Each draw's score where the aggregate is defined (every draw recorded), as the report's pool has them.
      for (const { name, drawn, aggregate } of draws) {
        if (Number.isNaN(aggregate?.[row] ?? NaN)) continue;
        drawn.forEach((column, draw) => table.drawScore(name, draw, drawn.length, at, scoreOrNull(column.score[row] as number)));
      }
    }
    return table.build();
  }

  /** Every generated sample as the gap statistics see it, in table order. */
  *gapInputs(): Generator<GapInput> {
    const { store } = this;
    for (const row of this.rowOrder()) {
      const grade = this.grades.get(row);
      const normalized = grade ? grade.normalized : store.answer[row] === -1 ? null : (store.answers[store.answer[row] as number] as string);
      const scores: Record<string, number | null> = {};
      for (const [name, column] of store.verifiers) {
        const score = column.score[row] as number;
        if (!Number.isNaN(score)) scores[name] = score === MISSING_SCORE ? null : score;
      }
      yield { task: (this.tasks[store.task[row] as number] as Task).id, index: store.index[row] as number, correct: grade ? grade.correct : store.correct[row] === 1, scores, answer: normalized };
    }
  }

  /** gapInputs() as columns, for LiveGap.updateColumns: the same samples, no object made a sample (a panel opening 10^6 of them). */
  gapRows(): TaskRows {
    const { store, grades } = this;
    const graded = grades.size === 0 ? this.rowOrder() : this.rowOrder().filter((row) => grades.get(row)?.correct !== null);
    const correct = grades.size === 0 ? store.correct : store.correct.map((c, row) => (grades.has(row) ? Number(grades.get(row)?.correct) : c));
    return { order: graded, task: store.task, taskId: (t) => (this.tasks[t] as Task).id, index: store.index, correct, scores: new Map([...store.verifiers].map(([name, column]) => [name, column.score])) };
  }

  /**
   * Looks up the lines of the streamed records in samples.jsonl (a running run appends each record
   * before the model hears of it) and lets go of every record found: from then on it is read back
   * from disk like the rest. A record whose line is not there (a model fed records that were never
   * written, as in tests) stays held.
   */
  settle(): void {
    if (this.streamed.size === 0) return;
    const { store } = this;
    const failures = new Map<number, Map<string, number>>();
    try {
      this.settledTo = forEachLineFrom(this.file, this.settledTo, (offset, text) => {
        const json = parseJson(text);
        if (!json.ok || !isPlainObject(json.value)) return true;
        const { type, task, index, verifier, stage, draw } = json.value;
        const drawn = typeof draw === 'number' ? draw : undefined;
        if (typeof task !== 'string' || typeof index !== 'number' || !this.taskIndex.has(task)) return true;
        const row = store.rowOfSample(task, index);
        if (row === -1) return true;
        // The first line of a record the store holds is the one kept (later ones are duplicates); a stage's last failure is its current one.
        if (type === 'generation' && store.generation[row] === OFFSET_UNKNOWN) store.generation[row] = offset;
        if (type === 'verification' && typeof verifier === 'string') this.settleVerification(row, stageKey(verifier, drawn), offset);
        const failed = typeof stage === 'string' ? stageKey(stage, drawn) : '';
        if (type === 'failure' && store.failures.get(row)?.get(failed) === OFFSET_UNKNOWN) {
          if (!failures.has(row)) failures.set(row, new Map());
          failures.get(row)?.set(failed, offset);
        }
        return true;
      });
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return;
      throw err;
    }
    for (const [row, byStage] of failures) for (const [stage, offset] of byStage) store.failures.get(row)?.set(stage, offset);
    for (const [row, held] of this.streamed) {
      if (held.generation && store.generation[row] !== OFFSET_UNKNOWN) delete held.generation;
      for (const stage of held.verifications.keys()) if (stageColumn(store, stage)?.offset[row] !== OFFSET_UNKNOWN) held.verifications.delete(stage);
      for (const stage of held.failures.keys()) if (store.failures.get(row)?.get(stage) !== OFFSET_UNKNOWN) held.failures.delete(stage);
      if (!held.generation && held.verifications.size === 0 && held.failures.size === 0) this.streamed.delete(row);
    }
  }

  /**
   * The line of a streamed verification found: the first is the one kept. Of a verifier drawing
   * several verifications, draw 0's line is also the aggregate's (its record stands for the verdict).
   */
  private settleVerification(row: number, stage: string, offset: number): void {
    const column = stageColumn(this.store, stage);
    if (!column || column.offset[row] !== OFFSET_UNKNOWN) return;
    column.offset[row] = offset;
    const aggregate = this.store.verifiers.get(stage);
    if (aggregate && aggregate !== column && aggregate.offset[row] === OFFSET_UNKNOWN) aggregate.offset[row] = offset;
  }

  /** Samples with streamed records still held in memory. */
  get heldRows(): number {
    return this.streamed.size;
  }

  taskInfo(taskId: string): TaskInfo | undefined {
    const task = this.task(taskId);
    if (!task) return undefined;
    const marked = this.marked.get(taskId);
    return { id: task.id, question: task.question, gold: marked !== undefined ? [marked] : goldList(task.answer), grader: task.grader };
  }

  taskInfos(): TaskInfo[] {
    return this.tasks.map((t) => this.taskInfo(t.id) as TaskInfo);
  }

  /** Samples with a generation. */
  get sampleCount(): number {
    return this.generated;
  }

  get taskCount(): number {
    return this.tasks.length;
  }

  private task(id: string): Task | undefined {
    const at = this.taskIndex.get(id);
    return at === undefined ? undefined : this.tasks[at];
  }

  /** The row of a generated sample, −1 for none. */
  private generatedRow(task: string, index: number): number {
    const at = this.taskIndex.get(task);
    if (at === undefined) return -1;
    const row = this.store.rowOf(at, index);
    return row !== -1 && this.store.generation[row] !== -1 ? row : -1;
  }

  addGeneration(g: GenerationRecord): SampleRow | undefined {
    const task = this.task(g.task);
    if (!task || !this.store.addGeneration(g, OFFSET_UNKNOWN)) return undefined;
    this.covered = null;
    const row = this.store.rowOfSample(g.task, g.index);
    this.streamedOf(row).generation = g;
    this.generated++;
    this.order = null;
    // Without a gold answer the recorded grade found nothing to compare: the answer and its group instead.
    if (hasNoGold(task)) this.groupAnswer(row, g.text);
    const answer = this.marked.get(g.task);
    if (answer !== undefined) this.regrade(row, task, answer);
    return this.fullRow(row);
  }

  /** A verification of a sample whose generation is not here yet is dropped, as readRun does with orphans. */
  addVerification(v: VerificationRecord): SampleRow | undefined {
    const row = this.generatedRow(v.task, v.index);
    if (row === -1 || !this.store.addVerification(v, OFFSET_UNKNOWN)) return undefined;
    this.covered = null;
    const streamed = this.streamedOf(row);
    const stage = stageKey(v.verifier, v.draw);
    streamed.verifications.set(stage, v);
    streamed.failures.delete(stage);
    return this.fullRow(row);
  }

  /**
   * A failed model call becomes the stage's current state unless a record of the stage exists (that
   * supersedes it, whatever the order, as readRun has it). Returns the sample's row when it changed.
   */
  addFailure(f: FailureRecord): SampleRow | undefined {
    if (!this.task(f.task) || !this.store.addFailure(f, OFFSET_UNKNOWN)) return undefined;
    this.covered = null;
    const row = this.store.rowOfSample(f.task, f.index);
    this.streamedOf(row).failures.set(stageKey(f.stage, f.draw), f);
    return this.store.generation[row] !== -1 ? this.fullRow(row) : undefined;
  }

  private streamedOf(row: number): StreamedRecords {
    let streamed = this.streamed.get(row);
    if (!streamed) this.streamed.set(row, (streamed = { verifications: new Map(), failures: new Map() }));
    return streamed;
  }

  /** The answers the user marked earlier (task id -> answer; tasks not in the run are ignored). */
  markAnswers(markedAnswers: Readonly<Record<string, string>>): void {
    for (const [task, answer] of Object.entries(markedAnswers)) if (this.taskIndex.has(task)) this.markAnswer(task, answer);
  }

  private groupAnswer(row: number, text: string): void {
    const task = this.tasks[this.store.task[row] as number] as Task;
    let clusters = this.clusters.get(task.id);
    if (!clusters) this.clusters.set(task.id, (clusters = new AnswerClusters(task)));
    const grouped = clusters.add(text);
    this.grades.set(row, { correct: null, extracted: grouped.extracted, normalized: grouped.normalized, reason: grouped.reason });
  }

  private regrade(row: number, task: Task, gold: string): void {
    this.grades.set(row, getGrader(task.grader).grade(this.generationOf(row).text, { ...task, answer: gold }));
  }

  /** Generated rows in table order. */
  private rowOrder(): Int32Array {
    if (this.order) return this.order;
    const { store } = this;
    // Counting sort by task, then each task's rows by index (they mostly arrive in order already).
    const starts = new Int32Array(this.tasks.length + 1);
    for (let row = 0; row < store.rows; row++) if (store.generation[row] !== -1) starts[(store.task[row] as number) + 1] = (starts[(store.task[row] as number) + 1] as number) + 1;
    for (let t = 0; t < this.tasks.length; t++) starts[t + 1] = (starts[t + 1] as number) + (starts[t] as number);
    const next = starts.slice(0, this.tasks.length);
    const order = new Int32Array(this.generated);
    for (let row = 0; row < store.rows; row++) {
      if (store.generation[row] === -1) continue;
      const t = store.task[row] as number;
      order[next[t] as number] = row;
      next[t] = (next[t] as number) + 1;
    }
    for (let t = 0; t < this.tasks.length; t++) {
      const part = order.subarray(starts[t] as number, starts[t + 1] as number);
      let sorted = true;
      for (let i = 1; i < part.length && sorted; i++) sorted = (store.index[part[i - 1] as number] as number) < (store.index[part[i] as number] as number);
      if (!sorted) part.sort((a, b) => (store.index[a] as number) - (store.index[b] as number));
    }
    return (this.order = order);
  }

  private address(row: number): { task: string; index: number } {
    return { task: (this.tasks[this.store.task[row] as number] as Task).id, index: this.store.index[row] as number };
  }

  private generationOf(row: number): GenerationRecord {
    const offset = this.store.generation[row] as number;
    return offset === OFFSET_UNKNOWN ? (this.streamed.get(row)?.generation as GenerationRecord) : readRecordAt(this.file, offset, { type: 'generation', ...this.address(row) });
  }

  private verificationOf(row: number, verifier: string, offset: number): VerificationRecord {
    return offset === OFFSET_UNKNOWN ? (this.streamed.get(row)?.verifications.get(verifier) as VerificationRecord) : readRecordAt(this.file, offset, { type: 'verification', verifier, ...this.address(row) });
  }

  private failureOf(row: number, stage: string, offset: number): FailureRecord {
    return offset === OFFSET_UNKNOWN ? (this.streamed.get(row)?.failures.get(stage) as FailureRecord) : readRecordAt(this.file, offset, { type: 'failure', stage: stageVerifier(stage), ...this.address(row) });
  }

  /** A generated row with its texts: the records read back from disk (or held, if streamed in). */
  private fullRow(row: number): SampleRow {
    const g = this.generationOf(row);
    const grade = this.grades.get(row) ?? g.grade;
    // In the order the run's file holds them; streamed ones (no offset yet) after, as they arrived.
    const kept: { verifier: string; offset: number }[] = [];
    for (const [verifier, column] of this.store.verifiers) if (!Number.isNaN(column.score[row] as number)) kept.push({ verifier, offset: column.offset[row] as number });
    const streamedOrder = [...(this.streamed.get(row)?.verifications.keys() ?? [])];
    const held = (v: { offset: number }): number => (v.offset === OFFSET_UNKNOWN ? 1 : 0);
    const position = (v: { verifier: string; offset: number }): number => (held(v) ? streamedOrder.indexOf(v.verifier) : v.offset);
    kept.sort((a, b) => held(a) - held(b) || position(a) - position(b));
    const verifications = kept.map(({ verifier, offset }) => this.drawnRow(row, this.verificationRow(this.verificationOf(row, verifier, offset))));
    const callFailures: CallFailureRow[] = [];
    for (const [stage, offset] of this.store.failures.get(row) ?? []) {
      // One per verifier: of several failed draws of one, the first stands for them.
      if (stage === GENERATION || callFailures.some((f) => f.stage === stageVerifier(stage))) continue;
      const { kind, message } = this.failureOf(row, stage, offset);
      callFailures.push({ stage: stageVerifier(stage), kind, message });
    }
    return {
      task: g.task,
      index: g.index,
      text: g.text,
      finishReason: g.finishReason,
      correct: grade.correct,
      extracted: grade.extracted,
      normalized: grade.normalized,
      gradeReason: grade.reason,
      verifications,
      ...(callFailures.length > 0 ? { callFailures } : {}),
    };
  }

  /**
   * Of a verifier drawing several verifications per sample, draw 0's row with the aggregate of the
   * draws as its score (drawnScores.ts) and each draw's score in `detail.drawScores`; it has a row
   * once every draw is recorded, as reports count it. Any other verifier's row as it is.
   */
  private drawnRow(row: number, entry: VerificationRow): VerificationRow {
    const drawn = this.store.draws.get(entry.verifier);
    const aggregate = this.store.verifiers.get(entry.verifier);
    if (!drawn || !aggregate) return entry;
    const score = scoreOrNull(aggregate.score[row] as number);
    const { failure: _draw0, ...rest } = entry;
    // Every draw is recorded here, so a failed verdict's kind is a record's (a parse failure, not a call's).
    const verdict = score === null ? { score, parse: 'failed' as const, failure: this.store.kinds[(aggregate.problem[row] as number) - 1] as VerificationFailureKind } : { score, parse: 'ok' as const };
    return { ...rest, ...verdict, detail: { ...entry.detail, drawScores: drawn.map((d) => scoreOrNull(d.score[row] as number)) } };
  }

  private verificationRow(v: VerificationRecord): VerificationRow {
    return {
      verifier: v.verifier,
      score: v.score,
      parse: v.parse,
      // Records written before the field existed are read as unparsable, as coverage counts them.
      ...(v.parse === 'failed' ? { failure: v.failure ?? 'unparsable' } : {}),
      ...(v.parseError !== undefined ? { parseError: v.parseError } : {}),
      prompt: this.prompts.text(v),
      raw: v.raw,
      ...(v.detail !== undefined ? { detail: v.detail } : {}),
    };
  }
}

/** The panel's run summary of a manifest; its starting selector is the first verifier. */
export function summaryOf(manifest: RunManifest): RunSummary {
  const c = manifest.config;
  const selector = runSelector(c);
  return {
    id: manifest.id,
    model: c.model,
    tasks: c.tasks,
    n: c.n,
    verifiers: c.verifiers,
    ...(c.verifierModels !== undefined ? { verifierModels: c.verifierModels } : {}),
    filter: c.filter,
    ...(selector !== null ? { selector } : {}),
    createdAt: manifest.createdAt,
    sampling: samplingText(manifest),
  };
}

/** A column's score as the protocol carries it: null for none (failed to parse, or not recorded). */
function scoreOrNull(score: number): number | null {
  return score === MISSING_SCORE || Number.isNaN(score) ? null : score;
}

/** A row as the gap statistics see it. */
export function gapInputOf(row: SampleRow): GapInput {
  const scores: Record<string, number | null> = {};
  for (const v of row.verifications) scores[v.verifier] = v.score;
  return { task: row.task, index: row.index, correct: row.correct, scores, answer: row.normalized };
}

/** The size of a file, 0 when it does not exist (a new run has no samples.jsonl yet). */
async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return 0;
    throw err;
  }
}
