import assert from 'node:assert/strict';
import { getGrader } from '../../../src/core/grade/graders';
import { gridToString, parseGrid, solutionProblem, solutions } from '../../../src/core/grade/sudokuGrid';
import { generateSudokuTasks, SUDOKU_GRID_COUNT } from '../../../src/core/tasks/builtinSudoku';
import { loadTaskSet } from '../../../src/core/tasks/load';
import type { Task } from '../../../src/core/tasks/task';

function puzzleOf(task: Task): number[] {
  const grid = parseGrid(String(task.meta?.['puzzle']));
  assert.ok(grid, `${task.id} has no puzzle`);
  return grid;
}

describe('builtin:sudoku4x4', () => {
  const tasks = generateSudokuTasks(0);

  it('has one puzzle for each of the 288 valid 4x4 grids', () => {
    const all = solutions(new Array<number>(16).fill(0));
    assert.equal(all.length, 288);
    assert.equal(SUDOKU_GRID_COUNT, 288);
    assert.ok(all.every((grid) => solutionProblem(grid) === null));
    assert.equal(tasks.length, 288);
    assert.deepEqual(tasks.map((t) => String(t.answer)).sort(), all.map(gridToString).sort());
    assert.equal(new Set(tasks.map((t) => t.id)).size, 288);
  });

  it('gives each puzzle exactly one solution, the listed answer', () => {
    for (const task of tasks) {
      assert.deepEqual(solutions(puzzleOf(task), 2).map(gridToString), [task.answer], task.id);
    }
  });

  it('makes minimal puzzles: removing any given makes the solution ambiguous', () => {
    for (const task of tasks) {
      const puzzle = puzzleOf(task);
      puzzle.forEach((digit, cell) => {
        if (digit === 0) return;
        const fewer = puzzle.slice();
        fewer[cell] = 0;
        assert.ok(solutions(fewer, 2).length > 1, `${task.id}: given at cell ${cell} is not needed`);
      });
      assert.ok(Number(task.meta?.['blanks']) >= 10, `${task.id} has only ${String(task.meta?.['blanks'])} blanks`);
    }
  });

  it('shows the puzzle in the question with _ for blanks and asks for 4 lines of 4 digits', () => {
    const task = tasks[0] as Task;
    const puzzle = String(task.meta?.['puzzle']).replace(/0/g, '_');
    const row = (r: number): string => `${puzzle[r * 4]} ${puzzle[r * 4 + 1]} | ${puzzle[r * 4 + 2]} ${puzzle[r * 4 + 3]}`;
    assert.ok(task.question.includes(`${row(0)}\n${row(1)}\n----+----\n${row(2)}\n${row(3)}`), task.question);
    assert.match(task.question, /4 lines of 4 digits/);
    assert.equal(task.grader, 'sudoku');
  });

  it('grades every listed solution correct and passes its own gold check', () => {
    const grader = getGrader('sudoku');
    for (const task of tasks) {
      const answer = String(task.answer);
      const output = [0, 4, 8, 12].map((i) => answer.slice(i, i + 4)).join('\n');
      assert.equal(grader.grade(output, task).correct, true, task.id);
      assert.equal(grader.checkGold(task), null);
    }
  });

  it('is deterministic for a seed, seed 0 by default, and different for another seed', async () => {
    assert.deepEqual(generateSudokuTasks(0), tasks);
    assert.deepEqual((await loadTaskSet('builtin:sudoku4x4')).tasks, tasks);
    const other = generateSudokuTasks(1);
    assert.notDeepEqual(other.map((t) => t.meta?.['puzzle']), tasks.map((t) => t.meta?.['puzzle']));
    assert.deepEqual((await loadTaskSet('builtin:sudoku4x4', { seed: 1 })).tasks, other);
  });
});
