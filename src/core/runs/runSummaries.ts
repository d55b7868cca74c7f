// The one reader of what the runs on disk say, for every surface that lists runs or quotes one: the
// extension's runs tree and run pickers, and the language server's task hovers. A run folder is any
// folder directly inside a runs folder that holds run.json. Reading a run is O(its samples), so its
// summary is cached until run.json or samples.jsonl changes (mtime and size): hovering and refreshing
// stay cheap while a live run keeps appending.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runSelector } from '../config/runRules';
import { runLiveGap, type GapNow, type TaskGap } from '../pipeline/liveGap';
import { isComplete, type RecordCoverage } from '../stats/coverage';
import type { Task } from '../tasks/task';
import { runCoverage } from './coverage';
import { errorCode } from './files';
import type { RunManifest } from './records';
import { readRun, RUN_FILES } from './runStore';

/** One task of a run by the run's gap (its selector and filter), over the task's graded samples. */
export interface RunTaskResult extends TaskGap {
  /** The task as the run's snapshot has it: its numbers were graded against this gold answer. */
  task: Task;
}

/** What a run's records say. */
export interface RunSummary {
  dir: string;
  manifest: RunManifest;
  /** The run's records counted as `gaplens report` counts them. */
  coverage: RecordCoverage;
  /** Every expected record exists (docs/statistics.md, "Run state"; run.json's completedAt is not consulted). */
  complete: boolean;
  /** The gap by the run's first verifier and its filter (liveGap.ts, the one place it is assembled); null without a verifier. */
  gap: GapNow | null;
  /** Every task of the run's snapshot by the same gap, by task id; empty without a verifier, or unless the reader keeps them. */
  byTask: ReadonlyMap<string, RunTaskResult>;
}

export class RunSummaries {
  private readonly cache = new Map<string, { stamp: string; summary: RunSummary }>();

  /** `keepTasks`: keep each run's per-task results (the hover needs them; the runs tree does not hold every run's task snapshot for nothing). */
  constructor(private readonly options: { keepTasks: boolean }) {}

  /** Every run in `roots`, newest first (run.json createdAt); each unreadable run is said to `onProblem` and left out. */
  async list(roots: readonly string[], onProblem: (message: string) => void): Promise<RunSummary[]> {
    const dirs = (await Promise.all(roots.map(runDirsIn))).flat();
    const present = new Set(dirs);
    for (const dir of this.cache.keys()) if (!present.has(dir)) this.cache.delete(dir);
    const summaries = await Promise.all(
      dirs.map(async (dir) => {
        try {
          return await this.read(dir);
        } catch (err) {
          onProblem(err instanceof Error ? err.message : String(err));
          return null;
        }
      }),
    );
    return summaries.filter((s): s is RunSummary => s !== null).sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
  }

  /** One run folder's summary, read again only when its files changed. */
  async read(dir: string): Promise<RunSummary> {
    const stamp = await stampOf(dir);
    const cached = this.cache.get(dir);
    if (cached?.stamp === stamp) return cached.summary;
    this.cache.delete(dir);
    const summary = await summarize(dir, this.options.keepTasks);
    this.cache.set(dir, { stamp, summary });
    return summary;
  }

  forget(dir: string): void {
    this.cache.delete(dir);
  }
}

async function runDirsIn(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return [];
    throw err;
  }
  const dirs = await Promise.all(
    names.map(async (name) => {
      const dir = join(root, name);
      try {
        return (await stat(join(dir, RUN_FILES.manifest))).isFile() ? dir : null;
      } catch {
        return null;
      }
    }),
  );
  return dirs.filter((d): d is string => d !== null);
}

async function stampOf(dir: string): Promise<string> {
  const part = async (file: string): Promise<string> => {
    try {
      const s = await stat(join(dir, file));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  return `${await part(RUN_FILES.manifest)}|${await part(RUN_FILES.samples)}`;
}

async function summarize(dir: string, keepTasks: boolean): Promise<RunSummary> {
  const run = await readRun(dir);
  const { config } = run.manifest;
  const selector = runSelector(config);
  const coverage = runCoverage(run);
  const base = { dir, manifest: run.manifest, coverage, complete: isComplete(coverage) };
  if (selector === null) return { ...base, gap: null, byTask: new Map() };
  const live = runLiveGap(run, selector, config.filter);
  const byTask = new Map(keepTasks ? run.tasks.map((task) => [task.id, { task, ...live.task(task.id) }]) : []);
  return { ...base, gap: live.now(), byTask };
}
