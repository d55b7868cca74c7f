import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_TASK_SETS, loadTaskSet, validateTaskFile } from '../../../src/core/tasks/load';
import { UserError } from '../../../src/core/util/errors';
import { SHARED_DATA, tempDir } from '../../helpers/cli';

const line = (id: string, answer: unknown = '1'): string => JSON.stringify({ id, question: `question ${id}`, answer });

describe('loadTaskSet', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('loads a JSON Lines file (.jsonl or .json) with origins, keeping warnings out of the way', async () => {
    const path = write('tasks.jsonl', [line('a'), '', JSON.stringify({ id: 'b', question: 'q', answer: 'x', extra: 1 })].join('\n'));
    const set = await loadTaskSet(path);
    assert.equal(set.source, path);
    assert.deepEqual(set.tasks.map((t) => t.id), ['a', 'b']);
    assert.deepEqual(set.origins, [{ file: path, line: 1 }, { file: path, line: 3 }]);
    const json = await loadTaskSet(write('tasks.json', line('c')));
    assert.deepEqual(json.tasks.map((t) => t.id), ['c']);
  });

  it('keeps the first K tasks with limit', async () => {
    const path = write('tasks.jsonl', ['a', 'b', 'c'].map((id) => line(id)).join('\n'));
    const set = await loadTaskSet(path, { limit: 2 });
    assert.deepEqual(set.tasks.map((t) => t.id), ['a', 'b']);
    assert.deepEqual(set.origins.map((o) => o.line), [1, 2]);
    assert.equal((await loadTaskSet(path, { limit: 10 })).tasks.length, 3);
    assert.equal((await loadTaskSet('builtin:arithmetic', { limit: 5 })).tasks.length, 5);
  });

  it('throws a UserError listing the first 5 errors as file:line: message, then how many more', async () => {
    const path = write('bad.jsonl', [line('a'), ...Array.from({ length: 7 }, () => line('a')), '{'].join('\n'));
    await assert.rejects(loadTaskSet(path), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(
        error.message,
        [
          `${path} has 8 errors; fix them and load again:`,
          ...[2, 3, 4, 5, 6].map((n) => `${path}:${n}: duplicate id "a" (first used on line 1)`),
          'and 3 more',
        ].join('\n'),
      );
      return true;
    });
    const one = write('one.jsonl', `${line('a')}\n${line('b', 7)}`);
    await assert.rejects(loadTaskSet(one), {
      name: 'UserError',
      message: `${one} has 1 error; fix it and load again:\n${one}:2: "answer" must be a string or a non-empty list of strings, got number 7`,
    });
  });

  it('refuses unreadable and empty files with a message saying what to give instead', async () => {
    const missing = join(dir, 'nope.jsonl');
    await assert.rejects(loadTaskSet(missing), {
      name: 'UserError',
      message: `cannot read task file "${missing}": no such file. Give a .jsonl or .csv task file, or one of builtin:sudoku4x4, builtin:arithmetic.`,
    });
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    await assert.rejects(loadTaskSet(folder), { name: 'UserError', message: /: it is a folder\./ });
    const empty = write('empty.jsonl', '\n\n');
    await assert.rejects(loadTaskSet(empty), { name: 'UserError', message: `${empty} holds no tasks (it is empty or has only blank lines)` });
  });

  it('lists the built-in sets when the name is unknown', async () => {
    await assert.rejects(loadTaskSet('builtin:chess'), {
      name: 'UserError',
      message: `unknown built-in task set "builtin:chess". Available:\n${BUILTIN_TASK_SETS.map((b) => `  ${b.name}: ${b.description}`).join('\n')}`,
    });
    assert.deepEqual(BUILTIN_TASK_SETS.map((b) => b.name), ['builtin:sudoku4x4', 'builtin:arithmetic']);
    assert.ok(BUILTIN_TASK_SETS.every((b) => b.description.length > 20 && !b.description.includes('\n')));
  });

  it('rejects a bad limit or seed', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(loadTaskSet('builtin:arithmetic', { limit }), { name: 'UserError', message: /task limit must be a whole number of at least 1/ });
    }
    await assert.rejects(loadTaskSet('builtin:arithmetic', { seed: 0.5 }), { name: 'UserError', message: 'the task seed must be a whole number, got 0.5' });
  });

  it('gives built-in tasks a generated origin', async () => {
    const set = await loadTaskSet('builtin:sudoku4x4', { limit: 2 });
    assert.deepEqual(set.origins, [{ file: 'builtin:sudoku4x4', line: 0 }, { file: 'builtin:sudoku4x4', line: 0 }]);
    assert.equal(set.source, 'builtin:sudoku4x4');
  });

  describe('the public files as they come', () => {
    const cases: [path: string, count: number, firstId: string, grader: string][] = [
      ['gsm8k/test.jsonl', 1319, 'test.jsonl:1', 'numeric'],
      ['math500/test.jsonl', 500, 'test/precalculus/807.json', 'math'],
      ['math/test.jsonl', 5000, 'test/prealgebra/126.json', 'math'],
      ['nq_open/NQ-open.dev.jsonl', 3610, 'NQ-open.dev.jsonl:1', 'nq'],
      ['sudoku4x4/d1_4x4_test_sudoku.csv', 500, 'd1_4x4_test_sudoku.csv:2', 'sudoku'],
    ];
    for (const [path, count, firstId, grader] of cases) {
      it(`${path}: ${count} ${grader} tasks, without a single diagnostic`, async () => {
        const file = join(SHARED_DATA, path);
        const set = await loadTaskSet(file);
        assert.equal(set.tasks.length, count);
        assert.equal(set.tasks[0]?.id, firstId);
        assert.ok(set.tasks.every((t) => t.grader === grader));
        assert.equal(new Set(set.tasks.map((t) => t.id)).size, count);
        assert.deepEqual(await validateTaskFile(file), []);
      });
    }

    it('keeps what each format carries', async () => {
      const gsm = (await loadTaskSet(join(SHARED_DATA, 'gsm8k', 'test.jsonl'), { limit: 1 })).tasks[0];
      assert.equal(gsm?.answer, '18');
      assert.match(String(gsm?.meta?.['solution']), /^Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day\.\n[^]*\n#### 18$/);
      const math = (await loadTaskSet(join(SHARED_DATA, 'math500', 'test.jsonl'), { limit: 1 })).tasks[0];
      assert.equal(math?.answer, '\\left( 3, \\frac{\\pi}{2} \\right)');
      assert.deepEqual({ ...math?.meta, solution: undefined }, { subject: 'Precalculus', level: 2, unique_id: 'test/precalculus/807.json', solution: undefined });
      const nq = (await loadTaskSet(join(SHARED_DATA, 'nq_open', 'NQ-open.dev.jsonl'), { limit: 1 })).tasks[0];
      assert.deepEqual(nq?.answer, ['14 December 1972 UTC', 'December 1972']);
      const sudoku = (await loadTaskSet(join(SHARED_DATA, 'sudoku4x4', 'd1_4x4_test_sudoku.csv'), { limit: 1 })).tasks[0];
      assert.deepEqual(sudoku?.meta, { puzzle: '3102200002100320', blanks: 8 });
      assert.equal(sudoku?.answer, '3142243142131324');
    });
  });
});

describe('validateTaskFile', () => {
  it('returns errors and warnings instead of throwing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 't.jsonl');
      writeFileSync(path, `${line('a')}\n${JSON.stringify({ id: 'b', question: 'q', answer: '1', note: 'x' })}\n${line('a')}`);
      assert.deepEqual(await validateTaskFile(path), [
        { file: path, line: 2, severity: 'warning', message: 'unknown field "note" is ignored (fields: id, question, answer, grader, meta)' },
        { file: path, line: 3, severity: 'error', message: 'duplicate id "a" (first used on line 1)' },
      ]);
      await assert.rejects(validateTaskFile(join(dir, 'missing.jsonl')), { name: 'UserError', message: /no such file/ });
    } finally {
      cleanup();
    }
  });
});
