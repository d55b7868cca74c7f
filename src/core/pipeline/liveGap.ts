// The gap of a run as every surface shows it — the CLI progress line, the progress notification, the
// status bar, the runs tree, the task hover and the panel header — assembled here and nowhere else, so
// mid-run they cannot show different gaps. A sample counts once it is graded, exactly as in a report
// and in the panel: a sample the selector has not scored yet (its verification in flight, or failed)
// counts as unscored, ranking lowest, and the reading says "partial" until it is scored.
import { hasNoGold } from '../config/runRules';
import { parseFilter, parseSelector } from '../filter/parse';
import { formatPoints } from '../report/numbers';
import { selectorVerifiers } from '../filter/weights';
import { GapAccumulator, type TaskRows } from '../stats/accumulator';
import type { LiveGapStats, ScoredSample } from '../stats/types';
import type { GenerationRecord, VerificationRecord } from '../runs/records';
import type { RunData } from '../runs/runStore';
import { drawnVerdict } from '../runs/drawnScores';
import { sampleKey } from '../runs/sampleKey';
import { toScoredSamples } from '../runs/scoredSamples';
import type { ScoredTaskSummary } from '../stats/taskSummary';
import type { RunColumns } from '../runs/runColumns';
import type { Task } from '../tasks/task';
import { MISSING_SCORE } from '../filter/columns';

export interface GapInput {
  task: string;
  index: number;
  /** null: no gold answer to grade against (such samples never count). */
  correct: boolean | null;
  /** Verifier name -> score; null where its output failed to parse. */
  scores: Readonly<Record<string, number | null>>;
  answer?: string | null;
}

/**
 * What the live gap can say, over the samples that count so far (each state is a different claim):
 * - pending: no sample counts yet — no gap yet;
 * - unmeasured: samples count but the selector scored none of them — the gap is not measured;
 * - partial: the selector scored some of them; the gap treats the others as lowest-scored;
 * - measured: the selector scored every one.
 */
export type GapReading =
  | { state: 'pending' }
  | { state: 'unmeasured'; samples: number; accuracy: number }
  | { state: 'partial'; samples: number; scored: number; accuracy: number; gap: number }
  | { state: 'measured'; samples: number; accuracy: number; gap: number };

/** The gap of a run by a selector and filter, as the surfaces show it: the reading and what it is by. */
export interface GapNow {
  reading: GapReading;
  selector: string;
  filter: string;
}

export class LiveGap {
  private readonly acc: GapAccumulator;
  private readonly needed: string[];

  constructor(
    readonly selector: string,
    readonly filter: string,
  ) {
    const sel = parseSelector(selector);
    this.acc = new GapAccumulator(sel, parseFilter(filter));
    this.needed = selectorVerifiers(sel);
  }

  /** Adds or replaces a sample (pass its whole current state); ignored while it has no grade (no gold answer). */
  update(sample: GapInput): void {
    if (sample.correct === null) return;
    this.acc.upsert(scoredSample(sample, sample.correct));
  }

  /**
   * update() of every input, in one pass: a task's consecutive inputs are added together, so the
   * task's statistics are recomputed once, not once a sample (a panel opening a run of 10^6 samples).
   */
  updateAll(inputs: Iterable<GapInput>): void {
    let task: string | null = null;
    let group: ScoredSample[] = [];
    const flush = (): void => {
      if (task !== null) this.acc.upsertTask(task, group);
      group = [];
    };
    for (const sample of inputs) {
      if (sample.task !== task) {
        flush();
        task = sample.task;
      }
      if (sample.correct !== null) group.push(scoredSample(sample, sample.correct));
    }
    flush();
  }

  /**
   * updateAll of the samples `rows` lists, read from its columns without an object a sample (a panel
   * opening a run of 10^6 samples): the same statistics. Each of its tasks must be new here.
   */
  updateColumns(rows: TaskRows): void {
    this.acc.upsertTasks(rows);
  }

