// Whether run folders are on one task set: the same tasks.jsonl bytes (run.json `tasksSha256`, checked
// against the file whenever a run is read), so the same task ids, questions, answers and graders in
// the same order. The series report and the cross-verification matrix compare runs only then.
import { UserError } from '../util/errors';
import type { RunManifest } from './records';

export interface TaskSetRun {
  dir: string;
  manifest: RunManifest;
}

/** Refuses (UserError, exit 2) the first run whose task set differs from the first run's; `what` says why they must agree and how. */
export function checkOneTaskSet(runs: readonly TaskSetRun[], what: string): void {
  const first = runs[0];
  if (first === undefined) return;
  const other = runs.find((r) => r.manifest.tasksSha256 !== first.manifest.tasksSha256);
  if (other !== undefined) throw new UserError(`${first.dir} and ${other.dir} ran on different task sets (${taskSetText(first)} vs ${taskSetText(other)}): ${what}`, 2);
}

function taskSetText(run: TaskSetRun): string {
  const { tasks, limit } = run.manifest.config;
  return `${tasks}${limit !== undefined ? ` first ${limit}` : ''}, tasks.jsonl sha256 ${run.manifest.tasksSha256.slice(0, 12)}…`;
}
