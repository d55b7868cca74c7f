import assert from 'node:assert/strict';
import { parseTaskText } from '../../../src/core/tasks/parseTaskText';
import type { TaskDiagnostic } from '../../../src/core/tasks/task';

const jsonl = (...records: (object | string)[]): string => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

function summary(diagnostics: TaskDiagnostic[]): [number, string, string][] {
  return diagnostics.map((d) => [d.line, d.severity, d.message]);
}

describe('parseTaskText', () => {
  describe('Gap Lens schema', () => {
    it('reports each kind of problem on its exact line and keeps only the good tasks', () => {
      const text = jsonl(
        { id: 'a', question: '2+2?', answer: '4' },
        '',
        '{"id": "b", "question": "q", "answer": "4"',
        { id: 5, question: 'q', answer: '4' },
        { id: 'a', question: 'again', answer: '5' },
        { id: 'c', question: 'q', answer: 'x', grader: 'fancy' },
        { id: 'd', question: 'q', answer: 'forty', grader: 'numeric' },
        { id: 'e', answer: '4' },
        { id: 'f', question: 'q', answer: ['x', 3] },
        { id: 'g', question: 'q', answer: '\\frac{1}{', grader: 'math' },
        { id: 'h', question: 'q', answer: 'ok', meta: [1] },
        { id: 'i', question: 'q', answer: 'ok', gradr: 'exact' },
        '[1, 2]',
        { id: 'j', question: 'q', answer: 'Paris', grader: 'nq', meta: { source: 'x' } },
        { id: 'k', question: '   ', answer: '' },
      );
      const { tasks, origins, diagnostics } = parseTaskText(text, 'tasks.jsonl');
      assert.deepEqual(tasks.map((t) => [t.id, t.grader]), [['a', 'numeric'], ['i', 'exact'], ['j', 'nq']]);
      assert.deepEqual(origins, [{ file: 'tasks.jsonl', line: 1 }, { file: 'tasks.jsonl', line: 12 }, { file: 'tasks.jsonl', line: 14 }]);
      assert.deepEqual(tasks[2]?.meta, { source: 'x' });
      assert.ok(diagnostics.every((d) => d.file === 'tasks.jsonl'));
      const [invalidJson, ...rest] = summary(diagnostics);
      assert.deepEqual(invalidJson?.slice(0, 2), [3, 'error']);
      assert.match(invalidJson?.[2] ?? '', /^invalid JSON: .*column 42/);
      assert.deepEqual(rest, [
        [4, 'error', '"id" must be a string, got number 5 (every task needs a unique string id)'],
        [5, 'error', 'duplicate id "a" (first used on line 1)'],
        [6, 'error', 'unknown grader "fancy"; use one of numeric, math, nq, sudoku, exact'],
        [7, 'error', 'gold answer "forty" is not a number (the numeric grader needs e.g. "42", "-3.5", "1,234")'],
        [8, 'error', 'missing "question"'],
        [9, 'error', '"answer" must be a string or a non-empty list of strings, got a list'],
        [10, 'error', 'gold answer "\\\\frac{1}{" does not parse as LaTeX: expected-closing-delimiter at "{" in "\\frac{1}{"'],
        [11, 'error', '"meta" must be an object, got a list'],
        [12, 'warning', 'unknown field "gradr" is ignored (fields: id, question, answer, grader, meta)'],
        [13, 'error', 'expected a JSON object like {"id": …, "question": …, "answer": …}, got a list'],
        [15, 'error', '"question" is empty'],
        [15, 'error', '"answer" is empty'],
      ]);
    });

    it('infers the grader when none is given: numeric for a number, nq for aliases, exact otherwise', () => {
      const { tasks, diagnostics } = parseTaskText(jsonl({ id: '1', question: 'q', answer: '1,000' }, { id: '2', question: 'q', answer: ['a', 'b'] }, { id: '3', question: 'q', answer: 'Paris' }), 'x.jsonl');
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(tasks.map((t) => t.grader), ['numeric', 'nq', 'exact']);
    });

    it('explains pretty-printed JSON, and accepts CRLF line ends and a byte-order mark', () => {
      assert.deepEqual(summary(parseTaskText('[\n  {"id": "a"}\n]', 'x.json').diagnostics)[0], [
        1,
        'error',
        'invalid JSON: this looks like pretty-printed JSON; task files need one JSON object per line (JSON Lines)',
      ]);
      const { tasks, diagnostics } = parseTaskText(`\uFEFF${jsonl({ id: 'a', question: 'q', answer: '1' })}\r\n\r\n${jsonl({ id: 'b', question: 'q', answer: '2' })}\r\n`, 'x.jsonl');
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(tasks.map((t) => t.id), ['a', 'b']);
    });

    it('returns nothing for an empty text', () => {
      assert.deepEqual(parseTaskText('\n  \n', 'x.jsonl'), { tasks: [], origins: [], diagnostics: [], format: null });
    });
  });

  describe('public formats, detected from the first valid record', () => {
    it('GSM8K: gold after "####" without commas, worked solution in meta, id <basename>:<line>', () => {
      const solution = 'Each costs 500 so 2 * 500 = <<2*500=1000>>1000.\n#### 1,000';
      const text = jsonl('not json', { question: 'How much?', answer: solution }, { question: 'And now?', answer: 'no final line' });
      const { tasks, origins, diagnostics, format } = parseTaskText(text, '/data/gsm8k/test.jsonl');
      assert.equal(format, 'gsm8k');
      assert.deepEqual(tasks, [{ id: 'test.jsonl:2', question: 'How much?', answer: '1000', grader: 'numeric', meta: { solution } }]);
      assert.deepEqual(origins, [{ file: '/data/gsm8k/test.jsonl', line: 2 }]);
      assert.deepEqual(summary(diagnostics).slice(1), [
        [3, 'error', '"answer" must end with "#### <number>" (GSM8K format) (the file is read as GSM8K, as detected from line 2)'],
      ]);
    });

    it('MATH: answer field or the last balanced \\boxed{} of the solution; unique_id; subject and level kept', () => {
      const text = jsonl(
        { problem: 'P1', solution: 'so $\\boxed{5}$', answer: '5', subject: 'Algebra', level: 2, unique_id: 'test/algebra/1.json' },
        { problem: 'P2', solution: 'first \\boxed{1}, finally $\\boxed{\\frac{1}{\\sqrt{2}}}$.', subject: 'Geometry', level: 'Level 5' },
        { problem: 'P3', solution: 'no box here' },
        { problem: 'P4' },
      );
      const { tasks, diagnostics, format } = parseTaskText(text, 'math.jsonl');
      assert.equal(format, 'math');
      assert.deepEqual(tasks, [
        { id: 'test/algebra/1.json', question: 'P1', answer: '5', grader: 'math', meta: { subject: 'Algebra', level: 2, unique_id: 'test/algebra/1.json', solution: 'so $\\boxed{5}$' } },
        { id: 'math.jsonl:2', question: 'P2', answer: '\\frac{1}{\\sqrt{2}}', grader: 'math', meta: { subject: 'Geometry', level: 'Level 5', solution: 'first \\boxed{1}, finally $\\boxed{\\frac{1}{\\sqrt{2}}}$.' } },
      ]);
      assert.deepEqual(summary(diagnostics), [
        [3, 'error', 'no "answer" field and no \\boxed{…} in "solution" to take it from (the file is read as MATH, as detected from line 1)'],
        [4, 'error', 'missing "answer" (or a "solution" with a \\boxed{…} answer) (the file is read as MATH, as detected from line 1)'],
      ]);
    });

    it('NQ-open: every alias kept, grader nq', () => {
      const text = jsonl({ question: 'who wrote it', answer: ['Bobby Scott', 'Bob Russell'] }, { question: 'q', answer: [] });
      const { tasks, diagnostics, format } = parseTaskText(text, 'NQ-open.dev.jsonl');
      assert.equal(format, 'nq');
      assert.deepEqual(tasks, [{ id: 'NQ-open.dev.jsonl:1', question: 'who wrote it', answer: ['Bobby Scott', 'Bob Russell'], grader: 'nq' }]);
      assert.deepEqual(summary(diagnostics), [[2, 'error', '"answer" must be a non-empty list of accepted answers (NQ-open format) (the file is read as NQ-open, as detected from line 1)']]);
    });

    it('4x4 Sudoku CSV: by file name or by its header, puzzle in meta, listed solution checked', () => {
      const csv = ['Puzzle,Solution', '3102200002100320,3142243142131324', '', '310220000210032,3142243142131324', '3102200002100320,3142243142131342', '1,2,3'].join('\r\n');
      const { tasks, origins, diagnostics, format } = parseTaskText(csv, 'puzzles.csv');
      assert.equal(format, 'sudoku-csv');
      assert.equal(tasks.length, 1);
      assert.deepEqual({ ...tasks[0], question: undefined }, {
        id: 'puzzles.csv:2',
        question: undefined,
        answer: '3142243142131324',
        grader: 'sudoku',
        meta: { puzzle: '3102200002100320', blanks: 8 },
      });
      assert.match(tasks[0]?.question ?? '', /\n3 1 \| _ 2\n2 _ \| _ _\n----\+----\n_ 2 \| 1 _\n_ 3 \| 2 _\n/);
      assert.deepEqual(origins, [{ file: 'puzzles.csv', line: 2 }]);
      assert.deepEqual(summary(diagnostics), [
        [4, 'error', 'puzzle "310220000210032" must be 16 digits 0–4 (0 = blank)'],
        [5, 'error', 'the listed solution 3142243142131342 is wrong: column 3 (4314) repeats a digit'],
        [6, 'error', 'expected 2 comma-separated fields (Puzzle,Solution), found 3'],
      ]);
      assert.equal(parseTaskText(csv, 'puzzles.txt').tasks.length, 1);
    });

    it('a CSV without the Sudoku header is refused on its first line', () => {
      const parsed = parseTaskText('\na,b\n1,2', 'data.csv');
      assert.deepEqual(summary(parsed.diagnostics), [
        [2, 'error', 'expected the header "Puzzle,Solution" (the 4x4 Sudoku CSV format; other CSV files are not task files)'],
      ]);
      assert.equal(parsed.format, null);
    });
  });

  describe('where on the line a problem is, and its fixes', () => {
    /** Each diagnostic as [line, the text its span covers (null: the whole line), fix texts with a * on the preferred one]. */
    function placed(text: string): [number, string | null, string[]][] {
      const lines = text.split('\n');
      return parseTaskText(text, 't.tasks.jsonl').diagnostics.map((d) => [
        d.line,
        d.span ? (lines[d.line - 1] ?? '').slice(d.span.start, d.span.end) : null,
        (d.fixes ?? []).map((f) => `${f.preferred ? '*' : ''}${f.text}`),
      ]);
    }

    it('marks the value or name of the field a problem is about, the whole line for a missing field', () => {
      const text = jsonl(
        { id: 'a', question: 'q', answer: '1' },
        '{"id": "a",  "question": "again", "answer": "2"}',
        { id: 'b', question: '  ', answer: 'forty', grader: 'numeric', meta: 3 },
        { id: 'c', answer: '1', questoin: 'q', extra: 1 },
      );
      assert.deepEqual(placed(text), [
        [2, '"a"', []],
        [3, '"  "', []],
        [3, '3', []],
        [4, null, []],
        [4, '"questoin"', ['*"question"']],
        [4, '"extra"', []],
      ]);
      // A gold answer its grader cannot use is marked at the answer.
      assert.deepEqual(placed(jsonl({ id: 'd', question: 'q', answer: 'forty', grader: 'numeric' })), [[1, '"forty"', []]]);
    });

    it('offers every grader for an unknown one, the misspelled one first and preferred', () => {
      assert.deepEqual(placed(jsonl({ id: 'a', question: 'q', answer: '1', grader: 'nuemric' })), [[1, '"nuemric"', ['*"numeric"', '"math"', '"nq"', '"sudoku"', '"exact"']]]);
      const [diagnostic] = parseTaskText(jsonl({ id: 'a', question: 'q', answer: '1', grader: 'nuemric' }), 'x.jsonl').diagnostics;
      assert.deepEqual(diagnostic?.fixes?.[0], { title: 'Use grader "numeric"', text: '"numeric"', preferred: true });
      // Nothing near: every grader, none preferred; a grader that is not a string is replaced the same way.
      assert.deepEqual(placed(jsonl({ id: 'a', question: 'q', answer: '1', grader: 7 })), [[1, '7', ['"numeric"', '"math"', '"nq"', '"sudoku"', '"exact"']]]);
    });

    it('marks the character where a line stops being JSON and says its column', () => {
      const text = ['{"id": "a", "question": tru}', '{"id": "b", "question":', '{"id": "c",, "answer": "1"}'].join('\n');
      assert.deepEqual(placed(text), [
        // JSON.parse does not say where "tru" fails; the scan marks the value that is not one.
        [1, 't', []],
        [2, ':', []],
        [3, ',', []],
      ]);
      const messages = parseTaskText(text, 'x.jsonl').diagnostics.map((d) => d.message);
      assert.match(messages[0] ?? '', /^invalid JSON: .* at column 25$/);
      assert.match(messages[1] ?? '', /^invalid JSON: Unexpected end of JSON input at column 23$/);
      assert.match(messages[2] ?? '', /^invalid JSON: .* at column 12/);
    });

    it('marks the whole line for what is about the line: not an object, pretty-printed, CSV rows', () => {
      assert.deepEqual(placed('[1, 2]\n{'), [[1, null, []], [2, null, []]]);
      assert.deepEqual(placed('Puzzle,Solution\n123,4'), [[2, null, []], [2, null, []]]);
    });
  });
});