  /** addFinished of each task of `rows`, read from its columns (see updateColumns); every row must count. */
  addFinishedColumns(rows: TaskRows): void {
    for (const name of this.needed) {
      const score = rows.scores.get(name);
      for (let i = 0; i < rows.order.length; i++) {
        const row = rows.order[i] as number;
        if (score === undefined || Number.isNaN(score[row] as number)) throw new Error(`task "${rows.taskId(rows.task[row] as number)}" sample ${rows.index[row] as number} does not count yet`);
      }
    }
    this.acc.addFinishedTasks(rows);
  }

  /** A sample as it counts now (its grade and scores); undefined until it counts. */
  sample(task: string, index: number): Pick<GapInput, 'correct' | 'scores'> | undefined {
    return this.acc.sample(task, index);
  }

  /**
   * Stops holding a task's samples, which will not change again (GapAccumulator.finish): the
   * statistics stay as they are. A task none of whose samples counts (no gold answer) holds nothing.
   */
  finish(task: string): void {
    if (this.acc.taskSummary(task) !== undefined) this.acc.finish(task);
  }

  /** Counts a task whose samples will not change again, without keeping them (GapAccumulator.addFinished); every one must count. */
  addFinished(task: string, samples: readonly GapInput[]): void {
    this.acc.addFinished(
      task,
      samples.map((sample) => {
        if (sample.correct === null || !this.needed.every((v) => v in sample.scores)) throw new Error(`task "${task}" sample ${sample.index} does not count yet`);
        return { ...scoredSample(sample, sample.correct), task };
      }),
    );
  }

  snapshot(): LiveGapStats {
    return this.acc.snapshot();
  }

  reading(): GapReading {
    return readingOf(this.snapshot());
  }

  now(): GapNow {
    return { reading: this.reading(), selector: this.selector, filter: this.filter };
  }

  /** One task's gap under the same selector and filter, over its graded samples. */
  task(id: string): TaskGap {
    const summary = this.acc.taskSummary(id);
    return summary ? taskGapOf(summary) : { reading: { state: 'pending' }, filteredAccuracy: null };
  }
}

/** A graded input as the accumulator keeps it (its scores copied: the caller's may change). */
function scoredSample(sample: GapInput, correct: boolean): ScoredSample {
  return { task: sample.task, index: sample.index, correct, scores: { ...sample.scores }, answer: sample.answer ?? null };
}

/** One task's gap: its reading (the run's states, over the task's samples) and J(f[w]|x), null unless the selector scored some of them. */
export interface TaskGap {
  reading: GapReading;
  filteredAccuracy: number | null;
}

function taskGapOf(t: ScoredTaskSummary): TaskGap {
  const filteredAccuracy = t.scored > 0 ? t.filteredAccuracy : null;
  const stats = { samples: t.samples, scored: t.scored, accuracy: t.accuracy, gap: filteredAccuracy === null ? null : filteredAccuracy - t.accuracy };
  return { reading: readingFrom(stats), filteredAccuracy };
}

/** The live gap of a run read from disk, by `selector` and `filter`: a task without a gold answer counts in nothing. */
export function runLiveGap(run: RunData, selector: string, filter: string): LiveGap {
  const noGold = new Set(run.tasks.filter(hasNoGold).map((t) => t.id));
  const live = new LiveGap(selector, filter);
  for (const s of toScoredSamples(run)) live.update({ ...s, correct: noGold.has(s.task) ? null : s.correct });
  return live;
}

/**
 * The live gap fed record by record, as a run appends them (the CLI's progress line). A sample counts
 * from its grade on and is updated as the selector's scores arrive. Its grade and scores are kept by
 * the accumulator alone (as columns) and read back from it when the next score arrives, so memory
 * grows by a few numbers a sample, not by its records — also in a batch run, where every sample is
 * graded a phase before any is scored. Records of verifiers the selector does not read change
 * nothing and are not kept. Given the run's samples per task, it lets go of a task once all of
 * its samples count with every score the selector reads, since a run records each of those once:
 * what it holds is then the tasks in progress, not the run (a 1M-sample run held 125k of them).
 */
export class LiveRecordGap {
  private readonly live: LiveGap;
  private readonly needed: ReadonlySet<string>;
  /** sampleKey -> the scores of a sample whose generation has not arrived (a run appends it first: this stays empty). */
  private readonly early = new Map<string, Record<string, number | null>>();
  /** drawsKey -> the draws arrived of a verifier drawing several per sample, until all have. */
  private readonly draws = new Map<string, (ArrivedDraw | undefined)[]>();
  /** Task -> the records (a generation, or a score the selector reads) it still waits for; only with `samplesPerTask`. */
  private readonly awaited = new Map<string, number>();

