// Which tasks "Run on Selected Tasks" runs (the tasks on the selected lines of a task file) and the
// one task "Check Selection" makes of selected text. Pure: works on the editor's text, saved or not.
import { parseTaskText } from '../../core/tasks/parseTaskText';
import type { GraderName, Task } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import type { LineRange } from '../../protocol/taskServerProtocol';

/** An editor selection in VS Code's terms: 0-based lines, `endCharacter` 0 meaning "at the start of endLine". */
export interface LineSelection {
  startLine: number;
  endLine: number;
  endCharacter: number;
}

/**
 * The 1-based lines a selection covers. A selection that ends at the very start of a line (how whole
 * lines are selected) does not include that line; a cursor covers its own line.
 */
export function lineRangeOf(s: LineSelection): LineRange {
  const last = s.endLine > s.startLine && s.endCharacter === 0 ? s.endLine - 1 : s.endLine;
  return { first: s.startLine + 1, last: last + 1 };
}

/** The 1-based lines the selections cover, ascending (see lineRangeOf). */
export function selectedLines(selections: readonly LineSelection[]): number[] {
  const lines = new Set<number>();
  for (const s of selections) {
    const { first, last } = lineRangeOf(s);
    for (let line = first; line <= last; line++) lines.add(line);
  }
  return [...lines].sort((a, b) => a - b);
}

export interface SelectedTasks {
  tasks: Task[];
  /** The line of each task (1-based). */
  lines: number[];
  /** Lines with a task the file's errors make unusable, as "line N: problem". */
  skipped: string[];
}

/**
 * The tasks defined on `lines` (1-based) of a task file's text, in file order. Blank lines are
 * ignored; a selected line whose task has an error is reported in `skipped`. Throws a UserError when
 * no selected line holds a usable task.
 */
export function tasksOnLines(text: string, file: string, lines: readonly number[]): SelectedTasks {
  const parsed = parseTaskText(text, file);
  const wanted = new Set(lines);
  const picked = parsed.tasks.flatMap((task, i) => {
    const line = parsed.origins[i]?.line ?? 0;
    return wanted.has(line) ? [{ task, line }] : [];
  });
  const tasks = picked.map((p) => p.task);
  const skipped = parsed.diagnostics.filter((d) => d.severity === 'error' && wanted.has(d.line)).map((d) => `line ${d.line}: ${d.message}`);
  if (tasks.length === 0) {
    const why = skipped.length > 0 ? `; the selected lines have errors:\n${skipped.join('\n')}` : ': put the cursor on a task line, or select several';
    throw new UserError(`${file}: no task on the selected line${lines.length === 1 ? '' : 's'}${why}`);
  }
  return { tasks, lines: picked.map((p) => p.line), skipped };
}

/**
 * How a run of some lines of a file names its tasks in run.json: the file path plus the lines as
 * a fragment, e.g. `/w/set.tasks.jsonl#L3-L5,L9`. Tools that want the file strip from '#'.
 */
export function linesSource(file: string, lines: readonly number[]): string {
  const spans: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && (lines[j + 1] as number) === (lines[j] as number) + 1) j++;
    spans.push(i === j ? `L${lines[i]}` : `L${lines[i]}-L${lines[j]}`);
    i = j + 1;
  }
  return `${file}#${spans.join(',')}`;
}

export const SELECTION_TASK_ID = 'selection';
/** RunConfig.tasks of a Check Selection run (where the text came from is in the task's meta.source). */
export const SELECTION_SOURCE = 'selection';

/**
 * The task Check Selection runs: the selected text as the question; the gold answer when the user
 * gave one, else empty — the panel then shows scores and answer clusters until one is marked right.
 */
export function selectionTask(question: string, gold: string | undefined, grader: GraderName, origin: string): Task {
  const text = question.trim();
  if (text === '') throw new UserError('the selection is empty: select the text of a question first');
  return { id: SELECTION_TASK_ID, question: text, answer: gold?.trim() ?? '', grader, meta: { source: origin } };
}
