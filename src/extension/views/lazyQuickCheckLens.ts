// The quick gap check's CodeLens provider as the entry bundle registers it: it imports nothing but
// vscode, and asks the on-demand bundle for the lenses (quickCheckLenses.ts needs core's parser).
import * as vscode from 'vscode';
import { TASK_LANGUAGE_ID, type Features } from '../services';

export const QUICK_CHECK_FILES: vscode.DocumentFilter = { scheme: 'file', language: TASK_LANGUAGE_ID };

export class LazyQuickCheckLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly features: () => Promise<Features>) {}

  /** The lenses are asked for again (a check started or ended, the selected tasks changed). */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    return (await this.features()).quickCheckLenses(document);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
