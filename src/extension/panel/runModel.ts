// What the panel shows of one run, held by the host: the tasks and one row per sample, built from
// a run folder or from records as they stream in, in the shape of the panel protocol, and the run's
// coverage counted from those records as core counts a run folder's. Pure.
import { samplingText } from '../../core/report/samplingText';
import type { GapCheckEvent } from '../../core/pipeline/gapCheck';
import type { PreparedRun } from '../../core/pipeline/runSession';
import { AnswerClusters } from '../../core/grade/answerClusters';
import { getGrader } from '../../core/grade/graders';
import { runCoverage } from '../../core/runs/coverage';
import { drawCount, recordVerdict } from '../../core/runs/drawnScores';
import { stageKey } from '../../core/verify/draws';
import type { VerificationFailureKind } from '../../core/verify/verifier';
import type { FailureRecord, GenerationRecord, RunManifest, VerificationRecord } from '../../core/runs/records';
import type { RunData } from '../../core/runs/runStore';
import { sampleKey } from '../../core/runs/sampleKey';
import { RunPrompts } from '../../core/runs/verificationPrompts';
import type { RecordCoverage } from '../../core/stats/coverage';
import type { Task } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { goldList, type CallFailureRow, type PanelMode, type RunSummary, type SampleRow, type TaskInfo, type VerificationRow } from '../../protocol/panelProtocol';
import { hasNoGold } from '../tasks/taskSelection';
import type { GapInput } from '../../core/pipeline/liveGap';

const GENERATION = 'generation';

export class RunModel {
  private readonly tasks = new Map<string, Task>();
  private readonly rows = new Map<string, SampleRow>();
  /** The run's verification records and current call failures (sampleKey -> verifier or stage -> record), as a run folder holds them. */
  private readonly verifications = new Map<string, Map<string, VerificationRecord>>();
  /** Draws d ≥ 1 of verifiers that draw several per sample (sampleKey -> stageKey -> record), as RunData.draws. */
  private readonly draws = new Map<string, Map<string, VerificationRecord>>();
  private readonly failures = new Map<string, Map<string, FailureRecord>>();
  /** Tasks with a gold answer the user marked in this panel (Check Selection). */
  private readonly marked = new Map<string, string>();
  /** The answer groups of each task without a gold answer, built as its samples arrive. */
  private readonly clusters = new Map<string, AnswerClusters>();
  readonly summary: RunSummary;
  /** Renders the verification prompts that version-2 records only reference, from the run's texts held here. */
  private readonly prompts: RunPrompts;

  private constructor(
    readonly dir: string,
    private readonly manifest: RunManifest,
    readonly mode: PanelMode,
    tasks: readonly Task[],
  ) {
    this.summary = summaryOf(manifest);
    for (const t of tasks) this.tasks.set(t.id, t);
    this.prompts = new RunPrompts(dir, manifest, {
      question: (task) => this.tasks.get(task)?.question,
      generationText: (task, index) => this.rows.get(sampleKey(task, index))?.text,
    });
  }

  static fromManifest(dir: string, manifest: RunManifest, tasks: readonly Task[]): RunModel {
    return new RunModel(dir, manifest, tasks.some(hasNoGold) ? 'check' : 'gap', tasks);
  }

  /** A run read from disk, with the answers the user marked earlier (task id -> answer). */
  static fromRun(run: RunData, markedAnswers: Readonly<Record<string, string>> = {}): RunModel {
    const model = RunModel.fromManifest(run.dir, run.manifest, run.tasks);
    model.addRecords(run);
    for (const [task, answer] of Object.entries(markedAnswers)) if (model.tasks.has(task)) model.markAnswer(task, answer);
    return model;
  }

  /** A run about to execute: its tasks and whatever records the folder already holds. */
  static fromPrepared(prepared: PreparedRun, manifest: RunManifest): RunModel {
    const model = RunModel.fromManifest(prepared.dir, manifest, prepared.tasks);
    if (prepared.existing) model.addRecords(prepared.existing);
    return model;
  }

  get runId(): string {
    return this.summary.id;
  }

  /** Applies a streamed record; returns the row it changed (none for task-done, nor for a failed generation, which has no row). */
  apply(event: GapCheckEvent): SampleRow | undefined {
    if (event.type === 'generation') return this.addGeneration(event.record);
    if (event.type === 'verification') return this.addVerification(event.record);
    if (event.type === 'failure') return this.addFailure(event.record);
    return undefined;
  }

  /** What the run's records cover so far, counted exactly as `gaplens report` counts the run folder. */
  coverage(): RecordCoverage {
    return runCoverage({ manifest: this.manifest, tasks: [...this.tasks.values()], generations: this.rows, verifications: this.verifications, draws: this.draws, failures: this.failures });
  }

