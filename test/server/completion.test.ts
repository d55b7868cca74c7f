import assert from 'node:assert/strict';
import { cursorContext, taskCompletions } from '../../src/server/completion';

/** The line with `|` removed, and the cursor where it was. */
function at(marked: string): [string, number] {
  const i = marked.indexOf('|');
  return [marked.slice(0, i) + marked.slice(i + 1), i];
}

describe('server/completion', () => {
  it('finds key and value positions, and ignores nested objects', () => {
    assert.deepEqual(cursorContext(...at('{|')), { kind: 'key', inString: false, start: 1 });
    assert.deepEqual(cursorContext(...at('{"id": "a", "qu|')), { kind: 'key', inString: true, start: 13 });
    assert.deepEqual(cursorContext(...at('{"id": "a", "grader": |')), { kind: 'value', key: 'grader', inString: false, start: 22 });
    assert.deepEqual(cursorContext(...at('{"grader": "nu|')), { kind: 'value', key: 'grader', inString: true, start: 12 });
    assert.deepEqual(cursorContext(...at('{"meta": {"|')), { kind: 'none' });
    // Escaped quotes do not end the string: still inside the value of "question".
    assert.deepEqual(cursorContext(...at('{"question": "a, \\"b\\": |')), { kind: 'value', key: 'question', inString: true, start: 14 });
    assert.deepEqual(cursorContext(...at('|{')), { kind: 'none' });
  });

  it('offers only the missing field names, quoted with a colon outside a string', () => {
    const [text, ch] = at('{"id": "a", |');
    const items = taskCompletions(text, 7, ch);
    assert.deepEqual(
      items.map((i) => i.label),
      ['question', 'answer', 'grader', 'meta'],
    );
    assert.deepEqual(items[0]?.textEdit, { range: { start: { line: 7, character: ch }, end: { line: 7, character: ch } }, newText: '"question": ' });
  });

  it('replaces the word inside an open key string up to its closing quote', () => {
    const [text, ch] = at('{"qu|est": 1}');
    const item = taskCompletions(text, 0, ch).find((i) => i.label === 'question');
    assert.deepEqual(item?.textEdit, { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 7 } }, newText: 'question' });
  });

  it('offers the grader names after "grader":', () => {
    const [text, ch] = at('{"id": "a", "grader": |');
    const items = taskCompletions(text, 0, ch);
    assert.deepEqual(
      items.map((i) => i.textEdit?.newText),
      ['"numeric"', '"math"', '"nq"', '"sudoku"', '"exact"'],
    );
    const [inString, ch2] = at('{"grader": "ma|"}');
    assert.deepEqual(taskCompletions(inString, 0, ch2).map((i) => i.textEdit?.newText), ['numeric', 'math', 'nq', 'sudoku', 'exact']);
  });

  it('offers nothing for the values of other fields', () => {
    assert.deepEqual(taskCompletions('{"id": ', 0, 7), []);
    assert.deepEqual(taskCompletions('{"id": "a', 0, 9), []);
  });
});
