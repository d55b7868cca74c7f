// parseTaskText's per-line problems as LSP diagnostics: 1-based lines become 0-based ranges that
// cover the whole line, so the squiggle marks the record the message is about.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TaskDiagnostic } from '../core/tasks/task';
import { inertText } from '../core/util/inertText';

export const DIAGNOSTIC_SOURCE = 'gaplens';

/** `lines` is the document's text split into lines (for each line's length). */
export function toLspDiagnostics(problems: readonly TaskDiagnostic[], lines: readonly string[]): Diagnostic[] {
  return problems.map((p) => {
    const line = Math.max(0, p.line - 1);
    const length = lines[line]?.length ?? 0;
    return {
      range: { start: { line, character: 0 }, end: { line, character: length } },
      severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: DIAGNOSTIC_SOURCE,
      // Messages quote the file (ids, field names): its bidi and control characters are shown, not obeyed.
      message: inertText(p.message),
    };
  });
}

/** The document's lines, split the way parseTaskText splits them (so line numbers agree). */
export function documentLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}
