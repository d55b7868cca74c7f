import assert from 'node:assert/strict';
import { linesArg, pathArg, runDirsArg } from '../../../src/extension/commands/commandArgs';

describe('command arguments', () => {
  it('reads a path from a string, a file URI string, a Uri, or a tree item', () => {
    assert.equal(pathArg('/w/a.tasks.jsonl'), '/w/a.tasks.jsonl');
    assert.equal(pathArg('builtin:arithmetic'), 'builtin:arithmetic');
    assert.equal(pathArg('file:///w/my%20set.tasks.jsonl'), '/w/my set.tasks.jsonl');
    assert.equal(pathArg({ scheme: 'file', fsPath: '/w/b.jsonl' }), '/w/b.jsonl');
    assert.equal(pathArg({ runDir: '/runs/r1', label: 'x' }), '/runs/r1');
    assert.equal(pathArg({ taskSource: 'builtin:sudoku4x4' }), 'builtin:sudoku4x4');
    for (const none of [undefined, null, '', 3, { scheme: 'untitled', fsPath: 'Untitled-1' }, []]) assert.equal(pathArg(none), undefined);
  });

  it('reads 1-based line lists from CodeLens arguments, sorted and unique', () => {
    assert.deepEqual(linesArg([5, 2, 5]), [2, 5]);
    for (const bad of [[], [0], [1.5], ['3'], 'x', undefined]) assert.equal(linesArg(bad), undefined);
  });

  it('collects the run folders of a tree command: the clicked item, then the multi-selection', () => {
    const a = { runDir: '/runs/a' };
    const b = { runDir: '/runs/b' };
    assert.deepEqual(runDirsArg([a, [a, b]]), ['/runs/a', '/runs/b']);
    assert.deepEqual(runDirsArg(['/runs/c']), ['/runs/c']);
    assert.deepEqual(runDirsArg([]), []);
  });
});
