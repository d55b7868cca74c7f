// The status bar's quick gap check: while a task file is the active editor, an item beside the run
// item (statusBar.ts, unchanged) offers Quick Gap Check of the selected tasks, or of the file when
// nothing is selected. The check's progress shows in the run item, as every quiet run's does.
// Registered at activation, so it imports nothing but vscode.
import * as vscode from 'vscode';
import { TASK_LANGUAGE_ID } from '../services';

export class QuickCheckStatusItem implements vscode.Disposable {
  /** Just right of the run item (priority 10). */
  private readonly item = vscode.window.createStatusBarItem('gaplens.quickCheck', vscode.StatusBarAlignment.Left, 9);
  private readonly listeners: vscode.Disposable[];

  constructor() {
    this.item.name = 'Gap Lens quick gap check';
    this.item.command = 'gaplens.quickCheck';
    this.listeners = [vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)), vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => this.follow(textEditor))];
    this.follow(vscode.window.activeTextEditor);
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    if (editor?.document.languageId !== TASK_LANGUAGE_ID || editor.document.uri.scheme !== 'file') {
      this.item.hide();
      return;
    }
    const selection = editor.selections.some((s) => !s.isEmpty);
    this.item.text = `$(zap) Quick check ${selection ? 'selection' : 'file'}`;
    this.item.tooltip = `Gap Lens: a small gap check of ${selection ? 'the selected tasks' : 'this file\'s tasks'} with the model profile used last (N and the task limit: gaplens.quickCheck.*), through the response cache; its result shows on the tasks' CodeLens`;
    this.item.show();
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.item.dispose();
  }
}
