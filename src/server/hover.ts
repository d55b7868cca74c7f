// Hover text of a task line: which task it is, and how the model did on it in the newest run.
import { formatRate, formatSigned } from '../core/report/numbers';
import type { ParsedTasks } from '../core/tasks/parseTaskText';
import type { Task } from '../core/tasks/task';
import { stableStringify } from '../core/util/hash';
import type { TaskResult } from './taskResults';

/** The usable task defined on `line` (1-based), if any. */
export function taskOnLine(parsed: ParsedTasks, line: number): Task | null {
  const i = parsed.origins.findIndex((o) => o.line === line);
  return i < 0 ? null : (parsed.tasks[i] ?? null);
}

/** Markdown for the hover; `result` null when no run under the runs folders has the task. */
export function taskHoverMarkdown(task: Task, result: TaskResult | null): string {
  const head = `**Task \`${inlineCode(task.id)}\`** · grader \`${task.grader}\``;
  if (result === null) return `${head}\n\nNo run has this task yet: use *Run gap check on this task* above it.`;
  const run = `run \`${inlineCode(result.runId)}\``;
  // Same id, edited line: the numbers belong to the old question or gold answer.
  const edited = stableStringify(result.task) !== stableStringify(task) ? ['_The run has an earlier version of this task (its snapshot differs from this line)._', ''] : [];
  if (result.accuracy === null || result.filteredAccuracy === null) return [head, '', ...edited, `No samples yet in the newest ${run}.`].join('\n');
  return [
    head,
    '',
    ...edited,
    `Newest ${run}, ${result.samples} ${result.samples === 1 ? 'sample' : 'samples'}:`,
    '',
    `- J(f|x) = ${formatRate(result.accuracy)}`,
    `- J(f[w]|x) = ${formatRate(result.filteredAccuracy)} (filter \`${inlineCode(result.filter)}\` on \`${inlineCode(result.verifier)}\`; gap ${formatSigned(result.filteredAccuracy - result.accuracy)})`,
  ].join('\n');
}

// A backtick inside an id would end the code span early and let the rest render as markdown.
function inlineCode(text: string): string {
  return text.replace(/`/g, "'");
}
