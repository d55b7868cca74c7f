// Quick fixes for the problems parseTaskText knows a fix for (an unknown grader, a misspelled field
// name): each fix replaces the problem's span. Computed from the server's own parse of the
// document, so nothing the client sends back is trusted.
import { CodeActionKind, type CodeAction, type Position, type Range } from 'vscode-languageserver';
import type { TaskDiagnostic } from '../core/tasks/task';
import { rangeOf, toLspDiagnostics, type DocumentLines } from './diagnostics';

export function taskCodeActions(uri: string, problems: readonly TaskDiagnostic[], doc: DocumentLines, range: Range): CodeAction[] {
  return problems.flatMap((problem) => {
    const at = rangeOf(problem, doc);
    if (!problem.fixes || !overlaps(at, range)) return [];
    const diagnostics = toLspDiagnostics([problem], doc);
    return problem.fixes.map(
      (fix): CodeAction => ({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics,
        isPreferred: fix.preferred,
        edit: { changes: { [uri]: [{ range: at, newText: fix.text }] } },
      }),
    );
  });
}

/** Ranges that share a position (the cursor touches the span it sits in or at either end of). */
function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function before(p: Position, q: Position): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}
