// The task files of the open workspace (for the task sets tree, the task source picker and the
// Test Explorer's gap checks).
import * as vscode from 'vscode';
import type { WorkspaceSettings } from '../config/workspaceSettings';
import { taskFileGlob } from './taskFileGlob';

/** More is not a task set collection but a data dump; the picker stays usable. */
const MAX_TASK_FILES = 500;

/** Folders whose files are never the user's task sets: dependencies, git's, and Gap Lens' own runs. */
export const EXCLUDED_FOLDERS = ['node_modules', '.git', '.gaplens'] as const;

/** The glob of every task file of the workspace, with the user's files.associations of the task language. */
export function workspaceTaskFileGlob(): string {
  return taskFileGlob(vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('associations'));
}

/** The workspace's task files on disk (at most MAX_TASK_FILES). */
export async function findTaskFileUris(): Promise<vscode.Uri[]> {
  const uris = await vscode.workspace.findFiles(workspaceTaskFileGlob(), `**/{${EXCLUDED_FOLDERS.join(',')}}/**`, MAX_TASK_FILES);
  return uris.filter((u) => u.scheme === 'file');
}

/** A task file the user can pick: absolute path plus how to show it (workspace-relative). */
export interface TaskFileRef {
  path: string;
  label: string;
}

export async function findTaskFiles(workspace: WorkspaceSettings): Promise<TaskFileRef[]> {
  return (await findTaskFileUris()).map((u) => ({ path: u.fsPath, label: workspace.displayDir(u.fsPath) })).sort((a, b) => a.path.localeCompare(b.path));
}
