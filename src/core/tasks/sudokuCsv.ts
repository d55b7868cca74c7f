// The public 4x4 Sudoku CSV (d1's test set): a `Puzzle,Solution` header, then 16-digit rows, 0 = blank.

import { parseGrid } from '../grade/sudokuGrid';
import { problemAt, type RecordProblem, type RecordResult } from './jsonRecords';
import { sudokuTask } from './sudokuTask';

/** True for a `Puzzle,Solution` header line (any case, optional quotes and spaces). */
export function isSudokuCsvHeader(line: string): boolean {
  return unquote(line.split(',')).join(',').toLowerCase() === 'puzzle,solution';
}

/** One data row; `fallbackId` (`<basename>:<line>`) becomes the task id. */
export function readSudokuCsvRow(line: string, fallbackId: string): RecordResult {
  const fields = unquote(line.split(','));
  if (fields.length !== 2) return { task: null, errors: [problemAt(`expected 2 comma-separated fields (Puzzle,Solution), found ${fields.length}`)], warnings: [] };
  const [puzzleText = '', solutionText = ''] = fields;
  const errors: RecordProblem[] = [];
  const puzzle = parseGrid(puzzleText);
  if (!puzzle) errors.push(problemAt(`puzzle ${JSON.stringify(puzzleText)} must be 16 digits 0–4 (0 = blank)`));
  const solution = /^[1-4]{16}$/.test(solutionText) ? parseGrid(solutionText) : null;
  if (!solution) errors.push(problemAt(`solution ${JSON.stringify(solutionText)} must be 16 digits 1–4`));
  if (!puzzle || !solution) return { task: null, errors, warnings: [] };
  return { task: sudokuTask(fallbackId, puzzle, solution), errors, warnings: [] };
}

function unquote(fields: string[]): string[] {
  return fields.map((f) => f.trim().replace(/^"(.*)"$/, '$1').trim());
}
