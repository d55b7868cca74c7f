import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTaskText } from '../../src/core/tasks/parseTaskText';
import { documentLines, rangeOf } from '../../src/server/diagnostics';
import { runCli, tempDir } from '../helpers/cli';

describe('gaplens tasks validate', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  function write(name: string, content: string | Buffer): string {
    const path = join(tmp.dir, name);
    writeFileSync(path, content);
    return path;
  }

  /** What `gaplens run` says about a task file it cannot use (it stops before any model call). */
  async function runRefusal(file: string): Promise<string> {
    const res = await runCli(['run', '--tasks', file, '--model', 'openai:m@http://127.0.0.1:9/v1', '--out', join(tmp.dir, 'never')]);
    assert.equal(res.code, 1, res.stderr);
    return res.stderr;
  }

  it('prints the format it read the file as and the task count', async () => {
    const gsm = write('gsm.jsonl', [{ question: 'How many?', answer: 'Two and two.\n#### 4' }, { question: 'And now?', answer: '#### 1,000' }].map((r) => JSON.stringify(r)).join('\n'));
    const res = await runCli(['tasks', 'validate', gsm]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `${gsm}: GSM8K JSON Lines, 2 tasks, 0 errors, 0 warnings\n`);
    const csv = write('s.csv', 'Puzzle,Solution\n3102200002100320,3142243142131324\n');
    assert.equal((await runCli(['tasks', 'validate', csv])).stdout, `${csv}: 4x4 Sudoku CSV, 1 task, 0 errors, 0 warnings\n`);
    const own = write('own.jsonl', `${JSON.stringify({ id: 'a', question: 'q', answer: '1', note: 1 })}\n`);
    const warned = await runCli(['tasks', 'validate', own]);
    assert.equal(warned.code, 0);
    assert.match(warned.stdout, /own\.jsonl:1:39: warning: unknown field "note".*\n.*own\.jsonl: Gap Lens task JSON Lines, 1 task, 0 errors, 1 warning\n$/);
  });

  it('places each problem at file:line:column, the column where the editor\'s diagnostic starts', async () => {
    const lines = [
      '{"id":"a","question":"What is 2 + 3?","answer":"5","grader":"numerik"}',
      '{"id":"b","question":"q", "answer":}',
      '  {"id":"c","question":"q","answr":"1"}',
    ];
    const text = `${lines.join('\n')}\n`;
    const file = write('columns.tasks.jsonl', text);
    const res = await runCli(['tasks', 'validate', file]);
    assert.equal(res.code, 1);
    const located = res.stdout.trimEnd().split('\n').slice(0, -1).map((l) => /^(.*):(\d+):(\d+): (error|warning): /.exec(l)?.slice(1, 4));
    // The grader's value, the '}' where a value should be, the misspelled field's name; a missing
    // field has no place on the line but the line itself: column 1.
    for (const [line, column] of [[1, lines[0]?.indexOf('"numerik"')], [2, lines[1]?.indexOf('}')], [3, lines[2]?.indexOf('"answr"')], [3, 0]]) {
      assert.ok(located.some((l) => l?.[0] === file && l[1] === String(line) && l[2] === String((column as number) + 1)), `no problem at ${line}:${(column as number) + 1}:\n${res.stdout}`);
    }
    // The same columns as the language server's diagnostics (0-based characters there).
    const parsed = parseTaskText(text, file);
    const server = parsed.diagnostics.map((d) => [file, String(d.line), String(rangeOf(d, documentLines(text)).start.character + 1)]);
    assert.deepEqual(located, server);
  });

  it('fails on an empty file with the message run gives', async () => {
    for (const text of ['', '\n\n  \n']) {
      const empty = write('empty.jsonl', text);
      const res = await runCli(['tasks', 'validate', empty]);
      assert.equal(res.code, 1);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr, `gaplens: ${empty} holds no tasks (it is empty or has only blank lines)\n`);
      assert.equal(await runRefusal(empty), res.stderr);
    }
  });

  it('says in one line what a Parquet file is and how to convert it, as run does', async () => {
    const parquet = write('test.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(2000, 7), Buffer.from('PAR1')]));
    const res = await runCli(['tasks', 'validate', parquet]);
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr.split('\n').length, 2, res.stderr);
    assert.match(res.stderr, /^gaplens: .*test\.parquet is a Parquet file, which Gap Lens does not read: convert it to JSON Lines first, e\.g\. in Python: pandas\.read_parquet\(.*\)\.to_json\(.*test\.jsonl", orient="records", lines=True\)\n$/);
    assert.equal(await runRefusal(parquet), res.stderr);
  });

  it('lists the first 50 problems of a wrong file, then how many more, then the totals', async () => {
    const wrong = write('wrong.jsonl', Array.from({ length: 14056 }, (_, i) => `row ${i}`).join('\n'));
    const res = await runCli(['tasks', 'validate', wrong]);
    assert.equal(res.code, 1);
    const lines = res.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 52);
    assert.ok(lines.slice(0, 50).every((l, i) => l.startsWith(`${wrong}:${i + 1}:1: error: invalid JSON`)), lines[0]);
    assert.equal(lines[50], '… and 14006 more');
    assert.equal(lines[51], `${wrong}: not readable as any task format, 0 tasks, 14056 errors, 0 warnings`);
  });

  it('takes exactly one file; tasks list takes nothing', async () => {
    assert.equal((await runCli(['tasks', 'validate'])).code, 2);
    assert.equal((await runCli(['tasks', 'list', 'extra'])).code, 2);
    const list = await runCli(['tasks', 'list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^builtin:sudoku4x4 /m);
  });
});
