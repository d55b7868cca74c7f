// The runs on disk, as the runs tree and the run pickers list them: core's one run-summary reader
// (src/core/runs/runSummaries.ts: model, verifiers, coverage, state and the gap, cached while the
// run's files are unchanged) plus what only the extension knows — the user's label and how its last
// execution ended (gaplens-ui.json) — and whether a writer holds the run's lock, both read anew on
// every listing. No 'vscode'.
import { liveLockHolder } from '../../core/runs/runLock';
import { RunSummaries, type RunSummary } from '../../core/runs/runSummaries';
import { readRunNotes, type RunNotes } from './runNotes';

export interface RunListing extends RunSummary {
  /** The user's label and how the extension's last execution ended (gaplens-ui.json). */
  notes: RunNotes;
  /** A writer holds the run's lock: it is being written right now (by this window or another process). */
  live: boolean;
}

export class RunIndex {
  private readonly summaries = new RunSummaries({ keepTasks: false });

  /** Every run in `roots`, newest first; unreadable runs are reported and left out. */
  async list(roots: readonly string[], onProblem: (message: string) => void): Promise<RunListing[]> {
    return Promise.all((await this.summaries.list(roots, onProblem)).map((summary) => listingOf(summary, onProblem)));
  }

  /** One run folder's listing. */
  async read(dir: string, onProblem: (message: string) => void = () => undefined): Promise<RunListing> {
    return listingOf(await this.summaries.read(dir), onProblem);
  }

  forget(dir: string): void {
    this.summaries.forget(dir);
  }
}

async function listingOf(summary: RunSummary, onProblem: (message: string) => void): Promise<RunListing> {
  const [notes, holder] = await Promise.all([readRunNotes(summary.dir, onProblem), liveLockHolder(summary.dir)]);
  return { ...summary, notes, live: holder !== null };
}
