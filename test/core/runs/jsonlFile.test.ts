import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endsWithNewline, LineReader, readLines, repairTail, type JsonlLine } from '../../../src/core/runs/jsonlFile';
import { tempDir } from '../../helpers/cli';

async function linesOf(file: string): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const line of readLines(file)) out.push(line);
  return out;
}

describe('runs/jsonlFile', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('LineReader reads the line at each offset readLines gives, in order or not, lines longer than its buffer included', async () => {
    const file = join(dir, 'big.jsonl');
    const long = 'a' + 'é'.repeat(100_000);
    writeFileSync(file, `\uFEFF{"x":1}\n${long}\n\n{"y":2}\n${'b'.repeat(200_000)}\n${long}x`);
    const lines = await linesOf(file);
    const reader = await LineReader.open(file);
    try {
      for (const l of [...lines, ...[...lines].reverse()]) assert.equal(await reader.lineAt(l.offset), l.text, `the line at byte ${l.offset}`);
    } finally {
      await reader.close();
    }
  });

  it('readLines splits lines across read chunks, decoding multi-byte characters split between chunks', async () => {
    const file = join(dir, 'big.jsonl');
    // 'é' is 2 bytes and the read chunk is 64 KiB: an odd prefix puts a character across a boundary.
    const long = 'a' + 'é'.repeat(100_000);
    writeFileSync(file, `\uFEFF{"x":1}\n${long}\n\n${long}x`);
    const lines = await linesOf(file);
    assert.deepEqual(lines.map((l) => [l.line, l.text.length, l.terminated]), [
      [1, 7, true],
      [2, long.length, true],
      [3, 0, true],
      [4, long.length + 1, false],
    ]);
    assert.equal(lines[0]?.text, '{"x":1}', 'a leading BOM is dropped');
    assert.equal(lines[1]?.text, long);
    assert.equal(lines[3]?.text, long + 'x');
    const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
    const second = bytes('\uFEFF{"x":1}\n');
    assert.deepEqual(
      lines.map((l) => l.offset),
      [0, second, second + bytes(`${long}\n`), second + bytes(`${long}\n\n`)],
      'offsets count bytes (a BOM and multi-byte characters included), across read chunks',
    );
  });

  it('repairTail leaves a clean file alone, completes a whole last line, and cuts a torn one', async () => {
    const file = join(dir, 'f.jsonl');
    writeFileSync(file, '');
    assert.equal(await repairTail(file), 'clean');
    writeFileSync(file, '{"a":1}\n');
    assert.equal(await repairTail(file), 'clean');
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}\n');

    writeFileSync(file, '{"a":1}\n{"b":2}');
    assert.equal(await repairTail(file), 'newline-added');
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}\n{"b":2}\n');

    // A torn line longer than the backwards scan chunk, after a line with multi-byte text.
    writeFileSync(file, `{"a":"ü"}\n{"b":"${'x'.repeat(200_000)}`);
    assert.equal(await repairTail(file), 'truncated');
    assert.equal(readFileSync(file, 'utf8'), '{"a":"ü"}\n');

    writeFileSync(file, '{"only":');
    assert.equal(await repairTail(file), 'truncated');
    assert.equal(readFileSync(file, 'utf8'), '');
  });

  it('endsWithNewline', async () => {
    const file = join(dir, 'g.jsonl');
    writeFileSync(file, '');
    assert.equal(await endsWithNewline(file), true);
    writeFileSync(file, '{}\n');
    assert.equal(await endsWithNewline(file), true);
    writeFileSync(file, '{}\n{');
    assert.equal(await endsWithNewline(file), false);
  });
});
