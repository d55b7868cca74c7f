// "Run gap check" lenses: one for the whole file on its first line, one per usable task. The
// commands are the extension's own (see src/extension/languageClient.ts).
import type { CodeLens } from 'vscode-languageserver';
import type { TaskOrigin } from '../core/tasks/task';

export const RUN_FILE_COMMAND = 'gaplens.runGapCheck';
export const RUN_TASKS_COMMAND = 'gaplens.runSelectedTasks';

/** No lenses for a file without a usable task: there is nothing to run. */
export function taskCodeLenses(uri: string, origins: readonly TaskOrigin[]): CodeLens[] {
  if (origins.length === 0) return [];
  const atLine = (line: number): CodeLens['range'] => ({ start: { line, character: 0 }, end: { line, character: 0 } });
  const fileLens: CodeLens = {
    range: atLine(0),
    command: { title: `Run gap check (${origins.length} ${origins.length === 1 ? 'task' : 'tasks'})`, command: RUN_FILE_COMMAND, arguments: [uri] },
  };
  const taskLenses = origins.map(
    (o): CodeLens => ({
      range: atLine(o.line - 1),
      command: { title: 'Run gap check on this task', command: RUN_TASKS_COMMAND, arguments: [uri, [o.line]] },
    }),
  );
  return [fileLens, ...taskLenses];
}
