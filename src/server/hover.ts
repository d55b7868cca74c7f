// Hover text of a task line: which task it is, and how the model did on it in the newest run. All
// text from the task file or a run folder goes through markdown.ts, so it shows as written.
import { gapText } from '../core/pipeline/liveGap';
import { formatPercent } from '../core/report/numbers';
import type { ParsedTasks } from '../core/tasks/parseTaskText';
import type { Task } from '../core/tasks/task';
import { stableStringify } from '../core/util/hash';
import { plural } from '../core/util/plural';
import { markdownCode, markdownText } from './markdown';
import type { TaskResult } from './taskResults';

/** The extension's command that opens a run folder's gap panel; the client trusts hover links to it and to nothing else. */
export const OPEN_RUN_COMMAND = 'gaplens.openRun';

/** A hover is a glance: longer questions are cut, the line itself has the rest. */
const QUESTION_CHARS = 300;

/** The usable task defined on `line` (1-based), if any. */
export function taskOnLine(parsed: ParsedTasks, line: number): Task | null {
  const i = parsed.origins.findIndex((o) => o.line === line);
  return i < 0 ? null : (parsed.tasks[i] ?? null);
}

/** Markdown for the hover; `result` null when no run under the runs folders has the task. */
export function taskHoverMarkdown(task: Task, result: TaskResult | null): string {
  const answers = Array.isArray(task.answer) ? task.answer : [task.answer];
  const about = [
    `**Task ${markdownCode(task.id)}** · grader ${markdownCode(task.grader)}`,
    '',
    markdownText(cut(task.question, QUESTION_CHARS)),
    '',
    `${answers.length === 1 ? 'Gold answer' : 'Gold answers'} ${answers.map(markdownCode).join(' · ')}`,
    '',
  ];
  if (result === null) return [...about, 'No run has this task yet: use *Run gap check on this task* above it.'].join('\n');
  const run = `run ${markdownCode(result.runId)}`;
  // The whole run as its panel's header reads it (a quick gap check's result), one click from the panel.
  const wholeRun = [
    '',
    `The whole ${run} (${plural(result.runTasks, 'task')}${result.complete ? '' : ', incomplete'}): ${gapText(result.runGap.reading)} · [Open the run's panel](${openRunLink(result.runDir)})`,
  ];
  // Same id, edited line: the numbers belong to the old question or gold answer.
  const edited = stableStringify(result.task) !== stableStringify(task) ? ['_The run has an earlier version of this task (its snapshot differs from this line)._', ''] : [];
  const { reading } = result;
  if (reading.state === 'pending') return [...about, ...edited, `No samples yet in the newest ${run}.`, ...wholeRun].join('\n');
  // The task's gap reads as the run's does everywhere else (core gapText): "not measured" or partial when it is.
  const filtered = result.filteredAccuracy === null ? '—' : formatPercent(result.filteredAccuracy);
  return [
    ...about,
    ...edited,
    `Newest ${run}, ${plural(reading.samples, 'sample')}:`,
    '',
    `- J(f|x) = ${formatPercent(reading.accuracy)}`,
    `- J(f[w]|x) = ${filtered} (filter ${markdownCode(result.filter)} on ${markdownCode(result.verifier)}; ${gapText(reading)})`,
    ...wholeRun,
  ].join('\n');
}

/** The command link that opens `dir`'s panel; every character that could end the markdown link early is percent-encoded. */
function openRunLink(dir: string): string {
  const args = encodeURIComponent(JSON.stringify([dir])).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${OPEN_RUN_COMMAND}?${args}`;
}

/** At most `max` characters (code points), whitespace runs counted as one, "…" marking a cut. */
function cut(text: string, max: number): string {
  const chars = [...text.trim().replace(/\s+/g, ' ')];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
