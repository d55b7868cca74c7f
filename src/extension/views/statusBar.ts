// The status bar item: the active run's progress and gap; click to open the run.
import * as vscode from 'vscode';
import type { StatusReporter } from '../services';
import { statusBarText, type RunStatus } from './statusText';

export class RunStatusBar implements StatusReporter, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gaplens.run', vscode.StatusBarAlignment.Left, 10);
  private current: string | undefined;

  constructor() {
    this.item.name = 'Gap Lens run';
  }

  show(status: RunStatus): void {
    const { text, tooltip } = statusBarText(status);
    this.current = status.runId;
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = { title: 'Open Run', command: 'gaplens.openRun', arguments: [status.dir] };
    this.item.show();
  }

  clear(runId?: string): void {
    if (runId !== undefined && runId !== this.current) return;
    this.current = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
