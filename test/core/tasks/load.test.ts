import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUILTIN_TASK_SETS, loadTaskSet, taskFormatLabel, validateTaskFile } from '../../../src/core/tasks/load';
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
    const cases: [path: string, count: number, firstId: string, grader: string, format: string][] = [
      ['gsm8k/test.jsonl', 1319, 'test.jsonl:1', 'numeric', 'GSM8K JSON Lines'],
      ['math500/test.jsonl', 500, 'test/precalculus/807.json', 'math', 'MATH JSON Lines'],
      ['math/test.jsonl', 5000, 'test/prealgebra/126.json', 'math', 'MATH JSON Lines'],
      ['nq_open/NQ-open.dev.jsonl', 3610, 'NQ-open.dev.jsonl:1', 'nq', 'NQ-open JSON Lines'],
      ['sudoku4x4/d1_4x4_test_sudoku.csv', 500, 'd1_4x4_test_sudoku.csv:2', 'sudoku', '4x4 Sudoku CSV'],
    ];
    for (const [path, count, firstId, grader, format] of cases) {
      it(`${path}: ${count} ${grader} tasks read as ${format}, without a single diagnostic`, async () => {
        const file = join(SHARED_DATA, path);
        const set = await loadTaskSet(file);
        assert.equal(set.tasks.length, count);
        assert.equal(set.tasks[0]?.id, firstId);
        assert.ok(set.tasks.every((t) => t.grader === grader));
        assert.equal(new Set(set.tasks.map((t) => t.id)).size, count);
        const check = await validateTaskFile(file);
        assert.deepEqual(check.diagnostics, []);
        assert.equal(check.tasks, count);
        assert.equal(check.format && taskFormatLabel(check.format), format);
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
      assert.deepEqual(await validateTaskFile(path), {
        format: 'native',
        tasks: 2,
        diagnostics: [
          // Each at the field it is about: the name "note", the value of the second "a" id.
          { file: path, line: 2, span: { start: 38, end: 44 }, severity: 'warning', message: 'unknown field "note" is ignored (fields: id, question, answer, grader, meta)' },
          { file: path, line: 3, span: { start: 6, end: 9 }, severity: 'error', message: 'duplicate id "a" (first used on line 1)' },
        ],
      });
      await assert.rejects(validateTaskFile(join(dir, 'missing.jsonl')), { name: 'UserError', message: /no such file/ });
    } finally {
      cleanup();
    }
  });

  it('fails on a file without tasks as loadTaskSet does, but lists the errors of a file whose every line is wrong', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const text of ['', '\n  \n\n']) {
        const path = join(dir, 'empty.jsonl');
        writeFileSync(path, text);
        const message = `${path} holds no tasks (it is empty or has only blank lines)`;
        await assert.rejects(validateTaskFile(path), { name: 'UserError', message });
        await assert.rejects(loadTaskSet(path), { name: 'UserError', message });
      }
      const header = join(dir, 'header.csv');
      writeFileSync(header, 'Puzzle,Solution\n');
      const headerOnly = `${header} holds no tasks (it has only the Puzzle,Solution header)`;
      await assert.rejects(validateTaskFile(header), { name: 'UserError', message: headerOnly });
      await assert.rejects(loadTaskSet(header), { name: 'UserError', message: headerOnly });
      const wrong = join(dir, 'wrong.csv');
      writeFileSync(wrong, 'a,b\n1,2\n');
      const check = await validateTaskFile(wrong);
      assert.equal(check.format, null);
      assert.equal(check.tasks, 0);
      assert.equal(check.diagnostics.length, 1);
    } finally {
      cleanup();
    }
  });
});

describe('files that are not text task files', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** The one-line message loadTaskSet and validateTaskFile both give for `bytes` named `name`. */
  async function refusal(name: string, bytes: Buffer): Promise<string> {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    let message = '';
    await assert.rejects(loadTaskSet(path), (err: unknown) => {
      assert.ok(err instanceof UserError);
      message = err.message;
      return true;
    });
    await assert.rejects(validateTaskFile(path), { name: 'UserError', message });
    assert.ok(!message.includes('\n'), `more than one line: ${message}`);
    assert.ok(message.startsWith(`${path} is `), message);
    return message;
  }

  it('names the real Parquet file of MATH and says how to convert it', async () => {
    const path = join(SHARED_DATA, 'math', 'test.parquet');
    const expected =
      `${path} is a Parquet file, which Gap Lens does not read: convert it to JSON Lines first, e.g. in Python: ` +
      `pandas.read_parquet(${JSON.stringify(path)}).to_json(${JSON.stringify(join(SHARED_DATA, 'math', 'test.jsonl'))}, orient="records", lines=True)`;
    await assert.rejects(loadTaskSet(path), { name: 'UserError', message: expected });
    await assert.rejects(validateTaskFile(path), { name: 'UserError', message: expected });
  });

  it('recognises compressed files, archives, spreadsheets, Arrow, SQLite, UTF-16 and other binaries', async () => {
    const jsonl = Buffer.from(`${line('a')}\n`);
    assert.match(await refusal('t.jsonl.gz', gzipSync(jsonl)), /is gzip-compressed: decompress it first \(gunzip -k t\.jsonl\.gz\)/);
    assert.match(await refusal('t.xlsx', Buffer.from('PK\x03\x04rest-of-a-workbook', 'latin1')), /is an Excel workbook, .*pandas\.read_excel\(".*t\.xlsx"\)\.to_json\(".*t\.jsonl"/);
    assert.match(await refusal('t.zip', Buffer.from('PK\x03\x04rest', 'latin1')), /is a ZIP archive: unpack it/);
    assert.match(await refusal('t.feather', Buffer.from('ARROW1\0\0rest', 'latin1')), /is an Arrow\/Feather file, .*pandas\.read_feather/);
    assert.match(await refusal('t.arrow', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0])), /is an Arrow stream, .*pyarrow\.ipc\.open_stream/);
    assert.match(await refusal('t.db', Buffer.from('SQLite format 3\0rest', 'latin1')), /is an SQLite database, .*pandas\.read_sql/);
    assert.match(await refusal('t.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line('a'), 'utf16le')])), /is UTF-16 text: save it as UTF-8/);
    assert.match(await refusal('t.npy', Buffer.from('\x93NUMPY\x01\x00v\x00', 'latin1')), /is not a text file \(it has NUL bytes\)/);
  });

  it('still reads text that merely starts like a signature', async () => {
    const path = join(dir, 'pk.jsonl');
    writeFileSync(path, `${JSON.stringify({ id: 'PK', question: 'q', answer: '1' })}\n`);
    assert.equal((await loadTaskSet(path)).tasks.length, 1);
    const csv = join(dir, 'bom.csv');
    writeFileSync(csv, '\uFEFFPuzzle,Solution\n3102200002100320,3142243142131324\n');
    assert.equal((await loadTaskSet(csv)).tasks.length, 1);
  });
});
