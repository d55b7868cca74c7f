// The quick gap check's CodeLenses on a task file, placed as the "Run gap check" lenses are
// (gaplens.taskCodeLens, src/server/codeLenses.ts): one for the file on its first task, and one above
// the selected tasks (the default) or one above every task — a lens above every line doubles a task
// file's height. Each says "Quick gap check" until a check of exactly those tasks ran; then it says
// that check's result (quickCheckText.ts) and opens its run's panel, with a re-check beside it. The
// lines come from core's task-file parser, as the language server's do.
import * as vscode from 'vscode';
import { parseTaskText } from '../../core/tasks/parseTaskText';
import type { TaskCodeLensMode } from '../../protocol/taskServerProtocol';
import type { QuickCheckBoard } from '../run/quickChecks';
import { selectedLines, type LineSelection } from '../tasks/taskSelection';

export const QUICK_CHECK_COMMAND = 'gaplens.quickCheck';

/** `selections`: the document's non-empty selections (none when it is not the active editor). */
export function quickCheckLenses(doc: vscode.TextDocument, board: QuickCheckBoard, selections: readonly LineSelection[], mode: TaskCodeLensMode): vscode.CodeLens[] {
  if (mode === 'off') return [];
  const parsed = parseTaskText(doc.getText(), doc.fileName);
  const tasks = parsed.origins.map((o, i) => ({ line: o.line, id: parsed.tasks[i]?.id ?? '' }));
  const covered = new Set(selectedLines(selections));
  const selected = mode === 'selection' ? tasks.filter((t) => covered.has(t.line)) : [];
  const fileLabel = tasks.length === 1 ? 'Quick gap check' : `Quick gap check of the file (${tasks.length} tasks)`;
  const selectedLabel = selected.length === 1 ? 'Quick gap check of the selected task' : `Quick gap check of the ${selected.length} selected tasks`;
  // The file's lens is the status bar's check; a lens that would check the same tasks as another is left out.
  return [
    ...lensesFor(doc, board, tasks, fileLabel),
    ...(mode === 'everyTask' && tasks.length > 1 ? tasks.flatMap((t) => lensesFor(doc, board, [t], 'Quick gap check of this task')) : []),
    ...(selected.length > 0 && selected.length < tasks.length ? lensesFor(doc, board, selected, selectedLabel) : []),
  ];
}

function lensesFor(doc: vscode.TextDocument, board: QuickCheckBoard, tasks: readonly { line: number; id: string }[], label: string): vscode.CodeLens[] {
  const [first] = tasks;
  if (first === undefined) return [];
  const range = new vscode.Range(first.line - 1, 0, first.line - 1, 0);
  const ids = tasks.map((t) => t.id);
  const run: vscode.Command = { title: `$(zap) ${label}`, command: QUICK_CHECK_COMMAND, arguments: [doc.uri, tasks.map((t) => t.line)], tooltip: 'A small gap check of these tasks with the model profile used last (gaplens.quickCheck.*), through the response cache' };
  if (board.isRunning(doc.fileName, ids)) return [new vscode.CodeLens(range, { title: `$(sync~spin) ${label}: running…`, command: '' })];
  const check = board.get(doc.fileName, ids);
  if (check === undefined) return [new vscode.CodeLens(range, run)];
  const result: vscode.Command =
    check.dir === undefined
      ? { title: `${label}: ${check.title}`, command: '', tooltip: check.tooltip }
      : { title: `${label}: ${check.title}`, command: 'gaplens.openRun', arguments: [check.dir], tooltip: check.tooltip };
  return [new vscode.CodeLens(range, result), new vscode.CodeLens(range, { ...run, title: '$(refresh) Check again' })];
}
