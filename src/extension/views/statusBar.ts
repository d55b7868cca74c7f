// The status bar item: the active run's progress and gap (worded by statusText.ts in the on-demand
// bundle, so that this entry-bundle file needs no core); click to open the run.
import * as vscode from 'vscode';
import type { StatusReporter, StatusView } from '../services';

export class RunStatusBar implements StatusReporter, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gaplens.run', vscode.StatusBarAlignment.Left, 10);
  private current: string | undefined;

  constructor() {
    this.item.name = 'Gap Lens run';
  }

  show(status: StatusView): void {
    this.current = status.runId;
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
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
