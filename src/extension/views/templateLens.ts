// "Re-verify with this template" above a draft of a run's verifier template (RUN/templates/drafts/,
// made by Edit Verifier Template). Registered at activation, so it imports nothing but vscode.
import * as vscode from 'vscode';

/** The files Edit Verifier Template makes: a run's drafts folder. */
export const DRAFT_TEMPLATES: vscode.DocumentFilter = { scheme: 'file', pattern: '**/templates/drafts/*.txt' };

export class DraftTemplateLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'Re-verify with this template', command: 'gaplens.reverifyWithTemplate', arguments: [document.uri] })];
  }
}
