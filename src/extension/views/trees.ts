// The items of the two Gap Lens trees. Each item carries what its context commands need
// (`runDir`, `taskSource`), read back by commands/commandArgs.ts.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { RunListing } from '../run/runIndex';
import type { TaskFileRef } from '../tasks/workspaceTaskFiles';
import { runItemText } from './runItems';

export class RunTreeItem extends vscode.TreeItem {
  constructor(
    readonly runDir: string,
    listing: RunListing,
    running: boolean,
  ) {
    const text = runItemText(listing, running);
    super(text.label, vscode.TreeItemCollapsibleState.None);
    this.id = runDir;
    this.description = text.description;
    this.tooltip = text.tooltip;
    this.contextValue = text.contextValue;
    this.iconPath = new vscode.ThemeIcon(text.icon);
    this.command = { title: 'Open Run', command: 'gaplens.openRun', arguments: [runDir] };
  }
}

export class TaskSetTreeItem extends vscode.TreeItem {
  constructor(
    readonly taskSource: string,
    label: string,
    description: string,
    file: boolean,
  ) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = taskSource;
    this.description = description;
    this.contextValue = 'gaplens.taskSet';
    if (file) {
      this.resourceUri = vscode.Uri.file(taskSource);
      this.tooltip = taskSource;
      this.command = { title: 'Open', command: 'vscode.open', arguments: [this.resourceUri] };
    } else {
      this.tooltip = `${taskSource}: ${description}`;
      this.iconPath = new vscode.ThemeIcon('beaker');
    }
  }
}

export function taskSetItems(files: readonly TaskFileRef[], builtins: readonly { name: string; description: string }[]): TaskSetTreeItem[] {
  return [
    ...files.map((f) => new TaskSetTreeItem(f.path, basename(f.path), f.label, true)),
    ...builtins.map((b) => new TaskSetTreeItem(b.name, b.name, b.description, false)),
  ];
}
