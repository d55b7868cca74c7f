// Everything the host has sent for the current run: tasks, sample rows, annotations and the run's
// state (coverage, live). Plain data with version counters, so derived views (datasets, filters,
// tables) know when to recompute.
import type { AnnotationRecord } from '../../src/core/runs/records';
import { sampleKey } from '../../src/core/runs/sampleKey';
import { decodeScores, drawScoresOf, verdictAt, type HostNotificationParams, type PanelMode, type RunStateParams, type RunSummary, type SampleRow, type TaskInfo } from '../../src/protocol/panelProtocol';
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { ScoreSlots } from './scoreSlots';

/** A sample as the panel keeps it: what the table and the statistics need, plus the full row once known. */
export interface StoredRow {
  task: string;
  index: number;
  correct: boolean | null;
  extracted: string | null;
  normalized: string | null;
  /** Where its verifier scores are kept (SampleStore.score, .scoresOf). */
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
  /** Task id -> its rows in ascending sample index. */
  private readonly rowsByTask = new Map<string, StoredRow[]>();
  private readonly annotationLog = new Map<string, AnnotationRecord[]>();
  private readonly slots = new ScoreSlots();
  /**
   * Each draw's score of the verifiers drawing several verifications per sample, by the same slots as
   * `slots` (allocated, cleared and reset with them), under drawKey(verifier, draw).
   */
  private readonly drawSlots = new ScoreSlots();
  /** Verifier drawing several verifications per sample -> how many (K). */
  private readonly drawCounts = new Map<string, number>();
  private rowCount = 0;
  private lastTask: string | null = null;
  private lastRows: StoredRow[] | undefined;
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
    this.rowsByTask.clear();
    this.annotationLog.clear();
    this.slots.reset();
    this.drawSlots.reset();
    this.drawCounts.clear();
    this.rowCount = 0;
    this.lastTask = null;
    this.lastRows = undefined;
    this.rowsVersion++;
    this.annotationsVersion++;
  }

  /** Adds full rows, replacing any with the same (task, index). */
  addSamples(batch: HostNotificationParams['samples']): void {
    this.addTasks(batch.tasks);
    for (const row of batch.rows) {
      const slot = this.insert(row.task, row.index, row.correct, row.extracted, row.normalized, row);
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
    const { runTask, runLength, index, correct, answers, extracted, normalized, scores, draws = {} } = batch.columns;
    const answer = (at: number): string | null => (at < 0 ? null : (answers[at] as string));
    // The hot path of a snapshot (10^5 rows): room for every slot first, so the score columns can be
    // written directly.
    this.slots.reserve(index.length);
    this.drawSlots.reserve(index.length);
    // Checked on arrival (parseHostMessage): each decodes to a score per row.
    const decoded = (column: string): Float64Array => decodeScores(column, index.length) as Float64Array;
    const verifiers = [
      ...Object.entries(scores).map(([name, values]) => ({ values: decoded(values), column: this.slots.writable(name) })),
      ...Object.entries(draws).flatMap(([name, columns]) => columns.map((values, draw) => ({ values: decoded(values), column: this.drawSlots.writable(this.drawKey(name, draw, columns.length)) }))),
    ];
    let i = 0;
    runTask.forEach((task, run) => {
      for (const end = i + (runLength[run] as number); i < end; i++) {
        const slot = this.insert(task, index[i] as number, verdictAt(correct, i), answer(extracted[i] as number), answer(normalized[i] as number), null);
        for (const { values, column } of verifiers) column[slot] = values[i] as number;
      }
    });
    if (batch.tasks.length > 0 || index.length > 0) this.rowsVersion++;
  }

  /** Attaches a row's details (a 'sampleDetail' answer); a row that changed meanwhile is replaced. */
  addDetail(row: SampleRow): void {
    const stored = this.row(row.task, row.index);
    if (stored && this.sameSummary(stored, row)) {
      stored.full = row;
      this.detailsVersion++;
    } else this.addSamples({ tasks: [], rows: [row] });
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

  /** Draw `draw`'s scores by slot of a verifier drawing several (MISSING_SCORE for none); gather with StoredRow.slot. Do not mutate. */
  drawColumn(verifier: string, draw: number): Float64Array | undefined {
    return this.drawSlots.column(`${verifier}\u0000${draw}`);
  }

  /** The key of a draw's slots; notes that the verifier draws `draws` verifications per sample. */
  private drawKey(verifier: string, draw: number, draws: number): string {
    if (!this.drawCounts.has(verifier)) this.drawCounts.set(verifier, draws);
    return `${verifier}\u0000${draw}`;
  }

  /** A verifier's scores by slot (MISSING_SCORE for none); gather with StoredRow.slot. Do not mutate. */
  scoreColumn(verifier: string): Float64Array | undefined {
    return this.slots.column(verifier);
  }

  /** Tasks new or changed: what they say (question, gold answers), not the rows, so no view is rebuilt. */
  addTasks(tasks: readonly TaskInfo[]): void {
    for (const task of tasks) this.tasks.set(task.id, task);
  }

  /**
   * Places a row (replacing the one with the same task and index) and returns its score slot, cleared,
   * for the caller to fill. O(1) for a row arriving in index order, else O(log n) plus the insertion.
   */
  private insert(task: string, index: number, correct: boolean | null, extracted: string | null, normalized: string | null, full: SampleRow | null): number {
    // Rows come task by task: remember the last task's list instead of looking it up for every row.
    let rows = this.lastTask === task ? this.lastRows : this.rowsByTask.get(task);
    if (!rows) {
      rows = [];
      this.rowsByTask.set(task, rows);
    }
    this.lastTask = task;
    this.lastRows = rows;
    const last = rows[rows.length - 1];
    const at = !last || last.index < index ? rows.length : lowerBound(rows, index);
    const replaced = rows[at]?.index === index ? (rows[at] as StoredRow) : null;
    const slot = replaced ? replaced.slot : this.slots.allocate();
    // The draws' slots follow the scores' one for one.
    if (replaced) {
      this.slots.clear(slot);
      this.drawSlots.clear(slot);
    } else this.drawSlots.allocate();
    const row: StoredRow = { task, index, correct, extracted, normalized, slot, full };
    if (replaced) rows[at] = row;
    else if (at === rows.length) {
      rows.push(row);
      this.rowCount++;
    } else {
      rows.splice(at, 0, row);
      this.rowCount++;
    }
    return slot;
  }

  private sameSummary(stored: StoredRow, row: SampleRow): boolean {
    if (stored.correct !== row.correct || stored.extracted !== row.extracted || stored.normalized !== row.normalized) return false;
    const names = this.slots.names();
    return names.every((name) => this.slots.get(stored.slot, name) === (row.verifications.find((v) => v.verifier === name)?.score ?? null)) &&
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
    return this.rowCount;
  }

  /** Task ids in the canonical order of the statistics (UTF-16 code units, as buildPool sorts them). */
  taskIds(): string[] {
    return [...this.rowsByTask.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  rowsOf(task: string): readonly StoredRow[] {
    return this.rowsByTask.get(task) ?? [];
  }

  row(task: string, index: number): StoredRow | undefined {
    const rows = this.rowsByTask.get(task);
    if (!rows) return undefined;
    const row = rows[lowerBound(rows, index)];
    return row?.index === index ? row : undefined;
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

/** First position whose index is ≥ `index`. */
function lowerBound(rows: readonly StoredRow[], index: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as StoredRow).index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
