import assert from 'node:assert/strict';
import { join } from 'node:path';
import { extractSudokuGrid, sudokuGrader } from '../../../src/core/grade/sudokuGrader';
import { gridToString, parseGrid, solutionProblem, solutions } from '../../../src/core/grade/sudokuGrid';
import { loadTaskSet } from '../../../src/core/tasks/load';
import type { Task } from '../../../src/core/tasks/task';
import { SHARED_DATA } from '../../helpers/cli';

const CSV = join(SHARED_DATA, 'sudoku4x4', 'd1_4x4_test_sudoku.csv');
const PUZZLE = '3040413004000304';
const LISTED = '3241413224131324';
/** The other solution of PUZZLE (line 10 of the CSV); the CSV does not list it. */
const ALTERNATIVE = '3241413214232314';

function task(puzzle = PUZZLE, answer = LISTED): Task {
  return { id: 't', question: 'q', answer, grader: 'sudoku', meta: { puzzle } };
}

function lines(grid: string, separator = ''): string {
  return [0, 4, 8, 12].map((i) => [...grid.slice(i, i + 4)].join(separator)).join('\n');
}

describe('sudokuGrader', () => {
  it('accepts either solution of a puzzle that has two (line 10 of the public CSV)', async () => {
    const set = await loadTaskSet(CSV);
    const line10 = set.tasks[set.origins.findIndex((o) => o.line === 10)] as Task;
    assert.equal(line10.meta?.['puzzle'], PUZZLE);
    assert.equal(line10.answer, LISTED);
    assert.deepEqual(solutions(parseGrid(PUZZLE) ?? []).map(gridToString), [ALTERNATIVE, LISTED]);
    const alternative = sudokuGrader.grade(`Here it is:\n${lines(ALTERNATIVE)}`, line10);
    assert.equal(alternative.correct, true, alternative.reason);
    assert.equal(sudokuGrader.grade(lines(LISTED), line10).correct, true);
  });

  it('grades every listed solution of the public CSV correct; 124 puzzles have more than one solution', async () => {
    const set = await loadTaskSet(CSV);
    assert.equal(set.tasks.length, 500);
    assert.deepEqual(set.tasks.filter((t) => !sudokuGrader.grade(lines(String(t.answer), ' '), t).correct).map((t) => t.id), []);
    assert.equal(set.tasks.filter((t) => solutions(parseGrid(String(t.meta?.['puzzle'])) ?? [], 2).length > 1).length, 124);
  });

  const formats: [name: string, output: string][] = [
    ['plain rows', lines(ALTERNATIVE)],
    ['spaced rows', lines(ALTERNATIVE, ' ')],
    ['comma rows', lines(ALTERNATIVE, ', ')],
    ['pipes and rules', '| 3 2 | 4 1 |\n| 4 1 | 3 2 |\n|-----+-----|\n| 1 4 | 2 3 |\n| 2 3 | 1 4 |'],
    ['row labels', 'Row 1: 3 2 4 1\nRow 2: 4 1 3 2\nRow 3: 1 4 2 3\nRow 4: 2 3 1 4'],
    ['one 16-digit run', `The solution is\n${ALTERNATIVE}`],
    ['nested list', '[[3,2,4,1],[4,1,3,2],[1,4,2,3],[2,3,1,4]]'],
    ['code fence', '```\n3 2 4 1\n4 1 3 2\n1 4 2 3\n2 3 1 4\n```\nDone.'],
  ];
  for (const [name, output] of formats) {
    it(`reads a grid written as ${name}`, () => {
      const result = sudokuGrader.grade(output, task());
      assert.equal(result.normalized, ALTERNATIVE);
      assert.equal(result.correct, true, result.reason);
    });
  }

  it('takes the last grid, so an echoed puzzle before the answer does not count', () => {
    const output = `Puzzle:\n${lines(PUZZLE, ' ')}\nSolved:\n${lines(LISTED, ' ')}`;
    const found = extractSudokuGrid(output);
    assert.equal(found && gridToString(found.grid), LISTED);
    assert.equal(found?.where, 'on lines 7–10');
    assert.equal(extractSudokuGrid(`${lines(LISTED)}\nthen\n${lines(PUZZLE)}`)?.grid.join(''), PUZZLE);
  });

  it('rejects a grid that breaks a rule, and says which', () => {
    const result = sudokuGrader.grade(lines('3241413224131342'), task());
    assert.equal(result.correct, false);
    assert.equal(result.reason, 'found grid 3241413224131342 on lines 1–4; column 3 (4314) repeats a digit');
  });

  it('rejects a valid grid that changes a given, and says which', () => {
    // A valid Sudoku, but its first cell is 1 where the puzzle gives 3.
    const other = '1234341221434321';
    assert.equal(solutionProblem(parseGrid(other) ?? []), null);
    const result = sudokuGrader.grade(lines(other), task());
    assert.equal(result.correct, false);
    assert.equal(result.reason, 'found grid 1234341221434321 on lines 1–4; row 1, column 1 is 1 but the puzzle gives 3');
  });

  it('rejects digits outside 1–4 and outputs without a grid', () => {
    assert.match(sudokuGrader.grade(lines('3241413224131320'), task()).reason, /contains 0, not a digit 1–4/);
    const none = sudokuGrader.grade('I could not solve it: 3 2 4', task());
    assert.equal(none.correct, false);
    assert.equal(none.extracted, null);
    assert.equal(none.reason, 'no 4x4 grid found (4 lines of 4 digits, or 16 digits on one line)');
  });

  it('without meta.puzzle, reads the givens from the answer', () => {
    const givensOnly: Task = { id: 't', question: 'q', answer: PUZZLE, grader: 'sudoku' };
    assert.equal(sudokuGrader.grade(lines(ALTERNATIVE), givensOnly).correct, true);
    assert.equal(sudokuGrader.checkGold(givensOnly), null);
  });

  it('checks the gold: well-formed givens, solvable, listed solution valid and consistent', () => {
    assert.equal(sudokuGrader.checkGold(task()), null);
    assert.match(sudokuGrader.checkGold(task('30404130040003')) ?? '', /meta.puzzle "30404130040003" must be 16 digits 0–4/);
    assert.match(sudokuGrader.checkGold(task('3340413004000304')) ?? '', /has no solution/);
    assert.match(sudokuGrader.checkGold(task(PUZZLE, '3241413224131342')) ?? '', /the listed solution 3241413224131342 is wrong: column 3/);
    assert.match(sudokuGrader.checkGold(task(PUZZLE, '1234341221434321')) ?? '', /is wrong: row 1, column 1 is 1 but the puzzle gives 3/);
    assert.match(sudokuGrader.checkGold({ id: 't', question: 'q', answer: 'abc', grader: 'sudoku' }) ?? '', /must be the puzzle as 16 digits/);
  });
});
