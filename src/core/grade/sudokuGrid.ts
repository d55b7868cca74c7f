// The rules of 4x4 Sudoku, shared by the grader (is this grid a solution of these givens?) and the
// built-in task generator (enumerate grids, count solutions). A grid is 16 cells row by row, 0 = blank.

const SUDOKU_SIZE = 4;
const CELLS = SUDOKU_SIZE * SUDOKU_SIZE;

export type Grid = readonly number[];

/** "1230…" (16 digits 0–4) → cells; null if it is not exactly that. */
export function parseGrid(text: string): number[] | null {
  return /^[0-4]{16}$/.test(text) ? [...text].map(Number) : null;
}

export function gridToString(grid: Grid): string {
  return grid.join('');
}

/** Row, column and box peers of each cell (the cells that must hold a different digit). */
const PEERS: readonly (readonly number[])[] = Array.from({ length: CELLS }, (_, cell) =>
  Array.from({ length: CELLS }, (_, other) => other).filter((other) => other !== cell && sameUnit(cell, other)),
);

function sameUnit(a: number, b: number): boolean {
  const [ra, ca, rb, cb] = [Math.floor(a / 4), a % 4, Math.floor(b / 4), b % 4];
  return ra === rb || ca === cb || (Math.floor(ra / 2) === Math.floor(rb / 2) && Math.floor(ca / 2) === Math.floor(cb / 2));
}

/** Why a filled grid is not a valid Sudoku solution, or null if it is one. */
export function solutionProblem(grid: Grid): string | null {
  if (grid.length !== CELLS) return `the grid has ${grid.length} cells, not 16`;
  const units: [string, number[]][] = [];
  for (let i = 0; i < 4; i++) {
    units.push([`row ${i + 1}`, [0, 1, 2, 3].map((j) => i * 4 + j)]);
    units.push([`column ${i + 1}`, [0, 1, 2, 3].map((j) => j * 4 + i)]);
    const [r, c] = [Math.floor(i / 2) * 2, (i % 2) * 2];
    units.push([`box ${i + 1}`, [r * 4 + c, r * 4 + c + 1, (r + 1) * 4 + c, (r + 1) * 4 + c + 1]]);
  }
  for (const [name, cells] of units) {
    const digits = cells.map((cell) => grid[cell] ?? 0);
    const wrong = digits.find((d) => d < 1 || d > 4);
    if (wrong !== undefined) return `${name} contains ${wrong}, not a digit 1–4`;
    if (new Set(digits).size !== 4) return `${name} (${digits.join('')}) repeats a digit`;
  }
  return null;
}

/** Where a grid disagrees with the puzzle's givens, or null if it keeps every given. */
export function givensProblem(grid: Grid, givens: Grid): string | null {
  for (let cell = 0; cell < CELLS; cell++) {
    const given = givens[cell] ?? 0;
    if (given !== 0 && grid[cell] !== given) {
      return `row ${Math.floor(cell / 4) + 1}, column ${(cell % 4) + 1} is ${grid[cell]} but the puzzle gives ${given}`;
    }
  }
  return null;
}

/** Every completion of the givens, in lexicographic order, stopping after `limit`. */
export function solutions(givens: Grid, limit = Infinity): number[][] {
  const grid = givens.slice();
  const found: number[][] = [];
  const fill = (cell: number): void => {
    if (found.length >= limit) return;
    if (cell === CELLS) {
      found.push(grid.slice());
      return;
    }
    if (grid[cell] !== 0) {
      fill(cell + 1);
      return;
    }
    for (let digit = 1; digit <= 4; digit++) {
      if ((PEERS[cell] ?? []).every((peer) => grid[peer] !== digit)) {
        grid[cell] = digit;
        fill(cell + 1);
        grid[cell] = 0;
      }
    }
  };
  if (givensConsistent(grid)) fill(0);
  return found;
}

/** No given repeats a digit among its peers (the solver assumes this of filled cells). */
function givensConsistent(grid: Grid): boolean {
  return grid.every((digit, cell) => digit === 0 || (PEERS[cell] ?? []).every((peer) => grid[peer] !== digit));
}
