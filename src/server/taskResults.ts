// The latest results of a task, for hovers: the newest run (by run.json createdAt) under the runs
// folders whose task snapshot has the id. Runs are read once and summarized per task; a run is
// read again only when run.json or samples.jsonl changed (mtime/size), so hovering stays cheap
// while a live run keeps appending.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseFilter, parseSelector } from '../core/filter/parse';
import { taskWeights } from '../core/filter/weights';
import { readRun, RUN_FILES } from '../core/runs/runStore';
import { toScoredSamples } from '../core/runs/scoredSamples';
import { summarizeTask } from '../core/stats/taskSummary';
import type { ScoredSample } from '../core/stats/types';
import type { Task } from '../core/tasks/task';

export interface TaskResult {
  /** The task as the run's snapshot has it: its numbers were graded against this gold answer. */
  task: Task;
  runId: string;
  runDir: string;
  samples: number;
  /** J(f|x); null without samples. */
  accuracy: number | null;
  /** J(f[w]|x) under the run's filter and first verifier; null without samples. */
  filteredAccuracy: number | null;
  /** The run's filter and the verifier it reads, as in run.json. */
  filter: string;
  verifier: string;
}

export interface RunSummary {
  createdAt: string;
  /** Every task id of the run's snapshot, with its result. */
  byTask: Map<string, TaskResult>;
}

export class TaskResultsCache {
  private readonly runs = new Map<string, RunSummary & { signature: string }>();

  constructor(private runsFolders: readonly string[]) {}

  setRunsFolders(folders: readonly string[]): void {
    this.runsFolders = folders;
    this.runs.clear();
  }

  /** The task's result in the newest run that has it, or null if no run has it. Unreadable runs are skipped. */
  async latest(taskId: string): Promise<TaskResult | null> {
    const summaries = await this.allRuns();
    let best: RunSummary | null = null;
    for (const summary of summaries) {
      if (!summary.byTask.has(taskId)) continue;
      if (best === null || summary.createdAt > best.createdAt) best = summary;
    }
    return best?.byTask.get(taskId) ?? null;
  }

  private async allRuns(): Promise<RunSummary[]> {
    const dirs = (await Promise.all(this.runsFolders.map(subfolders))).flat();
    const present = new Set(dirs);
    for (const dir of this.runs.keys()) if (!present.has(dir)) this.runs.delete(dir);
    const summaries = await Promise.all(dirs.map((dir) => this.summary(dir)));
    return summaries.filter((s): s is RunSummary => s !== null);
  }

  private async summary(dir: string): Promise<RunSummary | null> {
    const signature = await runSignature(dir);
    if (signature === null) {
      this.runs.delete(dir);
      return null;
    }
    const cached = this.runs.get(dir);
    if (cached?.signature === signature) return cached;
    try {
      const summary = { ...(await summarizeRun(dir)), signature };
      this.runs.set(dir, summary);
      return summary;
    } catch {
      // A run being created or a damaged one: hovers show what the other runs know; the run's own
      // commands report what is wrong with it.
      this.runs.delete(dir);
      return null;
    }
  }
}

async function subfolders(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => path.join(folder, e.name));
  } catch {
    return [];
  }
}

/** What identifies a run's content on disk; null when it is not a run folder. */
async function runSignature(dir: string): Promise<string | null> {
  const manifest = await stat(path.join(dir, RUN_FILES.manifest)).catch(() => null);
  if (manifest === null) return null;
  const samples = await stat(path.join(dir, RUN_FILES.samples)).catch(() => null);
  return `${manifest.mtimeMs}:${manifest.size}|${samples?.mtimeMs ?? 0}:${samples?.size ?? 0}`;
}

/** Per-task J(f|x) and J(f[w]|x) of one run, under its own filter and first verifier. */
export async function summarizeRun(dir: string): Promise<RunSummary> {
  const run = await readRun(dir);
  const { config } = run.manifest;
  const verifier = config.verifiers[0] ?? 'mc';
  const selector = parseSelector(verifier);
  const filter = parseFilter(config.filter);
  const samplesByTask = new Map<string, ScoredSample[]>();
  for (const sample of toScoredSamples(run)) {
    const group = samplesByTask.get(sample.task);
    if (group) group.push(sample);
    else samplesByTask.set(sample.task, [sample]);
  }
  const byTask = new Map<string, TaskResult>();
  for (const task of run.tasks) {
    const samples = samplesByTask.get(task.id) ?? [];
    const base = { task, runId: run.manifest.id, runDir: dir, samples: samples.length, filter: config.filter, verifier };
    if (samples.length === 0) {
      byTask.set(task.id, { ...base, accuracy: null, filteredAccuracy: null });
      continue;
    }
    const weights = taskWeights(samples.map((s) => s.scores), selector, filter);
    const summary = summarizeTask(samples.map((s) => (s.correct ? 1 : 0)), weights, 0, samples.length);
    byTask.set(task.id, { ...base, accuracy: summary.accuracy, filteredAccuracy: summary.filteredAccuracy });
  }
  return { createdAt: run.manifest.createdAt, byTask };
}
