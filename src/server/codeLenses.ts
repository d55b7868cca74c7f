// "Run gap check" lenses: one for the whole file on its first line, and, as the user chooses
// (gaplens.taskCodeLens), one above the selected tasks or one above every task. A lens above every
// line doubles a task file's height, so the default is the file and the selection. The commands
// are the extension's own (see src/extension/languageClient.ts).
import type { CodeLens } from 'vscode-languageserver';
import type { TaskOrigin } from '../core/tasks/task';
import { plural } from '../core/util/plural';
import type { LineRange, TaskCodeLensMode } from '../protocol/taskServerProtocol';

export const RUN_FILE_COMMAND = 'gaplens.runGapCheck';
export const RUN_TASKS_COMMAND = 'gaplens.runSelectedTasks';

/** No lenses for a file without a usable task: there is nothing to run. */
export function taskCodeLenses(uri: string, origins: readonly TaskOrigin[], mode: TaskCodeLensMode, selection: readonly LineRange[]): CodeLens[] {
  if (origins.length === 0 || mode === 'off') return [];
  const fileLens = lens(0, `Run gap check (${plural(origins.length, 'task')})`, RUN_FILE_COMMAND, [uri]);
  if (mode === 'everyTask') return [fileLens, ...origins.map((o) => lens(o.line - 1, 'Run gap check on this task', RUN_TASKS_COMMAND, [uri, [o.line]]))];
  const selected = mode === 'selection' ? selectedTaskLines(origins, selection) : [];
  const [first] = selected;
  if (first === undefined) return [fileLens];
  const title = selected.length === 1 ? 'Run gap check on the selected task' : `Run gap check on the ${selected.length} selected tasks`;
  return [fileLens, lens(first - 1, title, RUN_TASKS_COMMAND, [uri, selected])];
}

/** The 1-based lines of the usable tasks inside the selection, ascending. */
export function selectedTaskLines(origins: readonly TaskOrigin[], selection: readonly LineRange[]): number[] {
  return origins.map((o) => o.line).filter((line) => selection.some((r) => r.first <= line && line <= r.last));
}

function lens(line: number, title: string, command: string, args: unknown[]): CodeLens {
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title, command, arguments: args } };
}