  addGeneration(g: GenerationRecord): SampleRow {
    const task = this.tasks.get(g.task);
    const key = sampleKey(g.task, g.index);
    this.stageDone(key, GENERATION);
    // Without a gold answer the recorded grade found nothing to compare: the answer and its group instead.
    const ungraded = task && !this.gradable(task) ? this.clustersOf(task).add(g.text) : undefined;
    const row: SampleRow = {
      task: g.task,
      index: g.index,
      text: g.text,
      finishReason: g.finishReason,
      correct: ungraded ? null : g.grade.correct,
      extracted: ungraded ? ungraded.extracted : g.grade.extracted,
      normalized: ungraded ? ungraded.normalized : g.grade.normalized,
      gradeReason: ungraded ? ungraded.reason : g.grade.reason,
      verifications: this.rows.get(key)?.verifications ?? [],
      ...this.callFailuresOf(key),
    };
    const answer = this.marked.get(g.task);
    this.rows.set(key, answer !== undefined && task ? regrade(row, { ...task, answer }) : row);
    return this.rows.get(key) as SampleRow;
  }

  /** A verification of a sample whose generation is not here yet is dropped, as readRun does with orphans. */
  addVerification(v: VerificationRecord): SampleRow | undefined {
    const key = sampleKey(v.task, v.index);
    const row = this.rows.get(key);
    if (!row) return undefined;
    const stage = stageKey(v.verifier, v.draw);
    const maps = stage === v.verifier ? this.verifications : this.draws;
    const byStage = maps.get(key) ?? new Map<string, VerificationRecord>();
    maps.set(key, byStage.set(stage, v));
    this.stageDone(key, stage);
    const entry = this.entryOf(key, v.verifier);
    const others = row.verifications.filter((x) => x.verifier !== v.verifier);
    return this.replaceRow(key, { ...row, verifications: entry ? [...others, entry] : others });
  }

  /**
   * The sample's entry of a verifier: its record; for one that draws several verifications per sample,
   * draw 0's record with the aggregate of the draws as its score (drawnScores.ts), and no entry until
   * every draw is recorded, as reports count it.
   */
  private entryOf(key: string, verifier: string): VerificationRow | undefined {
    const v = this.verifications.get(key)?.get(verifier);
    const k = drawCount(this.manifest.config, verifier);
    if (k > 1) {
      const verdict = recordVerdict({ manifest: this.manifest, verifications: this.verifications, draws: this.draws, failures: this.failures }, key, verifier);
      if (v === undefined || verdict === undefined || (verdict.score === null && !verdict.recorded)) return undefined;
      const scores = Array.from({ length: k }, (_, d) => (d === 0 ? v : this.draws.get(key)?.get(stageKey(verifier, d)))?.score ?? null);
      // Every draw is recorded here, so a failed verdict's kind is a record's (a parse failure, not a call's).
      const aggregate = verdict.score === null ? { score: null, parse: 'failed' as const, failure: verdict.kind as VerificationFailureKind } : { score: verdict.score, parse: 'ok' as const };
      return { ...this.recordRow(v), ...aggregate, detail: { ...v.detail, drawScores: scores } };
    }
    return v === undefined ? undefined : this.recordRow(v);
  }

