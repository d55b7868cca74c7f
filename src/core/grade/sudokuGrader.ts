// 4x4 Sudoku grading: the last grid in the output must obey the rules and keep the puzzle's givens.
// It is never compared with a listed solution, because some public puzzles have several solutions.

import type { Task } from '../tasks/task';
import type { GradeResult, Grader } from './grader';
import { givensProblem, gridToString, parseGrid, solutionProblem, solutions } from './sudokuGrid';

export const sudokuGrader: Grader = {
  name: 'sudoku',
  extract(output: string) {
    const found = extractSudokuGrid(output);
    return found ? { extracted: found.text, normalized: gridToString(found.grid), where: found.where } : null;
  },
  grade(output: string, task: Task): GradeResult {
    const givens = puzzleGivens(task);
    if (givens.grid === null) return { correct: false, extracted: null, normalized: null, reason: givens.problem };
    const found = extractSudokuGrid(output);
    if (!found) return { correct: false, extracted: null, normalized: null, reason: 'no 4x4 grid found (4 lines of 4 digits, or 16 digits on one line)' };
    const normalized = gridToString(found.grid);
    const problem = solutionProblem(found.grid) ?? givensProblem(found.grid, givens.grid);
    const where = `found grid ${normalized} ${found.where}`;
    return problem
      ? { correct: false, extracted: found.text, normalized, reason: `${where}; ${problem}` }
      : { correct: true, extracted: found.text, normalized, reason: `${where}; it is a valid Sudoku and keeps all ${givens.grid.filter((d) => d !== 0).length} givens` };
  },
  checkGold(task: Task): string | null {
    const givens = puzzleGivens(task);
    if (givens.grid === null) return givens.problem;
    if (solutions(givens.grid, 1).length === 0) return `the puzzle ${gridToString(givens.grid)} has no solution`;
    const answer = typeof task.answer === 'string' ? task.answer : null;
    if (task.meta?.['puzzle'] !== undefined && answer !== null) {
      const solution = parseGrid(answer);
      if (!solution) return `the solution ${JSON.stringify(answer)} must be 16 digits 1–4`;
      const problem = solutionProblem(solution) ?? givensProblem(solution, givens.grid);
      if (problem) return `the listed solution ${answer} is wrong: ${problem}`;
    }
    return null;
  },
};

/**
 * The givens: `meta.puzzle` when present (then `answer` is the solution), else the answer itself
 * (16 digits, 0 = blank; a full grid as givens accepts only that grid).
 */
function puzzleGivens(task: Task): { grid: number[] } | { grid: null; problem: string } {
  const puzzle = task.meta?.['puzzle'];
  if (puzzle !== undefined) {
    const grid = typeof puzzle === 'string' ? parseGrid(puzzle) : null;
    return grid ? { grid } : { grid: null, problem: `meta.puzzle ${JSON.stringify(puzzle)} must be 16 digits 0–4 (0 = blank)` };
  }
  const grid = typeof task.answer === 'string' ? parseGrid(task.answer) : null;
  return grid ? { grid } : { grid: null, problem: `the answer ${JSON.stringify(task.answer)} must be the puzzle as 16 digits 0–4 (0 = blank), or give meta.puzzle` };
}

/** A line that may sit between grid rows: "---+---", "|----|", blank. */
const RULE_LINE = /^[\s\-+=|_*]*$/;
/** Only digits and the separators people put between cells. */
const CELL_LINE = /^[\d\s,|;:.\-+[\]()]*$/;

/**
 * The last 4x4 grid in the text: 4 consecutive lines with 4 digits each (spaces, commas, pipes or
 * brackets between them, rule lines allowed in between, a "Row 1:" label allowed), or one line
 * holding 16 digits ("1234341221434321", "[[1,2,3,4],[3,4,1,2],…]").
 */
export function extractSudokuGrid(output: string): { grid: number[]; text: string; where: string } | null {
  const lines = output.split(/\r?\n/);
  let best: { grid: number[]; text: string; where: string } | null = null;
  let run: { digits: number[]; line: number }[] = [];
  for (const [index, line] of lines.entries()) {
    const content = line.replace(/^\s*row\s*\d\s*[:.)-]?/i, '');
    const digits = CELL_LINE.test(content) ? [...content.replace(/\D/g, '')].map(Number) : [];
    if (digits.length === 4) {
      run.push({ digits, line: index });
      const rows = run.slice(-4);
      const first = rows[0]?.line ?? index;
      if (rows.length === 4) best = { grid: rows.flatMap((r) => r.digits), text: lines.slice(first, index + 1).join('\n'), where: `on lines ${first + 1}–${index + 1}` };
      continue;
    }
    if (digits.length === 16) best = { grid: digits, text: line.trim(), where: `on line ${index + 1}` };
    if (!RULE_LINE.test(line)) run = [];
  }
  return best;
}
