// Everything the host has sent for the current run: tasks, sample rows (as columns), annotations and
// the run's state (coverage, live). Plain data with version counters, so derived views (datasets, filters,
// tables) know when to recompute.
import type { AnnotationRecord } from '../../src/core/runs/records';
import { sampleKey } from '../../src/core/runs/sampleKey';
import { drawScoresOf, type HostNotificationParams, type PanelMode, type RunStateParams, type RunSummary, type SampleRow, type TaskInfo } from '../../src/protocol/panelProtocol';
import { RowTable, VERDICT_NONE } from './rowTable';
import { ScoreSlots } from './scoreSlots';

/**
 * A sample as the panel shows it: read from the store's columns when asked (the rows in view, the
 * selected one), never kept for every sample.
 */
export interface StoredRow {
  task: string;
  index: number;
  correct: boolean | null;
  extracted: string | null;
  normalized: string | null;
  /** Where it is kept (SampleStore.sampleAt, .score, and the score columns by slot). */
  slot: number;
  /** Text, grade reason and verification details: from 'samples', or fetched with 'sampleDetail'. */
  full: SampleRow | null;
}

export class SampleStore {
  run: RunSummary | null = null;
  mode: PanelMode = 'gap';
  /** What the run's records cover and whether a writer is adding records; null until the host says. */
  runState: RunStateParams | null = null;
  readonly tasks = new Map<string, TaskInfo>();
  /** Every sample's own fields, by slot. */
  private table = new RowTable();
  /** The full rows known (from 'samples' or 'sampleDetail'), by slot. */
  private readonly fullRows = new Map<number, SampleRow>();
  private readonly annotationLog = new Map<string, AnnotationRecord[]>();
  private readonly slots = new ScoreSlots();
  /**
   * Each draw's score of the verifiers drawing several verifications per sample, by the same slots as
   * `slots` (allocated, cleared and reset with them), under drawKey(verifier, draw).
   */
  private readonly drawSlots = new ScoreSlots();
  /** Verifier drawing several verifications per sample -> how many (K). */
  private readonly drawCounts = new Map<string, number>();
  /** Bumped whenever a task or row changes. */
  rowsVersion = 0;
  /** Bumped whenever an annotation arrives. */
  annotationsVersion = 0;
  /** Bumped whenever a row's details arrive without changing the row. */
  detailsVersion = 0;

  /** A new run (or a fresh snapshot of the same one): forget everything. */
  reset(init: HostNotificationParams['init']): void {
    this.run = init.run;
    this.mode = init.mode;
    this.runState = null;
    this.tasks.clear();
    this.table = new RowTable();
    this.fullRows.clear();
    this.annotationLog.clear();
    this.slots.reset();
    this.drawSlots.reset();
    this.drawCounts.clear();
    this.rowsVersion++;
    this.annotationsVersion++;
  }

  /** Adds full rows, replacing any with the same (task, index). */
  addSamples(batch: HostNotificationParams['samples']): void {
    this.addTasks(batch.tasks);
    const { table } = this;
    for (const row of batch.rows) {
      const slot = this.place(table.taskNumber(row.task), row.index);
      table.verdict[slot] = row.correct === null ? VERDICT_NONE : row.correct ? 1 : 0;
      table.extracted[slot] = table.answerNumber(row.extracted);
      table.normalized[slot] = table.answerNumber(row.normalized);
      this.fullRows.set(slot, row);
      for (const v of row.verifications) {
        this.slots.set(slot, v.verifier, v.score);
        drawScoresOf(v)?.forEach((score, draw, all) => this.drawSlots.set(slot, this.drawKey(v.verifier, draw, all.length), score));
      }
    }
    if (batch.tasks.length > 0 || batch.rows.length > 0) this.rowsVersion++;
  }

  /** Adds rows sent as columns (no details yet), replacing any with the same (task, index). */
  addTable(batch: HostNotificationParams['sampleTable']): void {
    this.addTasks(batch.tasks);
    const { table } = this;
    const { runTask, runLength, index, correct, answers, extracted, normalized, scores, draws = {} } = batch.columns;
    const rows = index.length;
    // The batch's answer numbers as the store's.
    const answer = Int32Array.from(answers, (text) => table.answerNumber(text));
    // The hot path of a snapshot (10^6 rows): room for every slot first, so the columns can be
    // written directly.
    table.reserve(rows);
    this.slots.reserve(rows);
    this.drawSlots.reserve(rows);
    // Checked on arrival (parseHostMessage): every column has a value of its kind per row.
    const verifiers = [
      ...Object.entries(scores).map(([name, values]) => ({ values, column: this.slots.writable(name) })),
      ...Object.entries(draws).flatMap(([name, columns]) => columns.map((values, draw) => ({ values, column: this.drawSlots.writable(this.drawKey(name, draw, columns.length)) }))),
    ];
    let i = 0;
    runTask.forEach((task, run) => {
      const t = table.taskNumber(task);
      for (const end = i + (runLength[run] as number); i < end; i++) {
        const slot = this.place(t, index[i] as number);
        table.verdict[slot] = correct[i] as number;
        const e = extracted[i] as number;
        const n = normalized[i] as number;
        table.extracted[slot] = e < 0 ? -1 : (answer[e] as number);
        table.normalized[slot] = n < 0 ? -1 : (answer[n] as number);
        for (const { values, column } of verifiers) column[slot] = values[i] as number;
      }
    });
    if (batch.tasks.length > 0 || rows > 0) this.rowsVersion++;
  }

