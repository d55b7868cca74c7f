import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { parseTaskText } from '../../src/core/tasks/parseTaskText';
import { documentLines, toLspDiagnostics } from '../../src/server/diagnostics';
import { BROKEN_LINES, EXPECTED_PROBLEMS } from './brokenTasks';

describe('server/diagnostics', () => {
  it('maps every problem to a 0-based range over the text it is about, or its whole line', () => {
    const text = BROKEN_LINES.join('\n');
    const diagnostics = toLspDiagnostics(parseTaskText(text, '/tmp/t.tasks.jsonl').diagnostics, documentLines(text));
    assert.equal(diagnostics.length, EXPECTED_PROBLEMS.length);
    diagnostics.forEach((d, i) => {
      const [line, message, marked] = EXPECTED_PROBLEMS[i] as [number, RegExp, string | null];
      assert.equal(d.range.start.line, line);
      assert.equal(d.range.end.line, line);
      assert.equal((BROKEN_LINES[line] as string).slice(d.range.start.character, d.range.end.character), marked ?? BROKEN_LINES[line]);
      assert.match(d.message, message);
      assert.equal(d.severity, DiagnosticSeverity.Error);
      assert.equal(d.source, 'gaplens');
    });
  });

  it('keeps line numbers right with CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFF' + BROKEN_LINES.slice(0, 2).join('\r\n');
    const diagnostics = toLspDiagnostics(parseTaskText(text, '/tmp/t.tasks.jsonl').diagnostics, documentLines(text));
    assert.equal(diagnostics.length, 1);
    const end = (BROKEN_LINES[1] as string).length;
    assert.deepEqual(diagnostics[0]?.range, { start: { line: 1, character: end - 1 }, end: { line: 1, character: end } });
    // On the first line the mark counts as a character of the document.
    const first = '\uFEFF{"id": "a", "question": "q", "answer": "1", "grader": "fuzzy"}';
    const [grader] = toLspDiagnostics(parseTaskText(first, '/tmp/t.tasks.jsonl').diagnostics, documentLines(first));
    assert.equal(first.slice(grader?.range.start.character, grader?.range.end.character), '"fuzzy"');
  });

  it('gives warnings warning severity', () => {
    const diagnostics = toLspDiagnostics([{ file: 'f', line: 3, severity: 'warning', message: 'w' }], documentLines('\n\nabc'));
    assert.equal(diagnostics[0]?.severity, DiagnosticSeverity.Warning);
    assert.deepEqual(diagnostics[0]?.range.end, { line: 2, character: 3 });
  });

  it('shows control and bidi characters the message quotes from the file instead of passing them on', () => {
    const text = [JSON.stringify({ id: 'a\u202e', question: 'q', answer: '1' }), JSON.stringify({ id: 'a\u202e', question: 'q', answer: '1', ['x\x1b[2J']: 1 })].join('\n');
    const messages = toLspDiagnostics(parseTaskText(text, '/tmp/t.tasks.jsonl').diagnostics, documentLines(text)).map((d) => d.message);
    assert.deepEqual(messages, [
      'duplicate id "a\\u202e" (first used on line 1)',
      'unknown field "x\\u001b[2J" is ignored (fields: id, question, answer, grader, meta)',
    ]);
  });

  it('has nothing to say about a valid file', () => {
    const text = BROKEN_LINES[0] as string;
    assert.deepEqual(toLspDiagnostics(parseTaskText(text, '/tmp/t.tasks.jsonl').diagnostics, documentLines(text)), []);
  });
});
