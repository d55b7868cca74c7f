// parseTaskText's problems as LSP diagnostics: 1-based lines become 0-based ranges over the span a
// problem names (a field's value or name, where the JSON breaks), else over its whole line.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TaskDiagnostic } from '../core/tasks/task';
import { inertText } from '../core/util/inertText';

export const DIAGNOSTIC_SOURCE = 'gaplens';

/** A document's text as parseTaskText reads it: its lines, and whether a byte-order mark went before the first. */
export interface DocumentLines {
  lines: string[];
  bom: boolean;
}

export function toLspDiagnostics(problems: readonly TaskDiagnostic[], doc: DocumentLines): Diagnostic[] {
  return problems.map((p) => ({
    range: rangeOf(p, doc),
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    // Messages quote the file (ids, field names): its bidi and control characters are shown, not obeyed.
    message: inertText(p.message),
  }));
}

/** Where a problem is in the document: its span, else its whole line. */
export function rangeOf(problem: TaskDiagnostic, doc: DocumentLines): Range {
  const line = Math.max(0, problem.line - 1);
  // parseTaskText strips the mark: its columns on the first line start one character later.
  const shift = line === 0 && doc.bom ? 1 : 0;
  const start = problem.span?.start ?? 0;
  const end = problem.span?.end ?? doc.lines[line]?.length ?? 0;
  return { start: { line, character: start + shift }, end: { line, character: end + shift } };
}

/** The document's lines, split the way parseTaskText splits them (so line numbers and columns agree). */
export function documentLines(text: string): DocumentLines {
  const bom = text.startsWith('\uFEFF');
  return { lines: (bom ? text.slice(1) : text).split(/\r?\n/), bom };
}