  /** Attaches a row's details (a 'sampleDetail' answer); a row that changed meanwhile is replaced. */
  addDetail(row: SampleRow): void {
    const slot = this.table.find(row.task, row.index);
    if (slot >= 0 && this.sameSummary(slot, row)) {
      this.fullRows.set(slot, row);
      this.detailsVersion++;
    } else this.addSamples({ tasks: [], rows: [row] });
  }

  /** The sample kept in a slot, read from the columns. */
  sampleAt(slot: number): StoredRow {
    const { table } = this;
    const verdict = table.verdict[slot];
    return {
      task: table.taskIds[table.task[slot] as number] as string,
      index: table.index[slot] as number,
      correct: verdict === VERDICT_NONE ? null : verdict === 1,
      extracted: table.answer(table.extracted[slot] as number),
      normalized: table.answer(table.normalized[slot] as number),
      slot,
      full: this.fullRows.get(slot) ?? null,
    };
  }

  /** Sample index and verdict (1, 0, VERDICT_NONE) of every slot: read-only, valid until the next rows arrive. */
  rowColumns(): { index: Int32Array; verdict: Int8Array } {
    return { index: this.table.index, verdict: this.table.verdict };
  }

  /** The sample's score from a verifier; null when it has none. */
  score(row: StoredRow, verifier: string): number | null {
    return this.slots.get(row.slot, verifier);
  }

  /** Every verifier the store has seen, in order of first appearance. */
  verifierNames(): string[] {
    return this.slots.names();
  }

  /** Verifier drawing several verifications per sample -> K, in order of first appearance. */
  drawnVerifiers(): ReadonlyMap<string, number> {
    return this.drawCounts;
  }

  /** Draw `draw`'s scores by slot of a verifier drawing several (MISSING_SCORE for none). Do not mutate. */
  drawColumn(verifier: string, draw: number): Float64Array | undefined {
    return this.drawSlots.column(`${verifier}\u0000${draw}`);
  }

  /** The key of a draw's slots; notes that the verifier draws `draws` verifications per sample. */
  private drawKey(verifier: string, draw: number, draws: number): string {
    if (!this.drawCounts.has(verifier)) this.drawCounts.set(verifier, draws);
    return `${verifier}\u0000${draw}`;
  }

  /** A verifier's scores by slot (MISSING_SCORE for none). Do not mutate. */
  scoreColumn(verifier: string): Float64Array | undefined {
    return this.slots.column(verifier);
  }

  /** Tasks new or changed: what they say (question, gold answers), not the rows, so no view is rebuilt. */
  addTasks(tasks: readonly TaskInfo[]): void {
    for (const task of tasks) this.tasks.set(task.id, task);
  }

  /**
   * The slot of a sample arriving (its own when it replaces one, its scores and details then
   * forgotten), for the caller to fill. The score slots follow the table's one for one.
   */
  private place(task: number, index: number): number {
    const { slot, replaced } = this.table.place(task, index);
    if (replaced) {
      this.slots.clear(slot);
      this.drawSlots.clear(slot);
      this.fullRows.delete(slot);
    } else {
      this.slots.allocate();
      this.drawSlots.allocate();
    }
    return slot;
  }

  private sameSummary(slot: number, row: SampleRow): boolean {
    const stored = this.sampleAt(slot);
    if (stored.correct !== row.correct || stored.extracted !== row.extracted || stored.normalized !== row.normalized) return false;
    const names = this.slots.names();
    return names.every((name) => this.slots.get(slot, name) === (row.verifications.find((v) => v.verifier === name)?.score ?? null)) &&
      row.verifications.every((v) => names.includes(v.verifier));
  }

  addAnnotations(records: readonly AnnotationRecord[]): void {
    let added = false;
    for (const record of records) {
      const key = sampleKey(record.task, record.index);
      const log = this.annotationLog.get(key);
      // The host pushes an annotation the webview already has from its annotate reply: keep one copy.
      if (log?.some((a) => a.at === record.at && a.cause === record.cause && a.human === record.human && a.note === record.note)) continue;
      if (log) log.push(record);
      else this.annotationLog.set(key, [record]);
      added = true;
    }
    if (added) this.annotationsVersion++;
  }

  get size(): number {
    return this.table.size;
  }

  /** Task ids in the canonical order of the statistics (UTF-16 code units, as buildPool sorts them). */
  taskIds(): string[] {
    // The default order is exactly that, and without a comparator to call it sorts 10^5 ids faster.
    return [...this.table.taskIds].sort();
  }

  /** A task's slots in ascending sample index. */
  slotsOf(task: string): readonly number[] {
    return this.table.slotsOf(task);
  }

  rowsOf(task: string): StoredRow[] {
    return this.table.slotsOf(task).map((slot) => this.sampleAt(slot));
  }

  row(task: string, index: number): StoredRow | undefined {
    const slot = this.table.find(task, index);
    return slot < 0 ? undefined : this.sampleAt(slot);
  }

  /** Every annotation of the sample, oldest first; the last is its current label. */
  annotationsOf(task: string, index: number): readonly AnnotationRecord[] {
    return this.annotationLog.get(sampleKey(task, index)) ?? [];
  }

  /** Each annotated sample's latest annotation. */
  latestAnnotations(): AnnotationRecord[] {
    return [...this.annotationLog.values()].map((log) => log[log.length - 1] as AnnotationRecord);
  }
}
