// The task files of the open workspace (for the task sets tree and the task source picker).
import * as vscode from 'vscode';
import type { TaskFileRef } from '../commands/runPlan';
import type { WorkspaceSettings } from '../config/workspaceSettings';
import { taskFileGlob } from './taskFileGlob';

/** More is not a task set collection but a data dump; the picker stays usable. */
const MAX_TASK_FILES = 500;

export async function findTaskFiles(workspace: WorkspaceSettings): Promise<TaskFileRef[]> {
  const associations = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('associations');
  const uris = await vscode.workspace.findFiles(taskFileGlob(associations), '**/{node_modules,.git,.gaplens}/**', MAX_TASK_FILES);
  return uris
    .filter((u) => u.scheme === 'file')
    .map((u) => ({ path: u.fsPath, label: workspace.displayDir(u.fsPath) }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
