import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/util/errors';
import { hasNoGold } from '../../../src/core/config/runRules';
import { linesSource, selectedLines, selectionTask, tasksOnLines } from '../../../src/extension/tasks/taskSelection';

const FILE = '/w/set.tasks.jsonl';
const TEXT = [
  '{"id":"a","question":"1+1?","answer":"2","grader":"numeric"}',
  '',
  '{"id":"b","question":"2+2?","answer":"4","grader":"numeric"}',
  '{"id":"c","question":"broken","answer":"four","grader":"numeric"}',
  '{"id":"a","question":"dup","answer":"1","grader":"numeric"}',
  '{"id":"d","question":"3+3?","answer":"6","grader":"numeric"}',
].join('\n');

describe('selected tasks', () => {
  it('maps cursors and selections to 1-based lines; a selection ending at column 0 stops on the line before', () => {
    assert.deepEqual(selectedLines([{ startLine: 2, endLine: 2, endCharacter: 5 }]), [3]);
    assert.deepEqual(selectedLines([{ startLine: 0, endLine: 2, endCharacter: 0 }]), [1, 2]);
    assert.deepEqual(selectedLines([{ startLine: 0, endLine: 2, endCharacter: 1 }]), [1, 2, 3]);
    assert.deepEqual(
      selectedLines([
        { startLine: 5, endLine: 5, endCharacter: 0 },
        { startLine: 0, endLine: 0, endCharacter: 3 },
        { startLine: 5, endLine: 5, endCharacter: 2 },
      ]),
      [1, 6],
    );
  });

  it('runs the tasks on the selected lines only, in file order, with their lines', () => {
    const picked = tasksOnLines(TEXT, FILE, [6, 1, 2]);
    assert.deepEqual(picked.tasks.map((t) => t.id), ['a', 'd']);
    assert.deepEqual(picked.lines, [1, 6]);
    assert.deepEqual(picked.skipped, []);
  });

  it('reports selected lines whose task has an error, and runs the rest', () => {
    const picked = tasksOnLines(TEXT, FILE, [3, 4, 5]);
    assert.deepEqual(picked.tasks.map((t) => t.id), ['b']);
    assert.equal(picked.skipped.length, 2);
    assert.match(picked.skipped[0] ?? '', /^line 4: gold answer "four" is not a number/);
    assert.match(picked.skipped[1] ?? '', /^line 5: duplicate id "a" \(first used on line 1\)/);
  });

  it('refuses a selection with no usable task, saying why', () => {
    assert.throws(() => tasksOnLines(TEXT, FILE, [2]), (e: unknown) => e instanceof UserError && /no task on the selected line: put the cursor on a task line/.test(e.message));
    assert.throws(() => tasksOnLines(TEXT, FILE, [4]), /the selected lines have errors:\nline 4: gold answer "four"/);
  });

  it('names the lines of a partial run as a fragment of the file path', () => {
    assert.equal(linesSource(FILE, [1, 3, 4, 5, 9]), '/w/set.tasks.jsonl#L1,L3-L5,L9');
    assert.equal(linesSource(FILE, [7]), '/w/set.tasks.jsonl#L7');
  });

  it('turns selected text into one task, with or without a gold answer', () => {
    const withGold = selectionTask('  What is 6 × 7?\n', ' 42 ', 'numeric', 'notes.md:12');
    assert.deepEqual(withGold, { id: 'selection', question: 'What is 6 × 7?', answer: '42', grader: 'numeric', meta: { source: 'notes.md:12' } });
    assert.equal(hasNoGold(withGold), false);
    const without = selectionTask('Prove it.', undefined, 'math', 'a.tex:1');
    assert.equal(without.answer, '');
    assert.equal(hasNoGold(without), true);
    assert.equal(hasNoGold({ ...without, answer: [] }), true);
    assert.throws(() => selectionTask(' \n ', undefined, 'exact', 'x:1'), /the selection is empty/);
  });
});
