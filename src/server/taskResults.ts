// The latest results of a task, for hovers: the newest run (by run.json createdAt) under the runs
// folders whose task snapshot has the id, read through core's one run-summary reader (cached while a
// run's files are unchanged, so hovering stays cheap while a live run keeps appending).
import type { GapNow } from '../core/pipeline/liveGap';
import { RunSummaries, type RunTaskResult } from '../core/runs/runSummaries';

export interface TaskResult extends RunTaskResult {
  runId: string;
  runDir: string;
  /** The run's filter and the selector its gap is by (its first verifier), as in run.json. */
  filter: string;
  verifier: string;
  /** The whole run's gap by the same selector and filter (a quick gap check's result, its panel's header). */
  runGap: GapNow;
  /** The run's task count, and whether every expected record exists. */
  runTasks: number;
  complete: boolean;
}

export class TaskResultsCache {
  private readonly summaries = new RunSummaries({ keepTasks: true });

  constructor(private runsFolders: readonly string[]) {}

  setRunsFolders(folders: readonly string[]): void {
    this.runsFolders = folders;
  }

  /** The task's result in the newest run that has it, or null if no run has it. */
  async latest(taskId: string): Promise<TaskResult | null> {
    // A run being created or a damaged one is left out: hovers show what the other runs know; the
    // run's own commands report what is wrong with it.
    const runs = await this.summaries.list(this.runsFolders, () => undefined);
    for (const run of runs) {
      const result = run.byTask.get(taskId);
      if (result && run.gap) {
        return { ...result, runId: run.manifest.id, runDir: run.dir, filter: run.gap.filter, verifier: run.gap.selector, runGap: run.gap, runTasks: run.coverage.tasks.expected, complete: run.complete };
      }
    }
    return null;
  }
}