  private recordRow(v: VerificationRecord): VerificationRow {
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

  /**
   * A failed model call becomes the stage's current state unless a record of the stage exists (that
   * supersedes it, whatever the order, as readRun has it). Returns the sample's row when it changed.
   */
  addFailure(f: FailureRecord): SampleRow | undefined {
    const key = sampleKey(f.task, f.index);
    const row = this.rows.get(key);
    const stage = stageKey(f.stage, f.draw);
    const recorded = f.stage === GENERATION ? row !== undefined : (this.verifications.get(key)?.has(stage) ?? this.draws.get(key)?.has(stage)) === true;
    if (recorded) return undefined;
    const byStage = this.failures.get(key) ?? new Map<string, FailureRecord>();
    this.failures.set(key, byStage.set(stage, f));
    return row ? this.replaceRow(key, row) : undefined;
  }

  /**
   * Check Selection: makes `answer` the task's gold answer and regrades its samples with the task's
   * grader; returns the changed rows. The task snapshot on disk keeps no gold: the host remembers
   * marked answers and passes them to fromRun after a reload.
   */
  markAnswer(taskId: string, answer: string): SampleRow[] {
    const task = this.tasks.get(taskId);
    if (!task) throw new UserError(`task "${taskId}" is not in this run`);
    const gold = answer.trim();
    const problem = getGrader(task.grader).checkGold({ ...task, answer: gold });
    if (problem) throw new UserError(`cannot use ${JSON.stringify(gold)} as the answer: ${problem}`);
    this.marked.set(taskId, gold);
    const changed: SampleRow[] = [];
    for (const [key, row] of this.rows) {
      if (row.task !== taskId) continue;
      const next = regrade(row, { ...task, answer: gold });
      this.rows.set(key, next);
      changed.push(next);
    }
    return changed;
  }

  /** One sample's row, if it has been generated. */
  row(task: string, index: number): SampleRow | undefined {
    return this.rows.get(sampleKey(task, index));
  }

  taskInfo(taskId: string): TaskInfo | undefined {
    const task = this.tasks.get(taskId);
    if (!task) return undefined;
    const marked = this.marked.get(taskId);
    return { id: task.id, question: task.question, gold: marked !== undefined ? [marked] : goldList(task.answer), grader: task.grader };
  }

  taskInfos(): TaskInfo[] {
    return [...this.tasks.keys()].map((id) => this.taskInfo(id) as TaskInfo);
  }

  /** Rows in task order, then sample index. */
  allRows(): SampleRow[] {
    const order = new Map([...this.tasks.keys()].map((id, i) => [id, i]));
    return [...this.rows.values()].sort((a, b) => (order.get(a.task) ?? 0) - (order.get(b.task) ?? 0) || a.index - b.index);
  }

  get sampleCount(): number {
    return this.rows.size;
  }

  get taskCount(): number {
    return this.tasks.size;
  }

  private gradable(task: Task): boolean {
    return !hasNoGold(task) || this.marked.has(task.id);
  }

  private clustersOf(task: Task): AnswerClusters {
    let clusters = this.clusters.get(task.id);
    if (!clusters) this.clusters.set(task.id, (clusters = new AnswerClusters(task)));
    return clusters;
  }

  private addRecords(records: Pick<RunData, 'generations' | 'verifications' | 'failures'> & Partial<Pick<RunData, 'draws'>>): void {
    for (const g of records.generations.values()) this.addGeneration(g);
    for (const byVerifier of records.verifications.values()) for (const v of byVerifier.values()) this.addVerification(v);
    for (const byStage of records.draws?.values() ?? []) for (const v of byStage.values()) this.addVerification(v);
    for (const byStage of records.failures.values()) for (const f of byStage.values()) this.addFailure(f);
  }

  /** A record of the stage arrived: its call failure, if any, is history. */
  private stageDone(key: string, stage: string): void {
    const byStage = this.failures.get(key);
    if (byStage?.delete(stage) && byStage.size === 0) this.failures.delete(key);
  }

  /** The row with its call failures as they are now. */
  private replaceRow(key: string, row: SampleRow): SampleRow {
    const { callFailures: _old, ...rest } = row;
    const next = { ...rest, ...this.callFailuresOf(key) };
    this.rows.set(key, next);
    return next;
  }

  /** The sample's failed verifier calls, as a row field (absent when there are none). */
  private callFailuresOf(key: string): { callFailures?: CallFailureRow[] } {
    // One per verifier: of several failed draws of one, the first stands for them.
    const byVerifier = new Map<string, FailureRecord>();
    for (const f of this.failures.get(key)?.values() ?? []) if (f.stage !== GENERATION && !byVerifier.has(f.stage)) byVerifier.set(f.stage, f);
    const failures = [...byVerifier.values()].map(({ stage, kind, message }) => ({ stage, kind, message }));
    return failures.length > 0 ? { callFailures: failures } : {};
  }
}

function regrade(row: SampleRow, task: Task): SampleRow {
  const grade = getGrader(task.grader).grade(row.text, task);
  return { ...row, correct: grade.correct, extracted: grade.extracted, normalized: grade.normalized, gradeReason: grade.reason };
}

/** The panel's run summary of a manifest; its starting selector is the first verifier. */
export function summaryOf(manifest: RunManifest): RunSummary {
  const c = manifest.config;
  return {
    id: manifest.id,
    model: c.model,
    tasks: c.tasks,
    n: c.n,
    verifiers: c.verifiers,
    ...(c.verifierModels !== undefined ? { verifierModels: c.verifierModels } : {}),
    filter: c.filter,
    ...(c.verifiers[0] !== undefined ? { selector: c.verifiers[0] } : {}),
    createdAt: manifest.createdAt,
    sampling: samplingText(manifest),
  };
}

/** A row as the gap statistics see it. */
export function gapInputOf(row: SampleRow): GapInput {
  const scores: Record<string, number | null> = {};
  for (const v of row.verifications) scores[v.verifier] = v.score;
  return { task: row.task, index: row.index, correct: row.correct, scores, answer: row.normalized };
}
