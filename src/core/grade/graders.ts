// Owns answer checking: one Grader per task kind (numeric, math, nq, sudoku, exact), looked up by name.
// Pure TypeScript: must not import 'vscode', the DOM, or anything that does I/O.

import type { GraderName } from '../tasks/task';
import { exactGrader } from './exactGrader';
import type { Grader } from './grader';
import { mathGrader } from './mathGrader';
import { numericGrader } from './numericGrader';
import { nqGrader } from './nqGrader';
import { sudokuGrader } from './sudokuGrader';

const GRADERS: Record<GraderName, Grader> = {
  numeric: numericGrader,
  math: mathGrader,
  nq: nqGrader,
  sudoku: sudokuGrader,
  exact: exactGrader,
};

export function getGrader(name: GraderName): Grader {
  return GRADERS[name];
}