  /**
   * `verifications`: run.json's draws per sample of the verifiers that draw several; their score is
   * the aggregate once all are in (drawnScores.ts). `samplesPerTask`: the run's n, when each
   * sample's generation and scores are added once (a run's records): complete tasks are let go.
   */
  constructor(
    selector: string,
    filter: string,
    private readonly verifications: Readonly<Record<string, number>> = {},
    private readonly samplesPerTask?: number,
  ) {
    this.live = new LiveGap(selector, filter);
    this.needed = new Set(selectorVerifiers(parseSelector(selector)));
  }

  add(record: GenerationRecord | VerificationRecord): void {
    if (record.type === 'verification' && !this.needed.has(record.verifier)) return;
    const { task, index } = record;
    const key = sampleKey(task, index);
    if (record.type === 'generation') {
      const scores = this.early.get(key) ?? {};
      this.early.delete(key);
      this.live.update({ task, index, correct: record.grade.correct, answer: record.grade.normalized, scores });
      this.arrived(task, 1);
      return;
    }
    const score = this.drawnScore(key, record);
    // A draw of several: the sample stays as it was until the last draw is in.
    if (score === undefined) return;
    const counted = this.live.sample(task, index);
    if (counted === undefined) this.early.set(key, { ...this.early.get(key), [record.verifier]: score });
    else this.live.update({ task, index, correct: counted.correct, scores: { ...counted.scores, [record.verifier]: score } });
    this.arrived(task, 1);
  }

  /** `records` more of the task's awaited records are in; the last one lets the task go. */
  private arrived(task: string, records: number): void {
    const n = this.samplesPerTask;
    if (n === undefined) return;
    const left = (this.awaited.get(task) ?? n * (1 + this.needed.size)) - records;
    if (left > 0) {
      this.awaited.set(task, left);
      return;
    }
    this.awaited.delete(task);
    this.live.finish(task);
    // Scores of samples that never count (no gold answer) waited here for a grade that never comes.
    for (let index = 0; index < n; index++) this.early.delete(sampleKey(task, index));
  }

  /**
   * What a run folder held, as columns: the same as adding each of its generation and verification
   * records. A task whose n samples all count, with no other record, gets no record more in this
   * execution (it only adds what is missing): it is counted without being kept. No object is made
   * a sample: a resume at 90 % of a 1M-sample run counts 900k of them before its first request.
   */
  addColumns(cols: RunColumns): void {
    const { n } = cols.manifest.config;
    const scores = new Map([...this.needed].flatMap((name) => {
      const column = cols.verifiers.get(name);
      return column ? [[name, column.score] as const] : [];
    }));
    const columns = scores.size === this.needed.size ? [...scores.values()] : null;
    const counts = (row: number): boolean => {
      if (cols.generation[row] === -1 || columns === null) return false;
      for (let v = 0; v < columns.length; v++) if (Number.isNaN((columns[v] as Float64Array)[row] as number)) return false;
      return true;
    };
    const finished = new Uint8Array(cols.tasks.length).fill(1);
    for (let row = 0; row < cols.rows; row++) if ((cols.index[row] as number) >= n || !counts(row)) finished[cols.task[row] as number] = 0;
    // Each finished task's n rows, by index, in task order.
    const finishedRows = new Int32Array(cols.tasks.length * n);
    let kept = 0;
    for (let t = 0; t < cols.tasks.length; t++) {
      if (finished[t] === 0) continue;
      for (let i = 0; i < n && finished[t] === 1; i++) {
        const row = cols.rowOf(t, i);
        if (row === -1) finished[t] = 0;
        else finishedRows[kept + i] = row;
      }
      if (finished[t] === 1) kept += n;
    }
    const rowsOf = (order: ArrayLike<number>): TaskRows => ({ order, task: cols.task, taskId: (t) => (cols.tasks[t] as Task).id, index: cols.index, correct: cols.correct, scores });
    this.live.addFinishedColumns(rowsOf(finishedRows.subarray(0, kept)));
    const others: number[] = [];
    for (let row = 0; row < cols.rows; row++) if (finished[cols.task[row] as number] === 0 && cols.generation[row] !== -1) others.push(row);
    others.sort((a, b) => (cols.task[a] as number) - (cols.task[b] as number) || (cols.index[a] as number) - (cols.index[b] as number));
    this.live.updateColumns(rowsOf(others));
    this.addDrawnColumns(cols);
    // What the unfinished tasks already have of the records they await.
    for (const row of others) {
      if ((cols.index[row] as number) >= n) continue;
      let records = 1;
      for (const score of scores.values()) if (!Number.isNaN(score[row] as number)) records++;
      this.arrived((cols.tasks[cols.task[row] as number] as Task).id, records);
    }
  }

