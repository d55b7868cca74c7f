import assert from 'node:assert/strict';
import { editDistance, nearestNames } from '../../../src/core/util/editDistance';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions, and a swap of neighbours as one edit', () => {
    assert.equal(editDistance('numeric', 'numeric'), 0);
    assert.equal(editDistance('nmeric', 'numeric'), 1);
    assert.equal(editDistance('numerics', 'numeric'), 1);
    assert.equal(editDistance('numaric', 'numeric'), 1);
    assert.equal(editDistance('nuemric', 'numeric'), 1);
    assert.equal(editDistance('', 'math'), 4);
    assert.equal(editDistance('exact', 'math'), 4);
  });
});

describe('nearestNames', () => {
  const graders = ['numeric', 'math', 'nq', 'sudoku', 'exact'];

  it('orders the candidates by distance and names a likely intended one', () => {
    assert.deepEqual(nearestNames('nuemric', graders), { ordered: ['numeric', 'math', 'nq', 'sudoku', 'exact'], likely: 'numeric' });
    assert.equal(nearestNames('Sudoku', graders).likely, 'sudoku');
    assert.equal(nearestNames('maths', graders).likely, 'math');
  });

  it('names none when the nearest is too far, or when two are as near', () => {
    assert.equal(nearestNames('fuzzy', graders).likely, null);
    assert.equal(nearestNames('mth', graders).likely, 'math');
    // Short names allow one edit: two would change half of "math".
    assert.equal(nearestNames('mxtx', graders).likely, null);
    assert.equal(nearestNames('xq', ['nq', 'xy']).likely, null);
    assert.equal(nearestNames('abcd', ['wxyz']).likely, null);
  });
});
