// builtin:sudoku4x4 — the paper's Sudoku task: every one of the 288 4x4 grids, each turned into a
// puzzle whose solution is unique, so grading by the rules and by the solution agree.

import { solutions } from '../grade/sudokuGrid';
import { createRng, shuffled, type Rng } from '../util/random';
import { sudokuTask } from './sudokuTask';
import type { Task } from './task';

/** There are exactly 288 valid 4x4 Sudoku grids. */
export const SUDOKU_GRID_COUNT = 288;

/**
 * One puzzle per grid, in a seeded order (so `limit` takes a varied sample). Each puzzle starts
 * from the full grid and blanks cells in a seeded order, keeping a blank only while the solution
 * stays unique; the result is minimal (no given can be removed), usually 10–12 blanks.
 */
export function generateSudokuTasks(seed: number): Task[] {
  const grids = solutions(new Array<number>(16).fill(0));
  if (grids.length !== SUDOKU_GRID_COUNT) throw new Error(`Sudoku enumeration found ${grids.length} grids, expected ${SUDOKU_GRID_COUNT}`);
  const rng = createRng(`builtin:sudoku4x4:${seed}`);
  return shuffled(grids, rng).map((grid, i) => sudokuTask(`sudoku4x4-${String(i).padStart(3, '0')}`, uniquePuzzle(grid, rng), grid));
}

function uniquePuzzle(grid: readonly number[], rng: Rng): number[] {
  const puzzle = grid.slice();
  const cells = Array.from({ length: 16 }, (_, i) => i);
  for (const cell of shuffled(cells, rng)) {
    const digit = puzzle[cell] ?? 0;
    puzzle[cell] = 0;
    if (solutions(puzzle, 2).length !== 1) puzzle[cell] = digit;
  }
  return puzzle;
}