  /** The draws on file of samples whose verifier drawing several has not all its draws yet: the rest arrive as records. */
  private addDrawnColumns(cols: RunColumns): void {
    for (const name of this.needed) {
      const draws = cols.draws.get(name);
      const aggregate = cols.verifiers.get(name)?.score;
      if (draws === undefined) continue;
      for (let row = 0; row < cols.rows; row++) {
        if (cols.generation[row] === -1 || !Number.isNaN(aggregate?.[row] ?? NaN)) continue;
        const arrived = draws.map(({ score }) => {
          const value = score[row] as number;
          return Number.isNaN(value) ? undefined : { score: value === MISSING_SCORE ? null : value };
        });
        if (arrived.some((r) => r !== undefined)) this.draws.set(drawsKey(sampleKey((cols.tasks[cols.task[row] as number] as Task).id, cols.index[row] as number), name), arrived);
      }
    }
  }

  reading(): GapReading {
    return this.live.reading();
  }

  /** The record's score; of a verifier drawing K, the aggregate once all K draws are in (undefined before). */
  private drawnScore(key: string, record: VerificationRecord): number | null | undefined {
    const k = this.verifications[record.verifier] ?? 1;
    if (k === 1) return record.score;
    const at = drawsKey(key, record.verifier);
    const arrived = this.draws.get(at) ?? new Array<ArrivedDraw | undefined>(k).fill(undefined);
    arrived[record.draw ?? 0] = record;
    if (arrived.some((r) => r === undefined)) {
      this.draws.set(at, arrived);
      return undefined;
    }
    this.draws.delete(at);
    return drawnVerdict(record.verifier, arrived, () => undefined)?.score ?? null;
  }
}

/** What the live gap keeps of a draw until its sample's last draw arrives. */
type ArrivedDraw = Pick<VerificationRecord, 'score'>;

/** The key of a sample's draws of one verifier. */
function drawsKey(key: string, verifier: string): string {
  return `${key}\u0000${verifier}`;
}

/** The reading of a snapshot. */
export function readingOf(stats: LiveGapStats): GapReading {
  return readingFrom(stats);
}

/** The reading of the samples that count, of a run or of one task. */
function readingFrom({ samples, scored, accuracy, gap }: Pick<LiveGapStats, 'samples' | 'scored' | 'accuracy' | 'gap'>): GapReading {
  if (samples === 0) return { state: 'pending' };
  if (gap === null) return { state: 'unmeasured', samples, accuracy };
  if (scored < samples) return { state: 'partial', samples, scored, accuracy, gap };
  return { state: 'measured', samples, accuracy, gap };
}

/** "gap +3.13 pp", "gap +3.13 pp (partial: 20 of 24 scored)", "gap not measured: 0 of 24 scored" or "no gap yet (nothing scored yet)". */
export function gapText(reading: GapReading): string {
  switch (reading.state) {
    case 'pending':
      return 'no gap yet (nothing scored yet)';
    case 'unmeasured':
      return `gap not measured: 0 of ${reading.samples} scored`;
    case 'partial':
      return `${signedPp(reading.gap)} (partial: ${reading.scored} of ${reading.samples} scored)`;
    case 'measured':
      return signedPp(reading.gap);
  }
}

function signedPp(gap: number): string {
  return `gap ${formatPoints(gap)}`;
}
