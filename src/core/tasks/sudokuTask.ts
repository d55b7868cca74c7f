// How a 4x4 Sudoku becomes a task, shared by the built-in set and the public CSV reader so both ask
// the model the same question.

import { gridToString, type Grid } from '../grade/sudokuGrid';
import type { Task } from './task';

export function sudokuTask(id: string, puzzle: Grid, solution: Grid): Task {
  return {
    id,
    question: sudokuQuestion(puzzle),
    answer: gridToString(solution),
    grader: 'sudoku',
    meta: { puzzle: gridToString(puzzle), blanks: puzzle.filter((d) => d === 0).length },
  };
}

/**
 * The puzzle drawn as rows with `_` for blanks and lines between the 2x2 boxes, then what to answer:
 *
 *     1 _ | _ 4
 *     _ _ | 1 _
 *     ----+----
 */
function sudokuQuestion(puzzle: Grid): string {
  const cell = (r: number, c: number): string => {
    const digit = puzzle[r * 4 + c] ?? 0;
    return digit === 0 ? '_' : String(digit);
  };
  const row = (r: number): string => `${cell(r, 0)} ${cell(r, 1)} | ${cell(r, 2)} ${cell(r, 3)}`;
  return [
    'Solve this 4x4 Sudoku. Fill every blank (_) with a digit from 1 to 4 so that each row, each column and each 2x2 box contains 1, 2, 3 and 4 exactly once.',
    '',
    row(0),
    row(1),
    '----+----',
    row(2),
    row(3),
    '',
    'Give the completed grid as 4 lines of 4 digits, one line per row (a row holding 1, 2, 3, 4 is written 1234).',
  ].join('\n');
}
