// Imported samples → the tasks of a run, each with n samples (indices 0..n-1): samples of one task
// id are its repeated samples, in the order read. A run has one n for every task; with `--n N`
// each task keeps its first N samples and a task with fewer is left out (and named).
import { stableStringify } from '../util/hash';
import { UserError } from '../util/errors';
import { plural } from '../util/plural';
import type { Task } from '../tasks/task';
import type { SourceSample } from './sourceSample';

export interface GroupedSamples {
  /** In order of first appearance; `meta.import` says where each sample came from and what the source scored it. */
  tasks: Task[];
  /** Task id → its n samples, index order. */
  samples: Map<string, SourceSample[]>;
  n: number;
  /** Tasks `--n` left out because they have fewer samples: id and how many they have. */
  leftOut: { id: string; count: number }[];
}

/** How many tasks of each sample count an error message names before "…". */
const NAMED_TASKS = 3;

export function groupSamples(samples: readonly SourceSample[], n: number | undefined): GroupedSamples {
  const byTask = new Map<string, SourceSample[]>();
  for (const sample of samples) {
    const group = byTask.get(sample.task.id);
    if (group === undefined) byTask.set(sample.task.id, [sample]);
    else {
      checkSameTask(group[0] as SourceSample, sample);
      group.push(sample);
    }
  }
  const chosen = n ?? commonCount(byTask);
  const kept = new Map<string, SourceSample[]>();
  const leftOut: GroupedSamples['leftOut'] = [];
  for (const [id, group] of byTask) {
    if (group.length < chosen) leftOut.push({ id, count: group.length });
    else kept.set(id, group.slice(0, chosen));
  }
  if (kept.size === 0) throw new UserError(`no task has ${chosen} samples (the most any has is ${Math.max(...[...byTask.values()].map((g) => g.length))}); choose a smaller --n`, 2);
  const tasks = [...kept.values()].map((group) => withProvenance(group));
  return { tasks, samples: kept, n: chosen, leftOut };
}

/** The samples' task as the run stores it: `meta.import.at` (where each sample is) and `meta.import.scores` (the source's verdicts), by index. */
function withProvenance(group: SourceSample[]): Task {
  const { task } = group[0] as SourceSample;
  const scores = group.some((s) => s.sourceScore !== null) ? { scores: group.map((s) => s.sourceScore) } : {};
  return { ...task, meta: { ...task.meta, import: { at: group.map((s) => s.at), ...scores } } };
}

/** A task id read again must be the same task: the same question, gold answer and grader. */
function checkSameTask(first: SourceSample, again: SourceSample): void {
  const differs = (['question', 'answer', 'grader'] as const).find((field) => stableStringify(first.task[field]) !== stableStringify(again.task[field]));
  if (differs === undefined) return;
  throw new UserError(
    `${again.at}: task "${again.task.id}" has another ${differs === 'answer' ? 'gold answer' : differs} than where it was first read, ${first.at}; ` +
      'samples of one task id are its repeated samples and must agree on the task',
  );
}

/** The one sample count every task has; else an error showing the counts and the --n that would import them. */
function commonCount(byTask: Map<string, SourceSample[]>): number {
  const byCount = new Map<number, string[]>();
  for (const [id, group] of byTask) byCount.set(group.length, [...(byCount.get(group.length) ?? []), id]);
  if (byCount.size === 1) return [...byCount.keys()][0] as number;
  const counts = [...byCount].sort(([a], [b]) => b - a);
  const lines = counts.map(([count, ids]) => {
    const named = ids.slice(0, NAMED_TASKS).map((id) => `"${id}"`).join(', ') + (ids.length > NAMED_TASKS ? ', …' : '');
    return `  ${plural(ids.length, 'task')} with ${plural(count, 'sample')} (${named})`;
  });
  const fewest = (counts[counts.length - 1] as [number, string[]])[0];
  const most = (counts[0] as [number, string[]])[0];
  throw new UserError(
    [
      'the tasks have different numbers of samples, and a run has the same number n for every task:',
      ...lines,
      `Pass --n ${fewest} to import the first ${fewest} samples of every task, or --n ${most} to import only the tasks with ${most} (a task with fewer than n is left out).`,
    ].join('\n'),
    2,
  );
}
